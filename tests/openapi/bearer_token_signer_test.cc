#include "openapi/bearer_token_signer.h"

#include <deque>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openapi/token_cache.h"
#include "openapi/token_source.h"
#include "testing/fake_clock.h"
#include "testing/fake_token_source.h"
#include "testing/manual_scheduler.h"
#include "testing/status_matchers.h"

namespace signet {

void PrintTo(const HttpHeader& header, std::ostream* os) {
  *os << header.name << ": " << header.value;
}

namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kAppId[] = "app-123";

using ::signet::testing::FakeTokenSource;

class BearerTokenSignerTest : public ::testing::Test {
 protected:
  static HttpResponse Answer(int status, std::string body = "") {
    HttpResponse answer;
    answer.status = status;
    answer.body = std::move(body);
    return answer;
  }

  // A fetch still pending holds the cache, which holds the source that
  // holds the fetch: the transport's promise to complete every request is
  // what breaks that cycle in production, so a test keeps it too.
  void TearDown() override {
    while (source_.pending() > 0) {
      source_.Complete(absl::CancelledError("test over"));
    }
  }

  Token MakeToken(const char* value) {
    return Token{Secret(value), clock_.Now() + absl::Hours(2)};
  }

  static HttpRequest ApiRequest() {
    HttpRequest request;
    request.method = "GET";
    request.url = "https://openapi.example.com/v5/orders?page=1";
    request.headers = {{"Accept", "application/json"}};
    return request;
  }

  // Starts Sign; the result lands in the returned slot whenever `done` runs.
  std::shared_ptr<std::optional<absl::StatusOr<HttpRequest>>> StartSign(
      HttpRequest request) {
    auto result =
        std::make_shared<std::optional<absl::StatusOr<HttpRequest>>>();
    signer_.Sign(std::move(request), [result](absl::StatusOr<HttpRequest> r) {
      ASSERT_FALSE(result->has_value()) << "done ran twice";
      *result = std::move(r);
    });
    return result;
  }

  // Signs with a cached token; fails the test if Sign did not finish inline.
  HttpRequest SignFromCache() {
    auto result = StartSign(ApiRequest());
    EXPECT_TRUE(result->has_value()) << "expected a cache hit";
    if (!result->has_value() || !(*result)->ok()) return HttpRequest();
    return ***result;
  }

