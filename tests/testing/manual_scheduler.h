#ifndef SIGNET_TESTS_TESTING_MANUAL_SCHEDULER_H_
#define SIGNET_TESTS_TESTING_MANUAL_SCHEDULER_H_

#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/random.h"
#include "common/scheduler.h"

namespace signet::testing {

// A Scheduler that only records: the test sees each delay asked for and
// runs the tasks when it chooses (after advancing its FakeClock).
class ManualScheduler final : public Scheduler {
 public:
  void RunAfter(absl::Duration delay,
                absl::AnyInvocable<void() &&> task) override
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    delays_.push_back(delay);
    tasks_.push_back(std::move(task));
  }

  // Every delay asked for so far, in order.
  std::vector<absl::Duration> delays() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return delays_;
  }
  int pending() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return static_cast<int>(tasks_.size());
  }
  // Waits until `n` tasks wait, for tasks scheduled from another thread (a
  // gRPC handler); false if `timeout` passed first.
  bool WaitForPending(int n, absl::Duration timeout = absl::Seconds(10)) const
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return static_cast<int>(tasks_.size()) == n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  // Runs the tasks waiting now (not those they schedule in turn).
  void RunPending() ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<absl::AnyInvocable<void() &&>> tasks;
    {
      absl::MutexLock lock(&mu_);
      tasks.swap(tasks_);
    }
    for (auto& task : tasks) std::move(task)();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<absl::Duration> delays_ ABSL_GUARDED_BY(mu_);
  std::vector<absl::AnyInvocable<void() &&>> tasks_ ABSL_GUARDED_BY(mu_);
};

// Random that returns a fixed value.
class FixedRandom final : public Random {
 public:
  explicit FixedRandom(double value) : value_(value) {}
  double Uniform01() override { return value_; }

 private:
  const double value_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_MANUAL_SCHEDULER_H_
