#include "secrets/secret.h"

#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "secrets/secret_reader.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

std::string WriteTempFile(absl::string_view name, absl::string_view content) {
  // Per process: ctest runs these tests in parallel (config_test.cc).
  const std::string path =
      absl::StrCat(::testing::TempDir(), "/secret_test_", getpid(), "_", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << content;
  return path;
}

TEST(SecretTest, StreamsOnlyAFingerprint) {
  const Secret secret("hunter2");
  std::ostringstream out;
  out << secret;
  EXPECT_EQ(out.str(), "secret:sha256:f52fbd32");
  EXPECT_THAT(out.str(), Not(HasSubstr("hunter2")));
  static_assert(!std::is_convertible_v<Secret, std::string>);
  static_assert(!std::is_convertible_v<Secret, absl::string_view>);
}

TEST(SecretTest, RevealsAndComparesTheValue) {
  const Secret secret("hunter2");
  EXPECT_EQ(secret.Reveal(), "hunter2");
  EXPECT_TRUE(secret.Equals("hunter2"));
  EXPECT_FALSE(secret.Equals("hunter3"));
  EXPECT_FALSE(secret.Equals("hunter"));
}

TEST(SecretTest, MovedFromIsEmpty) {
  Secret a("value");
  Secret b(std::move(a));
  EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract
  EXPECT_EQ(b.Reveal(), "value");
}

// Whether `needle` appears in the object representation of `object`: the
// bytes of its storage, read as unsigned char (which may alias anything), so
// a short value a std::string kept inline is seen without reading past
// size().
template <typename T>
bool StorageHolds(const T& object, absl::string_view needle) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(&object);
  return absl::StrContains(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(T)),
      needle);
}

// Short enough for std::string's inline buffer, whose bytes a move copies
// instead of stealing; the needle skips the first byte, which a moved-from
// string overwrites with its terminator.
constexpr char kShortSecret[] = "k-0123456789";
constexpr char kShortNeedle[] = "0123456789";

TEST(SecretTest, MoveConstructionLeavesNoBytesBehind) {
  Secret from(kShortSecret);
  ASSERT_TRUE(StorageHolds(from, kShortNeedle));  // the probe sees values
  Secret to(std::move(from));
  EXPECT_EQ(to.Reveal(), kShortSecret);
  EXPECT_FALSE(
      StorageHolds(from, kShortNeedle));  // NOLINT(bugprone-use-after-move)
}

TEST(SecretTest, MoveAssignmentLeavesNoBytesBehind) {
  Secret from(kShortSecret);
  Secret to("old");
  to = std::move(from);
  EXPECT_EQ(to.Reveal(), kShortSecret);
  EXPECT_FALSE(
      StorageHolds(from, kShortNeedle));  // NOLINT(bugprone-use-after-move)
  // A long value moves its heap buffer; the source is left empty as well.
  Secret long_from(std::string(100, 'z'));
  to = std::move(long_from);
  EXPECT_EQ(to.Reveal(), std::string(100, 'z'));
  EXPECT_TRUE(long_from.empty());  // NOLINT(bugprone-use-after-move)
}

TEST(SecretTest, ConstructionLeavesNoBytesInTheArgument) {
  // The by-value parameter is Secret's own copy; the caller's string, moved
  // in, must not keep the bytes either.
  std::string value = kShortSecret;
  const Secret secret(std::move(value));
  EXPECT_EQ(secret.Reveal(), kShortSecret);
  EXPECT_FALSE(
      StorageHolds(value, kShortNeedle));  // NOLINT(bugprone-use-after-move)
}

TEST(SecretReaderTest, TrimsTrailingNewlines) {
  const std::string path = WriteTempFile("newline", "s3cr3t\r\n");
  absl::StatusOr<Secret> secret = ReadSecretFile(path);
  ASSERT_THAT(secret, IsOk());
  EXPECT_EQ(secret->Reveal(), "s3cr3t");
}

TEST(SecretReaderTest, KeepsInnerWhitespace) {
  const std::string path = WriteTempFile("inner", " a b\n");
  absl::StatusOr<Secret> secret = ReadSecretFile(path);
  ASSERT_THAT(secret, IsOk());
  EXPECT_EQ(secret->Reveal(), " a b");
}

TEST(SecretReaderTest, MissingFileNamesThePath) {
  EXPECT_THAT(ReadSecretFile("/nonexistent/signet/secret"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("/nonexistent/signet/secret")));
}

TEST(SecretReaderTest, EmptyFileIsAnErrorWithoutContent) {
  const std::string path = WriteTempFile("empty", "\n");
  EXPECT_THAT(ReadSecretFile(path),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
}

TEST(SecretReaderTest, ReadsEnvironment) {
  ASSERT_EQ(setenv("SIGNET_TEST_SECRET", "from-env", 1), 0);
  absl::StatusOr<Secret> secret = ReadSecretEnv("SIGNET_TEST_SECRET");
  ASSERT_THAT(secret, IsOk());
  EXPECT_EQ(secret->Reveal(), "from-env");
  EXPECT_THAT(ReadSecretEnv("SIGNET_TEST_SECRET_UNSET"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("SIGNET_TEST_SECRET_UNSET")));
}

}  // namespace
}  // namespace signet
