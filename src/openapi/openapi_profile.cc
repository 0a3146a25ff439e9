#include "openapi/openapi_profile.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "openapi/bearer_token_signer.h"
#include "openapi/expire_time.h"
#include "openapi/openapi_token_source.h"
#include "upstream/forward_request.h"
#include "upstream/signing_http_client.h"
#include "upstream/upstream_transport.h"

namespace signet {
std::shared_ptr<OpenApiProfile> OpenApiProfile::Create(OpenApiSettings settings,
                                                       const UpstreamEnv& env,
                                                       TokenObserver* tokens) {
  return std::shared_ptr<OpenApiProfile>(
      new OpenApiProfile(std::move(settings), env, tokens));
}

OpenApiProfile::OpenApiProfile(OpenApiSettings settings, const UpstreamEnv& env,
                               TokenObserver* tokens)
    : settings_(std::move(settings)) {
  UpstreamTransport transport =
      UpstreamTransport::Build(settings_.name, settings_.upstream, env);
  TokenCache::Options options;
  options.refresh_before = settings_.refresh_before;
  options.min_refresh_interval = settings_.min_refresh_interval;
  options.observer = tokens;
  options.profile = settings_.name;
  cache_ =
      std::make_shared<TokenCache>(std::make_shared<OpenApiTokenSource>(
                                       settings_, transport.token, env.clock),
                                   env.clock, env.random, std::move(options));
  unsigned_ = transport.forward;
  signed_ = std::make_shared<SigningHttpClient>(
      std::make_shared<BearerTokenSigner>(cache_, settings_.app_id,
                                          settings_.token_invalid_codes),
      std::move(transport.forward));
}

absl::Span<const absl::string_view> OpenApiProfile::ReservedHeaders() {
  return BearerTokenSigner::kReservedHeaders;
}

void OpenApiProfile::GetToken(bool force_refresh,
                              TokenCache::Callback on_done) {
  if (force_refresh) {
    cache_->ForceRefresh(std::move(on_done));
  } else {
    cache_->Get(std::move(on_done));
  }
}

bool OpenApiProfile::TokenMayWait(absl::Time now) const {
  const std::optional<absl::Time> expires_at = cache_->ExpiresAt();
  return !expires_at.has_value() || *expires_at <= now;
}

std::optional<absl::Time> OpenApiProfile::TokenExpiresAt() const {
  return cache_->ExpiresAt();
}

void OpenApiProfile::Verify(std::string token, absl::Time deadline,
                            std::string request_id, VerifyCallback on_done) {
  if (!token.empty()) {
    SendVerify(std::move(token), deadline, std::move(request_id),
               std::move(on_done));
    return;
  }
  cache_->Get([self = shared_from_this(), deadline,
               request_id = std::move(request_id),
               on_done = std::move(on_done)](
                  absl::StatusOr<TokenCache::Result> result) mutable {
    if (!result.ok()) {
      std::move(on_done)(result.status(), 0);
      return;
    }
    self->SendVerify(std::string(result->token.value.Reveal()), deadline,
                     std::move(request_id), std::move(on_done));
  });
}

void OpenApiProfile::SendVerify(std::string token, absl::Time deadline,
                                std::string request_id,
                                VerifyCallback on_done) {
  HttpRequest request = BuildVerifyRequest(settings_, token, deadline);
  OPENSSL_cleanse(token.data(), token.size());
  AddRequestId(request_id, &request);
  unsigned_->Send(
      std::move(request),
      [self = shared_from_this(), on_done = std::move(on_done)](
          absl::StatusOr<HttpResponse> answer) mutable {
        if (!answer.ok()) {
          std::move(on_done)(
              absl::Status(answer.status().code(),
                           absl::StrCat("verify request failed: ",
                                        answer.status().message())),
              0);
          return;
        }
        absl::StatusOr<VerifyAnswer> parsed = ParseVerifyAnswer(*answer);
        if (!parsed.ok()) {
          std::move(on_done)(parsed.status(), answer->status);
          return;
        }
        Verification verification{*std::move(parsed), std::nullopt};
        if (!verification.answer.time.empty()) {
          absl::StatusOr<absl::Time> time = ParseExpireTime(
              verification.answer.time, self->settings_.expire_time_zone);
          if (time.ok()) verification.time = *time;
        }
        std::move(on_done)(std::move(verification), answer->status);
      });
}

void OpenApiProfile::Forward(HttpRequest request, HttpCallback on_done) {
  signed_->Send(std::move(request), std::move(on_done));
}

}  // namespace signet
