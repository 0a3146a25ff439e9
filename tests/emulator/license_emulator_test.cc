// signet-emulator's APSDAI license route (seed 003), over real sockets.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "emulator/emulator_fixture.h"
#include "emulator/reference_signatures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet::emulator_test {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kLicensesPath[] = "/licenses/keys";

httplib::Headers LicenseHeaders(const std::string& timestamp,
                                const std::string& token) {
  return {{"User-Agent", "apsdai-hook"},
          {"X-Apsdai-Timestamp", timestamp},
          {"X-Apsdai-Token", token}};
}

httplib::Headers SignedHeaders(const std::string& secret = kLicenseSecret) {
  const std::string timestamp = NowMillis();
  return LicenseHeaders(timestamp, ApsdaiToken(timestamp, secret));
}

class LicenseEmulatorTest : public EmulatorTest {
 protected:
  httplib::Result PostKeys(const httplib::Headers& headers, const json& body) {
    return client_->Post(kLicensesPath, headers, body.dump(),
                         "application/json");
  }
};

// Verify a correctly signed POST gets keys built from its fields, and the
// custom header and body fields are reported as received.
TEST_F(LicenseEmulatorTest, SignatureModeAcceptsCorrectToken) {
  httplib::Headers headers = SignedHeaders();
  headers.emplace("X-Shop", "shop-1");
  const httplib::Result result = PostKeys(
      headers, {{"product", "pro"}, {"count", 2}, {"email", "a@example.com"}});
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json body = Json(result);
  EXPECT_EQ(body["code"], "SUCCESS");
  EXPECT_EQ(body["message"], "Success");
  EXPECT_EQ(body["data"]["key"], json({"KEY-1-pro", "KEY-2-pro"}));
  EXPECT_THAT(body["received"]["headers"],
              Contains(json::array({"X-Shop", "shop-1"})));
  EXPECT_EQ(body["received"]["fields"]["email"], "a@example.com");
  EXPECT_EQ(Stats().licenses, 1);
}

// Verify GET takes its fields from the query string; count defaults to 3.
TEST_F(LicenseEmulatorTest, GetReadsFieldsFromQuery) {
  httplib::Headers headers = SignedHeaders();
  headers.emplace("Content-Type", "application/json");
  const httplib::Result result =
      client_->Get("/licenses/keys?product=basic&order=9", headers);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  const json body = Json(result);
  EXPECT_EQ(body["data"]["key"],
            json({"KEY-1-basic", "KEY-2-basic", "KEY-3-basic"}));
  EXPECT_EQ(body["received"]["fields"]["order"], "9");
}

// Verify a token signed with another key is a 403 FAIL.
TEST_F(LicenseEmulatorTest, WrongTokenIs403) {
  const httplib::Result result =
      PostKeys(SignedHeaders("some-other-key"), json::object());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_EQ(Json(result)["code"], "FAIL");
  EXPECT_THAT(result->body, Not(HasSubstr(kLicenseSecret)));
  EXPECT_EQ(Stats().rejected_total, 1);
}

// Verify the token must be PHP-urlencoded: the bare base64 signature, which
// a server that percent-decodes header values would turn the correct token
// into, is refused.
TEST_F(LicenseEmulatorTest, UnencodedSignatureIs403) {
  // Find a timestamp whose signature has a character urlencode changes.
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  std::string timestamp;
  std::string encoded;
  for (int64_t ms = now_ms; ms < now_ms + 1000; ++ms) {
    timestamp = absl::StrCat(ms);
    encoded = ApsdaiToken(timestamp, kLicenseSecret);
    if (encoded.find('%') != std::string::npos) break;
  }
  ASSERT_NE(encoded.find('%'), std::string::npos);
  const std::string bare =
      absl::StrReplaceAll(encoded, {{"%2B", "+"}, {"%2F", "/"}, {"%3D", "="}});

  const httplib::Result result =
      PostKeys(LicenseHeaders(timestamp, bare), json::object());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);

  const httplib::Result lowercase_escapes = PostKeys(
      LicenseHeaders(timestamp, absl::StrReplaceAll(encoded, {{"%2B", "%2b"},
                                                              {"%2F", "%2f"},
                                                              {"%3D", "%3d"}})),
      json::object());
  ASSERT_TRUE(lowercase_escapes);
  EXPECT_EQ(lowercase_escapes->status, 403);

  const httplib::Result correct =
      PostKeys(LicenseHeaders(timestamp, encoded), json::object());
  ASSERT_TRUE(correct);
  EXPECT_EQ(correct->status, 200) << correct->body;
}

