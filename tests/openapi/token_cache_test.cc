#include "openapi/token_cache.h"

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/fake_token_source.h"
#include "testing/manual_scheduler.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::HasSubstr;

using ::signet::testing::FakeTokenSource;

class TokenCacheTest : public ::testing::Test {
 protected:
  static TokenCache::Options Options() {
    TokenCache::Options options;
    options.refresh_before = absl::Minutes(5);
    options.initial_backoff = absl::Seconds(1);
    options.max_backoff = absl::Seconds(8);
    return options;
  }

  // A fetch still pending holds the cache, which holds the source that
  // holds the fetch: the transport's promise to complete every request is
  // what breaks that cycle in production, so a test keeps it too.
  void TearDown() override {
    while (source_.pending() > 0) {
      source_.Complete(absl::CancelledError("test over"));
    }
  }

  Token MakeToken(const char* value, absl::Duration lifetime) {
    return Token{Secret(value), clock_.Now() + lifetime};
  }

  // Calls Get and returns its result if it completed synchronously. If it
  // did not, the callback runs when the test completes the fetch, after
  // this returned: it writes into storage it owns, not into this frame.
  std::optional<absl::StatusOr<TokenCache::Result>> GetNow() {
    auto result =
        std::make_shared<std::optional<absl::StatusOr<TokenCache::Result>>>();
    cache_.Get([result](absl::StatusOr<TokenCache::Result> r) {
      *result = std::move(r);
    });
    return *result;
  }

  // Primes the cache with a token valid for `lifetime`.
  void Prime(const char* value, absl::Duration lifetime) {
    auto result = GetNow();
    ASSERT_FALSE(result.has_value());
    source_.Complete(MakeToken(value, lifetime));
  }

  FakeClock clock_;
  // Uniform01() == 1: every backoff is waited in full.
  testing::FixedRandom random_{1.0};
  std::shared_ptr<FakeTokenSource> shared_source_ =
      std::make_shared<FakeTokenSource>();
  FakeTokenSource& source_ = *shared_source_;
  std::shared_ptr<TokenCache> shared_cache_ = std::make_shared<TokenCache>(
      shared_source_, &clock_, &random_, Options());
  TokenCache& cache_ = *shared_cache_;
};

TEST_F(TokenCacheTest, FetchInFlightOutlivesTheCachesLastOwner) {
  // Verify a refresh nobody waits for lands safely after the profile that
  // owned the cache let go of it (run under ASan in CI): the fetch holds
  // the cache until it completes, and then releases it.
  Prime("t1", absl::Minutes(10));
  clock_.Advance(absl::Minutes(6));  // inside refresh_before: refresh ahead
  ASSERT_TRUE(GetNow().has_value());
  ASSERT_EQ(source_.pending(), 1);
  std::weak_ptr<TokenCache> weak = shared_cache_;
  shared_cache_.reset();
  EXPECT_FALSE(weak.expired()) << "the fetch in flight holds the cache";
  source_.Complete(MakeToken("t2", absl::Hours(2)));
  EXPECT_TRUE(weak.expired()) << "nothing holds the cache once it landed";
}

TEST_F(TokenCacheTest, ColdGetFetchesThenServesFromCache) {
  std::optional<absl::StatusOr<TokenCache::Result>> first = GetNow();
  EXPECT_FALSE(first.has_value());  // waiting for the upstream
  ASSERT_EQ(source_.pending(), 1);
  source_.Complete(MakeToken("t1", absl::Hours(2)));

  auto second = GetNow();
  ASSERT_TRUE(second.has_value());
  ASSERT_THAT(*second, IsOk());
  EXPECT_EQ((*second)->token.value.Reveal(), "t1");
  EXPECT_TRUE((*second)->from_cache);
  EXPECT_EQ(source_.fetches(), 1);
}

