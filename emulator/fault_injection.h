#ifndef SIGNET_EMULATOR_FAULT_INJECTION_H_
#define SIGNET_EMULATOR_FAULT_INJECTION_H_

#include "emulator/emulator_state.h"
#include "emulator/route_kind.h"
#include "httplib.h"

namespace signet::emulator {

// Wraps an upstream handler so the fault set through /__faults applies
// before any of the route's own checks, as an unhealthy upstream fails
// before it looks at the request.
//   slow      wait delay_ms, then answer normally
//   error     `status` with {"code":500,"msg":"injected fault"}
//   malformed 200 with a truncated JSON body
//   drop      headers promising more body than is sent, then close
//   hang      wait until the fault is replaced or cleared, the emulator
//             stops, or kMaxHang passes; then answer normally
httplib::Server::Handler WithFaults(EmulatorState& state, Route route,
                                    httplib::Server::Handler handler);

inline constexpr absl::Duration kMaxHang = absl::Seconds(60);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_FAULT_INJECTION_H_
