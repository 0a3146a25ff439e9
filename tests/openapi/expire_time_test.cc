#include "openapi/expire_time.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

absl::Time Utc(int y, int mo, int d, int h, int mi, int s) {
  return absl::FromCivil(absl::CivilSecond(y, mo, d, h, mi, s),
                         absl::UTCTimeZone());
}

TEST(ParseExpireTimeTest, SeedExampleInUtc) {
  absl::StatusOr<absl::Time> t =
      ParseExpireTime("2023-11-10T18:43:23.232093", absl::UTCTimeZone());
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, Utc(2023, 11, 10, 18, 43, 23) + absl::Microseconds(232093));
}

TEST(ParseExpireTimeTest, ReadsInTheProfileZone) {
  absl::StatusOr<absl::Time> t =
      ParseExpireTime("2023-11-10T18:43:23", Zone("Asia/Shanghai"));
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(*t, Utc(2023, 11, 10, 10, 43, 23));  // UTC+8, no DST
}

TEST(ParseExpireTimeTest, FractionsOfAnyLengthOrNone) {
  const absl::Time base = Utc(2023, 11, 10, 18, 43, 23);
  EXPECT_EQ(*ParseExpireTime("2023-11-10T18:43:23", absl::UTCTimeZone()), base);
  EXPECT_EQ(*ParseExpireTime("2023-11-10T18:43:23.5", absl::UTCTimeZone()),
            base + absl::Milliseconds(500));
  EXPECT_EQ(
      *ParseExpireTime("2023-11-10T18:43:23.123456789", absl::UTCTimeZone()),
      base + absl::Nanoseconds(123456789));
}

TEST(ParseExpireTimeTest, SpaceSeparatorAndSurroundingWhitespace) {
  EXPECT_EQ(*ParseExpireTime(" 2023-11-10 18:43:23 ", absl::UTCTimeZone()),
            Utc(2023, 11, 10, 18, 43, 23));
}

TEST(ParseExpireTimeTest, AnExplicitZoneWinsOverTheProfileZone) {
  EXPECT_EQ(*ParseExpireTime("2023-11-10T18:43:23Z", Zone("Asia/Shanghai")),
            Utc(2023, 11, 10, 18, 43, 23));
  EXPECT_EQ(
      *ParseExpireTime("2023-11-10T18:43:23.0+08:00", absl::UTCTimeZone()),
      Utc(2023, 11, 10, 10, 43, 23));
}

TEST(ParseExpireTimeTest, GarbageIsRefused) {
  for (const char* text :
       {"", "tomorrow", "infinite-future", "infinite-past", "2023-11-10",
        "2023-13-10T18:43:23", "2023-11-10T25:43:23", "2023-11-10T18:43",
        "1699641803", "2023-11-10T18:43:23.232093 extra"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(ParseExpireTime(text, absl::UTCTimeZone()),
                StatusIs(absl::StatusCode::kInvalidArgument));
  }
}

TEST(ParseHttpDateTest, ImfFixdate) {
  EXPECT_EQ(ParseHttpDate("Sun, 06 Nov 1994 08:49:37 GMT"),
            Utc(1994, 11, 6, 8, 49, 37));
  EXPECT_EQ(ParseHttpDate("Sunday, 06-Nov-94 08:49:37 GMT"), std::nullopt);
  EXPECT_EQ(ParseHttpDate("garbage"), std::nullopt);
}

TEST(ParseHttpDateTest, AbseilInfinityWordsAreNotDates) {
  // Verify absl::ParseTime's special words are refused: "Date: infinite-past"
  // made the lifetime +inf, clamped to max_ttl, whatever expire_time said
  // (found by tests/fuzz/expire_time_fuzzer).
  EXPECT_EQ(ParseHttpDate("infinite-past"), std::nullopt);
  EXPECT_EQ(ParseHttpDate(" infinite-future "), std::nullopt);
}

TEST(ComputeTokenLifetimeTest, UsesTheUpstreamDateWhenGiven) {
  const absl::Time date = Utc(2023, 11, 10, 16, 43, 23);
  // The local clock is 10 minutes fast; the lifetime must not care.
  const TokenLifetime lifetime = ComputeTokenLifetime(
      date + absl::Hours(2), date, date + absl::Minutes(10), absl::Hours(3));
  EXPECT_EQ(lifetime.lifetime, absl::Hours(2));
  EXPECT_FALSE(lifetime.clamped);
  EXPECT_FALSE(lifetime.expire_time_in_past);
}

TEST(ComputeTokenLifetimeTest, FallsBackToTheLocalClock) {
  const absl::Time now = Utc(2023, 11, 10, 16, 43, 23);
  EXPECT_EQ(ComputeTokenLifetime(now + absl::Minutes(90), std::nullopt, now,
                                 absl::Hours(2))
                .lifetime,
            absl::Minutes(90));
}

TEST(ComputeTokenLifetimeTest, ClampsToMaxTtl) {
  const absl::Time now = Utc(2023, 11, 10, 16, 43, 23);
  const TokenLifetime lifetime =
      ComputeTokenLifetime(now + absl::Hours(10), now, now, absl::Hours(2));
  EXPECT_EQ(lifetime.lifetime, absl::Hours(2));
  EXPECT_TRUE(lifetime.clamped);
}

TEST(ComputeTokenLifetimeTest, PastExpiryMeansMaxTtl) {
  const absl::Time now = Utc(2023, 11, 10, 16, 43, 23);
  const TokenLifetime lifetime =
      ComputeTokenLifetime(now - absl::Hours(6), now, now, absl::Hours(2));
  EXPECT_EQ(lifetime.lifetime, absl::Hours(2));
  EXPECT_TRUE(lifetime.expire_time_in_past);
}

}  // namespace
}  // namespace signet
