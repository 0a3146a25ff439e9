#include "upstream/forward_request.h"

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
using ::testing::HasSubstr;

constexpr absl::string_view kReserved[] = {"AppKey", "Authorization"};

BaseUrl Base() {
  absl::StatusOr<BaseUrl> base =
      ParseBaseUrl("https://api.example/v2", /*allow_insecure_http=*/false);
  return *base;
}

ForwardInput Input() {
  ForwardInput input;
  input.method = "post";
  input.path = "/orders/42";
  input.query = {{"b", "x y"}, {"a", "1"}};
  input.headers = {{"X-Trace", "t1"}};
  input.body = R"({"n":1})";
  return input;
}

TEST(BuildForwardRequestTest, JoinsBasePathAndEncodedQuery) {
  // Verify the URL, method case, headers, body, deadline and response cap.
  const absl::Time deadline = absl::FromUnixSeconds(77);
  const auto request = BuildForwardRequest(Base(), Input(), kReserved,
                                           /*max_body_bytes=*/1024, deadline);
  ASSERT_THAT(request, IsOk());
  EXPECT_EQ(request->method, "POST");
  EXPECT_EQ(request->url, "https://api.example/v2/orders/42?a=1&b=x%20y");
  ASSERT_EQ(request->headers.size(), 1u);
  EXPECT_EQ(request->headers[0].value, "t1");
  EXPECT_EQ(request->body, R"({"n":1})");
  EXPECT_EQ(request->deadline, deadline);
  EXPECT_EQ(request->max_response_bytes, 1024u);
}

TEST(BuildForwardRequestTest, ReservedHeaderIsRefusedByName) {
  // Verify a caller cannot set a header the signer owns, in any case.
  ForwardInput input = Input();
  input.headers.push_back({"appkey", "mine"});
  EXPECT_THAT(
      BuildForwardRequest(Base(), input, kReserved, 1024,
                          absl::InfiniteFuture()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("appkey")));
}

TEST(BuildForwardRequestTest, BodyLimitIsInclusive) {
  // Verify a body of exactly the limit passes and one byte more does not.
  ForwardInput input = Input();
  input.body = std::string(16, 'b');
  EXPECT_THAT(
      BuildForwardRequest(Base(), input, kReserved, 16, absl::InfiniteFuture()),
      IsOk());
  input.body.push_back('b');
  EXPECT_THAT(
      BuildForwardRequest(Base(), input, kReserved, 16, absl::InfiniteFuture()),
      StatusIs(absl::StatusCode::kResourceExhausted, HasSubstr("17 bytes")));
}

TEST(BuildForwardRequestTest, HeadWithABodyIsRefused) {
  // Verify HEAD cannot smuggle a body.
  ForwardInput input = Input();
  input.method = "HEAD";
  EXPECT_THAT(BuildForwardRequest(Base(), input, kReserved, 1024,
                                  absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("HEAD")));
}

TEST(BuildForwardRequestTest, BadPathAndMethodAreRefused) {
  // Verify validation runs on the path and the method.
  ForwardInput input = Input();
  input.path = "/a/%2E%2e/b";
  EXPECT_THAT(BuildForwardRequest(Base(), input, kReserved, 1024,
                                  absl::InfiniteFuture()),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("path")));
  input = Input();
  input.method = "CONNECT";
  EXPECT_THAT(
      BuildForwardRequest(Base(), input, kReserved, 1024,
                          absl::InfiniteFuture()),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("method")));
}

}  // namespace
}  // namespace signet
