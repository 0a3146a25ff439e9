#ifndef SIGNET_COMMON_REPEATING_TASK_H_
#define SIGNET_COMMON_REPEATING_TASK_H_

#include <functional>
#include <memory>

#include "absl/time/time.h"
#include "common/scheduler.h"

namespace signet {

// Runs `task` every `interval` on a Scheduler -- the first time one
// interval from now -- until destroyed: the cheap background chores
// (readiness re-checks, secret file polling) share the process's one timer
// thread instead of a thread each.
//
// Destruction stops the repetition and waits for a run in progress, so
// what `task` uses may go right after; it must not happen inside `task`.
// A scheduler shutting down (which runs tasks at once) ends the repetition
// instead of spinning it. Runs never overlap.
class RepeatingTask {
 public:
  // `scheduler` must outlive every run: the process's TimerThread.
  RepeatingTask(Scheduler* scheduler, absl::Duration interval,
                std::function<void()> task);
  ~RepeatingTask();

  RepeatingTask(const RepeatingTask&) = delete;
  RepeatingTask& operator=(const RepeatingTask&) = delete;

 private:
  struct State;
  static void Arm(const std::shared_ptr<State>& state);
  static void Tick(const std::shared_ptr<State>& state);

  // Shared with the tick waiting in the scheduler, which may outlive this.
  const std::shared_ptr<State> state_;
};

}  // namespace signet

#endif  // SIGNET_COMMON_REPEATING_TASK_H_
