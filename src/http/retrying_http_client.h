#ifndef SIGNET_HTTP_RETRYING_HTTP_CLIENT_H_
#define SIGNET_HTTP_RETRYING_HTTP_CLIENT_H_

#include <memory>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/random.h"
#include "common/scheduler.h"
#include "http/http_client.h"

namespace signet {

// An HttpClient decorator that retries what may succeed a moment later --
// a transport failure (UNAVAILABLE) or a 5xx answer -- with exponential
// backoff and full jitter: before retry n it waits a uniformly random time
// in [0, min(max_backoff, initial_backoff * 2^(n-1))), which spreads the
// retries of many callers instead of synchronizing them. A retry is made
// only if its backoff ends before the request's deadline; otherwise, or
// after max_attempts, the last outcome is delivered as it is. A circuit
// breaker's fast failure is never retried.
class RetryingHttpClient final
    : public HttpClient,
      public std::enable_shared_from_this<RetryingHttpClient> {
 public:
  struct Policy {
    int max_attempts = 3;  // the first included; 1 sends once
    absl::Duration initial_backoff = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(2);
    // Retry only GET, HEAD, PUT and DELETE (forwarded calls, whose side
    // effects signet cannot judge); otherwise every method (token fetches).
    bool idempotent_only = false;
  };

  // Holds `inner`; a request in flight or waiting out its backoff holds
  // this client. `clock`, `scheduler` and `random` are the process's and
  // outlive every profile (see UpstreamEnv).
  RetryingHttpClient(std::shared_ptr<HttpClient> inner, Policy policy,
                     const Clock* clock, Scheduler* scheduler, Random* random)
      : inner_(std::move(inner)),
        policy_(policy),
        clock_(*clock),
        scheduler_(*scheduler),
        random_(*random) {}

  void Send(HttpRequest request, HttpCallback on_done) override;

 private:
  struct Attempt;
  void SendAttempt(Attempt* attempt);
  void OnAnswer(Attempt* attempt, absl::StatusOr<HttpResponse> answer);

  const std::shared_ptr<HttpClient> inner_;
  const Policy policy_;
  const Clock& clock_;
  Scheduler& scheduler_;
  Random& random_;
};

}  // namespace signet

#endif  // SIGNET_HTTP_RETRYING_HTTP_CLIENT_H_
