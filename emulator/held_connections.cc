#include "emulator/held_connections.h"

#include <algorithm>
#include <utility>

#include "absl/time/clock.h"

namespace signet::emulator {

HeldConnections::HeldConnections() : thread_([this] { Run(); }) {}

HeldConnections::~HeldConnections() { Stop(); }

bool HeldConnections::Suspend(MHD_Connection* connection, Hold hold) {
  absl::MutexLock lock(&mu_);
  if (stopping_) return false;
  // Under mu_, so Stop() cannot miss a connection suspended after it ran.
  MHD_suspend_connection(connection);
  held_.push_back(Held{connection, std::move(hold)});
  changed_ = true;
  return true;
}

void HeldConnections::Recheck() {
  absl::MutexLock lock(&mu_);
  changed_ = true;
}

void HeldConnections::Stop() {
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      stopping_ = true;
      changed_ = true;
      for (const Held& held : held_) MHD_resume_connection(held.connection);
      held_.clear();
    }
  }
  if (thread_.joinable()) thread_.join();
}

absl::Time HeldConnections::ResumeEndedLocked(absl::Time now) {
  absl::Time next = absl::InfiniteFuture();
  std::vector<Held> still_held;
  for (Held& held : held_) {
    if (now >= held.hold.until ||
        (held.hold.released && held.hold.released())) {
      MHD_resume_connection(held.connection);
      continue;
    }
    next = std::min(next, held.hold.until);
    still_held.push_back(std::move(held));
  }
  held_ = std::move(still_held);
  return next;
}

void HeldConnections::Run() {
  absl::MutexLock lock(&mu_);
  while (!stopping_) {
    changed_ = false;
    const absl::Time next = ResumeEndedLocked(absl::Now());
    mu_.AwaitWithDeadline(absl::Condition(&changed_), next);
  }
}

}  // namespace signet::emulator
