#ifndef SIGNET_SERVER_GATEWAY_SERVER_H_
#define SIGNET_SERVER_GATEWAY_SERVER_H_

#include <grpcpp/generic/async_generic_service.h>
#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "config/settings.h"
#include "http/http_client.h"
#include "server/gateway_env.h"
#include "server/gateway_runtime.h"
#include "server/gateway_service.h"

namespace signet {

// The running gateway: the current runtime (profiles, verifiers), the
// Gateway service, the standard health service and server reflection on one
// gRPC server, plus an optional probe-only listener serving the health
// service and nothing else (no reflection).
class GatewayServer {
 public:
  // Starts serving on settings.listen and settings.unix_listen (and
  // settings.health_listen). What `env` points to must outlive the server.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      GatewaySettings settings, const GatewayEnv& env);

  ~GatewayServer();

  // The address actually bound: "127.0.0.1:41234" for a port of 0.
  const std::string& address() const { return address_; }
  // "unix:/path" of the unix socket listener, or "off".
  const std::string& unix_address() const { return unix_address_; }
  // The probe-only health listener's address, or "off".
  const std::string& health_address() const { return health_address_; }

  // Swaps in a runtime built from `settings`, taking over the state of
  // every unchanged profile. Listen addresses are not reloadable: a change
  // is logged and ignored until a restart.
  void Reload(GatewaySettings settings);

  // The current runtime (for readiness and metrics).
  std::shared_ptr<GatewayRuntime> runtime() const { return runtime_.Get(); }

  // Health for the overall service ("", readiness). Starts NOT_SERVING;
  // the "liveness" service is SERVING from start until shutdown. Not to be
  // called concurrently with Shutdown.
  void SetServing(bool serving);

  // Reports NOT_SERVING, stops accepting calls and waits for calls in
  // flight until `grace` has passed, then cancels the rest.
  void Shutdown(absl::Duration grace);

 private:
  explicit GatewayServer(const GatewayEnv& env);

  void SetHealth(const std::string& service, bool serving);

  const GatewayEnv env_;
  RuntimeHolder runtime_;
  GatewayService service_;
  std::unique_ptr<grpc::Server> server_;
  // Answers UNIMPLEMENTED to whatever reaches the probe listener but the
  // health service; outlives health_server_.
  grpc::CallbackGenericService health_fallback_;
  std::unique_ptr<grpc::Server> health_server_;
  std::string address_;
  std::string unix_address_ = "off";
  std::string health_address_ = "off";
  bool shut_down_ = false;
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_SERVER_H_
