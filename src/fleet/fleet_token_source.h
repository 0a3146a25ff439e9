#ifndef SIGNET_FLEET_FLEET_TOKEN_SOURCE_H_
#define SIGNET_FLEET_FLEET_TOKEN_SOURCE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "common/scheduler.h"
#include "fleet/redis_commands.h"
#include "openapi/token_source.h"
#include "secrets/secret.h"

namespace signet {

// A TokenSource shared by a fleet of replicas through Redis, so N replicas
// fetch one token per app, not N (issue 16). It decorates the replica's
// own source, which TokenCache still calls only on a miss or when refresh
// is due: the hot path never reaches Redis.
//
// Fetch:
//   1. reads `key`; a token there that is neither due (within
//      refresh_before of its expiry) nor the one this replica saw rejected
//      is the answer, with no upstream request;
//   2. otherwise one replica wins `key`:lock (SET NX PX token_timeout),
//      reads `key` again (the previous holder may just have stored one),
//      and only then fetches with its own source, stores the token sealed
//      (AES-256-GCM, the key name as associated data) with TTL = its lifetime,
//      and releases the lock by compare-and-delete;
//   3. the others poll `key` with backoff for up to token_timeout, then
//      fetch locally.
// A rejected shared token is deleted only if Redis still holds it
// (compare-and-delete), so a replica never throws away a newer token
// another replica stored. Any Redis failure (down, slow, refused, a value
// that does not open) falls back to the local source: replicas then behave
// as they do without fleet mode.
class FleetTokenSource final
    : public TokenSource,
      public std::enable_shared_from_this<FleetTokenSource> {
 public:
  struct Options {
    std::string key;        // e.g. "signet:token:<base_url>:<app_id>"
    Secret encryption_key;  // 32 bytes
    absl::Duration token_timeout = absl::Seconds(10);
    absl::Duration refresh_before = absl::Minutes(5);
    absl::Duration first_poll = absl::Milliseconds(25);
    absl::Duration max_poll = absl::Milliseconds(400);
  };

  // `clock` and `scheduler` are the process's and outlive every source.
  FleetTokenSource(Options options, std::shared_ptr<TokenSource> local,
                   std::shared_ptr<RedisCommands> redis, const Clock* clock,
                   Scheduler* scheduler);

  void Fetch(TokenCallback on_done) override;
  void Rejected(const Secret& token) override ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Attempt;  // one Fetch, from the first read to its answer

  void Read(std::shared_ptr<Attempt> attempt);
  void Lock(std::shared_ptr<Attempt> attempt);
  void ReadUnderLock(std::shared_ptr<Attempt> attempt, std::string owner);
  void FetchAndStore(std::shared_ptr<Attempt> attempt, std::string owner);
  void Release(const std::string& owner);
  void Poll(std::shared_ptr<Attempt> attempt);
  void FetchLocally(std::shared_ptr<Attempt> attempt);

  // What a stored value means: a usable token, or nothing usable.
  std::optional<Token> Usable(const RedisReply& reply, bool* rejected) const
      ABSL_LOCKS_EXCLUDED(mu_);
  absl::StatusOr<std::string> Seal(const Token& token) const;

  const Options options_;
  const std::string lock_key_;
  const std::shared_ptr<TokenSource> local_;
  const std::shared_ptr<RedisCommands> redis_;
  const Clock& clock_;
  Scheduler& scheduler_;

  mutable absl::Mutex mu_;
  std::optional<Secret> rejected_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_FLEET_FLEET_TOKEN_SOURCE_H_
