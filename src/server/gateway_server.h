#ifndef SIGNET_SERVER_GATEWAY_SERVER_H_
#define SIGNET_SERVER_GATEWAY_SERVER_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "config/settings.h"
#include "http/http_client.h"
#include "inbound/inbound_verifiers.h"
#include "server/gateway_observers.h"
#include "server/gateway_service.h"
#include "server/profile_registry.h"

namespace signet {

// The running gateway: profile state, the Gateway service, the standard
// health service and server reflection on one gRPC server.
class GatewayServer {
 public:
  // Starts serving on settings.listen. `http`, `clock` and the observers
  // must outlive the server.
  static absl::StatusOr<std::unique_ptr<GatewayServer>> Start(
      GatewaySettings settings, HttpClient* http, const Clock* clock,
      const GatewayObservers& observers = {});

  ~GatewayServer();

  // The address actually bound: "127.0.0.1:41234" for a port of 0.
  const std::string& address() const { return address_; }

  // Health for the overall service ("", readiness). Starts NOT_SERVING;
  // the "liveness" service is SERVING from start until shutdown.
  void SetServing(bool serving);

  // Reports NOT_SERVING, stops accepting calls and waits for calls in
  // flight until `grace` has passed, then cancels the rest.
  void Shutdown(absl::Duration grace);

  // The inbound profiles, shared with the verifying receiver.
  const InboundVerifiers& inbound_verifiers() const { return inbound_; }
  const ProfileRegistry& profiles() const { return profiles_; }
  ProfileRegistry& mutable_profiles() { return profiles_; }

 private:
  GatewayServer(GatewaySettings settings, HttpClient* http, const Clock* clock,
                const GatewayObservers& observers);

  ProfileRegistry profiles_;
  InboundVerifiers inbound_;
  GatewayService service_;
  std::unique_ptr<grpc::Server> server_;
  std::string address_;
  bool shut_down_ = false;
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_SERVER_H_
