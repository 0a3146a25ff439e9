#include "apsdai/apsdai_signer.h"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/apsdai_vectors.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"

namespace signet {

void PrintTo(const HttpHeader& header, std::ostream* os) {
  *os << header.name << ": " << header.value;
}

namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::MatchesRegex;

using ::signet::testing::ApsdaiVector;
using ::signet::testing::ApsdaiVectorsOrEmpty;
using ::signet::testing::kSeedSecret;
using ::signet::testing::kSeedSignature;
using ::signet::testing::kSeedTimestampMs;
using ::signet::testing::LoadApsdaiVectors;

TEST(VectorFileTest, HasEnoughRowsCoveringTheBase64Alphabet) {
  // Verify the committed file parses, is not empty or truncated, holds the
  // seed's example, and exercises '+', '/', '=' and non-ASCII secrets.
  absl::StatusOr<std::vector<ApsdaiVector>> vectors = LoadApsdaiVectors();
  ASSERT_THAT(vectors, IsOk());
  ASSERT_GE(vectors->size(), 15u);
  bool seed = false, plus = false, slash = false, non_ascii = false;
  for (const ApsdaiVector& v : *vectors) {
    seed |= v.timestamp_ms == kSeedTimestampMs && v.secret == kSeedSecret &&
            v.signature == kSeedSignature;
    plus |= absl::StrContains(v.signature, "%2B");
    slash |= absl::StrContains(v.signature, "%2F");
    non_ascii |= std::any_of(v.secret.begin(), v.secret.end(),
                             [](char c) { return (c & 0x80) != 0; });
    EXPECT_TRUE(absl::EndsWith(v.signature, "%3D")) << "line " << v.line;
  }
  EXPECT_TRUE(seed);
  EXPECT_TRUE(plus);
  EXPECT_TRUE(slash);
  EXPECT_TRUE(non_ascii);
}

class ApsdaiVectorTest : public ::testing::TestWithParam<ApsdaiVector> {};

TEST_P(ApsdaiVectorTest, MatchesPhp) {
  // Verify ApsdaiSignature equals the seed's PHP code on this row.
  const ApsdaiVector& v = GetParam();
  SCOPED_TRACE(absl::StrCat("line ", v.line, " secret \"",
                            absl::CHexEscape(v.secret), "\""));
  EXPECT_EQ(ApsdaiSignature(v.timestamp_ms, Secret(v.secret)), v.signature);
}

INSTANTIATE_TEST_SUITE_P(
    Php, ApsdaiVectorTest, ::testing::ValuesIn(ApsdaiVectorsOrEmpty()),
    [](const ::testing::TestParamInfo<ApsdaiVector>& info) {
      return absl::StrCat("Line", info.param.line);
    });

// Runs Sign and returns the request it produced, if it did so inline.
std::optional<absl::StatusOr<HttpRequest>> SignNow(Signer& signer,
                                                   HttpRequest request) {
  std::optional<absl::StatusOr<HttpRequest>> result;
  signer.Sign(std::move(request),
              [&](absl::StatusOr<HttpRequest> r) { result = std::move(r); });
  return result;
}

HttpRequest LicenseRequest() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://licenses.example.com/hook";
  request.body = R"({"order":"42"})";
  return request;
}

TEST(ApsdaiSignerTest, SeedExample) {
  // Verify the four headers at the seed's timestamp and secret, inline.
  FakeClock clock(absl::FromUnixMillis(kSeedTimestampMs));
  ApsdaiSigner signer(LicenseVerification::kSignature, Secret(kSeedSecret),
                      &clock);
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, LicenseRequest());
  ASSERT_TRUE(signed_request.has_value()) << "Sign did not complete inline";
  ASSERT_THAT(*signed_request, IsOk());
  EXPECT_THAT((*signed_request)->headers,
              ElementsAre(HttpHeader{"Content-Type", "application/json"},
                          HttpHeader{"User-Agent", "apsdai-hook"},
                          HttpHeader{"X-Apsdai-Timestamp", "1576754827988"},
                          HttpHeader{"X-Apsdai-Token", kSeedSignature}));
  EXPECT_EQ((*signed_request)->method, "POST");
  EXPECT_EQ((*signed_request)->url, "https://licenses.example.com/hook");
  EXPECT_EQ((*signed_request)->body, R"({"order":"42"})");
}

