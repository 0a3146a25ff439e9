#include "admin/admin_server.h"

#include <utility>

namespace signet {
namespace {

HttpResponse Text(int status, std::string body, absl::string_view type) {
  HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", std::string(type)});
  response.body = std::move(body);
  return response;
}

constexpr absl::string_view kPlain = "text/plain; charset=utf-8";

}  // namespace

absl::StatusOr<std::unique_ptr<AdminServer>> AdminServer::Start(
    const std::string& address, Metrics* metrics) {
  std::unique_ptr<AdminServer> admin(new AdminServer());
  admin->metrics_ = metrics;
  HttpServerOptions options;
  options.address = address;
  options.max_body_bytes = 0;  // the admin API takes no bodies
  options.connection_limit = 64;
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
    return Text(405, "GET only\n", kPlain);
  }
  if (request.path == "/metrics") {
    return Text(200, metrics_->Serialize(),
                "text/plain; version=0.0.4; charset=utf-8");
  }
  if (request.path == "/healthz") return Text(200, "ok\n", kPlain);
  if (request.path == "/readyz") {
    return ready_.load() ? Text(200, "ready\n", kPlain)
                         : Text(503, "not ready\n", kPlain);
  }
  return Text(404, "not found; try /metrics, /healthz or /readyz\n", kPlain);
}

}  // namespace signet
