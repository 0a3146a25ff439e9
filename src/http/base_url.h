#ifndef SIGNET_HTTP_BASE_URL_H_
#define SIGNET_HTTP_BASE_URL_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signet {

// An upstream's root as configured: scheme and authority plus an optional
// path prefix, with no query, fragment or credentials.
struct BaseUrl {
  std::string scheme;  // "http" or "https"
  std::string host;
  std::string path;  // "" or "/prefix" without a trailing slash
  // scheme://host[:port]/prefix, without a trailing slash; the path of a
  // call is appended to it.
  std::string text;
};

// Parses and checks a configured URL with libcurl's own URL parser, so
// signet and the transport agree on what the URL means. Refuses userinfo
// (credentials belong in secrets), queries, fragments, other schemes, and
// http:// unless allow_insecure_http.
absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view url,
                                     bool allow_insecure_http);

// Whether `host`, as BaseUrl::host holds it, names this machine by itself
// rather than through DNS: an IPv4 literal in 127.0.0.0/8, "[::1]", or
// "localhost" in any case (which libcurl resolves internally). A name that
// merely begins like one ("127.example.com", "localhost.example.com") is a
// DNS name anyone may point anywhere, so it is not loopback.
bool IsLoopbackHost(absl::string_view host);

}  // namespace signet

#endif  // SIGNET_HTTP_BASE_URL_H_
