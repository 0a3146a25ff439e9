#ifndef SIGNET_OPENAPI_TOKEN_H_
#define SIGNET_OPENAPI_TOKEN_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "secrets/secret.h"

namespace signet {

// An upstream access token and when it stops being usable, on the gateway's
// own clock (the source has already converted and clamped the upstream's
// expire_time).
struct Token {
  Secret value;
  absl::Time expires_at;
};

using TokenCallback = absl::AnyInvocable<void(absl::StatusOr<Token>) &&>;

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_H_
