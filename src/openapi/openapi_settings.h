#ifndef SIGNET_OPENAPI_OPENAPI_SETTINGS_H_
#define SIGNET_OPENAPI_OPENAPI_SETTINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "http/base_url.h"
#include "secrets/secret.h"
#include "upstream/upstream_settings.h"

namespace signet {

struct OpenApiSettings {
  std::string name;
  BaseUrl base_url;
  std::string app_id;
  Secret app_secret;
  absl::TimeZone expire_time_zone;
  std::string expire_time_zone_name;
  absl::Duration max_ttl = absl::Hours(2);
  absl::Duration refresh_before = absl::Minutes(5);
  absl::Duration token_timeout = absl::Seconds(10);
  // At most one refresh caused by a rejected token per this interval.
  absl::Duration min_refresh_interval = absl::Seconds(30);
  std::string app_id_field = "app_id";
  // Body codes meaning "token no longer valid", besides HTTP 401.
  std::vector<int64_t> token_invalid_codes;
  // Fetched at start-up and part of readiness.
  bool prewarm = true;
  UpstreamSettings upstream;

  // Every field: a reload keeps a profile (and its cached token) only when
  // nothing that shapes its token or calls changed.
  friend bool operator==(const OpenApiSettings& a, const OpenApiSettings& b);
  friend bool operator!=(const OpenApiSettings& a, const OpenApiSettings& b) {
    return !(a == b);
  }
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_OPENAPI_SETTINGS_H_
