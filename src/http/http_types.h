#ifndef SIGNET_HTTP_HTTP_TYPES_H_
#define SIGNET_HTTP_HTTP_TYPES_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "secrets/secret.h"

namespace signet {

struct HttpHeader {
  std::string name;
  std::string value;

  friend bool operator==(const HttpHeader& a, const HttpHeader& b) {
    return a.name == b.name && a.value == b.value;
  }
};

// The TLS identities of one upstream: whom to trust and what to present,
// and the proxy its TLS connections are tunnelled through. Verification of
// the upstream's certificate is never turned off.
struct TlsOptions {
  std::string ca_bundle;    // PEM file of trusted CAs; empty: the default
  std::string client_cert;  // PEM file; empty: no client certificate
  Secret client_key;        // PEM private key of client_cert
  // "http://host:port" of a CONNECT proxy, for https:// URLs only; empty:
  // none (proxy environment variables are always ignored).
  std::string proxy;
};

// One outbound HTTP request. The caller has validated and signed it; the
// transport sends it as it is and follows no redirects. Signed headers carry
// credentials, and requests are copied (retries) and die in many places, so
// every copy cleanses its header values when destroyed (and its body when
// `body_is_secret`).
struct HttpRequest {
  HttpRequest() = default;
  HttpRequest(const HttpRequest&) = default;
  HttpRequest(HttpRequest&&) = default;
  HttpRequest& operator=(const HttpRequest&) = default;
  HttpRequest& operator=(HttpRequest&&) = default;
  ~HttpRequest() { Cleanse(); }

  // Overwrites every header value (and a secret body) with zeros, sizes
  // unchanged.
  void Cleanse();

  std::string method = "GET";
  // Absolute http:// or https:// URL, query string included.
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  // The transfer must be complete by then; the transport fails the request
  // with DEADLINE_EXCEEDED otherwise (and at once if it has already passed).
  absl::Time deadline = absl::InfiniteFuture();
  // A response body larger than this fails with RESOURCE_EXHAUSTED.
  size_t max_response_bytes = 8 << 20;
  // The upstream's TLS options, shared by its requests; null: defaults.
  std::shared_ptr<const TlsOptions> tls;
  // The body holds a credential or a value derived from one (the token
  // request's signature).
  bool body_is_secret = false;
};

// An HTTP answer of any status: a 404 or 500 is a response, not an error.
struct HttpResponse {
  int status = 0;
  // In the order received; a repeated header appears as several entries.
  std::vector<HttpHeader> headers;
  std::string body;
};

// A short text/plain answer: `text` and a newline.
HttpResponse PlainTextResponse(int status, absl::string_view text);

// The first value of a header, compared case-insensitively (RFC 9110 5.1).
std::optional<absl::string_view> FindHeader(
    const std::vector<HttpHeader>& headers, absl::string_view name);

}  // namespace signet

#endif  // SIGNET_HTTP_HTTP_TYPES_H_
