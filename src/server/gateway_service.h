#ifndef SIGNET_SERVER_GATEWAY_SERVICE_H_
#define SIGNET_SERVER_GATEWAY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>

#include "common/clock.h"
#include "common/scheduler.h"
#include "upstream/signed_sender.h"
#include "http/http_client.h"
#include "inbound/verifier_registry.h"
#include "log/rate_limited_log.h"
#include "server/gateway_runtime.h"
#include "server/in_flight_limiter.h"
#include "server/observed_call.h"
#include "server/profile_registry.h"
#include "server/rpc_observer.h"
#include "signet/v1/gateway.grpc.pb.h"

namespace signet {

// The signet.v1.Gateway service. Handlers run on gRPC's callback threads,
// validate, pick the profile, hand the work to the token cache or the HTTP
// client, and return at once; the reactor is finished from the completion
// (usually on the HTTP client's I/O thread). No handler ever blocks on the
// network.
class GatewayService final : public v1::Gateway::CallbackService {
 public:
  // All must outlive the service; `observer` may be null. Each RPC uses
  // the runtime current when it starts, and keeps it until it completes.
  GatewayService(const RuntimeHolder* runtime, RpcObserver* observer,
                 const Clock* clock, Scheduler* scheduler)
      : runtime_(*runtime),
        observer_(observer),
        clock_(*clock),
        scheduler_(*scheduler) {}

  grpc::ServerUnaryReactor* GetToken(grpc::CallbackServerContext* context,
                                     const v1::GetTokenRequest* request,
                                     v1::GetTokenResponse* response) override;

  grpc::ServerUnaryReactor* Verify(grpc::CallbackServerContext* context,
                                   const v1::VerifyRequest* request,
                                   v1::VerifyResponse* response) override;

  grpc::ServerUnaryReactor* CallInnoPaaS(grpc::CallbackServerContext* context,
                                         const v1::CallInnoPaaSRequest* request,
                                         v1::HttpResponse* response) override;

  grpc::ServerUnaryReactor* FetchLicenses(
      grpc::CallbackServerContext* context,
      const v1::FetchLicensesRequest* request,
      v1::FetchLicensesResponse* response) override;

  grpc::ServerUnaryReactor* CallOpenAPI(grpc::CallbackServerContext* context,
                                        const v1::CallOpenAPIRequest* request,
                                        v1::HttpResponse* response) override;

  grpc::ServerUnaryReactor* VerifyInbound(
      grpc::CallbackServerContext* context,
      const v1::VerifyInboundRequest* request,
      v1::VerifyInboundResponse* response) override;

 private:
  // The reactor for one RPC, counted and logged when it completes. Every
  // callback that may outlive the handler holds it (see ObservedCall).
  CallPtr StartCall(const grpc::CallbackServerContext& context,
                    absl::string_view method);

  // The current runtime, held by `call` until it completes -- or null
  // when the call may not run, in which case `call` has been completed:
  // RESOURCE_EXHAUSTED when max_in_flight calls are already running,
  // UNAUTHENTICATED or PERMISSION_DENIED when caller authorization refuses
  // it for `profile` (checked before anything else looks at the request).
  GatewayRuntime* Admit(ObservedCall& call,
                        const grpc::CallbackServerContext& context,
                        absl::string_view profile);

  // The caller's deadline, or now + default_deadline when it set none.
  absl::Time CallDeadline(const grpc::CallbackServerContext& context,
                          const GatewaySettings& settings) const;

  // A call that may wait on a shared token fetch -- which is bounded by
  // token_timeout, not by this caller's deadline -- is finished by
  // whichever comes first: its own completion or its deadline (the claim
  // decides). The timer holds the call weakly: a call finished early is
  // not kept until its deadline.
  void BoundByDeadline(const CallPtr& call, absl::Time deadline);

  // Sends the verify request for `token` and finishes the call.
  static void VerifyToken(const OpenApiProfileRuntime& profile,
                          std::string token, absl::Time deadline,
                          v1::VerifyResponse* response, CallPtr call);

  // Validates, signs and sends a forwarded call; finishes it with the
  // upstream's answer as an HttpResponse. With `may_wait_for_token`, the
  // call is also bounded by its deadline while signing waits.
  template <typename Request>
  grpc::ServerUnaryReactor* Forward(grpc::CallbackServerContext* context,
                                    CallPtr call,
                                    const GatewaySettings& settings,
                                    const Request& request, const BaseUrl& base,
                                    Signer& signer, HttpClient& http,
                                    RejectionTest is_rejection,
                                    v1::HttpResponse* response,
                                    bool may_wait_for_token = false);

  const RuntimeHolder& runtime_;
  RpcObserver* const observer_;
  InFlightLimiter in_flight_;
  const Clock& clock_;
  Scheduler& scheduler_;
  // The access log lines of refused callers, throttled (see ObservedCall).
  RateLimitedLog refusal_log_{&clock_};
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_SERVICE_H_
