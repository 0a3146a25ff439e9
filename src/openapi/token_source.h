#ifndef SIGNET_OPENAPI_TOKEN_SOURCE_H_
#define SIGNET_OPENAPI_TOKEN_SOURCE_H_

#include "openapi/token.h"

namespace signet {

// Obtains a new token from an upstream. Asynchronous: Fetch returns at once
// and `on_done` runs exactly once, on a transport thread. Errors:
//   UNAVAILABLE          transport failure, 5xx, malformed answer
//   DEADLINE_EXCEEDED    the token request timed out
//   FAILED_PRECONDITION  the upstream refused in a documented way (code != 0)
// Messages carry the upstream's msg, never a secret, signature or token.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  virtual void Fetch(TokenCallback on_done) = 0;
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_SOURCE_H_
