#ifndef SIGNET_TESTS_EMULATOR_RAW_HTTP_H_
#define SIGNET_TESTS_EMULATOR_RAW_HTTP_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signet::emulator_test {

// Sends `request` verbatim to 127.0.0.1:`port` and returns every byte the
// server sends until it closes the connection. For requests an HTTP client
// library would "fix" (no Content-Type, no Host) and for responses it would
// reject (a body cut short); send "Connection: close" so the server closes.
absl::StatusOr<std::string> RawExchange(int port, absl::string_view request);

// The status code of a raw HTTP/1.1 response, or -1.
int RawStatus(absl::string_view response);

}  // namespace signet::emulator_test

#endif  // SIGNET_TESTS_EMULATOR_RAW_HTTP_H_