TEST_F(TokenCacheTest, ConcurrentColdCallersShareOneFetch) {
  std::vector<absl::StatusOr<TokenCache::Result>> results;
  for (int i = 0; i < 1000; ++i) {
    cache_.Get([&](absl::StatusOr<TokenCache::Result> r) {
      results.push_back(std::move(r));
    });
  }
  EXPECT_EQ(source_.fetches(), 1);
  source_.Complete(MakeToken("t1", absl::Hours(2)));
  ASSERT_EQ(results.size(), 1000u);
  for (const auto& result : results) {
    ASSERT_THAT(result, IsOk());
    EXPECT_EQ(result->token.value.Reveal(), "t1");
    EXPECT_FALSE(result->from_cache);
  }
}

TEST_F(TokenCacheTest, ColdFailureReachesEveryWaiter) {
  int failures = 0;
  for (int i = 0; i < 3; ++i) {
    cache_.Get([&](absl::StatusOr<TokenCache::Result> r) {
      EXPECT_THAT(r,
                  StatusIs(absl::StatusCode::kUnavailable, HasSubstr("down")));
      ++failures;
    });
  }
  source_.Complete(absl::UnavailableError("down"));
  EXPECT_EQ(failures, 3);
  // The next caller tries again rather than caching the failure.
  EXPECT_FALSE(GetNow().has_value());
  EXPECT_EQ(source_.fetches(), 2);
}

TEST_F(TokenCacheTest, RefreshAheadServesTheOldTokenWhileRefreshing) {
  Prime("t1", absl::Hours(2));
  clock_.Advance(absl::Hours(2) - absl::Minutes(4));  // inside refresh_before

  auto during = GetNow();
  ASSERT_TRUE(during.has_value());
  EXPECT_EQ((**during).token.value.Reveal(), "t1");
  EXPECT_TRUE((**during).from_cache);
  EXPECT_EQ(source_.fetches(), 2);  // one background refresh started...
  GetNow();
  GetNow();
  EXPECT_EQ(source_.fetches(), 2);  // ...and only one

  source_.Complete(MakeToken("t2", absl::Hours(2)));
  auto after = GetNow();
  EXPECT_EQ((**after).token.value.Reveal(), "t2");
  EXPECT_EQ(source_.fetches(), 2);
}

TEST_F(TokenCacheTest, NoRefreshBeforeTheWindow) {
  Prime("t1", absl::Hours(2));
  clock_.Advance(absl::Hours(2) - absl::Minutes(5) - absl::Seconds(1));
  GetNow();
  EXPECT_EQ(source_.fetches(), 1);
  clock_.Advance(absl::Seconds(1));
  GetNow();
  EXPECT_EQ(source_.fetches(), 2);
}

TEST_F(TokenCacheTest, FailedRefreshKeepsServingAndBacksOff) {
  Prime("t1", absl::Hours(2));
  clock_.Advance(absl::Hours(2) - absl::Minutes(4));
  GetNow();  // starts refresh #1
  source_.Complete(absl::UnavailableError("token endpoint down"));

  // Still served; no retry until the 1 s backoff has passed.
  auto served = GetNow();
  ASSERT_TRUE(served.has_value());
  EXPECT_EQ((**served).token.value.Reveal(), "t1");
  EXPECT_EQ(source_.fetches(), 2);
  clock_.Advance(absl::Milliseconds(999));
  GetNow();
  EXPECT_EQ(source_.fetches(), 2);
  clock_.Advance(absl::Milliseconds(1));
  GetNow();  // retry #1
  EXPECT_EQ(source_.fetches(), 3);
  source_.Complete(absl::UnavailableError("still down"));

  // The backoff doubles: 2 s now.
  clock_.Advance(absl::Milliseconds(1999));
  GetNow();
  EXPECT_EQ(source_.fetches(), 3);
  clock_.Advance(absl::Milliseconds(1));
  GetNow();
  EXPECT_EQ(source_.fetches(), 4);
  source_.Complete(MakeToken("t2", absl::Hours(2)));
  EXPECT_EQ((**GetNow()).token.value.Reveal(), "t2");
}

