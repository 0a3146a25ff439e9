#include "common/repeating_task.h"

#include <memory>
#include <thread>
#include <utility>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/timer_thread.h"
#include "gtest/gtest.h"
#include "testing/manual_scheduler.h"

namespace signet {
namespace {

using ::signet::testing::ManualScheduler;

// Runs every task at once on the caller's thread, as TimerThread does once
// it is shutting down.
class InlineScheduler final : public Scheduler {
 public:
  void RunAfter(absl::Duration, absl::AnyInvocable<void() &&> task) override {
    ++calls;
    std::move(task)();
  }
  int calls = 0;
};

TEST(RepeatingTaskTest, RunsOncePerIntervalAndRearms) {
  // Verify each run asks for the next one, one interval later.
  ManualScheduler scheduler;
  int runs = 0;
  RepeatingTask task(&scheduler, absl::Seconds(2), [&runs] { ++runs; });
  EXPECT_EQ(runs, 0);
  ASSERT_EQ(scheduler.pending(), 1);
  scheduler.RunPending();
  EXPECT_EQ(runs, 1);
  scheduler.RunPending();
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(scheduler.pending(), 1);
  for (absl::Duration delay : scheduler.delays()) {
    EXPECT_EQ(delay, absl::Seconds(2));
  }
}

TEST(RepeatingTaskTest, ATickAfterDestructionDoesNothing) {
  // Verify the tick left in the scheduler finds the task stopped.
  ManualScheduler scheduler;
  int runs = 0;
  {
    RepeatingTask task(&scheduler, absl::Seconds(1), [&runs] { ++runs; });
  }
  ASSERT_EQ(scheduler.pending(), 1);
  scheduler.RunPending();
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(scheduler.pending(), 0);
}

TEST(RepeatingTaskTest, AShuttingDownSchedulerEndsTheRepetition) {
  // Verify a scheduler that runs tasks inline does not make the task spin.
  InlineScheduler scheduler;
  int runs = 0;
  RepeatingTask task(&scheduler, absl::Seconds(1), [&runs] { ++runs; });
  EXPECT_EQ(runs, 0);
  EXPECT_EQ(scheduler.calls, 1);
}

TEST(RepeatingTaskTest, OnTheTimerThreadDestructionWaitsForARunInProgress) {
  // Verify destruction returns only after a run that already started ended,
  // with real threads (TSan runs the common tests).
  TimerThread timer;
  absl::Notification started;
  absl::Notification release;
  absl::Mutex mu;
  bool finished = false;
  auto task =
      std::make_unique<RepeatingTask>(&timer, absl::Milliseconds(1), [&] {
        if (!started.HasBeenNotified()) started.Notify();
        release.WaitForNotification();
        absl::MutexLock lock(&mu);
        finished = true;
      });
  started.WaitForNotification();
  bool finished_when_destroyed = false;
  std::thread destroyer([&] {
    task.reset();
    absl::MutexLock lock(&mu);
    finished_when_destroyed = finished;
  });
  release.Notify();
  destroyer.join();
  EXPECT_TRUE(finished_when_destroyed);
}

}  // namespace
}  // namespace signet
