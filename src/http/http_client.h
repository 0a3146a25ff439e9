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
// network: Send starts or queues the request and returns. `on_done` runs
// exactly once, on a transport thread or inside a call to Send: this
// request's (when it fails before it is queued, or at once), or -- with a
// transport that does the work of its I/O thread on the sending thread
// while that is idle, as CurlMultiClient does -- another request's. So
// Send must not be called holding a lock that any `on_done` given to the
// same client may take, and `on_done` must not assume which thread it runs
// on. `on_done` must not block; it may call Send again.
class HttpClient {
 public:
  virtual ~HttpClient() = default;
  virtual void Send(HttpRequest request, HttpCallback on_done) = 0;
};

}  // namespace signet

#endif  // SIGNET_HTTP_HTTP_CLIENT_H_
