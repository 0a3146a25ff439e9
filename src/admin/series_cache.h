#ifndef SIGNET_ADMIN_SERIES_CACHE_H_
#define SIGNET_ADMIN_SERIES_CACHE_H_

#include <string>
#include <tuple>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace signet {

// The series of one prometheus-cpp family that calls update, found by their
// label values without Family::Add: Add builds a std::map of labels, hashes
// it and takes the family's lock, per call, on every RPC. Here a lookup is
// a reader lock and a hash of the values, allocation-free; the first call
// for some values resolves the series with `resolve` (which calls Add).
// Series are never removed, like the family's own.
//
// Key: up to two strings and an int (e.g. method, profile, gRPC code); the
// few label sets signet has (methods x configured profiles x codes) bound
// the size.
template <typename Metric>
class SeriesCache {
 public:
  template <typename Resolve>
  Metric& Get(absl::string_view first, absl::string_view second, int number,
              Resolve resolve) ABSL_LOCKS_EXCLUDED(mu_) {
    const KeyView view{first, second, number};
    {
      absl::ReaderMutexLock lock(&mu_);
      const auto found = series_.find(view);
      if (found != series_.end()) return *found->second;
    }
    Metric& metric = resolve();  // Add is idempotent: a racing twin is fine
    absl::MutexLock lock(&mu_);
    return *series_
                .try_emplace(
                    Key{std::string(first), std::string(second), number},
                    &metric)
                .first->second;
  }

 private:
  using Key = std::tuple<std::string, std::string, int>;
  using KeyView = std::tuple<absl::string_view, absl::string_view, int>;

  // Transparent, so a lookup by string_views allocates nothing; absl::Hash
  // hashes a std::string and a string_view of the same text alike.
  struct Hash {
    using is_transparent = void;
    size_t operator()(const Key& key) const {
      return absl::HashOf(absl::string_view(std::get<0>(key)),
                          absl::string_view(std::get<1>(key)),
                          std::get<2>(key));
    }
    size_t operator()(const KeyView& key) const {
      return absl::HashOf(std::get<0>(key), std::get<1>(key), std::get<2>(key));
    }
  };
  struct Equal {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return absl::string_view(std::get<0>(a)) ==
                 absl::string_view(std::get<0>(b)) &&
             absl::string_view(std::get<1>(a)) ==
                 absl::string_view(std::get<1>(b)) &&
             std::get<2>(a) == std::get<2>(b);
    }
  };

  absl::Mutex mu_;
  absl::flat_hash_map<Key, Metric*, Hash, Equal> series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_ADMIN_SERIES_CACHE_H_
