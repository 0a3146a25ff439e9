#ifndef SIGNET_EMULATOR_FAULT_INJECTION_H_
#define SIGNET_EMULATOR_FAULT_INJECTION_H_

#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "emulator/emulator_state.h"
#include "emulator/held_connections.h"
#include "emulator/http_message.h"

namespace signet::emulator {

// What the fault set through /__faults does to one request on `route`. It
// applies before any of the route's own checks, as an unhealthy upstream
// fails before it looks at the request.
//   slow      held for delay_ms, then answered normally
//   error     `status` with {"code":500,"msg":"injected fault"}
//   malformed 200 with a truncated JSON body
//   drop      headers promising more body than is sent, then close
//   hang      held until the fault is replaced or cleared, the emulator
//             stops, or kMaxHang passes; then answered normally
struct FaultEffect {
  // The fault wrote the whole response.
  bool answered = false;
  // Hold the request, then answer it normally.
  absl::optional<Hold> hold;
};
FaultEffect ApplyFault(EmulatorState& state, Route route, HttpResponse& res);

inline constexpr absl::Duration kMaxHang = absl::Seconds(60);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_FAULT_INJECTION_H_
