#include "emulator/fault_injection.h"

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/clock.h"

namespace signet::emulator {
namespace {

// A JSON body cut off mid-string.
constexpr absl::string_view kTruncatedJson = R"({"code":0,"msg":"succ)";
// What a dropped response promises in Content-Length; fewer bytes follow.
constexpr size_t kDroppedDeclaredLength = 4096;

}  // namespace

FaultEffect ApplyFault(EmulatorState& state, Route route, HttpResponse& res) {
  FaultEffect effect;
  const absl::optional<TakenFault> taken = state.TakeFault(route);
  if (!taken.has_value()) return effect;
  const Fault& fault = taken->fault;
  switch (fault.mode) {
    case FaultMode::kNone:
      break;
    case FaultMode::kSlow:
      effect.hold = Hold{absl::Now() + fault.delay,
                         [&state] { return state.Stopping(); }};
      break;
    case FaultMode::kHang:
      effect.hold = Hold{absl::Now() + kMaxHang,
                         [&state, generation = taken->generation] {
                           return state.FaultChangedSince(generation);
                         }};
      break;
    case FaultMode::kError:
      ReplyJson(res, fault.status, {{"code", 500}, {"msg", "injected fault"}});
      effect.answered = true;
      break;
    case FaultMode::kMalformed:
      res.status = 200;
      res.SetContent(std::string(kTruncatedJson), "application/json");
      effect.answered = true;
      break;
    case FaultMode::kDrop:
      res.status = 200;
      res.SetContent(std::string(kTruncatedJson), "application/json");
      res.declared_length = kDroppedDeclaredLength;
      effect.answered = true;
      break;
  }
  return effect;
}

}  // namespace signet::emulator
