#include "crypto/digest.h"

#include "gtest/gtest.h"

namespace signet {
namespace {

// Expected values computed independently with Python's hashlib/hmac/base64.
TEST(DigestTest, Sha256HexMatchesHashlib) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("app-1231700000000s3cr3t"),
            "67765e3f376442f4b4a70d88260728f1c9b5923a4f6bcc1f41af0b151c79ba81");
}

TEST(DigestTest, HmacSha256MatchesSeed003PhpExample) {
  // Seed 003: hash_hmac('sha256', "1576754827988\nyour_secret_key",
  // "your_secret_key", true), then base64_encode.
  EXPECT_EQ(Base64Encode(HmacSha256("your_secret_key",
                                    "1576754827988\nyour_secret_key")),
            "Gh70gm2WBTHpgpF+JjHZFZ7Uk6iGIsVaRG7Wz8aYhpU=");
}

TEST(DigestTest, Base64PadsLikePhp) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("a"), "YQ==");
  EXPECT_EQ(Base64Encode("ab"), "YWI=");
  EXPECT_EQ(Base64Encode("abc"), "YWJj");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff", 2)), "+/8=");
}

}  // namespace
}  // namespace signet
