#include "openapi/openapi_token_source.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "log/log.h"
#include "openapi/expire_time.h"
#include "openapi/token_request.h"

namespace signet {

void OpenApiTokenSource::Fetch(TokenCallback on_done) {
  const absl::Time start = clock_.Now();
  http_->Send(
      BuildTokenRequest(settings_, start, start + settings_.token_timeout),
      [self = shared_from_this(), start, on_done = std::move(on_done)](
          absl::StatusOr<HttpResponse> response) mutable {
        absl::StatusOr<Token> token = self->ReadAnswer(response, start);
        // The answer's body holds the token.
        if (response.ok() && !response->body.empty()) {
          OPENSSL_cleanse(response->body.data(), response->body.size());
        }
        std::move(on_done)(std::move(token));
      });
}

absl::StatusOr<Token> OpenApiTokenSource::ReadAnswer(
    const absl::StatusOr<HttpResponse>& response, absl::Time request_start) {
  if (!response.ok()) {
    return absl::Status(
        response.status().code(),
        absl::StrCat("token request failed: ", response.status().message()));
  }
  SIGNET_ASSIGN_OR_RETURN(TokenAnswer answer, ParseTokenAnswer(*response));
  auto expire_time =
      ParseExpireTime(answer.expire_time, settings_.expire_time_zone);
  if (!expire_time.ok()) {
    return absl::UnavailableError(
        absl::StrCat("malformed answer from upstream token endpoint: ",
                     expire_time.status().message()));
  }
  std::optional<absl::Time> upstream_date;
  if (auto date = FindHeader(response->headers, "Date"); date.has_value()) {
    upstream_date = ParseHttpDate(*date);
  }
  const TokenLifetime lifetime = ComputeTokenLifetime(
      *expire_time, upstream_date, request_start, settings_.max_ttl);
  if (lifetime.expire_time_in_past &&
      !warned_past_expiry_.exchange(true, std::memory_order_relaxed)) {
    LogWarning(
        "token expire_time lies in the past; using max_ttl. Is "
        "expire_time_zone right?",
        {{"profile", settings_.name},
         {"expire_time", answer.expire_time},
         {"expire_time_zone", settings_.expire_time_zone_name},
         {"max_ttl", absl::FormatDuration(settings_.max_ttl)}});
  }
  // Counted from when the request left, not when the answer came back: the
  // token cannot have been issued before we asked for it.
  return Token{std::move(answer.token), request_start + lifetime.lifetime};
}

}  // namespace signet
