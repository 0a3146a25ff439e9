#ifndef SIGNET_TOOLS_LOAD_LOAD_LOOP_H_
#define SIGNET_TOOLS_LOAD_LOAD_LOOP_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet::load {

struct LoadLoopOptions {
  // Calls started per second. 0: unpaced, a closed loop: each call that ends
  // starts the next one at once, from its completion (needs concurrency).
  double rate = 0;
  // Calls in flight at most; 0: no cap (an open loop, which needs rate).
  int concurrency = 0;
  // Calls started in all; 0: no limit.
  uint64_t max_calls = 0;
  // No call starts at or after this time.
  std::chrono::steady_clock::time_point stop_at =
      std::chrono::steady_clock::time_point::max();
  // Paced only: how far the schedule may fall behind now (after a stall, or
  // while waiting for a free slot) before it restarts from now rather than
  // bursting to catch up. Infinite keeps the fixed schedule, so that a
  // latency measured from the scheduled start charges a stall to every call
  // it delays (no coordinated omission).
  absl::Duration max_pacing_debt = absl::InfiniteDuration();
};

// Keeps gRPC calls (or any asynchronous work) going: starts them with
// `issue`, paced at options.rate and/or capped at options.concurrency in
// flight, and counts them back as each one reports Done(). It knows nothing
// of what a call is or how to judge its answer; that stays with its users,
// the benchmark's client (bench/load_client.cc) and the soak's driver
// (tests/soak/load_driver.h).
//
// Paced, calls are started by the loop's own thread at their scheduled
// times; unpaced, the first `concurrency` calls are started by Start() and
// every later one by the Done() of an earlier one, on the caller's
// completion thread, with no thread hop in between.
class LoadLoop {
 public:
  using Clock = std::chrono::steady_clock;
  // Starts call number `n` (0, 1, ...), scheduled at `scheduled` (paced: its
  // slot in the schedule; unpaced: now). Must not block; the call's end,
  // however it ends, must be reported with exactly one Done().
  using Issue = std::function<void(uint64_t n, Clock::time_point scheduled)>;

  LoadLoop(LoadLoopOptions options, Issue issue);
  LoadLoop(const LoadLoop&) = delete;
  LoadLoop& operator=(const LoadLoop&) = delete;
  // Stops and waits for every call started to report Done(): `issue`'s
  // calls may refer to the loop until then (they end by their deadlines).
  ~LoadLoop();

  // Starts issuing. Once only.
  void Start() ABSL_LOCKS_EXCLUDED(mu_);

  // Reports the end of a call that `issue` started. Unpaced, may start the
  // next call before returning.
  void Done() ABSL_LOCKS_EXCLUDED(mu_);

  // Waits up to `timeout` until no more calls will start (stop_at passed or
  // max_calls reached) and every call started has ended; false on timeout.
  bool AwaitFinished(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  // Stops starting calls and waits up to `timeout` for those in flight;
  // false if some are still running then.
  bool StopAndDrain(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Pace() ABSL_LOCKS_EXCLUDED(mu_);
  // Whether another call may start now, unpaced; if so, counts it as
  // started and sets `n`. Otherwise issuing is over.
  bool TakeUnpacedLocked(uint64_t* n) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const LoadLoopOptions options_;
  const Issue issue_;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // No call will start any more.
  bool issuing_over_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t started_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t in_flight_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread pacer_;
};

}  // namespace signet::load

#endif  // SIGNET_TOOLS_LOAD_LOAD_LOOP_H_
