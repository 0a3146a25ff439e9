#ifndef SIGNET_OPENAPI_EXPIRE_TIME_H_
#define SIGNET_OPENAPI_EXPIRE_TIME_H_

#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signet {

// Parses the OpenAPI expire_time (seed 002), "2023-11-10T18:43:23.232093":
// ISO 8601 with optional fraction and no zone, read in `zone`. A 'T' or a
// space may separate date and time. Should the upstream ever add a zone
// ("Z" or "+08:00"), that zone wins over `zone`.
absl::StatusOr<absl::Time> ParseExpireTime(absl::string_view text,
                                           const absl::TimeZone& zone);

// Parses an HTTP Date header in IMF-fixdate form (RFC 9110 section 5.6.7),
// "Sun, 06 Nov 1994 08:49:37 GMT". The obsolete forms are not accepted.
std::optional<absl::Time> ParseHttpDate(absl::string_view text);

// How long a freshly issued token may be used, and whether the answer looked
// wrong.
struct TokenLifetime {
  absl::Duration lifetime;
  // expire_time lay at or before the reference time: almost always a wrong
  // expire_time_zone. max_ttl was used instead.
  bool expire_time_in_past = false;
  // The lifetime was longer than max_ttl and was cut to it.
  bool clamped = false;
};

// The lifetime of a token answered with `expire_time`. With the answer's
// Date header, lifetime = expire_time - Date: both come from the upstream's
// clock, so the gateway's own clock skew does not matter. Without it,
// lifetime = expire_time - `local_now`. Either way the result is clamped to
// (0, max_ttl]; a non-positive lifetime becomes max_ttl.
TokenLifetime ComputeTokenLifetime(absl::Time expire_time,
                                   std::optional<absl::Time> upstream_date,
                                   absl::Time local_now,
                                   absl::Duration max_ttl);

}  // namespace signet

#endif  // SIGNET_OPENAPI_EXPIRE_TIME_H_
