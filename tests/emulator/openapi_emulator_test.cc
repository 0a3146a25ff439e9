// signet-emulator's OpenAPI v5 routes (seed 002), over real sockets.

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "emulator/emulator_fixture.h"
#include "emulator/raw_http.h"
#include "emulator/reference_signatures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet::emulator_test {
namespace {

using ::signet::testing::IsOk;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kTokenPath[] = "/api/v5/authentication/token";
constexpr char kVerifyPath[] = "/api/v5/authentication/verify";
constexpr char kZonelessMicros[] =
    "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{6}";
constexpr char kImfFixdate[] =
    "(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} "
    "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    "[0-9]{2}:[0-9]{2}:[0-9]{2} GMT";

json SignedBody(const std::string& app_id, int64_t time_stamp,
                const std::string& secret) {
  return {{"app_id", app_id},
          {"time_stamp", time_stamp},
          {"signature",
           OpenApiSignature(app_id, absl::StrCat(time_stamp), secret)}};
}

class OpenApiEmulatorTest : public EmulatorTest {
 protected:
  httplib::Result PostToken(
      const json& body,
      const std::string& content_type = "application/json; charset=utf-8") {
    return client_->Post(kTokenPath, body.dump(), content_type);
  }

  // Issues a token with a correct request and returns it.
  std::string IssueToken() {
    const httplib::Result result =
        PostToken(SignedBody(kAppId, 1700000000, kAppSecret));
    EXPECT_TRUE(result);
    if (!result) return "";
    EXPECT_EQ(result->status, 200) << result->body;
    return Json(result)["data"].value("token", "");
  }

  httplib::Result Verify(const std::string& token,
                         const std::string& app_id = kAppId) {
    return client_->Get(kVerifyPath,
                        {{"Authorization", absl::StrCat("Bearer ", token)},
                         {"X-APP-ID", app_id}});
  }
};

// Verify a correctly signed request gets a token that then verifies.
TEST_F(OpenApiEmulatorTest, IssuesTokenForCorrectSignatureAndVerifiesIt) {
  const httplib::Result issued =
      PostToken(SignedBody(kAppId, 1700000000, kAppSecret));
  ASSERT_TRUE(issued);
  ASSERT_EQ(issued->status, 200) << issued->body;
  const json body = Json(issued);
  EXPECT_EQ(body["code"], 0);
  EXPECT_EQ(body["msg"], "success.");
  const std::string token = body["data"].value("token", "");
  EXPECT_THAT(token, MatchesRegex("[0-9a-f]{32}"));
  EXPECT_THAT(body["data"].value("expire_time", ""),
              MatchesRegex(kZonelessMicros));
  EXPECT_THAT(issued->get_header_value("Date"), MatchesRegex(kImfFixdate));

  const httplib::Result verified = Verify(token);
  ASSERT_TRUE(verified);
  ASSERT_EQ(verified->status, 200) << verified->body;
  const json verify_body = Json(verified);
  EXPECT_EQ(verify_body["code"], 0);
  EXPECT_EQ(verify_body["data"]["app_id"], kAppId);
  EXPECT_EQ(verify_body["data"]["result"], "success");
  EXPECT_THAT(verify_body["data"].value("time", ""),
              MatchesRegex(kZonelessMicros));

  const signet::testing::EmulatorStats stats = Stats();
  EXPECT_EQ(stats.token, 1);
  EXPECT_EQ(stats.verify, 1);
  EXPECT_EQ(stats.tokens_issued, 1);
  EXPECT_EQ(stats.rejected_total, 0);
}

// Verify time_stamp may also be a string of digits, signed as sent.
TEST_F(OpenApiEmulatorTest, AcceptsTimeStampAsDigitString) {
  const json body = {
      {"app_id", kAppId},
      {"time_stamp", "00123456789"},
      {"signature", OpenApiSignature(kAppId, "00123456789", kAppSecret)}};
  const httplib::Result result = PostToken(body);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
}

// Verify a wrong signature is a 401 that is counted and leaks nothing.
TEST_F(OpenApiEmulatorTest, WrongSignatureIsRejected) {
  const httplib::Result result =
      PostToken(SignedBody(kAppId, 1700000000, "not-the-secret"));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result),
            json({{"code", 40101}, {"msg", "signature mismatch"}}));
  EXPECT_THAT(result->body, Not(HasSubstr(kAppSecret)));
  EXPECT_THAT(
      result->body,
      Not(HasSubstr(OpenApiSignature(kAppId, "1700000000", kAppSecret))));

  const signet::testing::EmulatorStats stats = Stats();
  EXPECT_EQ(stats.token, 1);
  EXPECT_EQ(stats.rejected_total, 1);
  EXPECT_EQ(stats.tokens_issued, 0);
}

