#include "http/retrying_http_client.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>

#include "http/circuit_breaker_http_client.h"

namespace signet {
namespace {

bool IsIdempotent(const std::string& method) {
  return method == "GET" || method == "HEAD" || method == "PUT" ||
         method == "DELETE";
}

bool IsRetryable(const absl::StatusOr<HttpResponse>& answer) {
  if (answer.ok()) return answer->status >= 500 && answer->status <= 599;
  return answer.status().code() == absl::StatusCode::kUnavailable &&
         !IsCircuitOpenError(answer.status());
}

}  // namespace

// One request across its attempts; owned by the callback in flight.
struct RetryingHttpClient::Attempt {
  HttpRequest request;  // kept for the next attempt
  HttpCallback on_done;
  int number = 1;
};

void RetryingHttpClient::Send(HttpRequest request, HttpCallback on_done) {
  if (policy_.max_attempts <= 1 ||
      (policy_.idempotent_only && !IsIdempotent(request.method))) {
    inner_->Send(std::move(request), std::move(on_done));
    return;
  }
  auto* attempt = new Attempt{std::move(request), std::move(on_done)};
  SendAttempt(attempt);
}

void RetryingHttpClient::SendAttempt(Attempt* attempt) {
  HttpRequest copy = attempt->request;
  inner_->Send(std::move(copy), [self = shared_from_this(),
                                 attempt](absl::StatusOr<HttpResponse> answer) {
    self->OnAnswer(attempt, std::move(answer));
  });
}

void RetryingHttpClient::OnAnswer(Attempt* attempt,
                                  absl::StatusOr<HttpResponse> answer) {
  std::unique_ptr<Attempt> owned(attempt);
  if (IsRetryable(answer) && attempt->number < policy_.max_attempts) {
    const double ceiling_ms =
        std::min(absl::ToDoubleMilliseconds(policy_.max_backoff),
                 absl::ToDoubleMilliseconds(policy_.initial_backoff) *
                     std::ldexp(1.0, attempt->number - 1));
    const absl::Duration backoff =
        absl::Milliseconds(ceiling_ms * random_.Uniform01());
    if (clock_.Now() + backoff < attempt->request.deadline) {
      ++attempt->number;
      scheduler_.RunAfter(
          backoff, [self = shared_from_this(), attempt = owned.release()] {
            self->SendAttempt(attempt);
          });
      return;
    }
  }
  HttpCallback on_done = std::move(attempt->on_done);
  owned.reset();
  std::move(on_done)(std::move(answer));
}

}  // namespace signet