TEST(ApsdaiSignerTest, TimestampFollowsTheClock) {
  // Verify each call reads the clock: 13 digits equal to its milliseconds,
  // and the token signs that same timestamp.
  FakeClock clock(absl::FromUnixMillis(1700000000000));
  const Secret secret("another-secret");
  ApsdaiSigner signer(LicenseVerification::kSignature, secret, &clock);
  for (int step = 0; step < 3; ++step) {
    const int64_t now_ms = absl::ToUnixMillis(clock.Now());
    std::optional<absl::StatusOr<HttpRequest>> signed_request =
        SignNow(signer, LicenseRequest());
    ASSERT_TRUE(signed_request.has_value());
    ASSERT_THAT(*signed_request, IsOk());
    const std::vector<HttpHeader>& headers = (*signed_request)->headers;
    EXPECT_EQ(FindHeader(headers, "X-Apsdai-Timestamp"), absl::StrCat(now_ms));
    EXPECT_THAT(std::string(*FindHeader(headers, "X-Apsdai-Timestamp")),
                MatchesRegex("[0-9]{13}"));
    EXPECT_EQ(FindHeader(headers, "X-Apsdai-Token"),
              ApsdaiSignature(now_ms, secret));
    clock.Advance(absl::Milliseconds(1234));
  }
}

TEST(ApsdaiSignerTest, PasswordModeSendsThePassword) {
  // Verify password mode sends the password as it is (not URL-encoded).
  FakeClock clock(absl::FromUnixMillis(kSeedTimestampMs));
  ApsdaiSigner signer(LicenseVerification::kPassword, Secret("pa ss+/word=~"),
                      &clock);
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, LicenseRequest());
  ASSERT_TRUE(signed_request.has_value());
  ASSERT_THAT(*signed_request, IsOk());
  EXPECT_THAT((*signed_request)->headers,
              ElementsAre(HttpHeader{"Content-Type", "application/json"},
                          HttpHeader{"User-Agent", "apsdai-hook"},
                          HttpHeader{"X-Apsdai-Timestamp", "1576754827988"},
                          HttpHeader{"X-Apsdai-Token", "pa ss+/word=~"}));
}

TEST(ApsdaiSignerTest, ReplacesSameNamedHeadersInAnyCase) {
  // Verify the signer's headers replace a caller's of any case and other
  // headers keep their order ahead of them.
  FakeClock clock(absl::FromUnixMillis(kSeedTimestampMs));
  ApsdaiSigner signer(LicenseVerification::kSignature, Secret(kSeedSecret),
                      &clock);
  HttpRequest request = LicenseRequest();
  request.headers = {{"X-Order", "1"},
                     {"user-agent", "curl/8"},
                     {"CONTENT-TYPE", "text/plain"},
                     {"x-apsdai-token", "forged"},
                     {"X-Custom", "2"},
                     {"X-APSDAI-TIMESTAMP", "0"}};
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, std::move(request));
  ASSERT_TRUE(signed_request.has_value());
  ASSERT_THAT(*signed_request, IsOk());
  EXPECT_THAT(
      (*signed_request)->headers,
      ElementsAre(HttpHeader{"X-Order", "1"}, HttpHeader{"X-Custom", "2"},
                  HttpHeader{"Content-Type", "application/json"},
                  HttpHeader{"User-Agent", "apsdai-hook"},
                  HttpHeader{"X-Apsdai-Timestamp", "1576754827988"},
                  HttpHeader{"X-Apsdai-Token", kSeedSignature}));
}

TEST(ApsdaiSignerTest, ReservedHeaders) {
  // Verify the names callers may not give are exactly those it sets.
  FakeClock clock;
  ApsdaiSigner signer(LicenseVerification::kSignature, Secret(kSeedSecret),
                      &clock);
  EXPECT_THAT(signer.ReservedHeaders(),
              ElementsAre("Content-Type", "User-Agent", "X-Apsdai-Timestamp",
                          "X-Apsdai-Token"));
  HttpResponse refused;
  refused.status = 401;
  EXPECT_FALSE(signer.DiscardRejected(LicenseRequest(), refused));
}

}  // namespace
}  // namespace signet
