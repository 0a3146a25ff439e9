#include "server/gateway_runtime.h"

#include <utility>

namespace signet {

GatewayRuntime::GatewayRuntime(GatewaySettings settings, const GatewayEnv& env,
                               const GatewayRuntime* previous)
    : profiles(std::move(settings), env,
               previous != nullptr ? &previous->profiles : nullptr),
      inbound(profiles.settings().inbound, env.clock, env.observers.inbound,
              previous != nullptr ? &previous->inbound : nullptr),
      callers(&profiles.settings().callers) {}

std::shared_ptr<GatewayRuntime> RuntimeHolder::Get() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

void RuntimeHolder::Set(std::shared_ptr<GatewayRuntime> runtime) {
  std::deque<Retired> freed;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    if (current_ != nullptr) retired_.push_back({std::move(current_), now});
    current_ = std::move(runtime);
    // Free (outside the lock) what nobody has held for kRetireAfter.
    for (auto it = retired_.begin(); it != retired_.end();) {
      if (it->runtime.use_count() > 1) {
        it->since = now;  // still in use: the clock starts again
        ++it;
      } else if (now - it->since >= kRetireAfter) {
        freed.push_back(std::move(*it));
        it = retired_.erase(it);
      } else {
        ++it;
      }
    }
  }
}

}  // namespace signet
