#include "common/timer_thread.h"

#include <vector>

#include "absl/time/clock.h"

namespace signet {

// Joined by the destructor: the thread never outlives this.
TimerThread::TimerThread() : thread_([this] { Run(); }) {}

TimerThread::~TimerThread() {
  Shutdown();
  thread_.join();
}

void TimerThread::RunAfter(absl::Duration delay, Task task) {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      const Key key{absl::Now() + delay, next_sequence_++};
      tasks_.emplace(key, std::move(task));
      if (tasks_.begin()->first == key) wake_.Signal();  // new earliest
      return;
    }
  }
  std::move(task)();
}

void TimerThread::Shutdown() {
  std::map<Key, Task> pending;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    pending.swap(tasks_);
    wake_.Signal();
  }
  for (auto& [key, task] : pending) std::move(task)();
}

void TimerThread::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    if (tasks_.empty()) {
      wake_.Wait(&mu_);
      continue;
    }
    const absl::Time due = tasks_.begin()->first.first;
    const absl::Time now = absl::Now();
    if (due > now) {
      // Woken early by an earlier task or by shutdown; the loop re-checks.
      wake_.WaitWithTimeout(&mu_, due - now);
      continue;
    }
    // Run everything due, outside the lock.
    std::vector<Task> ready;
    while (!tasks_.empty() && tasks_.begin()->first.first <= now) {
      ready.push_back(std::move(tasks_.begin()->second));
      tasks_.erase(tasks_.begin());
    }
    mu_.Unlock();
    for (Task& task : ready) std::move(task)();
    mu_.Lock();
  }
}

}  // namespace signet
