#include "server/readiness.h"

#include <memory>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace signet {

std::vector<std::string> ReadinessCheck::Prewarm(absl::Duration bound) {
  struct Pending {
    absl::Mutex mu;
    int remaining ABSL_GUARDED_BY(mu) = 0;
  };
  // Shared with the callbacks, which may run after a timed-out wait.
  auto pending = std::make_shared<Pending>();
  const std::shared_ptr<const ProfileRegistry> profiles = profiles_();
  std::vector<std::shared_ptr<OpenApiProfile>> prewarmed;
  for (std::shared_ptr<OpenApiProfile>& profile : profiles->OpenApiProfiles()) {
    if (profile->settings().prewarm) prewarmed.push_back(std::move(profile));
  }
  {
    absl::MutexLock lock(&pending->mu);
    pending->remaining = static_cast<int>(prewarmed.size());
  }
  for (const std::shared_ptr<OpenApiProfile>& profile : prewarmed) {
    profile->GetToken(/*force_refresh=*/false,
                      [pending](absl::StatusOr<TokenCache::Result>) {
                        absl::MutexLock lock(&pending->mu);
                        --pending->remaining;
                      });
  }
  {
    absl::MutexLock lock(&pending->mu);
    auto done = [&pending]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(pending->mu) {
      return pending->remaining == 0;
    };
    pending->mu.AwaitWithTimeout(absl::Condition(&done), bound);
  }
  return Unready();
}

std::vector<std::string> ReadinessCheck::Unready() {
  std::vector<std::string> unready;
  const absl::Time now = clock_.Now();
  const std::shared_ptr<const ProfileRegistry> profiles = profiles_();
  for (const std::shared_ptr<OpenApiProfile>& profile :
       profiles->OpenApiProfiles()) {
    if (!profile->settings().prewarm || !profile->TokenMayWait(now)) continue;
    unready.push_back(profile->settings().name);
    // Fetched again (single flight) so readiness can come back.
    profile->GetToken(/*force_refresh=*/false,
                      [](absl::StatusOr<TokenCache::Result>) {});
  }
  return unready;
}

void ReadinessLoop::Tick() {
  const std::vector<std::string> unready = check_.Unready();
  if (unready.empty() != ready_) {
    ready_ = unready.empty();
    on_change_(unready);
  }
}

}  // namespace signet
