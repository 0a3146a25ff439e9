#include "openapi/token_request.h"

#include <nlohmann/json.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

OpenApiSettings Settings() {
  OpenApiSettings settings;
  settings.name = "default";
  settings.base_url.text = "https://openapi.example.com/base";
  settings.app_id = "app-123";
  settings.app_secret = Secret("s3cr3t");
  return settings;
}

HttpResponse Answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// Verify the signature is seed 002's Python example:
//   hashlib.sha256((app_id + str(time_stamp) +
//   app_secret).encode()).hexdigest()
TEST(OpenApiTokenSignatureTest, MatchesTheSeedAlgorithm) {
  EXPECT_EQ(OpenApiTokenSignature("app-123", 1700000000, Secret("s3cr3t")),
            "67765e3f376442f4b4a70d88260728f1c9b5923a4f6bcc1f41af0b151c79ba81");
  // Non-ASCII secrets are hashed as their UTF-8 bytes, like .encode().
  EXPECT_EQ(OpenApiTokenSignature("app-123", 1700000000,
                                  Secret("\xe7\xa7\x98\xe5\xaf\x86")),
            "7d55752f47431cceff29909a6c34dd34e22c09b6fb9b538c02c8e6f9172e7873");
}

TEST(BuildTokenRequestTest, IsTheSeedRequest) {
  const HttpRequest request =
      BuildTokenRequest(Settings(), absl::FromUnixSeconds(1700000000),
                        absl::FromUnixSeconds(1700000010));
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url,
            "https://openapi.example.com/base/api/v5/authentication/token");
  EXPECT_EQ(FindHeader(request.headers, "content-type"),
            "application/json; charset=utf-8");
  EXPECT_EQ(
      request.body,
      R"({"app_id":"app-123","time_stamp":1700000000,"signature":)"
      R"("67765e3f376442f4b4a70d88260728f1c9b5923a4f6bcc1f41af0b151c79ba81"})");
  EXPECT_EQ(request.deadline, absl::FromUnixSeconds(1700000010));
  EXPECT_THAT(request.body, Not(HasSubstr("s3cr3t")));
  // The signature is as good as the secret for a while: cleansed with it.
  EXPECT_TRUE(request.body_is_secret);
}

TEST(BuildTokenRequestTest, AppIdFieldIsConfigurable) {
  OpenApiSettings settings = Settings();
  settings.app_id_field = "user_id";
  const nlohmann::json body = nlohmann::json::parse(
      BuildTokenRequest(settings, absl::FromUnixSeconds(1),
                        absl::InfiniteFuture())
          .body);
  EXPECT_EQ(body["user_id"], "app-123");
  EXPECT_FALSE(body.contains("app_id"));
}

TEST(ParseTokenAnswerTest, SeedAnswer) {
  absl::StatusOr<TokenAnswer> answer = ParseTokenAnswer(Answer(200, R"(
    { "code":0, "msg":"success.",
      "data":{ "token": "tok-1", "expire_time": "2023-11-10T18:43:23.232093" }})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->token.Reveal(), "tok-1");
  EXPECT_EQ(answer->expire_time, "2023-11-10T18:43:23.232093");
}

TEST(ParseTokenAnswerTest, CodeAsString) {
  EXPECT_THAT(
      ParseTokenAnswer(Answer(
          200, R"({"code":"0","data":{"token":"t","expire_time":"x"}})")),
      IsOk());
}

TEST(ParseTokenAnswerTest, NonZeroCodeCarriesTheUpstreamMessage) {
  EXPECT_THAT(
      ParseTokenAnswer(
          Answer(200, R"({"code":40101,"msg":"signature mismatch"})")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("40101"), HasSubstr("signature mismatch"))));
}

TEST(ParseTokenAnswerTest, HttpStatusDecidesTheCode) {
  EXPECT_THAT(
      ParseTokenAnswer(
          Answer(401, R"({"code":40101,"msg":"signature mismatch"})")),
      StatusIs(absl::StatusCode::kFailedPrecondition,
               AllOf(HasSubstr("HTTP 401"), HasSubstr("signature mismatch"))));
  EXPECT_THAT(ParseTokenAnswer(Answer(503, "<html>busy</html>")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503")));
}

TEST(ParseTokenAnswerTest, MalformedAnswers) {
  for (const char* body :
       {"", "not json", "[]", R"({"msg":"no code"})", R"({"code":0})",
        R"({"code":0,"data":[]})", R"({"code":0,"data":{"expire_time":"x"}})",
        R"({"code":0,"data":{"token":"t"}})",
        R"({"code":0,"data":{"token":7,"expire_time":"x"}})",
        R"({"code":0,"data":{"token":"t","expire_time":"x"})"}) {
    SCOPED_TRACE(body);
    EXPECT_THAT(ParseTokenAnswer(Answer(200, body)),
                StatusIs(absl::StatusCode::kUnavailable,
                         HasSubstr("malformed answer from upstream")));
  }
}

}  // namespace
}  // namespace signet
