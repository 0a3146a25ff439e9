#include "common/timer_thread.h"

#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

using ::testing::ElementsAre;

// Records the order in which tasks ran.
class Journal {
 public:
  void Add(int id) {
    absl::MutexLock lock(&mu_);
    ids_.push_back(id);
  }
  void AwaitCount(size_t count) {
    absl::MutexLock lock(&mu_);
    wanted_ = count;
    mu_.Await(absl::Condition(this, &Journal::HasWanted));
  }
  std::vector<int> ids() {
    absl::MutexLock lock(&mu_);
    return ids_;
  }

 private:
  bool HasWanted() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ids_.size() >= wanted_;
  }

  absl::Mutex mu_;
  std::vector<int> ids_ ABSL_GUARDED_BY(mu_);
  size_t wanted_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(TimerThreadTest, RunsTasksInDueOrderNotArrivalOrder) {
  TimerThread timer;
  Journal journal;
  // Gaps wide enough that a loaded machine stalling this thread between two
  // RunAfter calls cannot make a later-posted task due first (30 ms did).
  timer.RunAfter(absl::Milliseconds(400), [&] { journal.Add(3); });
  timer.RunAfter(absl::Milliseconds(200), [&] { journal.Add(2); });
  timer.RunAfter(absl::ZeroDuration(), [&] { journal.Add(1); });
  journal.AwaitCount(3);
  EXPECT_THAT(journal.ids(), ElementsAre(1, 2, 3));
}

TEST(TimerThreadTest, DoesNotRunATaskBeforeItsDelay) {
  TimerThread timer;
  absl::Notification ran;
  absl::Time ran_at;
  const absl::Time start = absl::Now();
  timer.RunAfter(absl::Milliseconds(50), [&] {
    ran_at = absl::Now();
    ran.Notify();
  });
  ran.WaitForNotification();
  EXPECT_GE(ran_at - start, absl::Milliseconds(50));
}

TEST(TimerThreadTest, ShutdownRunsPendingTasksAtOnceAndLaterOnesInline) {
  TimerThread timer;
  Journal journal;
  timer.RunAfter(absl::Hours(1), [&] { journal.Add(1); });
  timer.Shutdown();
  EXPECT_THAT(journal.ids(), ElementsAre(1));
  timer.RunAfter(absl::Hours(1), [&] { journal.Add(2); });
  EXPECT_THAT(journal.ids(), ElementsAre(1, 2));
}

TEST(TimerThreadTest, DestructorRunsPendingTasks) {
  Journal journal;
  {
    TimerThread timer;
    timer.RunAfter(absl::Hours(1), [&] { journal.Add(7); });
  }
  EXPECT_THAT(journal.ids(), ElementsAre(7));
}

}  // namespace
}  // namespace signet
