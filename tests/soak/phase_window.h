#ifndef SIGNET_TESTS_SOAK_PHASE_WINDOW_H_
#define SIGNET_TESTS_SOAK_PHASE_WINDOW_H_

#include <atomic>
#include <cstdint>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet::soak {

// Which phases may be in force. A change from phase n-1 to n is bracketed:
// Begin(n) before the emulator is given the new fault, End(n) after it took
// it. A call takes LowestAt(its start) and Highest() when it ends; every
// fault it can have met lies in that range, so a call that straddles a
// change (or starts while the fault is swapped) is judged by both phases.
class PhaseWindow {
 public:
  void Begin(int64_t next) { highest_.store(next); }
  void End(int64_t next) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (static_cast<int64_t>(ended_at_.size()) <= next) {
      ended_at_.resize(static_cast<size_t>(next) + 1, absl::InfinitePast());
    }
    ended_at_[static_cast<size_t>(next)] = absl::Now();
  }

  int64_t Highest() const { return highest_.load(); }

  // The earliest phase that may still have been in force at `time`.
  int64_t LowestAt(absl::Time time) const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    int64_t lowest = 0;
    for (size_t n = 1; n < ended_at_.size() && ended_at_[n] <= time; ++n) {
      lowest = static_cast<int64_t>(n);
    }
    return lowest;
  }

 private:
  std::atomic<int64_t> highest_{0};
  mutable absl::Mutex mu_;
  // When each phase's fault was in place (the previous one's gone).
  std::vector<absl::Time> ended_at_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet::soak

#endif  // SIGNET_TESTS_SOAK_PHASE_WINDOW_H_
