#ifndef SIGNET_EMULATOR_TIME_FORMAT_H_
#define SIGNET_EMULATOR_TIME_FORMAT_H_

#include <string>

#include "absl/time/time.h"

namespace signet::emulator {

// IMF-fixdate (RFC 9110 section 5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT",
// the form of the Date response header. Day and month names are fixed
// English, independent of the locale.
std::string FormatImfFixdate(absl::Time t);

// "2023-11-10T18:43:23.232093": OpenAPI v5's expire_time and time (seed 002),
// six fraction digits and no zone designator, written in `zone`.
std::string FormatZonelessMicros(absl::Time t, absl::TimeZone zone);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_TIME_FORMAT_H_
