#ifndef SIGNET_OPENAPI_TOKEN_OBSERVER_H_
#define SIGNET_OPENAPI_TOKEN_OBSERVER_H_

#include "absl/strings/string_view.h"

namespace signet {

// Where token cache activity is counted (the admin listener's metrics).
class TokenObserver {
 public:
  virtual ~TokenObserver() = default;
  // A Get answered from memory (hit) or one that waited for a fetch.
  virtual void TokenLookup(absl::string_view profile, bool hit) = 0;
  // A fetch upstream finished, successfully or not.
  virtual void TokenFetched(absl::string_view profile, bool ok) = 0;
  // An upstream refused a token signet had sent; `outcome` is what the
  // cache did about it: "refreshed", "stale" or "suppressed" (see
  // TokenCache::Reject).
  virtual void TokenRejected(absl::string_view profile,
                             absl::string_view outcome) = 0;
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_OBSERVER_H_
