#include "openapi/bearer_token_signer.h"

#include <openssl/crypto.h>

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

constexpr absl::string_view kReserved[] = {"Authorization", "X-APP-ID"};
constexpr absl::string_view kBearerPrefix = "Bearer ";

}  // namespace

absl::Span<const absl::string_view> BearerTokenSigner::ReservedHeaders()
    const {
  return kReserved;
}

void BearerTokenSigner::Sign(HttpRequest request, SignCallback done) {
  // The completion holds a copy of the app id rather than `this`, so the
  // signer need not outlive a token fetch it started.
  cache_.Get([app_id = app_id_, request = std::move(request),
              done = std::move(done)](
                 absl::StatusOr<TokenCache::Result> token) mutable {
    if (!token.ok()) {
      std::move(done)(token.status());
      return;
    }
    std::string authorization =
        absl::StrCat(kBearerPrefix, token->token.value.Reveal());
    SetHeader(&request.headers, "Authorization", authorization);
    OPENSSL_cleanse(authorization.data(), authorization.size());
    SetHeader(&request.headers, "X-APP-ID", app_id);
    std::move(done)(std::move(request));
  });
}

bool BearerTokenSigner::DiscardRejected(const HttpRequest& signed_request) {
  const std::optional<absl::string_view> authorization =
      FindHeader(signed_request.headers, "Authorization");
  if (!authorization.has_value() ||
      !absl::StartsWith(*authorization, kBearerPrefix)) {
    return false;
  }
  // A suppressed rejection keeps the token: signing again would send the
  // same one, so the upstream's refusal is the answer.
  return cache_.Reject(authorization->substr(kBearerPrefix.size())) !=
         TokenCache::Rejection::kSuppressed;
}

}  // namespace signet
