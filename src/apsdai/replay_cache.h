#ifndef SIGNET_APSDAI_REPLAY_CACHE_H_
#define SIGNET_APSDAI_REPLAY_CACHE_H_

#include <cstddef>
#include <map>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet {

// Remembers tokens already accepted until they could no longer pass the
// timestamp window anyway, so the same signed request cannot be accepted
// twice. Bounded: when every slot holds a live entry, a new token is
// refused (kFull) rather than forgetting one that could then be replayed.
// Stores SHA-256 digests, not the tokens. Thread-safe.
//
// A config reload hands the cache of a profile to its new verifier (see
// VerifierRegistry) and calls Reconfigure, so what was accepted before the
// reload stays refused after it, whatever the reload changed.
class ReplayCache {
 public:
  enum class Result { kFresh, kReplayed, kFull };

  explicit ReplayCache(size_t capacity) : capacity_(capacity) {}

  // Records `token`, sent at `sent`, until `window` after `sent` unless it
  // is already recorded; entries past their time at `now` are dropped
  // first.
  Result Remember(absl::string_view token, absl::Time sent,
                  absl::Duration window, absl::Time now)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Whether `token` is recorded (and not expired at `now`); records
  // nothing.
  bool Contains(absl::string_view token, absl::Time now) const
      ABSL_LOCKS_EXCLUDED(mu_);

  // Applies a reloaded profile's limits. `capacity` bounds new entries
  // only: live entries above it are kept (new tokens are refused until
  // they expire), as dropping one would let it be replayed. Entries are
  // kept at least `window` after their `sent`, so a wider window cannot
  // readmit a request accepted under the narrower one.
  void Reconfigure(size_t capacity, absl::Duration window)
      ABSL_LOCKS_EXCLUDED(mu_);

  size_t size() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Entry {
    absl::Time sent;
    absl::Time forget_after;
  };

  void DropExpired(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  size_t capacity_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry> seen_ ABSL_GUARDED_BY(mu_);
  // The same entries ordered by expiry, to drop the old ones cheaply.
  std::multimap<absl::Time, std::string> by_expiry_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_APSDAI_REPLAY_CACHE_H_
