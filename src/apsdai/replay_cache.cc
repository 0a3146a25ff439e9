#include "apsdai/replay_cache.h"

#include <algorithm>
#include <utility>

#include "crypto/digest.h"

namespace signet {

ReplayCache::Result ReplayCache::Remember(absl::string_view token,
                                          absl::Time sent,
                                          absl::Duration window,
                                          absl::Time now) {
  std::string key = Sha256Hex(token);
  const absl::Time forget_after = sent + window;
  absl::MutexLock lock(&mu_);
  DropExpired(now);
  if (seen_.contains(key)) return Result::kReplayed;
  if (seen_.size() >= capacity_) return Result::kFull;
  seen_.emplace(key, Entry{sent, forget_after});
  by_expiry_.emplace(forget_after, std::move(key));
  return Result::kFresh;
}

bool ReplayCache::Contains(absl::string_view token, absl::Time now) const {
  const std::string key = Sha256Hex(token);
  absl::MutexLock lock(&mu_);
  const auto it = seen_.find(key);
  return it != seen_.end() && it->second.forget_after >= now;
}

void ReplayCache::Reconfigure(size_t capacity, absl::Duration window) {
  absl::MutexLock lock(&mu_);
  capacity_ = capacity;
  by_expiry_.clear();
  for (auto& [key, entry] : seen_) {
    entry.forget_after = std::max(entry.forget_after, entry.sent + window);
    by_expiry_.emplace(entry.forget_after, key);
  }
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
