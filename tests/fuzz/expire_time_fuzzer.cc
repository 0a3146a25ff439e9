// The OpenAPI token answer's expire_time (ParseExpireTime) and the answer's
// Date header (ParseHttpDate); the whole input is the text of both.
//
// Checks: no crash or sanitizer report; a parsed time is finite and
// round-trips: an expire_time written back in UTC ("...Z") and parsed again,
// in any zone, is the same instant, and so is a Date written back; the token
// lifetime computed from an expire_time, with or without a Date, lies in
// (0, max_ttl]; errors quote at most 64 bytes of the input.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "openapi/expire_time.h"

namespace signet {
namespace {

constexpr absl::Duration kMaxTtl = absl::Hours(2);

// UTC, a fixed +08:00 (the seed's upstream) and a zone with DST gaps and
// folds when tzdata is installed.
const std::vector<absl::TimeZone>& Zones() {
  static const auto* const zones = [] {
    auto* zones = new std::vector<absl::TimeZone>{
        absl::UTCTimeZone(), absl::FixedTimeZone(8 * 60 * 60)};
    absl::TimeZone new_york;
    if (absl::LoadTimeZone("America/New_York", &new_york)) {
      zones->push_back(new_york);
    }
    return zones;
  }();
  return *zones;
}

bool IsFinite(absl::Time time) {
  return time != absl::InfiniteFuture() && time != absl::InfinitePast();
}

// With no Date header, and with Dates from the past, the present and the
// future of the gateway's clock.
void CheckLifetimes(absl::Time expire_time) {
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  for (std::optional<absl::Time> date :
       {std::optional<absl::Time>(), std::optional<absl::Time>(now),
        std::optional<absl::Time>(now + absl::Hours(1)),
        std::optional<absl::Time>(absl::UniversalEpoch()),
        std::optional<absl::Time>(
            absl::FromCivil(absl::CivilSecond(9999, 12, 31, 23, 59, 59),
                            absl::UTCTimeZone()))}) {
    const TokenLifetime result =
        ComputeTokenLifetime(expire_time, date, now, kMaxTtl);
    SIGNET_FUZZ_CHECK(result.lifetime > absl::ZeroDuration());
    SIGNET_FUZZ_CHECK(result.lifetime <= kMaxTtl);
    SIGNET_FUZZ_CHECK(!(result.clamped && result.expire_time_in_past));
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);

  constexpr char kHttpDate[] = "%a, %d %b %Y %H:%M:%S GMT";
  if (const std::optional<absl::Time> date = ParseHttpDate(text)) {
    SIGNET_FUZZ_CHECK(IsFinite(*date));
    const std::string again =
        absl::FormatTime(kHttpDate, *date, absl::UTCTimeZone());
    SIGNET_FUZZ_CHECK(ParseHttpDate(again) == date);
  }

  for (const absl::TimeZone& zone : Zones()) {
    const absl::StatusOr<absl::Time> parsed = ParseExpireTime(text, zone);
    if (!parsed.ok()) {
      SIGNET_FUZZ_CHECK(parsed.status().message().size() <= 64 + 64);
      continue;
    }
    SIGNET_FUZZ_CHECK(IsFinite(*parsed));
    const std::string utc =
        absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", *parsed, absl::UTCTimeZone());
    // A negative year cannot be an expire_time, which starts with a digit.
    if (absl::ascii_isdigit(static_cast<unsigned char>(utc[0]))) {
      for (const absl::TimeZone& other : Zones()) {
        const absl::StatusOr<absl::Time> again = ParseExpireTime(utc, other);
        SIGNET_FUZZ_CHECK(again.ok());
        SIGNET_FUZZ_CHECK(*again == *parsed);
      }
    }
    CheckLifetimes(*parsed);
  }
  return 0;
}
