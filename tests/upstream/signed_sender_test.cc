#include "upstream/signed_sender.h"

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

// Signs with "Authorization: t<generation>"; DiscardRejected bumps the
// generation when `can_discard` says a fresh credential exists.
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
    SetHeader(&request.headers, "Authorization",
              absl::StrCat("t", generation));
    std::move(done)(std::move(request));
  }
  bool DiscardRejected(const HttpRequest& signed_request) override {
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

bool Is401(const HttpResponse& response) { return response.status == 401; }

struct Outcome {
  std::optional<absl::StatusOr<HttpResponse>> answer;
  HttpCallback Callback() {
    return [this](absl::StatusOr<HttpResponse> r) { answer = std::move(r); };
  }
};

HttpRequest Request() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://api.example/x";
  request.body = "payload";
  return request;
}

TEST(SendSignedTest, AcceptedAnswerIsFinalAfterOneAttempt) {
  // Verify a 200 is delivered after exactly one signing and one send.
  CountingSigner signer;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
  ASSERT_EQ(http.sent(), 1);
  EXPECT_EQ(FindHeader(http.PeekRequest().headers, "Authorization"), "t1");
  http.Complete(Status(200));
  ASSERT_TRUE(outcome.answer.has_value());
  ASSERT_THAT(*outcome.answer, IsOk());
  EXPECT_EQ((*outcome.answer)->status, 200);
  EXPECT_EQ(signer.signs, 1);
}

TEST(SendSignedTest, RejectionIsRetriedOnceWithAFreshCredential) {
  // Verify a 401 discards the sent credential and re-sends the same body.
  CountingSigner signer;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
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

TEST(SendSignedTest, SecondRejectionIsReturnedAsItIs) {
  // Verify there is never a third attempt.
  CountingSigner signer;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
  http.Complete(Status(401));
  http.Complete(Status(401));
  EXPECT_EQ(http.sent(), 2);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 401);
}

TEST(SendSignedTest, NoRetryWhenTheSignerCannotDiscard) {
  // Verify static credentials (nothing to refresh) are not re-sent.
  CountingSigner signer;
  signer.can_discard = false;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
  http.Complete(Status(401));
  EXPECT_EQ(http.sent(), 1);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_EQ((*outcome.answer)->status, 401);
}

TEST(SendSignedTest, NoRejectionTestMeansNoRetry) {
  // Verify a null RejectionTest disables the retry entirely.
  CountingSigner signer;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), nullptr, outcome.Callback());
  http.Complete(Status(401));
  EXPECT_EQ(http.sent(), 1);
  EXPECT_EQ(signer.discarded_value, "");
}

TEST(SendSignedTest, TransportErrorIsNotRetried) {
  // Verify forwarded calls are never retried on transport failure.
  CountingSigner signer;
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
  http.Complete(absl::UnavailableError("connection refused"));
  EXPECT_EQ(http.sent(), 1);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_THAT(*outcome.answer, StatusIs(absl::StatusCode::kUnavailable));
}

TEST(SendSignedTest, SigningErrorSendsNothing) {
  // Verify a failed signature (no token) reaches the caller unsent.
  CountingSigner signer;
  signer.sign_error = absl::DeadlineExceededError("token fetch timed out");
  FakeHttpClient http;
  Outcome outcome;
  SendSigned(&signer, &http, Request(), Is401, outcome.Callback());
  EXPECT_EQ(http.sent(), 0);
  ASSERT_TRUE(outcome.answer.has_value());
  EXPECT_THAT(*outcome.answer, StatusIs(absl::StatusCode::kDeadlineExceeded));
}

}  // namespace
}  // namespace signet
