#ifndef SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_
#define SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_

#include <atomic>

#include "common/clock.h"
#include "openapi/openapi_settings.h"
#include "http/http_client.h"
#include "openapi/token_source.h"

namespace signet {

// Issues OpenAPI v5 tokens (seed 002) through an HttpClient and converts the
// zone-less expire_time into an instant on the gateway's clock: with the
// answer's Date header the lifetime is expire_time - Date (upstream clock on
// both sides), otherwise expire_time is read in the profile's zone. The
// lifetime is clamped to max_ttl; an expire_time already past is taken as a
// wrong zone setting, warned about once, and replaced by max_ttl.
class OpenApiTokenSource final : public TokenSource {
 public:
  // `settings`, `http` and `clock` must outlive this object.
  OpenApiTokenSource(const OpenApiSettings* settings, HttpClient* http,
                     const Clock* clock)
      : settings_(*settings), http_(*http), clock_(*clock) {}

  void Fetch(TokenCallback on_done) override;

 private:
  absl::StatusOr<Token> ReadAnswer(const absl::StatusOr<HttpResponse>& response,
                                   absl::Time request_start);

  const OpenApiSettings& settings_;
  HttpClient& http_;
  const Clock& clock_;
  std::atomic<bool> warned_past_expiry_{false};
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_
