#ifndef SIGNET_ADMIN_ADMIN_SERVER_H_
#define SIGNET_ADMIN_ADMIN_SERVER_H_

#include <atomic>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "admin/metrics.h"
#include "http/http_server.h"

namespace signet {

// The admin listener: GET /metrics (Prometheus text), /healthz (the process
// answers) and /readyz (200 once the gateway serves, 503 before and while
// shutting down). Kept off the gRPC port so scraping needs no gRPC and the
// port can be exposed to the cluster's Prometheus without exposing the API.
class AdminServer {
 public:
  // `metrics` must outlive the server.
  static absl::StatusOr<std::unique_ptr<AdminServer>> Start(
      const std::string& address, Metrics* metrics);

  const std::string& address() const { return server_->address(); }
  void SetReady(bool ready) { ready_.store(ready); }
  void Stop(absl::Duration grace = absl::ZeroDuration()) {
    server_->Stop(grace);
  }

 private:
  AdminServer() = default;
  HttpResponse Answer(const ServerRequest& request) const;

  Metrics* metrics_ = nullptr;
  std::atomic<bool> ready_{false};
  std::unique_ptr<HttpServer> server_;
};

}  // namespace signet

#endif  // SIGNET_ADMIN_ADMIN_SERVER_H_
