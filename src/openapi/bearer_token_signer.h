#ifndef SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_
#define SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "openapi/token_cache.h"
#include "upstream/signer.h"

namespace signet {

// OpenAPI v5 (seed 002): authentication-required endpoints take
//   Authorization: Bearer <OPENAPI_TOKEN>
//   X-APP-ID: <app id>
// with the token from the profile's TokenCache (cached, single flight).
//
// A refused token -- HTTP 401, or a JSON body whose integer "code" is one
// of the profile's token_invalid_codes -- is dropped from the cache so the
// retry gets a fresh one, unless the cache's rejection limit keeps it
// (TokenCache::Reject), when there is no retry.
class BearerTokenSigner final : public Signer {
 public:
  // The headers it sets.
  static constexpr absl::string_view kReservedHeaders[] = {"Authorization",
                                                           "X-APP-ID"};

  BearerTokenSigner(std::shared_ptr<TokenCache> cache, std::string app_id,
                    std::vector<int64_t> token_invalid_codes = {})
      : cache_(std::move(cache)),
        app_id_(std::move(app_id)),
        token_invalid_codes_(std::move(token_invalid_codes)) {}

  absl::Span<const absl::string_view> ReservedHeaders() const override;
  void Sign(HttpRequest request, SignCallback done) override;
  bool DiscardRejected(const HttpRequest& signed_request,
                       const HttpResponse& answer) override;

  // Whether `answer` says the token it was sent with is no longer valid.
  static bool IsTokenRejection(const HttpResponse& answer,
                               const std::vector<int64_t>& token_invalid_codes);

 private:
  const std::shared_ptr<TokenCache> cache_;
  const std::string app_id_;
  const std::vector<int64_t> token_invalid_codes_;
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_BEARER_TOKEN_SIGNER_H_
