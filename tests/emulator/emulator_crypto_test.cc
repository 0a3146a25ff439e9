#include "emulator/emulator_crypto.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet::emulator {
namespace {

using ::signet::testing::IsOk;
using ::testing::MatchesRegex;

// Verify the seed's own PHP example (seed 003): timestamp 1576754827988 and
// key "your_secret_key".
TEST(EmulatorCryptoTest, ApsdaiSignatureMatchesSeedVector) {
  const absl::StatusOr<std::string> token =
      ApsdaiSignature("1576754827988", "your_secret_key");
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(*token, "Gh70gm2WBTHpgpF%2BJjHZFZ7Uk6iGIsVaRG7Wz8aYhpU%3D");
}

// Verify each intermediate of the seed vector, not only the end result.
TEST(EmulatorCryptoTest, ApsdaiSignatureIntermediates) {
  const absl::StatusOr<std::string> mac =
      HmacSha256("your_secret_key", "1576754827988\nyour_secret_key");
  ASSERT_THAT(mac, IsOk());
  EXPECT_EQ(mac->size(), 32u);
  EXPECT_EQ(Base64Encode(*mac), "Gh70gm2WBTHpgpF+JjHZFZ7Uk6iGIsVaRG7Wz8aYhpU=");
}

// Verify SHA-256 against FIPS 180-2's "abc" answer.
TEST(EmulatorCryptoTest, Sha256HexKnownAnswer) {
  const absl::StatusOr<std::string> digest = Sha256Hex("abc");
  ASSERT_THAT(digest, IsOk());
  EXPECT_EQ(*digest,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Verify HMAC-SHA256 against RFC 4231 test case 2.
TEST(EmulatorCryptoTest, HmacSha256Rfc4231Case2) {
  const absl::StatusOr<std::string> mac =
      HmacSha256("Jefe", "what do ya want for nothing?");
  ASSERT_THAT(mac, IsOk());
  EXPECT_EQ(Base64Encode(*mac), "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM=");
}

// Verify base64 padding for every remainder (RFC 4648 section 10).
TEST(EmulatorCryptoTest, Base64Rfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
}

// Verify PHP urlencode rules: -_. kept, space to '+', '~' and others %XX.
TEST(EmulatorCryptoTest, PhpUrlEncode) {
  EXPECT_EQ(PhpUrlEncode("aZ09-_."), "aZ09-_.");
  EXPECT_EQ(PhpUrlEncode("a b"), "a+b");
  EXPECT_EQ(PhpUrlEncode("+/=~"), "%2B%2F%3D%7E");
  EXPECT_EQ(PhpUrlEncode("\n\xff"), "%0A%FF");
}

// Verify tokens are 32 lowercase hex digits and differ between calls.
TEST(EmulatorCryptoTest, RandomHex) {
  const absl::StatusOr<std::string> a = RandomHex(16);
  const absl::StatusOr<std::string> b = RandomHex(16);
  ASSERT_THAT(a, IsOk());
  ASSERT_THAT(b, IsOk());
  EXPECT_THAT(*a, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_NE(*a, *b);
}

// Verify equality needs equal length and equal bytes.
TEST(EmulatorCryptoTest, ConstantTimeEquals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret2"));
  EXPECT_FALSE(ConstantTimeEquals("", "x"));
}

}  // namespace
}  // namespace signet::emulator