TEST_F(TokenCacheTest, BackoffIsCapped) {
  Prime("t1", absl::Hours(2));
  clock_.Advance(absl::Hours(2) - absl::Minutes(4));
  absl::Duration expected = absl::Seconds(1);
  for (int i = 0; i < 6; ++i) {
    GetNow();
    ASSERT_EQ(source_.pending(), 1) << "attempt " << i;
    source_.Complete(absl::UnavailableError("down"));
    clock_.Advance(expected - absl::Milliseconds(1));
    GetNow();
    EXPECT_EQ(source_.pending(), 0) << "retried early at attempt " << i;
    clock_.Advance(absl::Milliseconds(1));
    expected = std::min(expected * 2, absl::Seconds(8));
  }
}

TEST_F(TokenCacheTest, ExpiredTokenMeansWaitingAndTheError) {
  Prime("t1", absl::Hours(2));
  clock_.Advance(absl::Hours(2));  // expired now
  std::optional<absl::StatusOr<TokenCache::Result>> result;
  cache_.Get(
      [&](absl::StatusOr<TokenCache::Result> r) { result = std::move(r); });
  EXPECT_FALSE(result.has_value());
  source_.Complete(absl::UnavailableError("token endpoint down"));
  ASSERT_TRUE(result.has_value());
  EXPECT_THAT(*result, StatusIs(absl::StatusCode::kUnavailable,
                                HasSubstr("token endpoint down")));
}

TEST_F(TokenCacheTest, ForceRefreshFetchesEvenWhenCached) {
  Prime("t1", absl::Hours(2));
  std::vector<std::string> tokens;
  for (int i = 0; i < 5; ++i) {
    cache_.ForceRefresh([&](absl::StatusOr<TokenCache::Result> r) {
      ASSERT_THAT(r, IsOk());
      EXPECT_FALSE(r->from_cache);
      tokens.emplace_back(r->token.value.Reveal());
    });
  }
  EXPECT_EQ(source_.fetches(), 2);  // single flight
  source_.Complete(MakeToken("t2", absl::Hours(2)));
  EXPECT_EQ(tokens, std::vector<std::string>(5, "t2"));
  EXPECT_EQ((**GetNow()).token.value.Reveal(), "t2");
}

TEST_F(TokenCacheTest, RejectDropsOnlyTheCachedToken) {
  Prime("t1", absl::Hours(2));
  EXPECT_EQ(cache_.Reject("other"), TokenCache::Rejection::kStale);
  EXPECT_TRUE(GetNow().has_value());
  EXPECT_EQ(cache_.Reject("t1"), TokenCache::Rejection::kRefreshed);
  EXPECT_FALSE(GetNow().has_value());
  EXPECT_EQ(source_.fetches(), 2);
  source_.Complete(MakeToken("t2", absl::Hours(2)));
}

TEST_F(TokenCacheTest, RejectTellsTheSourceOnlyWhenItDropsTheToken) {
  // A source shared by a fleet must not hand the dropped token out again.
  Prime("t1", absl::Hours(2));
  cache_.Reject("other");  // stale: not the cached token
  EXPECT_THAT(source_.rejected(), ::testing::IsEmpty());
  cache_.Reject("t1");
  EXPECT_THAT(source_.rejected(), ::testing::ElementsAre("t1"));
  GetNow();
  source_.Complete(MakeToken("t2", absl::Hours(2)));
  cache_.Reject("t2");  // suppressed: within min_refresh_interval
  EXPECT_THAT(source_.rejected(), ::testing::ElementsAre("t1"));
}

