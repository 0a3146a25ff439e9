#ifndef SIGNET_SERVER_GATEWAY_SERVICE_H_
#define SIGNET_SERVER_GATEWAY_SERVICE_H_

#include <grpcpp/grpcpp.h>

#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/scheduler.h"
#include "log/rate_limited_log.h"
#include "server/gateway_runtime.h"
#include "server/in_flight_limiter.h"
#include "server/observed_call.h"
#include "server/rpc_observer.h"
#include "signet/v1/gateway.grpc.pb.h"

namespace signet {

// The signet.v1.Gateway service. A handler admits the call, finds its
// profile, starts the profile's operation and returns at once; the call is
// finished from the operation's completion (usually on the transport's I/O
// thread) or by its deadline, whichever claims it first (ObservedCall). No
// handler ever blocks on the network.
class GatewayService final : public v1::Gateway::CallbackService {
 public:
  // All must outlive the service; `observer` may be null. Each RPC uses
  // the runtime current when it starts, and holds it until it completes.
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
  grpc::ServerUnaryReactor* CallOpenAPI(grpc::CallbackServerContext* context,
                                        const v1::CallOpenAPIRequest* request,
                                        v1::HttpResponse* response) override;
  grpc::ServerUnaryReactor* FetchLicenses(
      grpc::CallbackServerContext* context,
      const v1::FetchLicensesRequest* request,
      v1::FetchLicensesResponse* response) override;
  grpc::ServerUnaryReactor* VerifyInbound(
      grpc::CallbackServerContext* context,
      const v1::VerifyInboundRequest* request,
      v1::VerifyInboundResponse* response) override;

 private:
  template <typename Profile>
  using Finder = absl::StatusOr<std::shared_ptr<Profile>> (ProfileRegistry::*)(
      absl::string_view) const;

  // A started RPC and what it runs with; `profile` is null when the call
  // was refused, and then already finished.
  template <typename Profile>
  struct Opened {
    CallPtr call;
    GatewayRuntime* runtime = nullptr;  // held by `call`
    std::shared_ptr<Profile> profile;
    absl::Time deadline;
  };

  // What every handler does first: starts the call (counted and logged),
  // admits it, and finds `profile_name` with `find`.
  template <typename Profile>
  Opened<Profile> Open(grpc::CallbackServerContext* context,
                       absl::string_view method, absl::string_view profile_name,
                       Finder<Profile> find);

  // The current runtime, held by `call` until it completes -- or null
  // when the call may not run, in which case `call` has been completed:
  // RESOURCE_EXHAUSTED when max_in_flight calls are already running,
  // UNAUTHENTICATED or PERMISSION_DENIED when caller authorization refuses
  // it for `profile` (checked before anything else looks at the request).
  GatewayRuntime* Admit(ObservedCall& call,
                        const grpc::CallbackServerContext& context,
                        absl::string_view profile);

  // Validates a CallInnoPaaS/CallOpenAPI request and hands it to the
  // profile; the upstream's answer becomes `response`.
  template <typename Profile, typename Request>
  void Forward(const Opened<Profile>& open, const Request& request,
               v1::HttpResponse* response, bool may_wait_for_token);

  // A call that may wait on a shared token fetch -- which is bounded by
  // token_timeout, not by this caller's deadline -- is finished by
  // whichever comes first: its own completion or its deadline (the claim
  // decides). The timer holds the call weakly: a call finished early is
  // not kept until its deadline.
  void BoundByDeadline(const CallPtr& call, absl::Time deadline);

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
