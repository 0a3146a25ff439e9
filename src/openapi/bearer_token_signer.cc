#include "openapi/bearer_token_signer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

constexpr absl::string_view kBearerPrefix = "Bearer ";

}  // namespace

absl::Span<const absl::string_view> BearerTokenSigner::ReservedHeaders() const {
  return kReservedHeaders;
}

void BearerTokenSigner::Sign(HttpRequest request, SignCallback done) {
  // The completion holds a copy of the app id rather than `this`, so the
  // signer need not outlive a token fetch it started.
  cache_->Get(
      [app_id = app_id_, request = std::move(request), done = std::move(done)](
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

bool BearerTokenSigner::IsTokenRejection(
    const HttpResponse& answer,
    const std::vector<int64_t>& token_invalid_codes) {
  if (answer.status == 401) return true;
  if (token_invalid_codes.empty()) return false;
  const nlohmann::json body =
      nlohmann::json::parse(answer.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return false;
  const auto code = body.find("code");
  if (code == body.end() || !code->is_number_integer()) return false;
  return std::find(token_invalid_codes.begin(), token_invalid_codes.end(),
                   code->get<int64_t>()) != token_invalid_codes.end();
}

bool BearerTokenSigner::DiscardRejected(const HttpRequest& signed_request,
                                        const HttpResponse& answer) {
  if (!IsTokenRejection(answer, token_invalid_codes_)) return false;
  const std::optional<absl::string_view> authorization =
      FindHeader(signed_request.headers, "Authorization");
  if (!authorization.has_value() ||
      !absl::StartsWith(*authorization, kBearerPrefix)) {
    return false;
  }
  // A suppressed rejection keeps the token: signing again would send the
  // same one, so the upstream's refusal is the answer.
  return cache_->Reject(authorization->substr(kBearerPrefix.size())) !=
         TokenCache::Rejection::kSuppressed;
}

}  // namespace signet
