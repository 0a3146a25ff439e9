#include "load/load_loop.h"

#include <algorithm>
#include <utility>

namespace signet::load {

LoadLoop::LoadLoop(LoadLoopOptions options, Issue issue)
    : options_(std::move(options)), issue_(std::move(issue)) {}

LoadLoop::~LoadLoop() { (void)StopAndDrain(absl::InfiniteDuration()); }

void LoadLoop::Start() {
  if (options_.rate > 0) {
    pacer_ = std::thread([this] { Pace(); });
    return;
  }
  const int callers = std::max(1, options_.concurrency);
  for (int i = 0; i < callers; ++i) {
    uint64_t n = 0;
    {
      absl::MutexLock lock(&mu_);
      if (!TakeUnpacedLocked(&n)) return;
    }
    issue_(n, Clock::now());
  }
}

bool LoadLoop::TakeUnpacedLocked(uint64_t* n) {
  if (stopping_ || Clock::now() >= options_.stop_at ||
      (options_.max_calls > 0 && started_ >= options_.max_calls)) {
    issuing_over_ = true;
    return false;
  }
  *n = started_++;
  ++in_flight_;
  return true;
}

void LoadLoop::Done() {
  uint64_t n = 0;
  {
    absl::MutexLock lock(&mu_);
    --in_flight_;
    if (options_.rate > 0 || !TakeUnpacedLocked(&n)) return;
  }
  issue_(n, Clock::now());
}

void LoadLoop::Pace() {
  const auto interval = std::chrono::duration_cast<Clock::duration>(
      std::chrono::duration<double>(1.0 / options_.rate));
  const bool bounded_debt =
      options_.max_pacing_debt != absl::InfiniteDuration();
  const Clock::duration max_debt =
      bounded_debt ? absl::ToChronoNanoseconds(options_.max_pacing_debt)
                   : Clock::duration::zero();
  auto slot_free_or_stopping = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || options_.concurrency <= 0 ||
           in_flight_ < options_.concurrency;
  };
  Clock::time_point next = Clock::now();
  while (true) {
    uint64_t n = 0;
    {
      absl::MutexLock lock(&mu_);
      // Wait for the next start time, waking early only to stop.
      for (Clock::time_point now = Clock::now(); !stopping_ && now < next;
           now = Clock::now()) {
        mu_.AwaitWithTimeout(absl::Condition(&stopping_),
                             absl::FromChrono(next - now));
      }
      if (stopping_ || next >= options_.stop_at ||
          (options_.max_calls > 0 && started_ >= options_.max_calls)) {
        break;
      }
      mu_.Await(absl::Condition(&slot_free_or_stopping));
      if (stopping_) break;
      n = started_++;
      ++in_flight_;
    }
    issue_(n, next);
    next += interval;
    if (bounded_debt) next = std::max(next, Clock::now() - max_debt);
  }
  absl::MutexLock lock(&mu_);
  issuing_over_ = true;
}

bool LoadLoop::AwaitFinished(absl::Duration timeout) {
  absl::MutexLock lock(&mu_);
  auto finished = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return issuing_over_ && in_flight_ == 0;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&finished), timeout);
}

bool LoadLoop::StopAndDrain(absl::Duration timeout) {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  if (pacer_.joinable()) pacer_.join();
  absl::MutexLock lock(&mu_);
  auto drained = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return in_flight_ == 0;
  };
  return mu_.AwaitWithTimeout(absl::Condition(&drained), timeout);
}

}  // namespace signet::load
