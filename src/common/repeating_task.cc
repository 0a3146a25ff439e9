#include "common/repeating_task.h"

#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace signet {

struct RepeatingTask::State {
  State(Scheduler* scheduler, absl::Duration interval,
        std::function<void()> task)
      : scheduler(*scheduler), interval(interval), task(std::move(task)) {}

  Scheduler& scheduler;
  const absl::Duration interval;
  const std::function<void()> task;

  absl::Mutex mu;
  bool stopped ABSL_GUARDED_BY(mu) = false;
  bool running ABSL_GUARDED_BY(mu) = false;
  // The thread inside Arm: a tick run there was run inline by a scheduler
  // that is shutting down.
  std::thread::id arming ABSL_GUARDED_BY(mu);
};

RepeatingTask::RepeatingTask(Scheduler* scheduler, absl::Duration interval,
                             std::function<void()> task)
    : state_(std::make_shared<State>(scheduler, interval, std::move(task))) {
  Arm(state_);
}

RepeatingTask::~RepeatingTask() {
  absl::MutexLock lock(&state_->mu);
  state_->stopped = true;
  state_->mu.Await(absl::Condition(
      +[](bool* running) { return !*running; }, &state_->running));
}

void RepeatingTask::Arm(const std::shared_ptr<State>& state) {
  {
    absl::MutexLock lock(&state->mu);
    state->arming = std::this_thread::get_id();
  }
  state->scheduler.RunAfter(state->interval, [state] { Tick(state); });
  absl::MutexLock lock(&state->mu);
  state->arming = std::thread::id();
}

void RepeatingTask::Tick(const std::shared_ptr<State>& state) {
  {
    absl::MutexLock lock(&state->mu);
    if (state->arming == std::this_thread::get_id()) state->stopped = true;
    if (state->stopped) return;
    state->running = true;
  }
  state->task();
  {
    absl::MutexLock lock(&state->mu);
    state->running = false;
    if (state->stopped) return;
  }
  Arm(state);
}

}  // namespace signet