  FakeClock clock_;
  testing::FixedRandom random_{1.0};
  std::shared_ptr<FakeTokenSource> shared_source_ =
      std::make_shared<FakeTokenSource>();
  FakeTokenSource& source_ = *shared_source_;
  std::shared_ptr<TokenCache> cache_ = std::make_shared<TokenCache>(
      shared_source_, &clock_, &random_, TokenCache::Options());
  BearerTokenSigner signer_{cache_, kAppId, {40101}};
};

TEST_F(BearerTokenSignerTest, WaitsForTheTokenThenSetsBothHeaders) {
  // Verify a cold cache defers the callback until the fetch completes, then
  // the request carries Authorization: Bearer <t> and X-APP-ID.
  auto result = StartSign(ApiRequest());
  EXPECT_FALSE(result->has_value()) << "signed before the token arrived";
  ASSERT_EQ(source_.pending(), 1);

  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(result->has_value());
  ASSERT_THAT(**result, IsOk());
  EXPECT_THAT((**result)->headers,
              ElementsAre(HttpHeader{"Accept", "application/json"},
                          HttpHeader{"Authorization", "Bearer t1"},
                          HttpHeader{"X-APP-ID", kAppId}));
  EXPECT_EQ((**result)->method, "GET");
  EXPECT_EQ((**result)->url, "https://openapi.example.com/v5/orders?page=1");
}

TEST_F(BearerTokenSignerTest, CachedTokenSignsInline) {
  // Verify a second request is signed from the cache without a fetch.
  auto first = StartSign(ApiRequest());
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(first->has_value());

  const HttpRequest second = SignFromCache();
  EXPECT_EQ(FindHeader(second.headers, "Authorization"), "Bearer t1");
  EXPECT_EQ(source_.fetches(), 1);
}

TEST_F(BearerTokenSignerTest, ConcurrentSignsShareOneFetch) {
  // Verify requests arriving on a cold cache wait on one fetch and all get
  // its token.
  auto a = StartSign(ApiRequest());
  auto b = StartSign(ApiRequest());
  auto c = StartSign(ApiRequest());
  EXPECT_EQ(source_.fetches(), 1);
  source_.Complete(MakeToken("t1"));
  for (const auto& result : {a, b, c}) {
    ASSERT_TRUE(result->has_value());
    ASSERT_THAT(**result, IsOk());
    EXPECT_EQ(FindHeader((**result)->headers, "Authorization"), "Bearer t1");
  }
}

TEST_F(BearerTokenSignerTest, ReplacesCallerHeadersInAnyCase) {
  // Verify a caller's Authorization or X-APP-ID of any case is replaced.
  HttpRequest request = ApiRequest();
  request.headers = {{"authorization", "Bearer forged"},
                     {"X-Trace", "1"},
                     {"x-app-id", "other"}};
  auto result = StartSign(std::move(request));
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(result->has_value());
  ASSERT_THAT(**result, IsOk());
  EXPECT_THAT((**result)->headers,
              ElementsAre(HttpHeader{"X-Trace", "1"},
                          HttpHeader{"Authorization", "Bearer t1"},
                          HttpHeader{"X-APP-ID", kAppId}));
}

TEST_F(BearerTokenSignerTest, PropagatesTheTokenErrorWithItsCode) {
  // Verify each documented token-source error reaches the caller with its
  // code and message.
  for (const absl::Status& error :
       {absl::UnavailableError("upstream down"),
        absl::DeadlineExceededError("token request timed out"),
        absl::FailedPreconditionError("code 1001: bad secret")}) {
    SCOPED_TRACE(error.ToString());
    auto result = StartSign(ApiRequest());
    ASSERT_FALSE(result->has_value());
    source_.Complete(error);
    ASSERT_TRUE(result->has_value());
    EXPECT_THAT(**result, StatusIs(error.code(),
                                   HasSubstr(std::string(error.message()))));
  }
  EXPECT_EQ(source_.fetches(), 3);
}

TEST_F(BearerTokenSignerTest, DiscardRejectedForcesANewToken) {
  // Verify a refused token is dropped: DiscardRejected returns true and the
  // next Sign fetches (and uses) a new token.
  auto first = StartSign(ApiRequest());
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(first->has_value());
  ASSERT_THAT(**first, IsOk());

  EXPECT_TRUE(signer_.DiscardRejected(***first, Answer(401)));

  auto retry = StartSign(ApiRequest());
  EXPECT_FALSE(retry->has_value()) << "served the rejected token again";
  ASSERT_EQ(source_.fetches(), 2);
  source_.Complete(MakeToken("t2"));
  ASSERT_TRUE(retry->has_value());
  ASSERT_THAT(**retry, IsOk());
  EXPECT_EQ(FindHeader((**retry)->headers, "Authorization"), "Bearer t2");
}

TEST_F(BearerTokenSignerTest, DiscardRejectedOfAReplacedTokenKeepsTheNewOne) {
  // Verify a late rejection of an old token does not drop its replacement.
  auto first = StartSign(ApiRequest());
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(first->has_value());
  ASSERT_THAT(**first, IsOk());
  ASSERT_TRUE(signer_.DiscardRejected(***first, Answer(401)));
  auto second = StartSign(ApiRequest());
  source_.Complete(MakeToken("t2"));
  ASSERT_TRUE(second->has_value());

  EXPECT_TRUE(
      signer_.DiscardRejected(***first, Answer(401)));  // t1 again, late
  const HttpRequest third = SignFromCache();
  EXPECT_EQ(FindHeader(third.headers, "Authorization"), "Bearer t2");
  EXPECT_EQ(source_.fetches(), 2);
}

TEST_F(BearerTokenSignerTest, DiscardRejectedWithoutABearerReturnsFalse) {
  // Verify a request this signer did not sign is not retried and leaves the
  // cached token alone.
  auto first = StartSign(ApiRequest());
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(first->has_value());

  EXPECT_FALSE(signer_.DiscardRejected(ApiRequest(), Answer(401)));
  HttpRequest basic = ApiRequest();
  basic.headers.push_back({"Authorization", "Basic dDE="});
  EXPECT_FALSE(signer_.DiscardRejected(basic, Answer(401)));

  const HttpRequest next = SignFromCache();
  EXPECT_EQ(FindHeader(next.headers, "Authorization"), "Bearer t1");
  EXPECT_EQ(source_.fetches(), 1);
}

TEST_F(BearerTokenSignerTest, ListedBodyCodeIsARejectionLike401) {
  // Verify a 200 whose JSON "code" is one of token_invalid_codes discards
  // the token as a 401 does, and other answers leave it alone.
  auto first = StartSign(ApiRequest());
  source_.Complete(MakeToken("t1"));
  ASSERT_TRUE(first->has_value());
  ASSERT_THAT(**first, IsOk());

  EXPECT_FALSE(signer_.DiscardRejected(***first, Answer(200, R"({"code":0})")));
  EXPECT_FALSE(signer_.DiscardRejected(***first, Answer(403)));
  EXPECT_FALSE(signer_.DiscardRejected(***first, Answer(200, "not json")));
  EXPECT_FALSE(
      signer_.DiscardRejected(***first, Answer(200, R"({"code":"40101"})")));
  EXPECT_EQ(SignFromCache().headers, (***first).headers);

  EXPECT_TRUE(
      signer_.DiscardRejected(***first, Answer(200, R"({"code":40101})")));
  auto retry = StartSign(ApiRequest());
  EXPECT_FALSE(retry->has_value()) << "served the rejected token again";
}

TEST(IsTokenRejectionTest, Only401OrAListedIntegerCode) {
  // Verify the rule on its own: 401 always; a body code only when listed.
  HttpResponse answer;
  answer.status = 401;
  EXPECT_TRUE(BearerTokenSigner::IsTokenRejection(answer, {}));
  answer.status = 200;
  answer.body = R"({"code":7})";
  EXPECT_FALSE(BearerTokenSigner::IsTokenRejection(answer, {}));
  EXPECT_TRUE(BearerTokenSigner::IsTokenRejection(answer, {3, 7}));
  answer.body = R"([7])";
  EXPECT_FALSE(BearerTokenSigner::IsTokenRejection(answer, {7}));
  answer.body = R"({"code":7.5})";
  EXPECT_FALSE(BearerTokenSigner::IsTokenRejection(answer, {7}));
}

TEST_F(BearerTokenSignerTest, ReservedHeaders) {
  // Verify the reserved names are the two it sets.
  EXPECT_THAT(signer_.ReservedHeaders(),
              ElementsAre("Authorization", "X-APP-ID"));
}

}  // namespace
}  // namespace signet
