#include "crypto/aes_gcm.h"

#include <string>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Hex(absl::string_view hex) { return absl::HexStringToBytes(hex); }

const std::string kKey =
    Hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
const std::string kNonce = Hex("cafebabefacedbaddecaf888");

// Test case 16 of McGrew and Viega's GCM specification (AES-256, 96-bit IV,
// associated data), also what Python's cryptography AESGCM produces.
TEST(AesGcmTest, SealsThePublishedVector) {
  const std::string plaintext =
      Hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
          "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  const std::string associated =
      Hex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  absl::StatusOr<std::string> sealed =
      AesGcmSeal(kKey, kNonce, associated, plaintext);
  ASSERT_TRUE(sealed.ok()) << sealed.status();
  EXPECT_EQ(absl::BytesToHexString(*sealed),
            "cafebabefacedbaddecaf888"
            "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
            "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
            "76fc6ece0f4e1768cddf8853bb2d551b");
  absl::StatusOr<std::string> opened = AesGcmOpen(kKey, associated, *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, plaintext);
}

TEST(AesGcmTest, RoundTripsAnEmptyPlaintextAndRandomNonces) {
  absl::StatusOr<std::string> first = RandomNonce();
  absl::StatusOr<std::string> second = RandomNonce();
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->size(), kAesGcmNonceBytes);
  EXPECT_NE(*first, *second);
  absl::StatusOr<std::string> sealed = AesGcmSeal(kKey, *first, "k", "");
  ASSERT_TRUE(sealed.ok());
  EXPECT_EQ(sealed->size(), kAesGcmNonceBytes + kAesGcmTagBytes);
  absl::StatusOr<std::string> opened = AesGcmOpen(kKey, "k", *sealed);
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, "");
}

TEST(AesGcmTest, TheCiphertextDoesNotContainThePlaintext) {
  const std::string token = "token-abcdef-0123456789";
  absl::StatusOr<std::string> sealed =
      AesGcmSeal(kKey, kNonce, "signet:token:x", token);
  ASSERT_TRUE(sealed.ok());
  EXPECT_THAT(*sealed, Not(HasSubstr(token)));
  EXPECT_THAT(*sealed, Not(HasSubstr("token-")));
}

class AesGcmRefusalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::string> sealed =
        AesGcmSeal(kKey, kNonce, "signet:token:a", "the token");
    ASSERT_TRUE(sealed.ok());
    sealed_ = *sealed;
  }
  std::string sealed_;
};

TEST_F(AesGcmRefusalTest, AnotherKeyIsDataLoss) {
  std::string other = kKey;
  other[0] ^= 1;
  EXPECT_EQ(AesGcmOpen(other, "signet:token:a", sealed_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(AesGcmRefusalTest, AValueMovedToAnotherStoreKeyIsDataLoss) {
  EXPECT_EQ(AesGcmOpen(kKey, "signet:token:b", sealed_).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST_F(AesGcmRefusalTest, EveryFlippedByteIsDataLoss) {
  for (size_t i = 0; i < sealed_.size(); ++i) {
    std::string changed = sealed_;
    changed[i] ^= 0x40;
    EXPECT_EQ(AesGcmOpen(kKey, "signet:token:a", changed).status().code(),
              absl::StatusCode::kDataLoss)
        << "byte " << i;
  }
}

TEST_F(AesGcmRefusalTest, CutValuesAreDataLoss) {
  for (size_t length :
       {size_t{0}, size_t{11}, size_t{27}, sealed_.size() - 1}) {
    EXPECT_EQ(AesGcmOpen(kKey, "signet:token:a", sealed_.substr(0, length))
                  .status()
                  .code(),
              absl::StatusCode::kDataLoss)
        << "length " << length;
  }
}

TEST(AesGcmTest, WrongKeyAndNonceSizesAreInvalidArguments) {
  EXPECT_EQ(AesGcmSeal("short", kNonce, "", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AesGcmSeal(kKey, "short", "", "x").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(AesGcmOpen(kKey + "x", "", std::string(40, 'a')).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace signet
