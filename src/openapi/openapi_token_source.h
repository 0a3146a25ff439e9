#ifndef SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_
#define SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_

#include <atomic>
#include <memory>
#include <utility>

#include "common/clock.h"
#include "http/http_client.h"
#include "openapi/openapi_settings.h"
#include "openapi/token_source.h"

namespace signet {

// Issues OpenAPI v5 tokens (seed 002) through an HttpClient and converts the
// zone-less expire_time into an instant on the gateway's clock: with the
// answer's Date header the lifetime is expire_time - Date (upstream clock on
// both sides), otherwise expire_time is read in the profile's zone. The
// lifetime is clamped to max_ttl; an expire_time already past is taken as a
// wrong zone setting, warned about once, and replaced by max_ttl.
//
// A fetch in flight holds the source (and through it `http`).
class OpenApiTokenSource final
    : public TokenSource,
      public std::enable_shared_from_this<OpenApiTokenSource> {
 public:
  // `clock` is the process's and outlives every source.
  OpenApiTokenSource(OpenApiSettings settings, std::shared_ptr<HttpClient> http,
                     const Clock* clock)
      : settings_(std::move(settings)),
        http_(std::move(http)),
        clock_(*clock) {}

  void Fetch(TokenCallback on_done) override;

 private:
  absl::StatusOr<Token> ReadAnswer(const absl::StatusOr<HttpResponse>& response,
                                   absl::Time request_start);

  const OpenApiSettings settings_;
  const std::shared_ptr<HttpClient> http_;
  const Clock& clock_;
  std::atomic<bool> warned_past_expiry_{false};
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_OPENAPI_TOKEN_SOURCE_H_
