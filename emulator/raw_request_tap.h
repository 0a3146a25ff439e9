#ifndef SIGNET_EMULATOR_RAW_REQUEST_TAP_H_
#define SIGNET_EMULATOR_RAW_REQUEST_TAP_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

// Request headers exactly as they came on the wire.
//
// Why this exists: cpp-httplib 0.11 percent-decodes every header value while
// parsing (detail::parse_header calls decode_url), so a client that sends
// X-Apsdai-Token "...%2B...%3D" and one that forgot PHP's urlencode and sent
// "...+...=" look the same in httplib::Request. A strict double must tell
// them apart, so the emulator keeps its own copy of the bytes httplib reads.
//
// How: httplib reads sockets with recv(2) from the worker thread that then
// runs the handlers for that connection. raw_request_tap.cc defines recv()
// in the emulator binary, which interposes the libc symbol for
// libcpp-httplib.so; it records each thread's received bytes. The
// pre-routing handler claims the head of each request from them with
// BeginRawRequest(); handlers on the same thread read CurrentRawHead().
namespace signet::emulator {

struct RawRequestHead {
  std::string request_line;
  // In wire order; names as sent, values with surrounding whitespace
  // removed and otherwise byte-for-byte.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Claims, from the bytes this thread has received on its connection, the
// head of the request `method` `target` (httplib's req.target, which is
// raw). Returns false if no such head was received on this thread, which
// means the recv() interposition is not in effect.
bool BeginRawRequest(absl::string_view method, absl::string_view target);

// The head claimed by the last BeginRawRequest() on this thread.
const RawRequestHead& CurrentRawHead();

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_RAW_REQUEST_TAP_H_
