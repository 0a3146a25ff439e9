#include "openapi/openapi_settings.h"

namespace signet {

bool operator==(const OpenApiSettings& a, const OpenApiSettings& b) {
  // The zone is compared by name: absl::TimeZone has no equality of its own.
  return a.name == b.name && a.base_url.text == b.base_url.text &&
         a.app_id == b.app_id && a.app_secret.Equals(b.app_secret.Reveal()) &&
         a.expire_time_zone_name == b.expire_time_zone_name &&
         a.max_ttl == b.max_ttl && a.refresh_before == b.refresh_before &&
         a.token_timeout == b.token_timeout &&
         a.min_refresh_interval == b.min_refresh_interval &&
         a.app_id_field == b.app_id_field &&
         a.token_invalid_codes == b.token_invalid_codes &&
         a.prewarm == b.prewarm && a.upstream == b.upstream;
}

}  // namespace signet
