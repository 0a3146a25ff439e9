#include "log/log.h"

#include <string>

#include "common/caller_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "testing/log_capture.h"

namespace signet {
namespace {

using ::signet::testing::LogCapture;
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

}  // namespace
}  // namespace signet
