#include "innopaas/static_header_signer.h"

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {

void PrintTo(const HttpHeader& header, std::ostream* os) {
  *os << header.name << ": " << header.value;
}

namespace {

using ::signet::testing::IsOk;
using ::testing::ElementsAre;

constexpr char kAppKey[] = "XFbZY1rtTKo3UD4n1";
constexpr char kToken[] =
    "YUIYIUIAIIASUDIAOSIDUOIWUOQWUEOIUWOEUQWOEUOQWUOUWOUWQOWU";

HttpRequest MessageRequest() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://api.innopaas.example/v1/messages";
  request.body = R"({"to":"+15550100"})";
  return request;
}

// Runs Sign and returns the request it produced, if it did so inline.
std::optional<absl::StatusOr<HttpRequest>> SignNow(Signer& signer,
                                                   HttpRequest request) {
  std::optional<absl::StatusOr<HttpRequest>> result;
  signer.Sign(std::move(request),
              [&](absl::StatusOr<HttpRequest> r) { result = std::move(r); });
  return result;
}

TEST(StaticHeaderSignerTest, SetsTheSeedsThreeHeadersInline) {
  // Verify seed 000's headers, byte for byte, with the raw token (no
  // scheme), and that the callback ran before Sign returned.
  StaticHeaderSigner signer{Secret(kAppKey), Secret(kToken)};
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, MessageRequest());
  ASSERT_TRUE(signed_request.has_value()) << "Sign did not complete inline";
  ASSERT_THAT(*signed_request, IsOk());
  EXPECT_THAT(
      (*signed_request)->headers,
      ElementsAre(HttpHeader{"Content-Type", "application/json;charset=utf-8"},
                  HttpHeader{"AppKey", kAppKey},
                  HttpHeader{"Authorization", kToken}));
  EXPECT_EQ(StaticHeaderSigner::kContentType, "application/json;charset=utf-8");
  EXPECT_EQ((*signed_request)->method, "POST");
  EXPECT_EQ((*signed_request)->url, "https://api.innopaas.example/v1/messages");
  EXPECT_EQ((*signed_request)->body, R"({"to":"+15550100"})");
}

TEST(StaticHeaderSignerTest, ReplacesSameNamedHeadersInAnyCase) {
  // Verify a caller's Content-Type, AppKey or Authorization of any case is
  // replaced (never duplicated) and other headers keep their order.
  StaticHeaderSigner signer{Secret(kAppKey), Secret(kToken)};
  HttpRequest request = MessageRequest();
  request.headers = {
      {"X-Request-Id", "r1"}, {"content-type", "text/plain"},
      {"Accept", "*/*"},      {"APPKEY", "forged"},
      {"X-Tag", "a"},         {"authorization", "Bearer forged"},
      {"X-Tag", "b"},         {"Authorization", "Basic Zm9yZ2Vk"}};
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, std::move(request));
  ASSERT_TRUE(signed_request.has_value());
  ASSERT_THAT(*signed_request, IsOk());
  EXPECT_THAT(
      (*signed_request)->headers,
      ElementsAre(HttpHeader{"X-Request-Id", "r1"}, HttpHeader{"Accept", "*/*"},
                  HttpHeader{"X-Tag", "a"}, HttpHeader{"X-Tag", "b"},
                  HttpHeader{"Content-Type", "application/json;charset=utf-8"},
                  HttpHeader{"AppKey", kAppKey},
                  HttpHeader{"Authorization", kToken}));
}

TEST(StaticHeaderSignerTest, SigningTwiceGivesTheSameHeaders) {
  // Verify the values do not change between calls and re-signing a signed
  // request leaves one of each header.
  StaticHeaderSigner signer{Secret(kAppKey), Secret(kToken)};
  std::optional<absl::StatusOr<HttpRequest>> first =
      SignNow(signer, MessageRequest());
  ASSERT_TRUE(first.has_value());
  ASSERT_THAT(*first, IsOk());
  std::optional<absl::StatusOr<HttpRequest>> second = SignNow(signer, **first);
  ASSERT_TRUE(second.has_value());
  ASSERT_THAT(*second, IsOk());
  EXPECT_EQ((*second)->headers, (*first)->headers);
}

TEST(StaticHeaderSignerTest, ReservedHeaders) {
  // Verify the reserved names are the three it sets, and a refusal is not
  // retried (the same static credentials would be sent again).
  StaticHeaderSigner signer{Secret(kAppKey), Secret(kToken)};
  EXPECT_THAT(signer.ReservedHeaders(),
              ElementsAre("Content-Type", "AppKey", "Authorization"));
  std::optional<absl::StatusOr<HttpRequest>> signed_request =
      SignNow(signer, MessageRequest());
  ASSERT_TRUE(signed_request.has_value());
  ASSERT_THAT(*signed_request, IsOk());
  HttpResponse refused;
  refused.status = 401;
  EXPECT_FALSE(signer.DiscardRejected(**signed_request, refused));
}

}  // namespace
}  // namespace signet
