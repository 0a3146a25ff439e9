#include "server/gateway_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.pb.h"

namespace signet {
namespace {

// Health service name that reports the process alive (for liveness
// probes), as opposed to "" which reports readiness.
constexpr absl::string_view kLivenessService = "liveness";

// Headroom over the body limit for the rest of a request message.
constexpr int kMessageOverheadBytes = 64 * 1024;

// "127.0.0.1:0" with the port the kernel chose.
std::string BoundAddress(const std::string& listen, int selected_port) {
  if (absl::StartsWith(listen, "unix:") || selected_port <= 0) return listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return listen;
  return absl::StrCat(listen.substr(0, colon + 1), selected_port);
}

}  // namespace

GatewayServer::GatewayServer(GatewaySettings settings, HttpClient* http,
                             const Clock* clock,
                             const GatewayObservers& observers)
    : profiles_(std::move(settings), http, clock, observers),
      inbound_(profiles_.settings().inbound, clock, observers.inbound),
      service_(&profiles_, &inbound_, observers.rpc, clock) {}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    GatewaySettings settings, HttpClient* http, const Clock* clock,
    const GatewayObservers& observers) {
  const std::string listen = settings.listen;
  std::unique_ptr<GatewayServer> gateway(
      new GatewayServer(std::move(settings), http, clock, observers));

  // Debian's libgrpc++ serves grpc.health.v1.Health itself; touching the
  // compiled descriptor links it in so that reflection can describe it too.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int selected_port = 0;
  builder.AddListeningPort(listen, grpc::InsecureServerCredentials(),
                           &selected_port);
  builder.RegisterService(&gateway->service_);
  const size_t max_body = gateway->profiles_.settings().max_body_bytes;
  builder.SetMaxReceiveMessageSize(
      static_cast<int>(std::min<size_t>(max_body + kMessageOverheadBytes,
                                        INT32_MAX)));
  builder.SetMaxSendMessageSize(
      static_cast<int>(std::min<size_t>(max_body + kMessageOverheadBytes,
                                        INT32_MAX)));
  gateway->server_ = builder.BuildAndStart();
  if (gateway->server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen,
                     " (address in use, bad address, or no permission)"));
  }
  if (!absl::StartsWith(listen, "unix:") && selected_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
  }
  gateway->address_ = BoundAddress(listen, selected_port);
  grpc::HealthCheckServiceInterface* health =
      gateway->server_->GetHealthCheckService();
  health->SetServingStatus("", false);
  health->SetServingStatus(std::string(kLivenessService), true);
  return gateway;
}

void GatewayServer::SetServing(bool serving) {
  if (shut_down_ || server_ == nullptr) return;
  server_->GetHealthCheckService()->SetServingStatus("", serving);
}

void GatewayServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  server_->GetHealthCheckService()->SetServingStatus(false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
}

GatewayServer::~GatewayServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace signet
