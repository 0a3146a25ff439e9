#include "http/retrying_http_client.h"

#include <memory>
#include <utility>

#include "absl/strings/cord.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/circuit_breaker_http_client.h"
#include "testing/fake_clock.h"
#include "testing/fake_http_client.h"
#include "testing/manual_scheduler.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::FakeHttpClient;
using ::signet::testing::FixedRandom;
using ::signet::testing::ManualScheduler;
using ::signet::testing::StatusIs;
using ::testing::ElementsAre;

HttpResponse Answer(int status) {
  HttpResponse response;
  response.status = status;
  response.body = "body";
  return response;
}

class RetryingHttpClientTest : public ::testing::Test {
 protected:
  explicit RetryingHttpClientTest(bool idempotent_only = false)
      : random_(0.5),
        shared_client_(std::make_shared<RetryingHttpClient>(
            shared_upstream_, Policy(idempotent_only), &clock_, &scheduler_,
            &random_)),
        client_(*shared_client_) {}

  static RetryingHttpClient::Policy Policy(bool idempotent_only) {
    RetryingHttpClient::Policy policy;
    policy.max_attempts = 4;
    policy.initial_backoff = absl::Milliseconds(100);
    policy.max_backoff = absl::Milliseconds(300);
    policy.idempotent_only = idempotent_only;
    return policy;
  }

  std::shared_ptr<absl::StatusOr<HttpResponse>> Send(
      std::string method = "POST",
      absl::Duration deadline_in = absl::Seconds(10)) {
    auto outcome = std::make_shared<absl::StatusOr<HttpResponse>>(
        absl::UnknownError("not completed"));
    HttpRequest request;
    request.method = std::move(method);
    request.url = "http://upstream.test/token";
    request.body = "{\"app_id\":\"a\"}";
    request.deadline = clock_.Now() + deadline_in;
    client_.Send(std::move(request), [outcome](absl::StatusOr<HttpResponse> a) {
      *outcome = std::move(a);
    });
    return outcome;
  }

  // Advances past the pending backoff and lets the retry go out.
  void BackOff() {
    clock_.Advance(scheduler_.delays().back());
    scheduler_.RunPending();
  }

  FakeClock clock_;
  std::shared_ptr<FakeHttpClient> shared_upstream_ =
      std::make_shared<FakeHttpClient>();
  FakeHttpClient& upstream_ = *shared_upstream_;
  ManualScheduler scheduler_;
  FixedRandom random_;
  std::shared_ptr<RetryingHttpClient> shared_client_;
  RetryingHttpClient& client_;
};

TEST_F(RetryingHttpClientTest,
       RetriesTransportErrorsAndServerErrorsThenDelivers) {
  auto outcome = Send();
  upstream_.Complete(absl::UnavailableError("connection refused"));
  EXPECT_EQ(scheduler_.pending(), 1);
  BackOff();
  EXPECT_EQ(upstream_.sent(), 2);
  EXPECT_EQ(upstream_.PeekRequest().body, "{\"app_id\":\"a\"}");  // intact
  upstream_.Complete(Answer(503));
  BackOff();
  upstream_.Complete(Answer(200));
  ASSERT_TRUE(outcome->ok());
  EXPECT_EQ((*outcome)->status, 200);
  EXPECT_EQ(upstream_.sent(), 3);
}

TEST_F(RetryingHttpClientTest, BackoffDoublesUpToTheCeilingWithJitter) {
  auto outcome = Send();
  for (int i = 0; i < 3; ++i) {
    upstream_.Complete(Answer(500));
    BackOff();
  }
  upstream_.Complete(Answer(500));
  // Full jitter with Uniform01() = 0.5: half of 100, 200, then 300 (capped).
  EXPECT_THAT(scheduler_.delays(),
              ElementsAre(absl::Milliseconds(50), absl::Milliseconds(100),
                          absl::Milliseconds(150)));
  // After max_attempts the last answer is delivered as it is.
  ASSERT_TRUE(outcome->ok());
  EXPECT_EQ((*outcome)->status, 500);
  EXPECT_EQ(upstream_.sent(), 4);
}

TEST_F(RetryingHttpClientTest, DoesNotRetryClientErrorsOrOtherFailures) {
  auto bad_request = Send();
  upstream_.Complete(Answer(400));
  auto timed_out = Send();
  upstream_.Complete(absl::DeadlineExceededError("deadline"));
  EXPECT_EQ(scheduler_.pending(), 0);
  EXPECT_EQ((*bad_request)->status, 400);
  EXPECT_THAT(timed_out->status(),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

TEST_F(RetryingHttpClientTest, DoesNotRetryAnOpenCircuit) {
  auto outcome = Send();
  absl::Status open = absl::UnavailableError("circuit open");
  // The breaker's marker, as CircuitBreakerHttpClient sets it.
  open.SetPayload("signet/circuit-open", absl::Cord("1"));
  ASSERT_TRUE(IsCircuitOpenError(open));
  upstream_.Complete(open);
  EXPECT_EQ(scheduler_.pending(), 0);
  EXPECT_THAT(outcome->status(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(RetryingHttpClientTest, NoRetryWhoseBackoffWouldOutliveTheDeadline) {
  auto outcome = Send("POST", absl::Milliseconds(40));  // backoff would be 50
  upstream_.Complete(absl::UnavailableError("reset"));
  EXPECT_EQ(scheduler_.pending(), 0);
  EXPECT_THAT(outcome->status(), StatusIs(absl::StatusCode::kUnavailable));
}

class IdempotentOnlyTest : public RetryingHttpClientTest {
 protected:
  IdempotentOnlyTest() : RetryingHttpClientTest(/*idempotent_only=*/true) {}
};

TEST_F(IdempotentOnlyTest, RetriesGetButNeverPost) {
  auto post = Send("POST");
  upstream_.Complete(Answer(503));
  EXPECT_EQ(scheduler_.pending(), 0);
  EXPECT_EQ((*post)->status, 503);

  auto get = Send("GET");
  upstream_.Complete(Answer(503));
  EXPECT_EQ(scheduler_.pending(), 1);
  BackOff();
  upstream_.Complete(Answer(200));
  EXPECT_EQ((*get)->status, 200);
}

}  // namespace
}  // namespace signet
