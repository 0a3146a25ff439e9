#ifndef SIGNET_EMULATOR_CONTENT_TYPE_H_
#define SIGNET_EMULATOR_CONTENT_TYPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace signet::emulator {

// The media type of a Content-Type value, lowercased and without parameters
// or surrounding whitespace: "Application/JSON; charset=utf-8" gives
// "application/json" (RFC 9110 section 8.3.1: type and subtype are
// case-insensitive).
std::string MediaTypeOf(absl::string_view content_type);

// A Content-Type value lowercased with the whitespace around each ';'
// removed: "application/json; charset=UTF-8" gives
// "application/json;charset=utf-8". InnoPaaS (seed 000) names one exact value,
// so the emulator compares this form, not only the media type.
std::string NormalizedContentType(absl::string_view content_type);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_CONTENT_TYPE_H_
