#ifndef SIGNET_OPENAPI_TOKEN_CACHE_H_
#define SIGNET_OPENAPI_TOKEN_CACHE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/random.h"
#include "openapi/token_observer.h"
#include "openapi/token_source.h"

namespace signet {

// Caches one profile's token in front of a TokenSource: a decorator in the
// manner of google-cloud-cpp's oauth2 CachedCredentials.
//
//  * Single flight: however many callers find the cache cold (or ask for a
//    forced refresh) at once, one request goes upstream and all of them get
//    its result.
//  * Refresh ahead: within `refresh_before` of expiry the first caller
//    starts one background refresh and every caller keeps getting the still
//    valid token at cache speed.
//  * Failure fallback: if that refresh fails while the token is still
//    valid, the old token keeps being served and the refresh is retried
//    after an exponential, jittered backoff. Once the token has expired a
//    caller waits for a fetch of its own and gets its error.
//  * Rejections are rate-limited: an upstream's "this token is no longer
//    valid" drops the token only if it is still the cached one, and at most
//    once per `min_refresh_interval`. Any caller allowed to forward can pick
//    a path that answers 401; without the limit each such call would throw
//    away the shared token and fetch a new one (seeds 000/001: a new token
//    may revoke the old one, so other callers would fail too).
//
// Callbacks run on the thread that completes the fetch (the transport's I/O
// thread) or inline on the caller's thread for cache hits; never under the
// cache's lock.
//
// Shared-owned (create it with std::make_shared): a fetch in flight holds
// the cache, so a refresh-ahead nobody waits for may outlive the profile
// that started it and still land safely.
class TokenCache : public std::enable_shared_from_this<TokenCache> {
 public:
  struct Options {
    absl::Duration refresh_before = absl::Minutes(5);
    absl::Duration initial_backoff = absl::Seconds(1);
    absl::Duration max_backoff = absl::Minutes(1);
    // At most one rejection-driven refresh per this interval.
    absl::Duration min_refresh_interval = absl::Seconds(30);
    // Counts hits, misses and fetches under `profile`; may be null.
    TokenObserver* observer = nullptr;
    std::string profile;
  };

  struct Result {
    Token token;
    // True when no upstream request was made for this caller.
    bool from_cache = false;
  };
  using Callback = absl::AnyInvocable<void(absl::StatusOr<Result>) &&>;

  // Holds `source`. `clock` and `random` (which spreads a failed refresh's
  // backoff uniformly over [backoff/2, backoff]) are the process's and
  // outlive every cache.
  TokenCache(std::shared_ptr<TokenSource> source, const Clock* clock,
             Random* random, Options options);

  // A valid token: from the cache, or from a (shared) upstream fetch.
  void Get(Callback on_done) ABSL_LOCKS_EXCLUDED(mu_);

  // A token obtained after this call: joins a fetch in progress or starts
  // one. Never answered from the cache.
  void ForceRefresh(Callback on_done) ABSL_LOCKS_EXCLUDED(mu_);

  // What Reject did with a token an upstream refused.
  enum class Rejection {
    // It was the cached token and is dropped: the next Get fetches anew.
    kRefreshed,
    // It had already been replaced (or dropped): the next Get has a newer.
    kStale,
    // It is the cached token, but a rejection already refreshed it within
    // min_refresh_interval: it stays, and the refusal stands.
    kSuppressed,
  };

  // An upstream said `token` is no longer valid. Drops it if it is still
  // the cached token and no rejection did so within min_refresh_interval.
  Rejection Reject(absl::string_view token) ABSL_LOCKS_EXCLUDED(mu_);
  // "refreshed", "stale", "suppressed": the metric label.
  static absl::string_view RejectionName(Rejection rejection);

  // When the cached token expires, if there is one.
  std::optional<absl::Time> ExpiresAt() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void StartFetchLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void OnFetched(absl::StatusOr<Token> result) ABSL_LOCKS_EXCLUDED(mu_);
  absl::Duration NextBackoffLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::shared_ptr<TokenSource> source_;
  const Clock& clock_;
  Random& random_;
  const Options options_;

  mutable absl::Mutex mu_;
  std::optional<Token> token_ ABSL_GUARDED_BY(mu_);
  bool fetch_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Callback> waiters_ ABSL_GUARDED_BY(mu_);
  // Refresh-ahead is not retried before this time after a failure.
  absl::Time retry_not_before_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  absl::Duration backoff_ ABSL_GUARDED_BY(mu_) = absl::ZeroDuration();
  // When a rejection last dropped the cached token.
  absl::Time last_rejection_refresh_ ABSL_GUARDED_BY(mu_) =
      absl::InfinitePast();
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_CACHE_H_
