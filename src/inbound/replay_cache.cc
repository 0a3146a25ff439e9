#include "inbound/replay_cache.h"

#include "crypto/digest.h"

namespace signet {

ReplayCache::Result ReplayCache::Remember(absl::string_view token,
                                          absl::Time forget_after,
                                          absl::Time now) {
  std::string key = Sha256Hex(token);
  absl::MutexLock lock(&mu_);
  DropExpired(now);
  if (seen_.contains(key)) return Result::kReplayed;
  if (seen_.size() >= capacity_) return Result::kFull;
  seen_.emplace(key, forget_after);
  by_expiry_.emplace(forget_after, std::move(key));
  return Result::kFresh;
}

size_t ReplayCache::size() const {
  absl::MutexLock lock(&mu_);
  return seen_.size();
}

void ReplayCache::DropExpired(absl::Time now) {
  while (!by_expiry_.empty() && by_expiry_.begin()->first < now) {
    seen_.erase(by_expiry_.begin()->second);
    by_expiry_.erase(by_expiry_.begin());
  }
}

}  // namespace signet
