#include "inbound/replay_cache.h"

#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1700000000);

TEST(ReplayCacheTest, SecondSightingIsAReplay) {
  // Verify a token is fresh once and a replay after.
  ReplayCache cache(10);
  EXPECT_EQ(cache.Remember("t1", kNow + absl::Minutes(5), kNow),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("t1", kNow + absl::Minutes(5), kNow),
            ReplayCache::Result::kReplayed);
  EXPECT_EQ(cache.Remember("t2", kNow + absl::Minutes(5), kNow),
            ReplayCache::Result::kFresh);
}

TEST(ReplayCacheTest, EntriesAreForgottenAfterTheirTime) {
  // Verify expired entries are dropped and free their slot.
  ReplayCache cache(1);
  EXPECT_EQ(cache.Remember("t1", kNow + absl::Seconds(10), kNow),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("t2", kNow + absl::Seconds(10), kNow),
            ReplayCache::Result::kFull);
  const absl::Time later = kNow + absl::Seconds(11);
  EXPECT_EQ(cache.Remember("t2", later + absl::Seconds(10), later),
            ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(ReplayCacheTest, FullCacheRefusesRatherThanForgets) {
  // Verify a full cache keeps its live entries: the old token stays refused.
  ReplayCache cache(2);
  const absl::Time until = kNow + absl::Minutes(5);
  ASSERT_EQ(cache.Remember("a", until, kNow), ReplayCache::Result::kFresh);
  ASSERT_EQ(cache.Remember("b", until, kNow), ReplayCache::Result::kFresh);
  EXPECT_EQ(cache.Remember("c", until, kNow), ReplayCache::Result::kFull);
  EXPECT_EQ(cache.Remember("a", until, kNow), ReplayCache::Result::kReplayed);
}

}  // namespace
}  // namespace signet
