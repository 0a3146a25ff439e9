#include "admin/admin_server.h"

#include <utility>

namespace signet {

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    const std::string& address, Metrics* metrics) {
  std::unique_ptr<AdminServer> admin(new AdminServer());
  admin->metrics_ = metrics;
  HttpServerOptions options;
  options.address = address;
  options.max_body_bytes = 0;  // the admin API takes no bodies
  options.connection_limit = 64;
  // The admin server owns server_, whose destructor stops it (no handler
  // runs after) before the rest of the admin server goes.
  AdminServer* self = admin.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      std::move(options), [self](ServerRequest request, ServerResponder done) {
        std::move(done)(self->Answer(request));
      });
  if (!server.ok()) return server.status();
  admin->server_ = *std::move(server);
  return admin;
}

HttpResponse AdminServer::Answer(const ServerRequest& request) const {
  if (request.method != "GET" && request.method != "HEAD") {
    return PlainTextResponse(405, "GET only");
  }
  if (request.path == "/metrics") {
    HttpResponse response;
    response.status = 200;
    response.headers.push_back(
        {"Content-Type", "text/plain; version=0.0.4; charset=utf-8"});
    response.body = metrics_->Serialize();
    return response;
  }
  if (request.path == "/healthz") return PlainTextResponse(200, "ok");
  if (request.path == "/readyz") {
    return ready_.load() ? PlainTextResponse(200, "ready")
                         : PlainTextResponse(503, "not ready");
  }
  return PlainTextResponse(404, "not found; try /metrics, /healthz or /readyz");
}

}  // namespace signet
