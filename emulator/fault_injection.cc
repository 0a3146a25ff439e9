#include "emulator/fault_injection.h"

#include <utility>

#include "absl/strings/string_view.h"
#include "emulator/json_reply.h"

namespace signet::emulator {
namespace {

// A JSON body cut off mid-string.
constexpr absl::string_view kTruncatedJson = R"({"code":0,"msg":"succ)";
// What a dropped response promises in Content-Length; fewer bytes follow.
constexpr size_t kDroppedDeclaredLength = 4096;

// Returns true when the fault wrote the whole response.
bool ApplyFault(EmulatorState& state, Route route, httplib::Response& res) {
  const absl::optional<TakenFault> taken = state.TakeFault(route);
  if (!taken.has_value()) return false;
  const Fault& fault = taken->fault;
  switch (fault.mode) {
    case FaultMode::kNone:
      return false;
    case FaultMode::kSlow:
      state.SleepUnlessStopped(fault.delay);
      return false;
    case FaultMode::kHang:
      state.AwaitFaultChange(taken->generation, kMaxHang);
      return false;
    case FaultMode::kError:
      ReplyJson(res, fault.status, {{"code", 500}, {"msg", "injected fault"}});
      return true;
    case FaultMode::kMalformed:
      res.status = 200;
      res.set_content(std::string(kTruncatedJson), "application/json");
      return true;
    case FaultMode::kDrop:
      res.status = 200;
      // httplib writes the headers with Content-Length, then calls the
      // provider; returning false after a partial write makes it close the
      // connection with the body short.
      res.set_content_provider(
          kDroppedDeclaredLength, "application/json",
          [](size_t offset, size_t /*length*/, httplib::DataSink& sink) {
            if (offset == 0) {
              sink.write(kTruncatedJson.data(), kTruncatedJson.size());
            }
            return false;
          });
      return true;
  }
  return false;
}

}  // namespace

httplib::Server::Handler WithFaults(EmulatorState& state, Route route,
                                    httplib::Server::Handler handler) {
  return [&state, route, handler = std::move(handler)](
             const httplib::Request& req, httplib::Response& res) {
    if (ApplyFault(state, route, res)) return;
    handler(req, res);
  };
}

}  // namespace signet::emulator
