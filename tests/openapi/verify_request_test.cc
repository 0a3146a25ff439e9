#include "openapi/verify_request.h"

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
TEST(BuildVerifyRequestTest, IsTheSeedRequest) {
  const HttpRequest request =
      BuildVerifyRequest(Settings(), "tok-1", absl::InfiniteFuture());
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "https://openapi.example.com/base/api/v5/authentication/verify");
  EXPECT_EQ(FindHeader(request.headers, "Authorization"), "Bearer tok-1");
  EXPECT_EQ(FindHeader(request.headers, "X-APP-ID"), "app-123");
  EXPECT_TRUE(request.body.empty());
}

TEST(ParseVerifyAnswerTest, Valid) {
  absl::StatusOr<VerifyAnswer> answer = ParseVerifyAnswer(Answer(200, R"(
    {"code":0,"msg":"success.","data":{"app_id":"app-123","result":"success",
     "time":"2023-10-25T16:01:25.950224"}})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_TRUE(answer->valid);
  EXPECT_EQ(answer->app_id, "app-123");
  EXPECT_EQ(answer->result, "success");
  EXPECT_EQ(answer->time, "2023-10-25T16:01:25.950224");
  EXPECT_EQ(answer->message, "success.");
}

TEST(ParseVerifyAnswerTest, RefusalsAreInvalidNotErrors) {
  absl::StatusOr<VerifyAnswer> by_code =
      ParseVerifyAnswer(Answer(200, R"({"code":40102,"msg":"token expired"})"));
  ASSERT_THAT(by_code, IsOk());
  EXPECT_FALSE(by_code->valid);
  EXPECT_EQ(by_code->message, "token expired");

  absl::StatusOr<VerifyAnswer> by_status = ParseVerifyAnswer(
      Answer(401, R"({"code":40102,"msg":"token invalid or expired"})"));
  ASSERT_THAT(by_status, IsOk());
  EXPECT_FALSE(by_status->valid);
  EXPECT_EQ(by_status->message, "token invalid or expired");

  absl::StatusOr<VerifyAnswer> bare = ParseVerifyAnswer(Answer(403, ""));
  ASSERT_THAT(bare, IsOk());
  EXPECT_FALSE(bare->valid);
  EXPECT_EQ(bare->message, "HTTP 403");

  absl::StatusOr<VerifyAnswer> not_success = ParseVerifyAnswer(
      Answer(200, R"({"code":0,"msg":"ok","data":{"result":"failed"}})"));
  ASSERT_THAT(not_success, IsOk());
  EXPECT_FALSE(not_success->valid);
}

TEST(ParseVerifyAnswerTest, ServerErrorsAndGarbageAreUnavailable) {
  EXPECT_THAT(ParseVerifyAnswer(Answer(502, "")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 502")));
  EXPECT_THAT(ParseVerifyAnswer(Answer(200, "{oops")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("malformed answer from upstream")));
  EXPECT_THAT(ParseVerifyAnswer(Answer(200, R"({"code":0})")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("malformed answer from upstream")));
}

}  // namespace
}  // namespace signet
