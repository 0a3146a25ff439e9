#ifndef SIGNET_AUTH_CALLER_AUTHORIZER_H_
#define SIGNET_AUTH_CALLER_AUTHORIZER_H_

#include <map>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "config/settings.h"

namespace signet {

// Decides whether a Gateway call may proceed, from the `callers` config.
// With no callers configured everything is allowed (the listener being
// pod-local is then the only boundary). Otherwise the call must carry
// `authorization: Bearer <credential>` naming a configured caller, and one
// of that caller's grants must cover the RPC and the profile.
//
// The credential is compared with every caller's, each in constant time
// (Secret::Equals) and without stopping at a match, so timing tells
// neither which caller nor how much of a credential was right. Errors
// never contain the presented credential.
class CallerAuthorizer {
 public:
  // `callers` must outlive the authorizer.
  explicit CallerAuthorizer(
      const std::map<std::string, CallerSettings>* callers)
      : callers_(*callers) {}

  bool enabled() const { return !callers_.empty(); }

  // `authorization` is the call's authorization metadata, if any; an empty
  // `profile` means "default". Returns the caller's name ("" when
  // authorization is off), UNAUTHENTICATED for a missing or unknown
  // credential, PERMISSION_DENIED for a caller without a matching grant.
  absl::StatusOr<std::string> Authorize(
      std::optional<absl::string_view> authorization, absl::string_view rpc,
      absl::string_view profile) const;

 private:
  const std::map<std::string, CallerSettings>& callers_;
};

}  // namespace signet

#endif  // SIGNET_AUTH_CALLER_AUTHORIZER_H_
