#include "apsdai/apsdai_verifier.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/apsdai_vectors.h"
#include "testing/fake_clock.h"

namespace signet {
namespace {

using ::signet::testing::ApsdaiVector;
using ::signet::testing::ApsdaiVectorsOrEmpty;
using ::signet::testing::FakeClock;
using ::signet::testing::kSeedSecret;
using ::signet::testing::kSeedSignature;
using ::signet::testing::kSeedTimestampMs;
using ::testing::HasSubstr;
using ::testing::Not;

ApsdaiInboundSettings Settings(LicenseVerification mode,
                               const std::string& secret) {
  ApsdaiInboundSettings settings;
  settings.verification = mode;
  settings.secret = Secret(secret);
  settings.window = absl::Minutes(5);
  settings.replay_cache_size = 100;
  return settings;
}

InboundRequest Hook(int64_t timestamp_ms, const std::string& token) {
  InboundRequest request;
  request.method = "POST";
  request.path = "/hooks/licenses";
  request.headers = {{"Content-Type", "application/json"},
                     {"User-Agent", "apsdai-hook"},
                     {"X-Apsdai-Timestamp", absl::StrCat(timestamp_ms)},
                     {"X-Apsdai-Token", token}};
  request.body = R"({"product":"pro"})";
  return request;
}

class ApsdaiVerifierTest : public ::testing::Test {
 protected:
  FakeClock clock_{absl::FromUnixMillis(kSeedTimestampMs)};
};

TEST_F(ApsdaiVerifierTest, SeedExampleIsAuthentic) {
  // Verify the seed's own timestamp, secret and signature pass.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  const Verdict verdict =
      verifier.Verify(Hook(kSeedTimestampMs, kSeedSignature));
  EXPECT_TRUE(verdict.authentic()) << verdict.Describe();
  EXPECT_EQ(verifier.scheme(), "apsdai");
}

TEST_F(ApsdaiVerifierTest, WrongSignatureIsRefusedWithoutEchoingIt) {
  // Verify a wrong token (or the un-urlencoded form) fails and is not echoed.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  for (const std::string& token :
       {std::string("Gh70gm2WBTHpgpF+JjHZFZ7Uk6iGIsVaRG7Wz8aYhpU="),
        std::string(kSeedSignature) + "x", std::string(""),
        std::string(kSeedSecret)}) {
    const Verdict verdict = verifier.Verify(Hook(kSeedTimestampMs, token));
    EXPECT_EQ(verdict.reason, RefusalReason::kWrongCredentials) << token;
    EXPECT_THAT(verdict.Describe(), Not(HasSubstr("Gh70")));
    EXPECT_THAT(verdict.Describe(), Not(HasSubstr(kSeedSecret)));
  }
}

TEST_F(ApsdaiVerifierTest, SignatureOfAnotherTimestampIsRefused) {
  // Verify the token is bound to X-Apsdai-Timestamp.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  const Verdict verdict =
      verifier.Verify(Hook(kSeedTimestampMs + 1, kSeedSignature));
  EXPECT_EQ(verdict.reason, RefusalReason::kWrongCredentials);
}

TEST_F(ApsdaiVerifierTest, ReplayIsRefused) {
  // Verify the same signed request is accepted once only.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  ASSERT_TRUE(
      verifier.Verify(Hook(kSeedTimestampMs, kSeedSignature)).authentic());
  clock_.Advance(absl::Seconds(30));
  EXPECT_EQ(verifier.Verify(Hook(kSeedTimestampMs, kSeedSignature)).reason,
            RefusalReason::kReplayed);
  // A new request, signed at a new time, still passes.
  const int64_t later = kSeedTimestampMs + 30000;
  EXPECT_TRUE(
      verifier.Verify(Hook(later, ApsdaiSignature(later, Secret(kSeedSecret))))
          .authentic());
}

TEST_F(ApsdaiVerifierTest, ReplayCacheFullRefuses) {
  // Verify a full replay cache fails closed.
  ApsdaiInboundSettings settings =
      Settings(LicenseVerification::kSignature, kSeedSecret);
  settings.replay_cache_size = 2;
  ApsdaiVerifier verifier(std::move(settings), &clock_);
  const Secret secret(kSeedSecret);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(verifier
                    .Verify(Hook(kSeedTimestampMs - i,
                                 ApsdaiSignature(kSeedTimestampMs - i, secret)))
                    .authentic());
  }
  EXPECT_EQ(verifier
                .Verify(Hook(kSeedTimestampMs - 2,
                             ApsdaiSignature(kSeedTimestampMs - 2, secret)))
                .reason,
            RefusalReason::kReplayCacheFull);
}

