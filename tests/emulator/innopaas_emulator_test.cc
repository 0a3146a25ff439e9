// signet-emulator's InnoPaaS routes (seeds 000/001), over real sockets.

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "emulator/emulator_fixture.h"
#include "emulator/raw_http.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet::emulator_test {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr char kJsonUtf8[] = "application/json;charset=utf-8";

// For requests with a body: httplib's client adds the Content-Type it is
// given as an argument, so these headers must not carry one too.
httplib::Headers AuthHeaders() {
  return {{"AppKey", kAppKey}, {"Authorization", kInnopaasAuthorization}};
}

// For requests without a body.
httplib::Headers GoodHeaders() {
  httplib::Headers headers = AuthHeaders();
  headers.emplace("Content-Type", kJsonUtf8);
  return headers;
}

using InnopaasEmulatorTest = EmulatorTest;

// Verify an authenticated request is echoed as received, with the repeated
// X-Echo-Repeat response header.
TEST_F(InnopaasEmulatorTest, EchoesAcceptedRequest) {
  httplib::Headers headers = AuthHeaders();
  headers.emplace("X-Custom", "custom value");
  const std::string body = "{\"to\":\"+15550100\",\"bin\":\"\\u00e9\"}";
  const httplib::Result result = client_->Post(
      "/innopaas/api/v1/send?b=2&a=x%20y", headers, body, kJsonUtf8);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;

  const json echo = Json(result);
  EXPECT_EQ(echo["method"], "POST");
  EXPECT_EQ(echo["path"], "/innopaas/api/v1/send");
  EXPECT_EQ(echo["raw_query"], "b=2&a=x%20y");
  EXPECT_EQ(echo["query"], json({{"a", "x y"}, {"b", "2"}}));
  EXPECT_THAT(echo["headers"],
              Contains(json::array({"X-Custom", "custom value"})));
  EXPECT_THAT(echo["headers"], Contains(json::array({"AppKey", kAppKey})));
  std::string decoded;
  ASSERT_TRUE(absl::Base64Unescape(echo.value("body_base64", ""), &decoded));
  EXPECT_EQ(decoded, body);

  std::vector<std::string> repeated;
  for (size_t i = 0; i < result->get_header_value_count("X-Echo-Repeat"); ++i) {
    repeated.push_back(result->get_header_value("X-Echo-Repeat", i));
  }
  EXPECT_THAT(repeated, ElementsAre("a", "b"));
  EXPECT_EQ(Stats().innopaas, 1);
}

// Verify every method the emulator routes is checked and echoed.
TEST_F(InnopaasEmulatorTest, AcceptsOtherMethods) {
  const httplib::Result get = client_->Get("/innopaas/x", GoodHeaders());
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(Json(get)["method"], "GET");

  const httplib::Result put =
      client_->Put("/innopaas/x", AuthHeaders(), "{}", kJsonUtf8);
  ASSERT_TRUE(put);
  EXPECT_EQ(Json(put)["method"], "PUT");

  const httplib::Result del = client_->Delete("/innopaas/x", GoodHeaders());
  ASSERT_TRUE(del);
  EXPECT_EQ(Json(del)["method"], "DELETE");
}

// Verify header values are echoed as sent: a server library that
// percent-decodes them (cpp-httplib 0.11 does) would let encoding bugs pass.
TEST_F(InnopaasEmulatorTest, EchoesHeaderValuesUndecoded) {
  httplib::Headers headers = GoodHeaders();
  headers.emplace("X-Escaped", "a%2Bb%3D%20c");
  const httplib::Result result = client_->Get("/innopaas/x", headers);
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  EXPECT_THAT(Json(result)["headers"],
              Contains(json::array({"X-Escaped", "a%2Bb%3D%20c"})));
}

// Verify the echo is built from the bytes on the wire: '+' stays '+', the
// whitespace around a value goes (RFC 9110 section 5.5), and repeated
// headers keep their order.
TEST_F(InnopaasEmulatorTest, EchoesRawHeaderBytesInWireOrder) {
  const absl::StatusOr<std::string> response =
      RawExchange(emulator_.port,
                  absl::StrCat("GET /innopaas/x HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                               "Connection: close\r\nContent-Type: ",
                               kJsonUtf8, "\r\nAppKey: ", kAppKey,
                               "\r\nAuthorization: ", kInnopaasAuthorization,
                               "\r\nX-Plus: \t a+b=%2B \t\r\nX-Twice: 2\r\n"
                               "X-Twice: 1\r\n\r\n"));
  ASSERT_THAT(response, signet::testing::IsOk());
  ASSERT_EQ(RawStatus(*response), 200) << *response;
  const json echo =
      json::parse(response->substr(response->find("\r\n\r\n") + 4));
  EXPECT_THAT(echo["headers"], Contains(json::array({"X-Plus", "a+b=%2B"})));
  std::vector<std::string> twice;
  for (const json& header : echo["headers"]) {
    if (header[0] == "X-Twice") twice.push_back(header[1]);
  }
  EXPECT_THAT(twice, ElementsAre("2", "1"));
}

