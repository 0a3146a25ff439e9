#include "fleet/fleet_token_source.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "common/clock.h"
#include "common/timer_thread.h"
#include "fleet/hiredis_client.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/redis_server.h"

namespace signet {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr absl::Duration kGuard = absl::Seconds(20);

// The upstream as one replica sees it: every fetch issues a new token,
// numbered across all replicas so the test can count issues.
class CountingUpstream {
 public:
  std::string Issue() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return absl::StrCat("token-", ++issued_);
  }
  int issued() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return issued_;
  }

 private:
  mutable absl::Mutex mu_;
  int issued_ ABSL_GUARDED_BY(mu_) = 0;
};

// A replica's own source: answers at once from the shared upstream, or
// holds every fetch until Release() (a lock holder that hangs).
class LocalSource final : public TokenSource {
 public:
  explicit LocalSource(CountingUpstream* upstream) : upstream_(*upstream) {}

  void Fetch(TokenCallback on_done) override ABSL_LOCKS_EXCLUDED(mu_) {
    {
      absl::MutexLock lock(&mu_);
      ++fetches_;
      if (hold_) {
        held_.push_back(std::move(on_done));
        return;
      }
    }
    std::move(on_done)(
        Token{Secret(upstream_.Issue()), absl::Now() + absl::Hours(2)});
  }
  void Hold() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    hold_ = true;
  }
  void Release() ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<TokenCallback> held;
    {
      absl::MutexLock lock(&mu_);
      hold_ = false;
      held.swap(held_);
    }
    for (TokenCallback& callback : held) {
      std::move(callback)(
          Token{Secret(upstream_.Issue()), absl::Now() + absl::Hours(2)});
    }
  }
  int fetches() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }

 private:
  CountingUpstream& upstream_;
  mutable absl::Mutex mu_;
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
  bool hold_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<TokenCallback> held_ ABSL_GUARDED_BY(mu_);
};

absl::StatusOr<Token> FetchFrom(TokenSource& source) {
  absl::Notification done;
  absl::StatusOr<Token> result;
  source.Fetch([&](absl::StatusOr<Token> token) {
    result = std::move(token);
    done.Notify();
  });
  if (!done.WaitForNotificationWithTimeout(kGuard)) {
    return absl::InternalError("the fetch never completed");
  }
  return result;
}

std::string Reveal(const absl::StatusOr<Token>& token) {
  return token.ok() ? std::string(token->value.Reveal())
                    : token.status().ToString();
}

class FleetTokenSourceTest : public ::testing::Test {
 protected:
  static constexpr char kKey[] = "signet:token:https://api.example:app-1";

