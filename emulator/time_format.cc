#include "emulator/time_format.h"

#include <cstdio>

#include "absl/time/civil_time.h"

namespace signet::emulator {

std::string FormatImfFixdate(absl::Time t) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond cs = absl::ToCivilSecond(t, absl::UTCTimeZone());
  // absl::Weekday runs Monday = 0 .. Sunday = 6.
  const int weekday = static_cast<int>(absl::GetWeekday(cs));
  char buf[64];
  const int n = std::snprintf(
      buf, sizeof(buf), "%s, %02d %s %04lld %02d:%02d:%02d GMT", kDays[weekday],
      cs.day(), kMonths[cs.month() - 1], static_cast<long long>(cs.year()),
      cs.hour(), cs.minute(), cs.second());
  if (n < 0) return std::string();
  return std::string(buf, static_cast<size_t>(n) < sizeof(buf)
                              ? static_cast<size_t>(n)
                              : sizeof(buf) - 1);
}

std::string FormatZonelessMicros(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S", t, zone);
}

}  // namespace signet::emulator
