#ifndef SIGNET_COMMON_PERIODIC_TASK_H_
#define SIGNET_COMMON_PERIODIC_TASK_H_

#include <functional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet {

// Runs `task` every `interval` on a thread of its own until destroyed
// (the destructor wakes the thread at once and joins it). For the cheap
// background chores: readiness re-checks, secret file polling.
class PeriodicTask {
 public:
  PeriodicTask(absl::Duration interval, std::function<void()> task);
  ~PeriodicTask() ABSL_LOCKS_EXCLUDED(mu_);

  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  const absl::Duration interval_;
  const std::function<void()> task_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace signet

#endif  // SIGNET_COMMON_PERIODIC_TASK_H_
