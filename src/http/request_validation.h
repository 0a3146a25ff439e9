#ifndef SIGNET_HTTP_REQUEST_VALIDATION_H_
#define SIGNET_HTTP_REQUEST_VALIDATION_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "http/http_types.h"

namespace signet {

// Checks on what a caller asks signet to forward. They run before anything
// is signed or sent; a failure is INVALID_ARGUMENT naming the offending
// part (never a header's value, which may be a credential).

// GET, POST, PUT, PATCH, DELETE or HEAD, in any case; returns it uppercased.
absl::StatusOr<std::string> NormalizeForwardMethod(absl::string_view method);

// A path under the profile's base URL and nothing else: it starts with '/',
// is not scheme-relative ("//host"), holds only RFC 3986 path characters
// (no '?', '#', '\', space, control or non-ASCII byte), has well-formed
// %XX escapes, and no segment is "." or ".." -- also when percent-encoded
// (once or repeatedly), in any case, or followed by ";params" -- nor hides
// a '/', '\', NUL or control character behind an escape.
absl::Status ValidateForwardPath(absl::string_view path);

// Hop-by-hop and framing headers (RFC 9110 7.6.1), any case: Host,
// Connection, Content-Length, Transfer-Encoding, TE, Trailer, Upgrade,
// Keep-Alive, Expect and Proxy-*. They belong to each connection, so they
// are never taken from a caller nor passed on.
bool IsTransportHeader(absl::string_view name);

// The header names a Connection header's value lists (RFC 9110 7.6.1): a
// comma-separated list with optional whitespace around each element; empty
// elements are skipped. The views point into `value`.
std::vector<absl::string_view> ConnectionOptions(absl::string_view value);

// What a proxy passes on of `headers`: all but the IsTransportHeader ones
// and those named, in any case, by a Connection header among them. A
// sender marks a header hop-by-hop by naming it in Connection, so passing
// it on would hand the next hop what was meant for this one. Order kept.
std::vector<HttpHeader> EndToEndHeaders(std::vector<HttpHeader> headers);

// Header names are RFC 9110 tokens; values hold no CR, LF, NUL or other
// control character but tab. Hop-by-hop and framing headers (Host,
// Connection, Content-Length, Transfer-Encoding, TE, Trailer, Upgrade,
// Keep-Alive, Expect, Proxy-*) and the names in `reserved` (the headers the
// profile's signer sets) are refused. At most `max_headers` headers of at
// most `max_header_bytes` (name + value) each.
struct HeaderLimits {
  size_t max_headers = 64;
  size_t max_header_bytes = 8 * 1024;
};
absl::Status ValidateCallerHeaders(const std::vector<HttpHeader>& headers,
                                   absl::Span<const absl::string_view> reserved,
                                   const HeaderLimits& limits = {});

// Keys are non-empty; no key or value holds CR, LF, NUL or another control
// character. (Values are percent-encoded when the URL is built.) Errors
// begin with `what` ("query", or "fields" for license fields).
absl::Status ValidateQuery(const std::map<std::string, std::string>& query,
                           absl::string_view what = "query");

}  // namespace signet

#endif  // SIGNET_HTTP_REQUEST_VALIDATION_H_