// Verify a signature that is right for another app id does not pass.
TEST_F(OpenApiEmulatorTest, WrongAppIdIsRejected) {
  const httplib::Result result =
      PostToken(SignedBody("app-999", 1700000000, kAppSecret));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result)["code"], 40101);
}

// Verify a request without any Content-Type is rejected before signing
// is even looked at.
TEST_F(OpenApiEmulatorTest, MissingContentTypeIsRejected) {
  const std::string body = SignedBody(kAppId, 1700000000, kAppSecret).dump();
  const absl::StatusOr<std::string> response = RawExchange(
      emulator_.port,
      absl::StrCat("POST ", kTokenPath,
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   "Content-Length: ",
                   body.size(), "\r\n\r\n", body));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(RawStatus(*response), 400);
  EXPECT_THAT(*response, HasSubstr("40001"));

  const httplib::Result text_plain =
      PostToken(SignedBody(kAppId, 1700000000, kAppSecret), "text/plain");
  ASSERT_TRUE(text_plain);
  EXPECT_EQ(text_plain->status, 400);

  const signet::testing::EmulatorStats stats = Stats();
  EXPECT_EQ(stats.rejected_total, 2);
  EXPECT_EQ(stats.tokens_issued, 0);
}

// Verify the media type is matched case-insensitively.
TEST_F(OpenApiEmulatorTest, ContentTypeIsCaseInsensitive) {
  const httplib::Result result =
      PostToken(SignedBody(kAppId, 1700000000, kAppSecret), "Application/JSON");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200) << result->body;
}

// Verify malformed fields are 400s naming the problem.
TEST_F(OpenApiEmulatorTest, MalformedFieldsAreBadRequests) {
  json body = SignedBody(kAppId, 1700000000, kAppSecret);
  const std::string signature = body["signature"];

  json no_signature = body;
  no_signature.erase("signature");
  json upper_hex = body;
  std::string upper = signature;
  for (char& c : upper) c = static_cast<char>(std::toupper(c));
  upper_hex["signature"] = upper;
  json negative = body;
  negative["time_stamp"] = -5;
  json float_stamp = body;
  float_stamp["time_stamp"] = 1.5;
  json no_app_id = body;
  no_app_id.erase("app_id");

  for (const json& bad : {no_signature, upper_hex, negative, float_stamp,
                          no_app_id, json::array()}) {
    const httplib::Result result = PostToken(bad);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << bad.dump();
    EXPECT_EQ(Json(result)["code"], 40001) << bad.dump();
  }
  const httplib::Result not_json =
      client_->Post(kTokenPath, "{not json", "application/json");
  ASSERT_TRUE(not_json);
  EXPECT_EQ(not_json->status, 400);
}

// Verify a body that carries the secret itself is refused.
TEST_F(OpenApiEmulatorTest, SecretInBodyIsRejected) {
  json body = SignedBody(kAppId, 1700000000, kAppSecret);
  body["user_api_secret"] = kAppSecret;
  const httplib::Result result = PostToken(body);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 400);
  EXPECT_THAT(result->body, Not(HasSubstr(kAppSecret)));
}

// Verify a revoked token no longer verifies.
TEST_F(OpenApiEmulatorTest, RevokedTokenFailsVerify) {
  const std::string token = IssueToken();
  ASSERT_FALSE(token.empty());
  Control("/__revoke", json({{"token", token}}).dump());
  const httplib::Result result = Verify(token);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result),
            json({{"code", 40102}, {"msg", "token invalid or expired"}}));
}

