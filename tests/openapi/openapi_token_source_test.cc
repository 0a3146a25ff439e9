#include "openapi/openapi_token_source.h"

#include <memory>
#include <optional>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/fake_http_client.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::FakeHttpClient;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::HasSubstr;

// 2023-11-10T16:43:23Z, two hours before the seed's expire_time.
constexpr int64_t kIssuedAt = 1699634603;

class OpenApiTokenSourceTest : public ::testing::Test {
 protected:
  OpenApiTokenSourceTest() : clock_(absl::FromUnixSeconds(kIssuedAt)) {
    settings_.name = "default";
    settings_.base_url.text = "http://127.0.0.1:1";
    settings_.app_id = "app-123";
    settings_.app_secret = Secret("s3cr3t");
    settings_.expire_time_zone = absl::UTCTimeZone();
    settings_.max_ttl = absl::Hours(3);
    settings_.token_timeout = absl::Seconds(7);
  }

  // Fetches and answers with `response`; returns what the source made of it.
  absl::StatusOr<Token> FetchWith(absl::StatusOr<HttpResponse> response) {
    auto source =
        std::make_shared<OpenApiTokenSource>(settings_, shared_http_, &clock_);
    std::optional<absl::StatusOr<Token>> result;
    source->Fetch(
        [&](absl::StatusOr<Token> token) { result = std::move(token); });
    EXPECT_EQ(http_.pending(), 1);
    http_.Complete(std::move(response));
    EXPECT_TRUE(result.has_value());
    return *std::move(result);
  }

  static HttpResponse Issued(const char* expire_time,
                             std::optional<const char*> date) {
    HttpResponse response;
    response.status = 200;
    if (date.has_value()) response.headers.push_back({"Date", *date});
    response.body = absl::StrCat(
        R"({"code":0,"msg":"success.","data":{"token":"tok-1","expire_time":")",
        expire_time, R"("}})");
    return response;
  }

  OpenApiSettings settings_;
  FakeClock clock_;
  std::shared_ptr<FakeHttpClient> shared_http_ =
      std::make_shared<FakeHttpClient>();
  FakeHttpClient& http_ = *shared_http_;
};

TEST_F(OpenApiTokenSourceTest, SendsTheSignedRequestWithTheTokenTimeout) {
  auto source =
      std::make_shared<OpenApiTokenSource>(settings_, shared_http_, &clock_);
  source->Fetch([](absl::StatusOr<Token>) {});
  ASSERT_EQ(http_.pending(), 1);
  const HttpRequest request = http_.PeekRequest();
  EXPECT_EQ(request.url, "http://127.0.0.1:1/api/v5/authentication/token");
  EXPECT_THAT(request.body, HasSubstr("\"time_stamp\":1699634603"));
  EXPECT_EQ(request.deadline, clock_.Now() + absl::Seconds(7));
  http_.Complete(absl::UnavailableError("test over"));
}

TEST_F(OpenApiTokenSourceTest, LifetimeFromTheDateHeaderIgnoresLocalSkew) {
  // Our clock runs 10 minutes ahead of the upstream's.
  clock_.Advance(absl::Minutes(10));
  absl::StatusOr<Token> token = FetchWith(
      Issued("2023-11-10T18:43:23.000000", "Fri, 10 Nov 2023 16:43:23 GMT"));
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->value.Reveal(), "tok-1");
  EXPECT_EQ(token->expires_at, clock_.Now() + absl::Hours(2));
}

TEST_F(OpenApiTokenSourceTest, WithoutDateReadsTheProfileZone) {
  ASSERT_TRUE(absl::LoadTimeZone("Asia/Shanghai", &settings_.expire_time_zone));
  // 2023-11-11T02:43:23 in UTC+8 is 18:43:23Z: two hours from now.
  absl::StatusOr<Token> token =
      FetchWith(Issued("2023-11-11T02:43:23", std::nullopt));
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->expires_at, clock_.Now() + absl::Hours(2));
}

TEST_F(OpenApiTokenSourceTest, ClampsToMaxTtl) {
  settings_.max_ttl = absl::Minutes(30);
  absl::StatusOr<Token> token =
      FetchWith(Issued("2023-11-10T18:43:23", "Fri, 10 Nov 2023 16:43:23 GMT"));
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->expires_at, clock_.Now() + absl::Minutes(30));
}

TEST_F(OpenApiTokenSourceTest, PastExpiryUsesMaxTtl) {
  // The upstream writes UTC-5 wall time but the profile says UTC.
  absl::StatusOr<Token> token =
      FetchWith(Issued("2023-11-10T13:43:23", std::nullopt));
  ASSERT_THAT(token, IsOk());
  EXPECT_EQ(token->expires_at, clock_.Now() + absl::Hours(3));
}

TEST_F(OpenApiTokenSourceTest, TransportErrorsKeepTheirCode) {
  EXPECT_THAT(FetchWith(absl::UnavailableError("connection refused")),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("connection refused")));
  EXPECT_THAT(FetchWith(absl::DeadlineExceededError("timed out")),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(OpenApiTokenSourceTest, BadExpireTimeIsMalformed) {
  EXPECT_THAT(FetchWith(Issued("soon", std::nullopt)),
              StatusIs(absl::StatusCode::kUnavailable,
                       HasSubstr("malformed answer from upstream")));
}

}  // namespace
}  // namespace signet
