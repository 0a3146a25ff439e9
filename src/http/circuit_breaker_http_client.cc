#include "http/circuit_breaker_http_client.h"

#include <optional>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

// Marks the breaker's own UNAVAILABLE so retries can tell it apart.
constexpr absl::string_view kCircuitOpenPayload = "signet/circuit-open";

}  // namespace

CircuitBreakerHttpClient::Outcome CircuitBreakerHttpClient::OutcomeOf(
    const absl::Status& status) {
  if (status.ok()) return Outcome::kAnswered;
  if (status.code() == absl::StatusCode::kUnavailable) {
    return Outcome::kTransportFailure;
  }
  return Outcome::kNeutral;
}

bool IsCircuitOpenError(const absl::Status& status) {
  return status.GetPayload(kCircuitOpenPayload).has_value();
}

CircuitBreakerHttpClient::CircuitBreakerHttpClient(
    std::shared_ptr<HttpClient> inner, std::string profile, Options options,
    const Clock* clock, CircuitObserver* observer)
    : inner_(std::move(inner)),
      profile_(std::move(profile)),
      options_(options),
      clock_(*clock),
      observer_(observer) {
  Report(CircuitState::kClosed);
}

CircuitBreakerHttpClient::~CircuitBreakerHttpClient() = default;

CircuitState CircuitBreakerHttpClient::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

void CircuitBreakerHttpClient::Send(HttpRequest request, HttpCallback on_done) {
  bool probe = false;
  bool refuse = false;
  std::optional<CircuitState> changed;
  {
    absl::MutexLock lock(&mu_);
    if (state_ == CircuitState::kOpen && clock_.Now() >= open_until_) {
      state_ = CircuitState::kHalfOpen;
      changed = state_;
    }
    if (state_ == CircuitState::kHalfOpen && !probe_in_flight_) {
      probe = true;
      probe_in_flight_ = true;
    } else {
      refuse = state_ != CircuitState::kClosed;
    }
  }
  if (changed.has_value()) Report(*changed);
  if (refuse) {
    if (observer_ != nullptr) observer_->CircuitRejected(profile_);
    absl::Status status = absl::UnavailableError(absl::StrCat(
        "upstream of profile \"", profile_,
        "\" is failing (circuit open after ", options_.failure_threshold,
        " consecutive connection failures); retry later"));
    status.SetPayload(kCircuitOpenPayload, absl::Cord("1"));
    std::move(on_done)(std::move(status));
    return;
  }
  inner_->Send(std::move(request),
               [self = shared_from_this(), probe, on_done = std::move(on_done)](
                   absl::StatusOr<HttpResponse> answer) mutable {
                 self->Record(OutcomeOf(answer.status()), probe);
                 std::move(on_done)(std::move(answer));
               });
}

void CircuitBreakerHttpClient::Record(Outcome outcome, bool probe) {
  std::optional<CircuitState> changed;
  {
    absl::MutexLock lock(&mu_);
    if (probe) probe_in_flight_ = false;
    if (outcome == Outcome::kNeutral) {
      // A timeout or a refused request: the next call probes again.
    } else if (outcome == Outcome::kAnswered) {
      consecutive_failures_ = 0;
      if (state_ != CircuitState::kClosed && probe) {
        state_ = CircuitState::kClosed;
        changed = state_;
      }
    } else {
      ++consecutive_failures_;
      const bool trips =
          probe || (state_ == CircuitState::kClosed &&
                    consecutive_failures_ >= options_.failure_threshold);
      if (trips) {
        state_ = CircuitState::kOpen;
        open_until_ = clock_.Now() + options_.cool_down;
        changed = state_;
      }
    }
  }
  if (changed.has_value()) Report(*changed);
}

void CircuitBreakerHttpClient::Report(CircuitState state) {
  if (observer_ != nullptr) observer_->CircuitStateChanged(profile_, state);
}

}  // namespace signet
