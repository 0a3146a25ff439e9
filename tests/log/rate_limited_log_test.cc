#include "log/rate_limited_log.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/log_capture.h"

namespace signet {
namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::LogCapture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

TEST(RateLimitedLogTest, FirstLineThenOnePerIntervalCarryingTheCount) {
  // Verify a burst writes one line, and the next line after the interval
  // says how many were left out.
  FakeClock clock;
  RateLimitedLog log(&clock, absl::Seconds(10));
  LogCapture capture;
  for (int i = 0; i < 5; ++i) log.Warning("refused", {{"n", i}});
  clock.Advance(absl::Seconds(9));
  log.Warning("refused", {{"n", 5}});
  ASSERT_THAT(capture.lines(), SizeIs(1));
  EXPECT_THAT(capture.lines()[0], HasSubstr("\"n\":0"));
  EXPECT_THAT(capture.lines()[0], Not(HasSubstr("suppressed")));

  clock.Advance(absl::Seconds(1));
  log.Warning("refused", {{"n", 6}});
  log.Warning("refused", {{"n", 7}});
  clock.Advance(absl::Seconds(10));
  log.Warning("refused", {{"n", 8}});
  const auto lines = capture.lines();
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[1], HasSubstr("\"n\":6,\"suppressed\":5}"));
  EXPECT_THAT(lines[2], HasSubstr("\"n\":8,\"suppressed\":1}"));
}

TEST(RateLimitedLogTest, EachMessageAndKindHasItsOwnAllowance) {
  // Verify a flood of one kind does not hide the first line of another.
  FakeClock clock;
  RateLimitedLog log(&clock);
  LogCapture capture;
  log.Log(LogLevel::kWarning, "a", {});
  log.Log(LogLevel::kWarning, "a", {});
  log.Log(LogLevel::kWarning, "b", {});
  log.Log(LogLevel::kInfo, "rpc", {}, "UNAUTHENTICATED");
  log.Log(LogLevel::kInfo, "rpc", {}, "PERMISSION_DENIED");
  log.Log(LogLevel::kInfo, "rpc", {}, "UNAUTHENTICATED");
  std::vector<std::string> messages;
  for (const std::string& line : capture.lines()) {
    messages.push_back(line.substr(line.find("\"level\"")));
  }
  EXPECT_THAT(messages, ElementsAre("\"level\":\"warning\",\"msg\":\"a\"}\n",
                                    "\"level\":\"warning\",\"msg\":\"b\"}\n",
                                    "\"level\":\"info\",\"msg\":\"rpc\"}\n",
                                    "\"level\":\"info\",\"msg\":\"rpc\"}\n"));
}

TEST(RateLimitedLogTest, LinesBelowTheLogLevelAreNotCounted) {
  // Verify filtered-out lines neither use the allowance nor count as
  // suppressed.
  FakeClock clock;
  RateLimitedLog log(&clock);
  LogCapture capture;
  SetMinLogLevel(LogLevel::kWarning);
  log.Log(LogLevel::kInfo, "quiet", {});
  SetMinLogLevel(LogLevel::kInfo);
  log.Log(LogLevel::kInfo, "quiet", {});
  ASSERT_THAT(capture.lines(), SizeIs(1));
  EXPECT_THAT(capture.lines()[0], Not(HasSubstr("suppressed")));
}

}  // namespace
}  // namespace signet
