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
  // The upstream rejected `token` (401 or a token_invalid_code) and the
  // cache dropped it; the next Fetch must not hand it out again. A source
  // that shares tokens with other replicas needs this; most ignore it.
  virtual void Rejected(const Secret& /*token*/) {}
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_SOURCE_H_
