#ifndef SIGNET_HTTP_CIRCUIT_BREAKER_HTTP_CLIENT_H_
#define SIGNET_HTTP_CIRCUIT_BREAKER_HTTP_CLIENT_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "http/http_client.h"

namespace signet {

enum class CircuitState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

// Where circuit changes are reported (the admin listener's metrics).
class CircuitObserver {
 public:
  virtual ~CircuitObserver() = default;
  virtual void CircuitStateChanged(absl::string_view profile,
                                   CircuitState state) = 0;
  // A call refused without being sent because the circuit is open.
  virtual void CircuitRejected(absl::string_view profile) = 0;
};

// Whether `status` is a breaker's fast failure: UNAVAILABLE like the
// failures that opened it, but retrying it at once is pointless.
bool IsCircuitOpenError(const absl::Status& status);

// An HttpClient decorator that stops sending to an upstream that keeps
// failing at the transport level. After `failure_threshold` consecutive
// transport failures (UNAVAILABLE: refused, reset, unresolvable, TLS) the
// circuit opens and requests fail at once with UNAVAILABLE for
// `cool_down`; then the next request goes through as a probe while the
// others keep failing fast, and its outcome closes or re-opens the
// circuit. Any answer from the upstream -- a 500 too -- counts as success:
// the upstream is reachable, and its errors are the caller's to see.
// Timeouts count neither way, since they depend on each caller's deadline.
class CircuitBreakerHttpClient final
    : public HttpClient,
      public std::enable_shared_from_this<CircuitBreakerHttpClient> {
 public:
  struct Options {
    int failure_threshold = 5;
    absl::Duration cool_down = absl::Seconds(10);
  };

  // Holds `inner`; a request in flight holds this client. `clock` and
  // `observer` (may be null) are the process's and outlive every profile.
  CircuitBreakerHttpClient(std::shared_ptr<HttpClient> inner,
                           std::string profile, Options options,
                           const Clock* clock, CircuitObserver* observer);
  ~CircuitBreakerHttpClient() override;

  void Send(HttpRequest request, HttpCallback on_done) override
      ABSL_LOCKS_EXCLUDED(mu_);

  CircuitState state() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  // What a finished request says about the upstream: it answered (any
  // HTTP status), it could not be reached, or nothing (a timeout, a
  // request refused before sending).
  enum class Outcome { kAnswered, kTransportFailure, kNeutral };
  static Outcome OutcomeOf(const absl::Status& status);

  // Records a finished request and reports a state change.
  void Record(Outcome outcome, bool probe) ABSL_LOCKS_EXCLUDED(mu_);
  void Report(CircuitState state);

  const std::shared_ptr<HttpClient> inner_;
  const std::string profile_;
  const Options options_;
  const Clock& clock_;
  CircuitObserver* const observer_;

  mutable absl::Mutex mu_;
  CircuitState state_ ABSL_GUARDED_BY(mu_) = CircuitState::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_);
  bool probe_in_flight_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace signet

#endif  // SIGNET_HTTP_CIRCUIT_BREAKER_HTTP_CLIENT_H_