TEST_F(TokenCacheTest, RejectRefreshesAtMostOncePerMinRefreshInterval) {
  // Verify a second rejection of the (new) cached token within 30 s keeps
  // it, and one after the interval drops it again.
  Prime("t1", absl::Hours(2));
  ASSERT_EQ(cache_.Reject("t1"), TokenCache::Rejection::kRefreshed);
  GetNow();
  source_.Complete(MakeToken("t2", absl::Hours(2)));
  clock_.Advance(absl::Seconds(29));
  EXPECT_EQ(cache_.Reject("t2"), TokenCache::Rejection::kSuppressed);
  EXPECT_EQ((**GetNow()).token.value.Reveal(), "t2");
  EXPECT_EQ(cache_.Reject("t1"), TokenCache::Rejection::kStale);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(cache_.Reject("t2"), TokenCache::Rejection::kRefreshed);
  EXPECT_FALSE(GetNow().has_value());
  EXPECT_EQ(source_.fetches(), 3);
  source_.Complete(MakeToken("t3", absl::Hours(2)));
}

TEST_F(TokenCacheTest, ExpiresAtReportsTheCachedToken) {
  EXPECT_EQ(cache_.ExpiresAt(), std::nullopt);
  Prime("t1", absl::Hours(2));
  EXPECT_EQ(cache_.ExpiresAt(), clock_.Now() + absl::Hours(2));
}

// A TokenSource for callers on several threads: fetches queue under a lock,
// and a thread of the test completes them, as the curl thread does in signet.
class ThreadSafeTokenSource final : public TokenSource {
 public:
  void Fetch(TokenCallback on_done) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    pending_.push_back(std::move(on_done));
    ++fetches_;
  }

  int fetches() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return fetches_;
  }

  // Waits for a fetch to be started, then completes the oldest one.
  void Complete(absl::StatusOr<Token> token) ABSL_LOCKS_EXCLUDED(mu_) {
    TokenCallback next;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](std::deque<TokenCallback>* pending) { return !pending->empty(); },
          &pending_));
      next = std::move(pending_.front());
      pending_.pop_front();
    }
    std::move(next)(std::move(token));
  }

 private:
  mutable absl::Mutex mu_;
  std::deque<TokenCallback> pending_ ABSL_GUARDED_BY(mu_);
  int fetches_ ABSL_GUARDED_BY(mu_) = 0;
};

// Verify single flight with real threads (scripts/sanitize.sh runs this under
// ThreadSanitizer): callers on many threads, the fetch completed on another,
// one upstream fetch, and every caller answered with its token.
TEST(TokenCacheThreadsTest, CallersOnManyThreadsShareOneFetch) {
  constexpr int kThreads = 8;
  constexpr int kGetsPerThread = 50;
  FakeClock clock;
  testing::FixedRandom random(0.5);
  auto shared_source = std::make_shared<ThreadSafeTokenSource>();
  ThreadSafeTokenSource& source = *shared_source;
  auto shared_cache = std::make_shared<TokenCache>(
      shared_source, &clock, &random, TokenCache::Options());
  TokenCache& cache = *shared_cache;

  absl::Mutex mu;  // guards the three below
  std::vector<std::string> tokens;
  int fetched = 0;
  int failed = 0;
  std::vector<std::thread> callers;
  for (int t = 0; t < kThreads; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < kGetsPerThread; ++i) {
        cache.Get([&](absl::StatusOr<TokenCache::Result> result) {
          absl::MutexLock lock(&mu);
          if (!result.ok()) {
            ++failed;
            return;
          }
          tokens.emplace_back(result->token.value.Reveal());
          if (!result->from_cache) ++fetched;
        });
      }
    });
  }
  std::thread transport([&] {
    source.Complete(Token{Secret("t1"), clock.Now() + absl::Hours(2)});
  });
  for (std::thread& caller : callers) caller.join();
  transport.join();

  EXPECT_EQ(source.fetches(), 1);
  absl::MutexLock lock(&mu);
  EXPECT_EQ(failed, 0);
  EXPECT_GE(fetched, 1);  // the callers that found the cache cold
  EXPECT_EQ(tokens, std::vector<std::string>(kThreads * kGetsPerThread, "t1"));
}

}  // namespace
}  // namespace signet
