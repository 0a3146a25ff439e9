#ifndef SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_
#define SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_

#include <string>

#include "upstream/signer.h"
#include "openapi/token_cache.h"

namespace signet {

// OpenAPI v5 (seed 002): authentication-required endpoints take
//   Authorization: Bearer <OPENAPI_TOKEN>
//   X-APP-ID: <app id>
// with the token from the profile's TokenCache (cached, single flight). A
// refused token is dropped from the cache so the retry gets a fresh one --
// unless the cache's rejection limit keeps it (TokenCache::Reject), when
// there is no retry.
class BearerTokenSigner final : public Signer {
 public:
  // `cache` must outlive the signer.
  BearerTokenSigner(TokenCache* cache, std::string app_id)
      : cache_(*cache), app_id_(std::move(app_id)) {}

  absl::Span<const absl::string_view> ReservedHeaders() const override;
  void Sign(HttpRequest request, SignCallback done) override;
  bool DiscardRejected(const HttpRequest& signed_request) override;

 private:
  TokenCache& cache_;
  const std::string app_id_;
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_