// Verify a correctly signed but stale timestamp is a 403.
TEST_F(LicenseEmulatorTest, StaleTimestampIs403) {
  const std::string stale =
      absl::StrCat(absl::ToUnixMillis(absl::Now() - absl::Minutes(10)));
  const httplib::Result result =
      PostKeys(LicenseHeaders(stale, ApsdaiToken(stale, kLicenseSecret)),
               json::object());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
  EXPECT_THAT(Json(result).value("message", ""), HasSubstr("window"));
}

// Verify a timestamp in seconds (10 digits) is refused.
TEST_F(LicenseEmulatorTest, SecondsTimestampIs403) {
  const std::string seconds = absl::StrCat(absl::ToUnixSeconds(absl::Now()));
  const httplib::Result result =
      PostKeys(LicenseHeaders(seconds, ApsdaiToken(seconds, kLicenseSecret)),
               json::object());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
}

// Verify User-Agent and Content-Type are required.
TEST_F(LicenseEmulatorTest, FixedHeadersAreRequired) {
  httplib::Headers wrong_agent = SignedHeaders();
  wrong_agent.erase("User-Agent");
  wrong_agent.emplace("User-Agent", "curl/8");
  const httplib::Result agent = PostKeys(wrong_agent, json::object());
  ASSERT_TRUE(agent);
  EXPECT_EQ(agent->status, 403);

  const httplib::Result text =
      client_->Post(kLicensesPath, SignedHeaders(), "{}", "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 403);
}

// Verify signature mode refuses a request that sends the key itself.
TEST_F(LicenseEmulatorTest, SecretOnTheWireIs403) {
  const httplib::Result result =
      PostKeys(SignedHeaders(), {{"password", kLicenseSecret}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 403);
}

// Verify each simulate value gives its documented answer.
TEST_F(LicenseEmulatorTest, SimulatedAnswers) {
  const auto simulate = [this](const std::string& mode) {
    return PostKeys(SignedHeaders(), {{"simulate", mode}});
  };
  const httplib::Result fail = simulate("fail");
  ASSERT_TRUE(fail);
  EXPECT_EQ(fail->status, 200);
  EXPECT_EQ(Json(fail), json({{"code", "FAIL"}, {"message", "out of stock"}}));

  const httplib::Result empty = simulate("empty");
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->status, 204);
  EXPECT_TRUE(empty->body.empty());

  const httplib::Result forbidden = simulate("forbidden");
  ASSERT_TRUE(forbidden);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(Json(forbidden)["message"], "forbidden by upstream");

  const httplib::Result malformed = simulate("malformed");
  ASSERT_TRUE(malformed);
  EXPECT_EQ(malformed->status, 200);
  EXPECT_EQ(malformed->body, "not json{");

  const httplib::Result missing_keys = simulate("missing_keys");
  ASSERT_TRUE(missing_keys);
  EXPECT_EQ(Json(missing_keys),
            json({{"code", "SUCCESS"}, {"message", "Success"}}));

  // Simulated upstream answers are not emulator rejections.
  EXPECT_EQ(Stats().rejected_total, 0);
}

class LicensePasswordTest : public LicenseEmulatorTest {
 protected:
  std::vector<std::string> Flags() const override {
    return {"--license_verification=password", "--license_secret=pw-123"};
  }
};

// Verify password mode takes the password itself and nothing else.
TEST_F(LicensePasswordTest, AcceptsPasswordOnly) {
  const std::string timestamp = NowMillis();
  const httplib::Result accepted =
      PostKeys(LicenseHeaders(timestamp, "pw-123"), json::object());
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200) << accepted->body;

  const httplib::Result signature =
      PostKeys(LicenseHeaders(timestamp, ApsdaiToken(timestamp, "pw-123")),
               json::object());
  ASSERT_TRUE(signature);
  EXPECT_EQ(signature->status, 403);
}

class LicenseSeedVectorTest : public LicenseEmulatorTest {
 protected:
  // The seed's timestamp is from 2019; widen the window to reach it.
  std::vector<std::string> Flags() const override {
    return {"--license_secret=your_secret_key", "--license_window=200000h"};
  }
};

// Verify the emulator accepts the seed's own PHP example end to end.
TEST_F(LicenseSeedVectorTest, AcceptsSeedExample) {
  const httplib::Result result = PostKeys(
      LicenseHeaders("1576754827988",
                     "Gh70gm2WBTHpgpF%2BJjHZFZ7Uk6iGIsVaRG7Wz8aYhpU%3D"),
      json::object());
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
}

}  // namespace
}  // namespace signet::emulator_test