TEST_F(ApsdaiVerifierTest, WindowBoundsAreInclusiveAndEnforcedBothWays) {
  // Verify exactly the window passes; a millisecond beyond is stale/future.
  const Secret secret(kSeedSecret);
  const int64_t now = kSeedTimestampMs;
  const int64_t window_ms = 5 * 60 * 1000;
  struct Case {
    int64_t timestamp;
    RefusalReason want;
  };
  for (const Case& c : {Case{now - window_ms, RefusalReason::kNone},
                        Case{now + window_ms, RefusalReason::kNone},
                        Case{now - window_ms - 1, RefusalReason::kStale},
                        Case{now + window_ms + 1, RefusalReason::kFuture},
                        Case{now - 3600 * 1000, RefusalReason::kStale}}) {
    ApsdaiVerifier verifier(
        Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
    const Verdict verdict = verifier.Verify(
        Hook(c.timestamp, ApsdaiSignature(c.timestamp, secret)));
    EXPECT_EQ(verdict.reason, c.want)
        << c.timestamp - now << " ms: " << verdict.Describe();
  }
}

TEST_F(ApsdaiVerifierTest, MalformedTimestampsAreRefused) {
  // Verify only 13 plain digits are a timestamp.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  for (const char* text :
       {"157675482798", "15767548279880", "1576754827988.0", "+576754827988",
        "157675482798a", " 576754827988", ""}) {
    InboundRequest request = Hook(kSeedTimestampMs, kSeedSignature);
    request.headers[2].value = text;
    EXPECT_EQ(verifier.Verify(request).reason, RefusalReason::kBadTimestamp)
        << "\"" << text << "\"";
  }
}

TEST_F(ApsdaiVerifierTest, HeadersMustBePresentOnceAndUserAgentExact) {
  // Verify missing, duplicated and wrong-User-Agent requests are refused.
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kSignature, kSeedSecret), &clock_);
  for (size_t drop = 1; drop < 4; ++drop) {
    InboundRequest request = Hook(kSeedTimestampMs, kSeedSignature);
    const std::string name = request.headers[drop].name;
    request.headers.erase(request.headers.begin() + static_cast<long>(drop));
    const Verdict verdict = verifier.Verify(request);
    EXPECT_EQ(verdict.reason, RefusalReason::kMissingHeader) << name;
    EXPECT_THAT(verdict.detail, HasSubstr(name));
  }
  InboundRequest twice = Hook(kSeedTimestampMs, kSeedSignature);
  twice.headers.push_back({"x-apsdai-token", kSeedSignature});
  EXPECT_EQ(verifier.Verify(twice).reason, RefusalReason::kDuplicateHeader);

  InboundRequest agent = Hook(kSeedTimestampMs, kSeedSignature);
  agent.headers[1].value = "curl/7.88.1";
  EXPECT_EQ(verifier.Verify(agent).reason, RefusalReason::kWrongUserAgent);
  agent.headers[1].value = "Apsdai-Hook";
  EXPECT_EQ(verifier.Verify(agent).reason, RefusalReason::kWrongUserAgent);
}

TEST_F(ApsdaiVerifierTest, PasswordModeComparesThePasswordAndAllowsRepeats) {
  // Verify password mode: exact password, window still applies, no replay
  // state (the token is the same on every request).
  ApsdaiVerifier verifier(
      Settings(LicenseVerification::kPassword, "plain-pass"), &clock_);
  EXPECT_TRUE(
      verifier.Verify(Hook(kSeedTimestampMs, "plain-pass")).authentic());
  EXPECT_TRUE(
      verifier.Verify(Hook(kSeedTimestampMs, "plain-pass")).authentic());
  EXPECT_EQ(verifier.Verify(Hook(kSeedTimestampMs, "plain-pasS")).reason,
            RefusalReason::kWrongCredentials);
  EXPECT_EQ(
      verifier.Verify(Hook(kSeedTimestampMs - 3600000, "plain-pass")).reason,
      RefusalReason::kStale);
}

class ApsdaiVerifierVectorTest : public ::testing::TestWithParam<ApsdaiVector> {
};

TEST_P(ApsdaiVerifierVectorTest, AcceptsWhatPhpSigned) {
  // Verify each PHP-made signature is authentic at its own timestamp, and
  // the same token under a different secret is not.
  const ApsdaiVector& v = GetParam();
  SCOPED_TRACE(absl::StrCat("secret \"", absl::CHexEscape(v.secret), "\""));
  FakeClock clock(absl::FromUnixMillis(v.timestamp_ms));
  ApsdaiVerifier verifier(Settings(LicenseVerification::kSignature, v.secret),
                          &clock);
  const Verdict verdict = verifier.Verify(Hook(v.timestamp_ms, v.signature));
  EXPECT_TRUE(verdict.authentic()) << verdict.Describe();
  ApsdaiVerifier other(
      Settings(LicenseVerification::kSignature, v.secret + "x"), &clock);
  EXPECT_EQ(other.Verify(Hook(v.timestamp_ms, v.signature)).reason,
            RefusalReason::kWrongCredentials);
}

INSTANTIATE_TEST_SUITE_P(Php, ApsdaiVerifierVectorTest,
                         ::testing::ValuesIn(ApsdaiVectorsOrEmpty()),
                         [](const auto& info) {
                           return absl::StrCat("Line", info.param.line);
                         });

}  // namespace
}  // namespace signet
