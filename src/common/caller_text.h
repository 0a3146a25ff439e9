#ifndef SIGNET_COMMON_CALLER_TEXT_H_
#define SIGNET_COMMON_CALLER_TEXT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace signet {

// How many bytes of a caller-chosen string are echoed.
inline constexpr size_t kMaxCallerTextBytes = 64;

// `text`, chosen by a caller (a profile name, a header name), made fit to
// echo in a log line or an error message: at most kMaxCallerTextBytes of
// it, C-escaped (quotes, backslashes, control and non-ASCII bytes become
// \" \\ \n \x..), then "…(+N bytes)" when N bytes were cut. Without the
// cap, one request can write kilobytes into the log per line, and every
// refusal repeats it.
std::string CallerText(absl::string_view text);

}  // namespace signet

#endif  // SIGNET_COMMON_CALLER_TEXT_H_
