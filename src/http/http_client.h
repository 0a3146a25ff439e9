#ifndef SIGNET_HTTP_HTTP_CLIENT_H_
#define SIGNET_HTTP_HTTP_CLIENT_H_

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "http/http_types.h"

namespace signet {

// Completion of one request: the response (any HTTP status), or why there is
// none. Error codes:
//   DEADLINE_EXCEEDED   the request's deadline passed
//   RESOURCE_EXHAUSTED  the response body exceeded max_response_bytes
//   UNAVAILABLE         connect, TLS, reset, malformed HTTP, shutdown
//   INVALID_ARGUMENT    the request itself is unusable (bad URL or method)
using HttpCallback = absl::AnyInvocable<void(absl::StatusOr<HttpResponse>) &&>;

// The outbound HTTP transport. Implementations never block the caller on the
// network: Send queues the request and returns; `on_done` runs exactly once,
// later, on a transport thread (or inline if the request fails before it is
// queued). `on_done` must not block; it may call Send again.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual void Send(HttpRequest request, HttpCallback on_done) = 0;
};

}  // namespace signet

#endif  // SIGNET_HTTP_HTTP_CLIENT_H_
