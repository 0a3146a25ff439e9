#ifndef SIGNET_COMMON_TIMER_THREAD_H_
#define SIGNET_COMMON_TIMER_THREAD_H_

#include <cstdint>
#include <map>
#include <thread>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/scheduler.h"

namespace signet {

// The production Scheduler: one thread sleeping until the earliest task
// is due. Tasks are ordered by wall-clock due time; a wall clock stepped
// while a task waits makes it run that much early or late, which a backoff
// tolerates.
class TimerThread final : public Scheduler {
 public:
  TimerThread();
  // Runs every pending task at once (see Shutdown), then joins the thread.
  ~TimerThread() override ABSL_LOCKS_EXCLUDED(mu_);

  TimerThread(const TimerThread&) = delete;
  TimerThread& operator=(const TimerThread&) = delete;

  void RunAfter(absl::Duration delay,
                absl::AnyInvocable<void() &&> task) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // Runs every pending task now, and from then on runs tasks given to
  // RunAfter at once on the caller's thread. For process shutdown: the
  // transports the tasks use fail them fast, and nothing waits for a timer.
  void Shutdown() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  using Task = absl::AnyInvocable<void() &&>;
  // Keyed by due time, then by arrival, so equal due times run in order.
  using Key = std::pair<absl::Time, uint64_t>;

  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  absl::Mutex mu_;
  absl::CondVar wake_;
  std::map<Key, Task> tasks_ ABSL_GUARDED_BY(mu_);
  uint64_t next_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace signet

#endif  // SIGNET_COMMON_TIMER_THREAD_H_
