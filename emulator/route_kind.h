#ifndef SIGNET_EMULATOR_ROUTE_KIND_H_
#define SIGNET_EMULATOR_ROUTE_KIND_H_

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"

namespace signet::emulator {

// The upstream contract a request path belongs to; the unit of /__stats
// counters and of /__faults targeting.
enum class Route { kToken, kVerify, kInnopaas, kLicenses, kOther };

inline constexpr Route kAllRoutes[] = {Route::kToken, Route::kVerify,
                                       Route::kInnopaas, Route::kLicenses,
                                       Route::kOther};

inline constexpr absl::string_view kTokenPath = "/api/v5/authentication/token";
inline constexpr absl::string_view kVerifyPath =
    "/api/v5/authentication/verify";
inline constexpr absl::string_view kInnopaasPrefix = "/innopaas/";
inline constexpr absl::string_view kLicensesPath = "/licenses/keys";

// "token", "verify", "innopaas", "licenses", "other": the JSON keys of
// /__stats and the route names of /__faults.
absl::string_view RouteName(Route route);

// Parses a RouteName(); nullopt for anything else.
absl::optional<Route> ParseRouteName(absl::string_view name);

// Control paths (/__*, /healthz) are not upstream traffic and are never
// counted: nullopt. Every other path maps to a Route.
absl::optional<Route> ClassifyPath(absl::string_view path);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_ROUTE_KIND_H_
