#include "auth/caller_authorizer.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/caller_text.h"

namespace signet {
namespace {

constexpr absl::string_view kBearer = "Bearer ";

bool Covers(const std::vector<std::string>& names, absl::string_view name) {
  return std::any_of(names.begin(), names.end(), [name](const std::string& n) {
    return n == "*" || n == name;
  });
}

bool Allows(const CallerSettings& caller, absl::string_view rpc,
            absl::string_view profile) {
  return std::any_of(
      caller.grants.begin(), caller.grants.end(),
      [rpc, profile](const GrantSettings& grant) {
        return Covers(grant.rpcs, rpc) &&
               (grant.profiles.empty() || Covers(grant.profiles, profile));
      });
}

}  // namespace

absl::StatusOr<std::string> CallerAuthorizer::Authorize(
    std::optional<absl::string_view> authorization, absl::string_view rpc,
    absl::string_view profile) const {
  if (!enabled()) return std::string();
  if (!authorization.has_value() ||
      !absl::StartsWithIgnoreCase(*authorization, kBearer)) {
    return absl::UnauthenticatedError(
        "this gateway requires caller credentials: send metadata "
        "\"authorization: Bearer <credential>\"");
  }
  const absl::string_view credential = authorization->substr(kBearer.size());
  const CallerSettings* match = nullptr;
  for (const auto& [name, caller] : callers_) {
    // No early exit: every credential is compared every time.
    if (caller.credential.Equals(credential)) match = &caller;
  }
  if (match == nullptr) {
    return absl::UnauthenticatedError("unknown caller credential");
  }
  if (profile.empty()) profile = kDefaultProfile;
  if (!Allows(*match, rpc, profile)) {
    return absl::PermissionDeniedError(
        absl::StrCat("caller \"", match->name, "\" may not call ", rpc,
                     " on profile \"", CallerText(profile), "\""));
  }
  return match->name;
}

}  // namespace signet
