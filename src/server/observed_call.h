#ifndef SIGNET_SERVER_OBSERVED_CALL_H_
#define SIGNET_SERVER_OBSERVED_CALL_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "log/rate_limited_log.h"
#include "server/in_flight_limiter.h"
#include "server/rpc_observer.h"

namespace signet {

// The reactor of one unary Gateway RPC. Besides finishing the call it
// gives the call a request id (the caller's x-request-id metadata, or a new
// one) that is sent upstream, and on completion writes the access log line
// and reports to the RpcObserver. Handlers create it at their start and
// call Complete exactly once, from any thread; gRPC deletes it in OnDone.
// The lines of calls refused as UNAUTHENTICATED or PERMISSION_DENIED go
// through `refusal_log`: anyone who reaches the port can cause those, as
// fast as they like.
class ObservedCall final : public grpc::ServerUnaryReactor {
 public:
  // `observer` may be null; it, `clock` and `refusal_log` must outlive the
  // call.
  ObservedCall(const grpc::CallbackServerContext& context,
               absl::string_view method, RpcObserver* observer,
               const Clock* clock, RateLimitedLog* refusal_log);

  const std::string& request_id() const { return request_id_; }
  absl::string_view method() const { return method_; }

  // The authorized caller's name, for the log line.
  void set_caller(std::string caller) { caller_ = std::move(caller); }

  // The profile the call resolved to, for the log line and metric labels.
  void set_profile(absl::string_view profile) {
    profile_ = std::string(profile);
  }
  // The upstream's HTTP status, for the log line, when there was one.
  void set_upstream_status(int status) { upstream_status_ = status; }

  // Keeps `state` alive until the RPC is done (the configuration the call
  // runs under, which a reload may replace meanwhile).
  void Hold(std::shared_ptr<const void> state) { held_ = std::move(state); }

  // Counts the call against `limiter` until it completes; false (and not
  // counted) when `limit` calls are already in flight.
  bool Admit(InFlightLimiter* limiter, size_t limit) {
    if (!limiter->TryAcquire(limit)) return false;
    limiter_ = limiter;
    return true;
  }

  // Finishes the RPC with `status` (its message reaches the caller).
  void Complete(const absl::Status& status);

  void OnDone() override { delete this; }

 private:
  const absl::string_view method_;
  RpcObserver* const observer_;
  const Clock& clock_;
  RateLimitedLog& refusal_log_;
  const absl::Time start_;
  std::string request_id_;
  std::string profile_;
  std::string caller_;
  int upstream_status_ = 0;
  std::shared_ptr<const void> held_;
  InFlightLimiter* limiter_ = nullptr;
};

}  // namespace signet

#endif  // SIGNET_SERVER_OBSERVED_CALL_H_
