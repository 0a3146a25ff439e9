#ifndef SIGNET_COMMON_SCHEDULER_H_
#define SIGNET_COMMON_SCHEDULER_H_

#include "absl/functional/any_invocable.h"
#include "absl/time/time.h"

namespace signet {

// Runs a task later without holding a thread while it waits: how a retry
// backs off inside an asynchronous call. Injected, so tests decide when
// "later" is (tests/testing/manual_scheduler.h).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  // Runs `task` once, no sooner than `delay` from now, on a scheduler
  // thread. Tasks must not block. A scheduler that is shutting down runs
  // the task at once instead, on the caller's thread, so no task is lost.
  virtual void RunAfter(absl::Duration delay,
                        absl::AnyInvocable<void() &&> task) = 0;
};

}  // namespace signet

#endif  // SIGNET_COMMON_SCHEDULER_H_
