#ifndef SIGNET_EMULATOR_ROUTES_H_
#define SIGNET_EMULATOR_ROUTES_H_

#include "emulator/emulator_options.h"
#include "emulator/emulator_state.h"
#include "httplib.h"

// Route registration, one function per upstream contract. `state` and
// `options` must outlive `server`. httplib dispatches to the first pattern
// that matches, so RegisterFallbackRoutes goes last.
namespace signet::emulator {

// OpenAPI v5 token and verify (seed 002).
void RegisterOpenApiRoutes(httplib::Server& server, EmulatorState& state,
                           const OpenApiOptions& options);

// InnoPaaS header check and echo (seeds 000/001).
void RegisterInnopaasRoutes(httplib::Server& server, EmulatorState& state,
                            const InnopaasOptions& options);

// APSDAI license keys (seed 003).
void RegisterLicenseRoutes(httplib::Server& server, EmulatorState& state,
                           const LicenseOptions& options);

// /__stats, /__revoke, /__faults, /__config, /__reset, /healthz.
void RegisterControlRoutes(httplib::Server& server, EmulatorState& state);

// Request accounting (pre-routing), the Date header (post-routing), the
// per-request log line, and 404/405 answers for everything unmatched.
void RegisterFallbackRoutes(httplib::Server& server, EmulatorState& state);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_ROUTES_H_
