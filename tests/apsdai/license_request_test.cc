#include "apsdai/license_request.h"

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

LicenseSettings Profile(const std::string& method) {
  LicenseSettings settings;
  settings.name = "shop";
  settings.url.text = "https://licenses.example/api/keys";
  settings.method = method;
  settings.headers = {{"X-Tenant", "acme"}};
  settings.body = {{"product", "studio"}, {"seats", "1"}};
  return settings;
}

HttpResponse Answer(int status, const std::string& body) {
  HttpResponse response;
  response.status = status;
  response.body = body;
  return response;
}

TEST(BuildLicenseRequestTest, PostOverlaysCallerFieldsOnProfileBody) {
  // Verify POST sends one JSON object: profile body with caller fields on top.
  const absl::Time deadline = absl::FromUnixSeconds(1000);
  const HttpRequest request = BuildLicenseRequest(
      Profile("POST"), {{"seats", "5"}, {"host", "build-7"}}, deadline);
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.url, "https://licenses.example/api/keys");
  EXPECT_EQ(request.deadline, deadline);
  ASSERT_EQ(request.headers.size(), 1u);
  EXPECT_EQ(request.headers[0].name, "X-Tenant");
  EXPECT_EQ(nlohmann::json::parse(request.body),
            nlohmann::json(
                {{"product", "studio"}, {"seats", "5"}, {"host", "build-7"}}));
}

TEST(BuildLicenseRequestTest, GetSendsTheSamePairsAsAnEncodedQuery) {
  // Verify GET carries no body and percent-encodes the merged pairs.
  const HttpRequest request = BuildLicenseRequest(
      Profile("GET"), {{"host", "a b&c=d"}}, absl::InfiniteFuture());
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.url,
            "https://licenses.example/api/keys?host=a%20b%26c%3Dd&"
            "product=studio&seats=1");
  EXPECT_THAT(request.body, IsEmpty());
}

TEST(ParseLicenseAnswerTest, SuccessKeepsKeysInUpstreamOrder) {
  // Verify code SUCCESS yields data.key in order with code and message.
  const auto answer = ParseLicenseAnswer(Answer(
      200,
      R"({"code":"SUCCESS","message":"ok","data":{"key":["z-1","a-2","m-3"]}})"));
  ASSERT_THAT(answer, IsOk());
  EXPECT_THAT(answer->keys, ElementsAre("z-1", "a-2", "m-3"));
  EXPECT_EQ(answer->code, "SUCCESS");
  EXPECT_EQ(answer->message, "ok");
}

TEST(ParseLicenseAnswerTest, NoContentIsSuccessWithoutKeys) {
  // Verify HTTP 204 succeeds with no keys whatever the body holds.
  const auto answer = ParseLicenseAnswer(Answer(204, ""));
  ASSERT_THAT(answer, IsOk());
  EXPECT_THAT(answer->keys, IsEmpty());
}

TEST(ParseLicenseAnswerTest, FailCodeIsFailedPreconditionWithMessage) {
  // Verify code FAIL on HTTP 200 carries the upstream's message.
  const auto answer = ParseLicenseAnswer(
      Answer(200, R"({"code":"FAIL","message":"seat limit reached"})"));
  EXPECT_THAT(answer, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("seat limit reached")));
}

TEST(ParseLicenseAnswerTest, ClientErrorStatusIsFailedPrecondition) {
  // Verify a 4xx is a refusal, with the message or else the status.
  EXPECT_THAT(
      ParseLicenseAnswer(Answer(403, R"({"message":"bad token"})")),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("bad token")));
  EXPECT_THAT(
      ParseLicenseAnswer(Answer(404, "<html>nope</html>")),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("HTTP 404")));
}

TEST(ParseLicenseAnswerTest, ServerErrorIsUnavailable) {
  // Verify a 5xx is retryable UNAVAILABLE, not a refusal.
  EXPECT_THAT(ParseLicenseAnswer(Answer(503, "")),
              StatusIs(absl::StatusCode::kUnavailable, HasSubstr("HTTP 503")));
}

TEST(ParseLicenseAnswerTest, MalformedSuccessBodiesSaySo) {
  // Verify each broken 200 body is reported as malformed, not as success.
  for (const char* body :
       {"", "not json", "[1,2]", R"({"data":{"key":[]}})",
        R"({"code":"SUCCESS"})", R"({"code":"SUCCESS","data":{"key":"k"}})",
        R"({"code":"SUCCESS","data":{"key":["k",7]}})"}) {
    SCOPED_TRACE(body);
    EXPECT_THAT(
        ParseLicenseAnswer(Answer(200, body)),
        StatusIs(absl::StatusCode::kUnavailable, HasSubstr("malformed")));
  }
}

TEST(ParseLicenseAnswerTest, LongUpstreamMessageIsTruncated) {
  // Verify an upstream cannot blow up the error text.
  const std::string huge(10000, 'x');
  const auto answer = ParseLicenseAnswer(
      Answer(200, R"({"code":"FAIL","message":")" + huge + R"("})"));
  ASSERT_FALSE(answer.ok());
  EXPECT_LT(answer.status().message().size(), 400u);
}

TEST(ParseLicenseAnswerTest, LongUpstreamCodeIsTruncated) {
  // Verify the code is cut like the message (found by
  // tests/fuzz/upstream_answer_fuzzer).
  const std::string huge(10000, 'x');
  const auto answer = ParseLicenseAnswer(
      Answer(200, R"({"code":")" + huge + R"(","message":"m"})"));
  ASSERT_FALSE(answer.ok());
  EXPECT_LT(answer.status().message().size(), 400u);
}

}  // namespace
}  // namespace signet
