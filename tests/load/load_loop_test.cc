// LoadLoop (tools/load): what it starts, when, and how it counts calls back.
// The "calls" here end on a thread of the test's own, as gRPC's would.
#include "load/load_loop.h"

#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet::load {
namespace {

using Clock = LoadLoop::Clock;
using ::testing::ElementsAre;

// Calls that end when the test says so, remembering their numbers.
class HeldCalls {
 public:
  void Start(uint64_t n) {
    absl::MutexLock lock(&mu_);
    started_.push_back(n);
    ++held_;
  }
  std::vector<uint64_t> started() {
    absl::MutexLock lock(&mu_);
    return started_;
  }
  int held() {
    absl::MutexLock lock(&mu_);
    return held_;
  }
  // Waits until `count` calls are held.
  bool AwaitHeld(int count) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return held_ >= count;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(10));
  }
  // Ends one held call (on another thread, as a completion would).
  void EndOne(LoadLoop* loop) {
    {
      absl::MutexLock lock(&mu_);
      --held_;
    }
    std::thread([loop] { loop->Done(); }).join();
  }

 private:
  absl::Mutex mu_;
  std::vector<uint64_t> started_ ABSL_GUARDED_BY(mu_);
  int held_ ABSL_GUARDED_BY(mu_) = 0;
};

TEST(LoadLoopTest, ClosedLoopKeepsConcurrencyInFlightUpToMaxCalls) {
  HeldCalls calls;
  LoadLoopOptions options;
  options.concurrency = 2;
  options.max_calls = 4;
  LoadLoop loop(options,
                [&](uint64_t n, Clock::time_point) { calls.Start(n); });
  loop.Start();
  EXPECT_THAT(calls.started(), ElementsAre(0, 1));
  calls.EndOne(&loop);  // the next call starts from this completion
  EXPECT_THAT(calls.started(), ElementsAre(0, 1, 2));
  EXPECT_EQ(calls.held(), 2);
  calls.EndOne(&loop);
  calls.EndOne(&loop);  // max_calls reached: no fifth
  EXPECT_THAT(calls.started(), ElementsAre(0, 1, 2, 3));
  EXPECT_FALSE(loop.AwaitFinished(absl::ZeroDuration()));
  calls.EndOne(&loop);
  EXPECT_TRUE(loop.AwaitFinished(absl::Seconds(10)));
}

TEST(LoadLoopTest, PacedLoopStartsAtItsRateOnScheduleUntilStopAt) {
  absl::Mutex mu;
  std::vector<Clock::time_point> scheduled;
  LoadLoopOptions options;
  options.rate = 100;  // every 10 ms
  const Clock::time_point begin = Clock::now();
  options.stop_at = begin + std::chrono::milliseconds(95);
  LoadLoop* loop_ptr = nullptr;
  LoadLoop loop(options, [&](uint64_t, Clock::time_point at) {
    {
      absl::MutexLock lock(&mu);
      scheduled.push_back(at);
    }
    loop_ptr->Done();
  });
  loop_ptr = &loop;
  loop.Start();
  ASSERT_TRUE(loop.AwaitFinished(absl::Seconds(10)));
  absl::MutexLock lock(&mu);
  // 0, 10, ..., 90 ms: ten slots before stop_at, each exactly one interval
  // after the previous (the schedule, not when the thread woke up).
  ASSERT_EQ(scheduled.size(), 10u);
  for (size_t i = 1; i < scheduled.size(); ++i) {
    EXPECT_EQ(scheduled[i] - scheduled[i - 1], std::chrono::milliseconds(10));
  }
  EXPECT_GE(scheduled.front(), begin);
}

TEST(LoadLoopTest, PacedLoopHoldsBackWhileConcurrencyIsInFlight) {
  HeldCalls calls;
  LoadLoopOptions options;
  options.rate = 1000;
  options.concurrency = 3;
  LoadLoop loop(options,
                [&](uint64_t n, Clock::time_point) { calls.Start(n); });
  loop.Start();
  ASSERT_TRUE(calls.AwaitHeld(3));
  absl::SleepFor(absl::Milliseconds(30));  // thirty slots pass unused
  EXPECT_EQ(calls.started().size(), 3u);
  calls.EndOne(&loop);
  ASSERT_TRUE(calls.AwaitHeld(3));
  EXPECT_EQ(calls.started().size(), 4u);
  // Stopping waits for the calls in flight, which end meanwhile (a slot
  // freed before the stop is seen may still start one more); after it, no
  // call starts.
  std::atomic<bool> drained{false};
  std::thread stopper([&] {
    EXPECT_TRUE(loop.StopAndDrain(absl::Seconds(10)));
    drained = true;
  });
  while (!drained) {
    if (calls.held() > 0) {
      calls.EndOne(&loop);
    } else {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
  stopper.join();
  EXPECT_EQ(calls.held(), 0);
  const size_t started = calls.started().size();
  absl::SleepFor(absl::Milliseconds(30));
  EXPECT_EQ(calls.started().size(), started);
}

}  // namespace
}  // namespace signet::load