// Verify each request on a kept-alive connection is checked against its own
// headers, even after a body that looks like a request head.
TEST_F(InnopaasEmulatorTest, KeepAliveRequestsKeepTheirOwnHeaders) {
  client_->set_keep_alive(true);
  httplib::Headers first = AuthHeaders();
  first.emplace("X-Request", "1");
  const httplib::Result post = client_->Post(
      "/innopaas/x", first,
      "GET /innopaas/x HTTP/1.1\r\nX-Request: evil\r\n\r\n", kJsonUtf8);
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200) << post->body;

  httplib::Headers second = GoodHeaders();
  second.emplace("X-Request", "2");
  const httplib::Result get = client_->Get("/innopaas/x", second);
  ASSERT_TRUE(get);
  ASSERT_EQ(get->status, 200) << get->body;
  EXPECT_THAT(Json(get)["headers"], Contains(json::array({"X-Request", "2"})));
  EXPECT_THAT(Json(get)["headers"],
              Not(Contains(json::array({"X-Request", "evil"}))));
  EXPECT_EQ(Stats().connections, 1);
}

// Verify a repeated AppKey is refused rather than one copy picked.
TEST_F(InnopaasEmulatorTest, RepeatedAppKeyIs401) {
  httplib::Headers headers = GoodHeaders();
  headers.emplace("AppKey", kAppKey);
  const httplib::Result result = client_->Get("/innopaas/x", headers);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result)["msg"], "AppKey header is repeated");
}

// Verify spaces around ';' and letter case do not matter, but the charset
// parameter is required.
TEST_F(InnopaasEmulatorTest, ContentTypeMustBeJsonUtf8) {
  httplib::Headers spaced = GoodHeaders();
  spaced.erase("Content-Type");
  spaced.emplace("Content-Type", "Application/JSON ; Charset=UTF-8");
  const httplib::Result ok = client_->Get("/innopaas/x", spaced);
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);

  httplib::Headers bare = GoodHeaders();
  bare.erase("Content-Type");
  bare.emplace("Content-Type", "application/json");
  const httplib::Result rejected = client_->Get("/innopaas/x", bare);
  ASSERT_TRUE(rejected);
  EXPECT_EQ(rejected->status, 401);
  EXPECT_THAT(Json(rejected).value("msg", ""), HasSubstr("Content-Type"));
}

class InnopaasMissingHeaderTest
    : public EmulatorTest,
      public ::testing::WithParamInterface<const char*> {};

// Verify each required header, when missing, gives a 401 that names it.
TEST_P(InnopaasMissingHeaderTest, MissingHeaderIs401) {
  httplib::Headers headers = GoodHeaders();
  headers.erase(GetParam());
  const httplib::Result result = client_->Get("/innopaas/x", headers);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  const json body = Json(result);
  EXPECT_EQ(body["code"], 401);
  EXPECT_THAT(body.value("msg", ""), HasSubstr(GetParam()));
  EXPECT_THAT(result->body, Not(HasSubstr(kAppKey)));
  EXPECT_THAT(result->body, Not(HasSubstr(kInnopaasAuthorization)));

  const signet::testing::EmulatorStats stats = Stats();
  EXPECT_EQ(stats.innopaas, 1);
  EXPECT_EQ(stats.rejected_total, 1);
}

INSTANTIATE_TEST_SUITE_P(EachHeader, InnopaasMissingHeaderTest,
                         ::testing::Values("Content-Type", "AppKey",
                                           "Authorization"));

// Verify a wrong value is a 401 that does not echo the value.
TEST_F(InnopaasEmulatorTest, WrongAppKeyIs401WithoutValue) {
  httplib::Headers headers = GoodHeaders();
  headers.erase("AppKey");
  headers.emplace("AppKey", "guessed-key");
  const httplib::Result result = client_->Get("/innopaas/x", headers);
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 401);
  EXPECT_EQ(Json(result)["msg"], "AppKey is wrong");
  EXPECT_THAT(result->body, Not(HasSubstr("guessed-key")));
}

// Verify /innopaas/status/NNN answers NNN with the echo.
TEST_F(InnopaasEmulatorTest, StatusPathAnswersThatStatus) {
  const httplib::Result unavailable =
      client_->Get("/innopaas/status/503", GoodHeaders());
  ASSERT_TRUE(unavailable);
  EXPECT_EQ(unavailable->status, 503);
  EXPECT_EQ(Json(unavailable)["path"], "/innopaas/status/503");

  const httplib::Result no_content =
      client_->Get("/innopaas/status/204", GoodHeaders());
  ASSERT_TRUE(no_content);
  EXPECT_EQ(no_content->status, 204);
  EXPECT_TRUE(no_content->body.empty());
}

}  // namespace
}  // namespace signet::emulator_test
