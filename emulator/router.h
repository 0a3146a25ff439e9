#ifndef SIGNET_EMULATOR_ROUTER_H_
#define SIGNET_EMULATOR_ROUTER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "emulator/emulator_options.h"
#include "emulator/emulator_state.h"
#include "emulator/held_connections.h"
#include "emulator/http_message.h"

namespace signet::emulator {

inline constexpr absl::string_view kTokenPath = "/api/v5/authentication/token";
inline constexpr absl::string_view kVerifyPath =
    "/api/v5/authentication/verify";
inline constexpr absl::string_view kInnopaasPrefix = "/innopaas/";
inline constexpr absl::string_view kLicensesPath = "/licenses/keys";

// Control paths (/__*, /healthz) are not upstream traffic and are never
// counted: nullopt. Every other path maps to a Route.
absl::optional<Route> ClassifyPath(absl::string_view path);

// Takes every request from the server through the same steps: count it,
// apply the injected fault, run the route's handler (or answer 404/405),
// add the Date header, log one line.
class Router {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;
  enum class Match { kExact, kPrefix };

  // `state` must outlive the router.
  explicit Router(EmulatorState& state) : state_(state) {}

  // Routes `methods` on `path` (matched against the decoded path) to
  // `handler`; HEAD goes to GET handlers. With `faulted`, the fault set for
  // that route applies first. The first route added that matches wins.
  void Add(std::vector<std::string> methods, std::string path, Match match,
           Handler handler, absl::optional<Route> faulted = absl::nullopt);

  // An EmulatorServer RequestHandler.
  absl::optional<Hold> Handle(const HttpRequest& req, HttpResponse& res) const;

 private:
  struct Entry {
    std::vector<std::string> methods;
    std::string path;
    Match match;
    Handler handler;
    absl::optional<Route> faulted;
  };

  const Entry* Find(absl::string_view method, absl::string_view path) const;
  void NotFound(const HttpRequest& req, HttpResponse& res) const;
  void Finish(const HttpRequest& req, HttpResponse& res) const;

  EmulatorState& state_;
  std::vector<Entry> entries_;
};

// Route registration, one function per upstream contract. `state` and
// `options` must outlive `router`.

// OpenAPI v5 token and verify (seed 002).
void RegisterOpenApiRoutes(Router& router, EmulatorState& state,
                           const OpenApiOptions& options);

// InnoPaaS header check and echo (seeds 000/001).
void RegisterInnopaasRoutes(Router& router, EmulatorState& state,
                            const InnopaasOptions& options);

// APSDAI license keys (seed 003).
void RegisterLicenseRoutes(Router& router, EmulatorState& state,
                           const LicenseOptions& options);

// /__stats, /__last/licenses, /__revoke, /__faults, /__config, /__reset,
// /healthz.
void RegisterControlRoutes(Router& router, EmulatorState& state);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_ROUTER_H_
