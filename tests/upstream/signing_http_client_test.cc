#include "upstream/signing_http_client.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_http_client.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::FakeHttpClient;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;

// Signs with "Authorization: t<generation>"; a 401 is its refusal, and
// DiscardRejected bumps the generation when `can_discard` says a fresh
// credential exists.
class CountingSigner final : public Signer {
 public:
  absl::Span<const absl::string_view> ReservedHeaders() const override {
    static constexpr absl::string_view kReserved[] = {"Authorization"};
    return kReserved;
  }
  void Sign(HttpRequest request, SignCallback done) override {
    ++signs;
    if (!sign_error.ok()) {
      std::move(done)(sign_error);
      return;
    }
    SetHeader(&request.headers, "Authorization", absl::StrCat("t", generation));
    std::move(done)(std::move(request));
  }
  bool DiscardRejected(const HttpRequest& signed_request,
                       const HttpResponse& answer) override {
    if (answer.status != 401) return false;
    discarded_value = std::string(
        FindHeader(signed_request.headers, "Authorization").value_or(""));
    if (!can_discard) return false;
    ++generation;
    return true;
  }

  int signs = 0;
  int generation = 1;
  bool can_discard = true;
  absl::Status sign_error;
  std::string discarded_value;
};

HttpResponse Status(int status) {
  HttpResponse response;
  response.status = status;
  return response;
}

struct Outcome {
  std::optional<absl::StatusOr<HttpResponse>> answer;
  HttpCallback Callback() {
    return [this](absl::StatusOr<HttpResponse> r) { answer = std::move(r); };
  }
};

// A SigningHttpClient over a CountingSigner and a FakeHttpClient.
struct Chain {
  std::shared_ptr<CountingSigner> signer = std::make_shared<CountingSigner>();
  std::shared_ptr<FakeHttpClient> http = std::make_shared<FakeHttpClient>();
  std::shared_ptr<SigningHttpClient> client =
      std::make_shared<SigningHttpClient>(signer, http);
};

HttpRequest Request() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://api.example/x";
  request.body = "payload";
  return request;
}

TEST(SigningHttpClientTest, AcceptedAnswerIsFinalAfterOneAttempt) {
  // Verify a 200 is delivered after exactly one signing and one send.
  Chain chain;
  CountingSigner& signer = *chain.signer;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  ASSERT_EQ(http.sent(), 1);
  EXPECT_EQ(FindHeader(http.PeekRequest().headers, "Authorization"), "t1");
  http.Complete(Status(200));
  ASSERT_TRUE(outcome.answer.has_value());
  ASSERT_THAT(*outcome.answer, IsOk());
  EXPECT_EQ((*outcome.answer)->status, 200);
  EXPECT_EQ(signer.signs, 1);
}

TEST(SigningHttpClientTest, RejectionIsRetriedOnceWithAFreshCredential) {
  // Verify a 401 discards the sent credential and re-sends the same body.
  Chain chain;
  CountingSigner& signer = *chain.signer;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  http.Complete(Status(401));
  EXPECT_EQ(signer.discarded_value, "t1");
  ASSERT_EQ(http.sent(), 2);
  const HttpRequest retry = http.PeekRequest();
  EXPECT_EQ(FindHeader(retry.headers, "Authorization"), "t2");
  EXPECT_EQ(retry.body, "payload");
  EXPECT_FALSE(outcome.answer.has_value());
  http.Complete(Status(200));
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 200);
}

TEST(SigningHttpClientTest, SecondRejectionIsReturnedAsItIs) {
  // Verify there is never a third attempt.
  Chain chain;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  http.Complete(Status(401));
  http.Complete(Status(401));
  EXPECT_EQ(http.sent(), 2);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 401);
}

TEST(SigningHttpClientTest, NoRetryWhenTheSignerCannotDiscard) {
  // Verify static credentials (nothing to refresh) are not re-sent.
  Chain chain;
  CountingSigner& signer = *chain.signer;
  signer.can_discard = false;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  http.Complete(Status(401));
  EXPECT_EQ(http.sent(), 1);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 401);
}

TEST(SigningHttpClientTest, AnswerTheSignerDoesNotCallARefusalIsFinal) {
  // Verify only the signer's own rule (here: 401) causes a retry.
  Chain chain;
  CountingSigner& signer = *chain.signer;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  http.Complete(Status(403));
  EXPECT_EQ(http.sent(), 1);
  EXPECT_EQ(signer.discarded_value, "");
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 403);
}

TEST(SigningHttpClientTest, RequestInFlightKeepsTheClientAndSignerAlive) {
  // Verify a request outlives the last outside reference to its chain: the
  // retry after a 401 still signs and sends (run under ASan in CI).
  auto http = std::make_shared<FakeHttpClient>();
  std::weak_ptr<CountingSigner> weak_signer;
  Outcome outcome;
  {
    auto signer = std::make_shared<CountingSigner>();
    weak_signer = signer;
    auto client = std::make_shared<SigningHttpClient>(signer, http);
    client->Send(Request(), outcome.Callback());
  }
  EXPECT_FALSE(weak_signer.expired());
  http->Complete(Status(401));
  ASSERT_EQ(http->sent(), 2);
  EXPECT_EQ(FindHeader(http->PeekRequest().headers, "Authorization"), "t2");
  http->Complete(Status(200));
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 200);
  EXPECT_TRUE(weak_signer.expired());
}

TEST(SigningHttpClientTest, TransportErrorIsNotRetried) {
  // Verify forwarded calls are never retried on transport failure.
  Chain chain;
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  http.Complete(absl::UnavailableError("connection refused"));
  EXPECT_EQ(http.sent(), 1);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_THAT(*outcome.answer, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(SigningHttpClientTest, SigningErrorSendsNothing) {
  // Verify a failed signature (no token) reaches the caller unsent.
  Chain chain;
  CountingSigner& signer = *chain.signer;
  signer.sign_error = absl::DeadlineExceededError("token fetch timed out");
  FakeHttpClient& http = *chain.http;
  Outcome outcome;
  chain.client->Send(Request(), outcome.Callback());
  EXPECT_EQ(http.sent(), 0);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_THAT(*outcome.answer, StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace signet
