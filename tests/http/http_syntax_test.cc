#include "http/http_syntax.h"

#include <string>

#include "gtest/gtest.h"

namespace signet {
namespace {

TEST(IsTokenCharTest, AcceptsExactlyTchar) {
  // Verify the RFC 9110 5.6.2 set over every byte value.
  const std::string specials = "!#$%&'*+-.^_`|~";
  for (int i = 0; i < 256; ++i) {
    const char c = static_cast<char>(i);
    const bool expected = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                          (c >= '0' && c <= '9') ||
                          specials.find(c) != std::string::npos;
    EXPECT_EQ(IsTokenChar(c), expected) << "byte " << i;
  }
}

TEST(IsTokenTest, FieldNames) {
  // Verify names are accepted and the characters of an injection refused.
  EXPECT_TRUE(IsToken("Content-Type"));
  EXPECT_TRUE(IsToken("X-Signet_1.0~"));
  EXPECT_FALSE(IsToken(""));
  EXPECT_FALSE(IsToken("X Header"));
  EXPECT_FALSE(IsToken("X-Header:"));
  EXPECT_FALSE(IsToken("X\r\nInjected"));
  EXPECT_FALSE(IsToken(std::string("X\0Y", 3)));
  EXPECT_FALSE(IsToken("X\x80"));
}

TEST(IsSupportedMethodTest, ExactlySixUppercaseMethods) {
  // Verify the list the transport and the forward path share.
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}) {
    EXPECT_TRUE(IsSupportedMethod(method)) << method;
  }
  for (const char* method :
       {"", "get", "Post", "OPTIONS", "TRACE", "CONNECT", "GET ", "GETX"}) {
    EXPECT_FALSE(IsSupportedMethod(method)) << method;
  }
}

}  // namespace
}  // namespace signet
