#include "common/caller_text.h"

#include <string>

#include "gtest/gtest.h"

namespace signet {
namespace {

TEST(CallerTextTest, ShortTextIsKeptAndEscaped) {
  // Verify text within the cap is whole, with quotes, controls and
  // non-ASCII bytes escaped.
  EXPECT_EQ(CallerText("billing"), "billing");
  EXPECT_EQ(CallerText(""), "");
  EXPECT_EQ(CallerText("a\"b\\c\nd\x1b\xff"), "a\\\"b\\\\c\\nd\\x1b\\xff");
}

TEST(CallerTextTest, LongTextIsCutWithTheCountOfWhatWasCut) {
  // Verify exactly kMaxCallerTextBytes are kept, then the marker.
  EXPECT_EQ(CallerText(std::string(kMaxCallerTextBytes, 'x')),
            std::string(kMaxCallerTextBytes, 'x'));
  const std::string long_text = std::string(kMaxCallerTextBytes, 'x') + "yz";
  EXPECT_EQ(CallerText(long_text),
            std::string(kMaxCallerTextBytes, 'x') + "\xE2\x80\xA6(+2 bytes)");
  EXPECT_EQ(CallerText(std::string(100000, '\n')).size(),
            2 * kMaxCallerTextBytes +
                std::string("\xE2\x80\xA6(+99936 bytes)").size());
}

}  // namespace
}  // namespace signet
