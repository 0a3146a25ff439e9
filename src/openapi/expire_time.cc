#include "openapi/expire_time.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

// absl::ParseTime, refusing the words "infinite-past" and "infinite-future"
// that it accepts whatever the format: no upstream date means either (as a
// Date, -inf would make every token live max_ttl).
bool ParseFiniteTime(const char* format, const std::string& text,
                     const absl::TimeZone& zone, absl::Time* time) {
  std::string error;
  return absl::ParseTime(format, text, zone, time, &error) &&
         *time != absl::InfinitePast() && *time != absl::InfiniteFuture();
}

}  // namespace

absl::StatusOr<absl::Time> ParseExpireTime(absl::string_view text,
                                           const absl::TimeZone& zone) {
  std::string normalized(absl::StripAsciiWhitespace(text));
  // An upstream date always starts with its year (%Y would also take a
  // sign).
  if (normalized.empty() || !absl::ascii_isdigit(normalized[0])) {
    return absl::InvalidArgumentError(
        absl::StrCat("expire_time \"", text.substr(0, 64),
                     "\" is not an ISO 8601 date-time"));
  }
  // "2023-11-10 18:43:23" is as common as the 'T' form in the wild.
  if (normalized.size() > 10 && normalized[10] == ' ') normalized[10] = 'T';
  absl::Time time;
  // %E*S takes seconds with any number of fraction digits, or none. The
  // zoned forms come first so that an explicit zone is never ignored.
  if (ParseFiniteTime("%Y-%m-%dT%H:%M:%E*S%Ez", normalized, zone, &time) ||
      ParseFiniteTime("%Y-%m-%dT%H:%M:%E*SZ", normalized, absl::UTCTimeZone(),
                      &time) ||
      ParseFiniteTime("%Y-%m-%dT%H:%M:%E*S", normalized, zone, &time)) {
    return time;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "expire_time \"", text.substr(0, 64), "\" is not an ISO 8601 date-time"));
}

std::optional<absl::Time> ParseHttpDate(absl::string_view text) {
  absl::Time time;
  if (ParseFiniteTime("%a, %d %b %Y %H:%M:%S GMT",
                      std::string(absl::StripAsciiWhitespace(text)),
                      absl::UTCTimeZone(), &time)) {
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
