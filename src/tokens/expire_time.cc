#include "tokens/expire_time.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace signet {

absl::StatusOr<absl::Time> ParseExpireTime(absl::string_view text,
                                           const absl::TimeZone& zone) {
  std::string normalized(absl::StripAsciiWhitespace(text));
  // absl::ParseTime also accepts the words "infinite-future" and
  // "infinite-past"; an upstream date always starts with its year.
  if (normalized.empty() || !absl::ascii_isdigit(normalized[0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("expire_time \"", text.substr(0, 64),
                     "\" is not an ISO 8601 date-time"));
  }
  // "2023-11-10 18:43:23" is as common as the 'T' form in the wild.
  if (normalized.size() > 10 && normalized[10] == ' ') normalized[10] = 'T';
  absl::Time time;
  std::string error;
  // %E*S takes seconds with any number of fraction digits, or none. The
  // zoned forms come first so that an explicit zone is never ignored.
  if (absl::ParseTime("%Y-%m-%dT%H:%M:%E*S%Ez", normalized, zone, &time,
                      &error) ||
      absl::ParseTime("%Y-%m-%dT%H:%M:%E*SZ", normalized, absl::UTCTimeZone(),
                      &time, &error) ||
      absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", normalized, zone, &time,
                      &error)) {
    return time;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("expire_time \"", text.substr(0, 64),
                   "\" is not an ISO 8601 date-time"));
}

std::optional<absl::Time> ParseHttpDate(absl::string_view text) {
  absl::Time time;
  std::string error;
  // absl::ParseTime also accepts "infinite-past" and "infinite-future",
  // whatever the format; as a Date, -inf would make every token live max_ttl.
  if (absl::ParseTime("%a, %d %b %Y %H:%M:%S GMT",
                      std::string(absl::StripAsciiWhitespace(text)),
                      absl::UTCTimeZone(), &time, &error) &&
      time != absl::InfinitePast() && time != absl::InfiniteFuture()) {
    return time;
  }
  return std::nullopt;
}

TokenLifetime ComputeTokenLifetime(absl::Time expire_time,
                                   std::optional<absl::Time> upstream_date,
                                   absl::Time local_now,
                                   absl::Duration max_ttl) {
  TokenLifetime result;
  result.lifetime = expire_time - upstream_date.value_or(local_now);
  if (result.lifetime <= absl::ZeroDuration()) {
    result.expire_time_in_past = true;
    result.lifetime = max_ttl;
  } else if (result.lifetime > max_ttl) {
    result.clamped = true;
    result.lifetime = max_ttl;
  }
  return result;
}

}  // namespace signet
