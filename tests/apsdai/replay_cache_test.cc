#include "apsdai/replay_cache.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

TEST(ReplayCacheTest, SecondSightingIsAReplay) {
  // Verify a token is fresh once and a replay after.
  ReplayCache cache(10);
  EXPECT_EQ(cache.Remember("t1", kNow, absl::Minutes(5), kNow),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("t1", kNow, absl::Minutes(5), kNow),
            ReplayCache::Result::kReplayed);
  EXPECT_EQ(cache.Remember("t2", kNow, absl::Minutes(5), kNow),
            ReplayCache::Result::kFresh);
}

TEST(ReplayCacheTest, EntriesAreForgottenAfterTheirTime) {
  // Verify expired entries are dropped and free their slot.
  ReplayCache cache(1);
  EXPECT_EQ(cache.Remember("t1", kNow, absl::Seconds(10), kNow),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("t2", kNow, absl::Seconds(10), kNow),
            ReplayCache::Result::kFull);
  const absl::Time later = kNow + absl::Seconds(11);
  EXPECT_EQ(cache.Remember("t2", later, absl::Seconds(10), later),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCacheTest, FullCacheRefusesRatherThanForgets) {
  // Verify a full cache keeps its live entries: the old token stays refused.
  ReplayCache cache(2);
  const absl::Duration window = absl::Minutes(5);
  ASSERT_EQ(cache.Remember("a", kNow, window, kNow),
            ReplayCache::Result::kFresh);
  ASSERT_EQ(cache.Remember("b", kNow, window, kNow),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("c", kNow, window, kNow),
            ReplayCache::Result::kFull);
  EXPECT_EQ(cache.Remember("a", kNow, window, kNow),
            ReplayCache::Result::kReplayed);
}

TEST(ReplayCacheTest, ReconfigureKeepsEntriesForAWiderWindow) {
  // Verify a wider window keeps old entries until it ends, a narrower one
  // does not shorten them, and a smaller capacity forgets none.
  ReplayCache cache(2);
  ASSERT_EQ(cache.Remember("a", kNow, absl::Minutes(1), kNow),
            ReplayCache::Result::kFresh);
  ASSERT_EQ(cache.Remember("b", kNow, absl::Minutes(1), kNow),
            ReplayCache::Result::kFresh);
  cache.Reconfigure(1, absl::Minutes(10));
  cache.Reconfigure(1, absl::Seconds(1));
  const absl::Time later = kNow + absl::Minutes(9);
  EXPECT_EQ(cache.Remember("a", later, absl::Seconds(1), later),
            ReplayCache::Result::kReplayed);
  EXPECT_EQ(cache.Remember("c", later, absl::Seconds(1), later),
            ReplayCache::Result::kFull);
  EXPECT_EQ(cache.size(), 2u);
  const absl::Time past = kNow + absl::Minutes(11);
  EXPECT_EQ(cache.Remember("a", past, absl::Seconds(1), past),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.size(), 1u);
}

}  // namespace
}  // namespace signet
