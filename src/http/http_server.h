#ifndef SIGNET_HTTP_HTTP_SERVER_H_
#define SIGNET_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "http/http_types.h"

namespace signet {

// A request as the HTTP server received it. Header names and values are
// exactly as sent (nothing percent-decoded), each occurrence its own entry.
struct ServerRequest {
  std::string method;
  std::string path;   // the request-target before '?', not decoded
  std::string query;  // after '?', not decoded; "" when absent
  std::vector<HttpHeader> headers;
  std::string body;
};

// Completes a request; call exactly once, from any thread.
using ServerResponder = absl::AnyInvocable<void(HttpResponse) &&>;
using ServerHandler = std::function<void(ServerRequest, ServerResponder)>;
// Looks at a request's head (method, path, query, headers; no body yet) and
// returns an answer to refuse it there, or nothing to let it go on.
using HeadCheck =
    std::function<std::optional<HttpResponse>(const ServerRequest&)>;

struct HttpServerOptions {
  // "host:port" with a numeric host ("127.0.0.1:0", "[::1]:8081"); port 0
  // picks a free one.
  std::string address;
  // Larger bodies are answered 413 without reaching the handler.
  size_t max_body_bytes = 8 << 20;
  // Idle connections are closed after this long.
  absl::Duration connection_timeout = absl::Seconds(30);
  // A connection must deliver each complete request head (request line and
  // headers) within this long of opening, or of its previous answer; the
  // idle timeout alone lets a client trickle a header line at a time and
  // hold the connection for ever (slowloris). A kept-alive connection
  // waiting for its next request is therefore closed after this long too.
  absl::Duration head_timeout = absl::Seconds(10);
  // Connections open at once, in all and per client IP address (0: no
  // per-client limit). Beyond them new connections are closed at once.
  unsigned connection_limit = 1024;
  unsigned per_client_connection_limit = 0;
  // Runs on each request's head before its body is read. A request it
  // answers is refused there and its connection closed: a body announced
  // larger than 64 KiB (or chunked) is never read; a smaller one is read
  // and dropped first, so the client gets the answer rather than a reset.
  // Nothing of a refused body is kept. Empty: every request reaches the
  // handler.
  HeadCheck head_check;
};

// A small HTTP/1.1 server on libmicrohttpd (Debian's libmicrohttpd-dev).
// One internal thread polls every connection with epoll. Handlers run on
// that thread and must not block: they answer at once or hand the request
// on and answer later through the responder (the connection is suspended
// meanwhile, costing no thread). A second small thread enforces
// head_timeout. Chosen over cpp-httplib, whose Debian
// version percent-decodes header values -- fatal for X-Apsdai-Token, which
// is percent-encoded on the wire -- and uses a thread per connection.
class HttpServer {
 public:
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      HttpServerOptions options, ServerHandler handler);

  // Stops (see Stop).
  ~HttpServer();

  // The address bound, with the actual port: "127.0.0.1:41234".
  const std::string& address() const;
  int port() const;

  // Stops accepting connections, lets requests already handed to the
  // handler finish for up to `grace`, answers those still waiting with 503
  // and closes every connection. Responders called afterwards do nothing.
  // Idempotent.
  void Stop(absl::Duration grace = absl::ZeroDuration());

  // Replaces options.max_body_bytes for requests whose head arrives from
  // now on (a config reload).
  void SetMaxBodyBytes(size_t bytes);

  class Core;

 private:
  explicit HttpServer(std::shared_ptr<Core> core) : core_(std::move(core)) {}
  std::shared_ptr<Core> core_;
};

}  // namespace signet

#endif  // SIGNET_HTTP_HTTP_SERVER_H_
