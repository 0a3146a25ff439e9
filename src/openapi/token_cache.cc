#include "openapi/token_cache.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "log/log.h"

namespace signet {

TokenCache::TokenCache(std::shared_ptr<TokenSource> source, const Clock* clock,
                       Random* random, Options options)
    : source_(std::move(source)),
      clock_(*clock),
      random_(*random),
      options_(std::move(options)) {}

void TokenCache::Get(Callback on_done) {
  std::optional<Token> hit;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    if (token_.has_value() && now < token_->expires_at) {
      hit = *token_;
      const bool refresh_due =
          now >= token_->expires_at - options_.refresh_before;
      if (refresh_due && !fetch_in_flight_ && now >= retry_not_before_) {
        StartFetchLocked();
      }
    } else {
      waiters_.push_back(std::move(on_done));
      if (!fetch_in_flight_) StartFetchLocked();
    }
  }
  if (options_.observer != nullptr) {
    options_.observer->TokenLookup(options_.profile, hit.has_value());
  }
  if (hit.has_value()) {
    std::move(on_done)(Result{*std::move(hit), /*from_cache=*/true});
  }
}

void TokenCache::ForceRefresh(Callback on_done) {
  absl::MutexLock lock(&mu_);
  waiters_.push_back(std::move(on_done));
  if (!fetch_in_flight_) StartFetchLocked();
}

TokenCache::Rejection TokenCache::Reject(absl::string_view token) {
  Rejection outcome;
  std::optional<Secret> rejected;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    if (!token_.has_value() || !token_->value.Equals(token)) {
      outcome = Rejection::kStale;
    } else if (now - last_rejection_refresh_ < options_.min_refresh_interval) {
      outcome = Rejection::kSuppressed;
    } else {
      rejected = std::move(token_->value);
      token_.reset();
      last_rejection_refresh_ = now;
      outcome = Rejection::kRefreshed;
    }
  }
  if (rejected.has_value()) source_->Rejected(*rejected);
  if (options_.observer != nullptr) {
    options_.observer->TokenRejected(options_.profile, RejectionName(outcome));
  }
  return outcome;
}

absl::string_view TokenCache::RejectionName(Rejection rejection) {
  switch (rejection) {
    case Rejection::kRefreshed:
      return "refreshed";
    case Rejection::kStale:
      return "stale";
    case Rejection::kSuppressed:
      return "suppressed";
  }
  return "unknown";
}

std::optional<absl::Time> TokenCache::ExpiresAt() const {
  absl::MutexLock lock(&mu_);
  if (!token_.has_value()) return std::nullopt;
  return token_->expires_at;
}

void TokenCache::StartFetchLocked() {
  fetch_in_flight_ = true;
  // The source completes on its own thread (or inline on a synchronous
  // failure), so the lock must not be held when it calls back. Releasing
  // here is safe: fetch_in_flight_ already keeps a second fetch out.
  mu_.Unlock();
  source_->Fetch([self = shared_from_this()](absl::StatusOr<Token> result) {
    self->OnFetched(std::move(result));
  });
  mu_.Lock();
}

absl::Duration TokenCache::NextBackoffLocked() {
  backoff_ = backoff_ == absl::ZeroDuration()
                 ? options_.initial_backoff
                 : std::min(backoff_ * 2, options_.max_backoff);
  return backoff_ * (0.5 + 0.5 * random_.Uniform01());
}

void TokenCache::OnFetched(absl::StatusOr<Token> result) {
  if (options_.observer != nullptr) {
    options_.observer->TokenFetched(options_.profile, result.ok());
  }
  std::vector<Callback> waiters;
  {
    absl::MutexLock lock(&mu_);
    fetch_in_flight_ = false;
    waiters.swap(waiters_);
    if (result.ok()) {
      token_ = *result;
      backoff_ = absl::ZeroDuration();
      retry_not_before_ = absl::InfinitePast();
    } else {
      const absl::Time now = clock_.Now();
      const bool still_valid = token_.has_value() && now < token_->expires_at;
      if (still_valid) {
        const absl::Duration delay = NextBackoffLocked();
        retry_not_before_ = now + delay;
        LogWarning(
            "token refresh failed; serving the cached token",
            {{"error", std::string(result.status().message())},
             {"retry_in", absl::FormatDuration(delay)},
             {"expires_in", absl::FormatDuration(token_->expires_at - now)}});
      }
    }
  }
  for (Callback& waiter : waiters) {
    if (result.ok()) {
      std::move(waiter)(Result{*result, /*from_cache=*/false});
    } else {
      std::move(waiter)(result.status());
    }
  }
}

}  // namespace signet