  void SetUp() override {
    absl::StatusOr<std::unique_ptr<testing::RedisServer>> server =
        testing::RedisServer::Launch(testing::RedisServer::Options());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // One replica: its own Redis connection and local source.
  struct Replica {
    std::shared_ptr<LocalSource> local;
    std::shared_ptr<FleetTokenSource> source;
  };
  Replica AddReplica(absl::Duration token_timeout = absl::Seconds(5)) {
    HiredisClient::Options redis_options;
    redis_options.address = server_->address();
    redis_options.min_backoff = absl::Milliseconds(20);
    redis_options.max_backoff = absl::Milliseconds(100);
    absl::StatusOr<std::unique_ptr<HiredisClient>> redis =
        HiredisClient::Start(std::move(redis_options));
    EXPECT_TRUE(redis.ok()) << redis.status();
    auto local = std::make_shared<LocalSource>(&upstream_);
    FleetTokenSource::Options options;
    options.key = kKey;
    options.encryption_key = Secret(std::string(32, 'k'));
    options.token_timeout = token_timeout;
    auto source = std::make_shared<FleetTokenSource>(
        std::move(options), local,
        std::shared_ptr<RedisCommands>(*std::move(redis)), SystemClock::Get(),
        &timer_);
    return {local, source};
  }

  TimerThread timer_;
  CountingUpstream upstream_;
  std::unique_ptr<testing::RedisServer> server_;
};

TEST_F(FleetTokenSourceTest, TheSecondReplicaGetsTheFirstOnesTokenFromRedis) {
  Replica one = AddReplica(), two = AddReplica();
  EXPECT_EQ(Reveal(FetchFrom(*one.source)), "token-1");
  EXPECT_EQ(Reveal(FetchFrom(*two.source)), "token-1");
  EXPECT_EQ(upstream_.issued(), 1);
  EXPECT_EQ(two.local->fetches(), 0);
}

TEST_F(FleetTokenSourceTest, ReplicasFetchingAtOnceIssueOneToken) {
  std::vector<Replica> replicas;
  for (int i = 0; i < 4; ++i) replicas.push_back(AddReplica());
  // Whoever wins the lock has its upstream fetch held...
  for (Replica& replica : replicas) replica.local->Hold();
  absl::Mutex mu;
  std::vector<std::string> tokens;
  absl::Notification all;
  for (Replica& replica : replicas) {
    replica.source->Fetch([&](absl::StatusOr<Token> token) {
      absl::MutexLock lock(&mu);
      tokens.push_back(Reveal(token));
      if (tokens.size() == 4) all.Notify();
    });
  }
  // ...until the one winner asked its upstream; the others are polling.
  const absl::Time end = absl::Now() + kGuard;
  int asked = 0;
  while ((asked = replicas[0].local->fetches() + replicas[1].local->fetches() +
                  replicas[2].local->fetches() +
                  replicas[3].local->fetches()) == 0 &&
         absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(asked, 1);
  for (Replica& replica : replicas) replica.local->Release();
  ASSERT_TRUE(all.WaitForNotificationWithTimeout(kGuard));
  EXPECT_THAT(tokens, ::testing::Each(std::string("token-1")));
  EXPECT_EQ(upstream_.issued(), 1);
}

TEST_F(FleetTokenSourceTest, RedisHoldsOnlyTheSealedToken) {
  Replica one = AddReplica();
  ASSERT_EQ(Reveal(FetchFrom(*one.source)), "token-1");
  absl::StatusOr<std::string> keys = server_->Cli({"KEYS", "*"});
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_THAT(*keys, HasSubstr(kKey));
  absl::StatusOr<std::string> stored = server_->Cli({"GET", kKey});
  ASSERT_TRUE(stored.ok());
  EXPECT_THAT(*stored, Not(HasSubstr("token-1")));
  absl::StatusOr<std::string> ttl = server_->Cli({"PTTL", kKey});
  ASSERT_TRUE(ttl.ok());
  EXPECT_GT(std::stoll(*ttl), 0);  // expires with the token
  EXPECT_LE(std::stoll(*ttl), absl::ToInt64Milliseconds(absl::Hours(2)));
}

TEST_F(FleetTokenSourceTest, ARejectedTokenIsReplacedOnceForTheWholeFleet) {
  Replica one = AddReplica(), two = AddReplica();
  ASSERT_EQ(Reveal(FetchFrom(*one.source)), "token-1");
  ASSERT_EQ(Reveal(FetchFrom(*two.source)), "token-1");
  // Both replicas see token-1 refused; the first to fetch replaces it...
  one.source->Rejected(Secret(std::string("token-1")));
  two.source->Rejected(Secret(std::string("token-1")));
  EXPECT_EQ(Reveal(FetchFrom(*one.source)), "token-2");
  // ...and the second takes the replacement instead of issuing another.
  EXPECT_EQ(Reveal(FetchFrom(*two.source)), "token-2");
  EXPECT_EQ(upstream_.issued(), 2);
}

TEST_F(FleetTokenSourceTest, AValueUnderAnotherKeyIsIgnoredNotUsed) {
  ASSERT_TRUE(server_->Cli({"SET", kKey, "not-sealed-by-us"}).ok());
  Replica one = AddReplica();
  EXPECT_EQ(Reveal(FetchFrom(*one.source)), "token-1");
  EXPECT_EQ(one.local->fetches(), 1);
}

TEST_F(FleetTokenSourceTest, WithoutRedisEachReplicaFetchesItself) {
  Replica one = AddReplica(), two = AddReplica();
  server_->Stop();
  EXPECT_EQ(Reveal(FetchFrom(*one.source)), "token-1");
  EXPECT_EQ(Reveal(FetchFrom(*two.source)), "token-2");
  EXPECT_EQ(one.local->fetches(), 1);
  EXPECT_EQ(two.local->fetches(), 1);
}

TEST_F(FleetTokenSourceTest, AStuckLockHolderIsWaitedForOnlyTokenTimeout) {
  Replica one = AddReplica(absl::Milliseconds(300)),
          two = AddReplica(absl::Milliseconds(300));
  one.local->Hold();  // wins the lock, then hangs
  absl::Notification first;
  one.source->Fetch([&](absl::StatusOr<Token>) { first.Notify(); });
  const absl::Time end = absl::Now() + kGuard;
  while (one.local->fetches() == 0 && absl::Now() < end) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  ASSERT_EQ(one.local->fetches(), 1);
  EXPECT_EQ(Reveal(FetchFrom(*two.source)), "token-1");  // its own, late
  EXPECT_EQ(two.local->fetches(), 1);
  one.local->Release();
  ASSERT_TRUE(first.WaitForNotificationWithTimeout(kGuard));
}

}  // namespace
}  // namespace signet
