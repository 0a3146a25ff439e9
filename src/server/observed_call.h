#ifndef SIGNET_SERVER_OBSERVED_CALL_H_
#define SIGNET_SERVER_OBSERVED_CALL_H_

#include <grpcpp/grpcpp.h>

#include <atomic>
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

// One unary Gateway RPC, finished through its context's DefaultReactor().
// Besides finishing the call it gives the call a request id (the caller's
// x-request-id metadata, or a new one) that is sent upstream, and on completion
// writes the access log line and reports to the RpcObserver. The lines of calls
// refused as UNAUTHENTICATED or PERMISSION_DENIED go through `refusal_log`:
// anyone who reaches the port can cause those, as fast as they like.
//
// Why not a reactor of its own: gRPC runs the OnDone of a user reactor on
// its executor (a thread hop and a futex wake per call), while the
// library's default reactor finishes inline; the default reactor also
// accepts a Finish from any thread after the handler returned, which is all
// a Gateway RPC needs (none reacts to cancellation).
//
// Ownership, not timing, keeps it valid: it is shared-owned by the handler
// and by every callback that may still run for it (a token fetch, a
// transfer), so a completion that arrives after the call was finished -- by
// its deadline, say -- still finds a live object. What such a late
// completion may not touch is the RPC itself: the request, response and
// context belong to gRPC and die once the call is finished. Hence the
// claim: whoever wins Claim() may write the response and must then call
// Complete; every other path does nothing. The call also holds the runtime
// it started under (Hold), so a callback holding the call may use that
// runtime's profiles however long it runs, across any number of reloads.
class ObservedCall final {
 public:
  // `observer` may be null; it, `clock` and `refusal_log` must outlive
  // every call that can still be completed (the server drains calls
  // before they go).
  static std::shared_ptr<ObservedCall> Start(
      grpc::CallbackServerContext* context, absl::string_view method,
      RpcObserver* observer, const Clock* clock, RateLimitedLog* refusal_log);

  ObservedCall(const ObservedCall&) = delete;
  ObservedCall& operator=(const ObservedCall&) = delete;

  // What the handler returns to gRPC.
  grpc::ServerUnaryReactor* reactor() const { return reactor_; }

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

  // Takes the right to finish the RPC: true for exactly one caller, which
  // may then write the response and must call Complete. False means the
  // call is finished or being finished: touch nothing of the RPC.
  bool Claim() { return !claimed_.exchange(true, std::memory_order_acq_rel); }
  // Whether someone has claimed the call (it may still be finishing).
  bool claimed() const { return claimed_.load(std::memory_order_acquire); }

  // Finishes the RPC with `status` (its message reaches the caller). Only
  // the holder of the claim calls it, once.
  void Complete(const absl::Status& status);

  // Claim() and, if won, Complete(status). False when someone else
  // finishes the call.
  bool CompleteIfFirst(const absl::Status& status) {
    if (!Claim()) return false;
    Complete(status);
    return true;
  }

 private:
  ObservedCall(grpc::CallbackServerContext* context, absl::string_view method,
               RpcObserver* observer, const Clock* clock,
               RateLimitedLog* refusal_log);

  grpc::ServerUnaryReactor* const reactor_;  // gRPC's, until Complete
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
  std::atomic<bool> claimed_{false};
};

using CallPtr = std::shared_ptr<ObservedCall>;

}  // namespace signet

#endif  // SIGNET_SERVER_OBSERVED_CALL_H_
