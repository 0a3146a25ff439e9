#include "log/log.h"

#include <string>
#include <vector>

#include "common/caller_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/log_capture.h"

namespace signet {
namespace {

using ::signet::testing::LogCapture;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::SizeIs;

TEST(LogTest, CallerTextInALineIsCappedAndTheLineStaysJson) {
  // Verify a 100 KB caller string full of quotes, newlines and invalid
  // UTF-8 becomes a short field of one valid JSON line.
  LogCapture capture;
  std::string hostile;
  for (int i = 0; i < 25000; ++i) hostile += "\"\n\xff}";
  LogWarning("refused", {{"profile", CallerText(hostile)}});
  const auto lines = capture.lines();
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_LT(lines[0].size(), 512u);
  EXPECT_EQ(lines[0].find('\n'), lines[0].size() - 1);
  const nlohmann::json parsed =
      nlohmann::json::parse(lines[0], nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << lines[0];
  EXPECT_EQ(parsed["profile"].get<std::string>().substr(0, 18),
            "\\\"\\n\\xff}\\\"\\n\\xff}");
  EXPECT_THAT(parsed["profile"].get<std::string>(),
              ::testing::EndsWith("\xE2\x80\xA6(+99936 bytes)"));
}

TEST(LogTest, EscapesEveryControlCharacterAndKeepsUtf8) {
  // Verify quotes, backslashes, the named escapes, other control bytes and
  // DEL are escaped, and valid UTF-8 passes through unchanged.
  std::string out;
  AppendJsonString(std::string("a\"b\\c\n\r\t\x01\x1f\x7f\0z\xC3\xA9", 15),
                   &out);
  EXPECT_EQ(out, R"("a\"b\\c\n\r\t\u0001\u001f\u007f\u0000z)"
                 "\xC3\xA9\"");
  const nlohmann::json parsed =
      nlohmann::json::parse(out, nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded());
  EXPECT_EQ(parsed.get<std::string>(),
            std::string("a\"b\\c\n\r\t\x01\x1f\x7f\0z\xC3\xA9", 15));
}

TEST(LogTest, LineCarriesLevelMessageAndTypedFields) {
  // Verify one line is one JSON object with time, level, msg and each
  // field in order, numbers and booleans unquoted.
  LogCapture capture;
  LogWarning("upstream \"slow\"", {{"profile", "inno"},
                                   {"status", 503},
                                   {"bytes", uint64_t{1} << 40},
                                   {"ms", 12.5},
                                   {"retry", true}});
  const auto lines = capture.lines();
  ASSERT_THAT(lines, SizeIs(1));
  EXPECT_THAT(lines[0],
              HasSubstr(R"("level":"warning","msg":"upstream \"slow\"",)"
                        R"("profile":"inno","status":503,)"
                        R"("bytes":1099511627776,"ms":12.5,"retry":true})"
                        "\n"));
  const nlohmann::json parsed =
      nlohmann::json::parse(lines[0], nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(parsed.is_discarded()) << lines[0];
  EXPECT_THAT(parsed["time"].get<std::string>(),
              MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z"));
}

TEST(LogTest, LinesBelowTheMinimumLevelAreDropped) {
  // Verify the minimum level filters each level below it and no other.
  LogCapture capture;
  SetMinLogLevel(LogLevel::kWarning);
  LogDebug("d");
  LogInfo("i");
  LogWarning("w");
  LogError("e");
  SetMinLogLevel(LogLevel::kDebug);
  LogDebug("d2");
  SetMinLogLevel(LogLevel::kInfo);
  LogDebug("d3");
  std::vector<std::string> messages;
  for (const std::string& line : capture.lines()) {
    messages.push_back(nlohmann::json::parse(line)["msg"].get<std::string>());
  }
  EXPECT_THAT(messages, ElementsAre("w", "e", "d2"));
}

TEST(LogTest, ParsesLevelNames) {
  // Verify the level names the config and flags accept, in any case.
  LogLevel level = LogLevel::kInfo;
  EXPECT_TRUE(ParseLogLevel("DEBUG", &level));
  EXPECT_EQ(level, LogLevel::kDebug);
  EXPECT_TRUE(ParseLogLevel("warn", &level));
  EXPECT_EQ(level, LogLevel::kWarning);
  EXPECT_TRUE(ParseLogLevel("Warning", &level));
  EXPECT_EQ(level, LogLevel::kWarning);
  EXPECT_TRUE(ParseLogLevel("error", &level));
  EXPECT_EQ(level, LogLevel::kError);
  EXPECT_TRUE(ParseLogLevel("info", &level));
  EXPECT_EQ(level, LogLevel::kInfo);
  EXPECT_FALSE(ParseLogLevel("verbose", &level));
  EXPECT_FALSE(ParseLogLevel("", &level));
  EXPECT_EQ(level, LogLevel::kInfo);  // unchanged by a failed parse
}

}  // namespace
}  // namespace signet