// Verify an empty /__revoke body revokes every token.
TEST_F(OpenApiEmulatorTest, RevokeWithoutTokenRevokesAll) {
  const std::string first = IssueToken();
  const std::string second = IssueToken();
  Control("/__revoke", "");
  for (const std::string& token : {first, second}) {
    const httplib::Result result = Verify(token);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 401);
  }
}

// Verify an expired token fails (token_ttl_seconds 0 expires at issue).
TEST_F(OpenApiEmulatorTest, ExpiredTokenFailsVerify) {
  Control("/__config", R"({"token_ttl_seconds":0})");
  const std::string token = IssueToken();
  const httplib::Result result = Verify(token);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result)["code"], 40102);
}

// Verify verify needs both headers and a matching app id.
TEST_F(OpenApiEmulatorTest, VerifyChecksHeaders) {
  const std::string token = IssueToken();

  const httplib::Result no_app_id = client_->Get(
      kVerifyPath, {{"Authorization", absl::StrCat("Bearer ", token)}});
  ASSERT_TRUE(no_app_id);
  EXPECT_EQ(no_app_id->status, 401);
  EXPECT_EQ(Json(no_app_id)["msg"], "missing X-APP-ID");

  const httplib::Result no_bearer = client_->Get(
      kVerifyPath, {{"Authorization", token}, {"X-APP-ID", kAppId}});
  ASSERT_TRUE(no_bearer);
  EXPECT_EQ(no_bearer->status, 401);

  const httplib::Result other_app = Verify(token, "app-999");
  ASSERT_TRUE(other_app);
  EXPECT_EQ(other_app->status, 401);

  const httplib::Result unknown = Verify("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 401);

  EXPECT_EQ(Stats().rejected_total, 4);
}

// Verify no Date header is sent once /__config turns it off.
TEST_F(OpenApiEmulatorTest, DateHeaderFollowsConfig) {
  Control("/__config", R"({"send_date_header":false})");
  const httplib::Result result =
      PostToken(SignedBody(kAppId, 1700000000, kAppSecret));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_FALSE(result->has_header("Date"));
}

class UserIdFieldTest : public OpenApiEmulatorTest {
 protected:
  std::vector<std::string> Flags() const override {
    return {"--app_id_field=user_id", "--openapi_app_id=tenant-7",
            "--openapi_app_secret=s3cr3t"};
  }
};

// Verify --app_id_field renames the field (seed 002's table says user_id).
TEST_F(UserIdFieldTest, ReadsAppIdFromConfiguredField) {
  const json body = {
      {"user_id", "tenant-7"},
      {"time_stamp", 42},
      {"signature", OpenApiSignature("tenant-7", "42", "s3cr3t")}};
  const httplib::Result accepted = PostToken(body);
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->status, 200) << accepted->body;

  json wrong_field = body;
  wrong_field.erase("user_id");
  wrong_field["app_id"] = "tenant-7";
  const httplib::Result rejected = PostToken(wrong_field);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 400);
}

class ZonedExpiryTest : public OpenApiEmulatorTest {
 protected:
  std::vector<std::string> Flags() const override {
    return {"--expire_time_zone=Asia/Shanghai", "--token_ttl=1h"};
  }
};

// Verify expire_time is now + ttl written in --expire_time_zone, no zone.
TEST_F(ZonedExpiryTest, WritesExpireTimeInConfiguredZone) {
  const absl::Time before = absl::Now();
  const httplib::Result result =
      PostToken(SignedBody(kAppId, 1700000000, kAppSecret));
  const absl::Time after = absl::Now();
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200);
  const std::string expire_time = Json(result)["data"].value("expire_time", "");

  absl::TimeZone shanghai;
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &shanghai));
  absl::Time parsed;
  std::string error;
  ASSERT_TRUE(absl::ParseTime("%Y-%m-%dT%H:%M:%E*S", expire_time, shanghai,
                              &parsed, &error))
      << error << ": " << expire_time;
  EXPECT_GE(parsed, before + absl::Hours(1) - absl::Microseconds(1));
  EXPECT_LE(parsed, after + absl::Hours(1));
}

}  // namespace
}  // namespace signet::emulator_test
