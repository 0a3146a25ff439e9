#include "emulator/route_kind.h"

#include "absl/strings/match.h"

namespace signet::emulator {

absl::string_view RouteName(Route route) {
  switch (route) {
    case Route::kToken:
      return "token";
    case Route::kVerify:
      return "verify";
    case Route::kInnopaas:
      return "innopaas";
    case Route::kLicenses:
      return "licenses";
    case Route::kOther:
      return "other";
  }
  return "other";
}

absl::optional<Route> ParseRouteName(absl::string_view name) {
  for (const Route route : kAllRoutes) {
    if (RouteName(route) == name) return route;
  }
  return absl::nullopt;
}

absl::optional<Route> ClassifyPath(absl::string_view path) {
  if (absl::StartsWith(path, "/__") || path == "/healthz") {
    return absl::nullopt;
  }
  if (path == kTokenPath) return Route::kToken;
  if (path == kVerifyPath) return Route::kVerify;
  if (absl::StartsWith(path, kInnopaasPrefix)) return Route::kInnopaas;
  if (path == kLicensesPath) return Route::kLicenses;
  return Route::kOther;
}

}  // namespace signet::emulator
