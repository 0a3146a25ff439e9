#include "http/circuit_breaker_http_client.h"

#include <string>
#include <utility>
#include <vector>

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
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingObserver final : public CircuitObserver {
 public:
  void CircuitStateChanged(absl::string_view profile,
                           CircuitState state) override {
    states.emplace_back(std::string(profile), state);
  }
  void CircuitRejected(absl::string_view /*profile*/) override { ++rejected; }

  std::vector<std::pair<std::string, CircuitState>> states;
  int rejected = 0;
};

class CircuitBreakerTest : public ::testing::Test {
 protected:
  // Sends one request; returns where its outcome will land.
  std::shared_ptr<absl::StatusOr<HttpResponse>> Send() {
    auto outcome = std::make_shared<absl::StatusOr<HttpResponse>>(
        absl::UnknownError("not completed"));
    breaker_.Send(HttpRequest{}, [outcome](absl::StatusOr<HttpResponse> a) {
      *outcome = std::move(a);
    });
    return outcome;
  }
  void FailOne() {
    Send();
    upstream_.Complete(absl::UnavailableError("connection refused"));
  }
  void AnswerOne(int status) {
    Send();
    HttpResponse response;
    response.status = status;
    upstream_.Complete(response);
  }

  FakeClock clock_;
  std::shared_ptr<FakeHttpClient> shared_upstream_ =
      std::make_shared<FakeHttpClient>();
  FakeHttpClient& upstream_ = *shared_upstream_;
  RecordingObserver observer_;
  std::shared_ptr<CircuitBreakerHttpClient> shared_breaker_ =
      std::make_shared<CircuitBreakerHttpClient>(
          shared_upstream_, "billing",
          CircuitBreakerHttpClient::Options{/*failure_threshold=*/3,
                                            /*cool_down=*/absl::Seconds(10)},
          &clock_, &observer_);
  CircuitBreakerHttpClient& breaker_ = *shared_breaker_;
};

TEST_F(CircuitBreakerTest, OpensAfterThresholdConsecutiveTransportFailures) {
  FailOne();
  FailOne();
  EXPECT_EQ(breaker_.state(), CircuitState::kClosed);
  FailOne();
  EXPECT_EQ(breaker_.state(), CircuitState::kOpen);

  auto refused = Send();
  EXPECT_EQ(upstream_.sent(), 3);  // not sent
  EXPECT_THAT(refused->status(), StatusIs(absl::StatusCode::kUnavailable,
                                          HasSubstr("circuit open")));
  EXPECT_TRUE(IsCircuitOpenError(refused->status()));
  EXPECT_EQ(observer_.rejected, 1);
  EXPECT_THAT(observer_.states,
              ElementsAre(std::make_pair("billing", CircuitState::kClosed),
                          std::make_pair("billing", CircuitState::kOpen)));
}

TEST_F(CircuitBreakerTest, AnAnswerOfAnyStatusResetsTheCount) {
  FailOne();
  FailOne();
  AnswerOne(503);  // reachable: the upstream answered
  FailOne();
  FailOne();
  EXPECT_EQ(breaker_.state(), CircuitState::kClosed);
}

TEST_F(CircuitBreakerTest, TimeoutsNeitherTripNorReset) {
  FailOne();
  FailOne();
  Send();
  upstream_.Complete(absl::DeadlineExceededError("caller's deadline"));
  EXPECT_EQ(breaker_.state(), CircuitState::kClosed);
  FailOne();
  EXPECT_EQ(breaker_.state(), CircuitState::kOpen);
}

TEST_F(CircuitBreakerTest, AfterCoolDownOneProbeDecides) {
  for (int i = 0; i < 3; ++i) FailOne();
  clock_.Advance(absl::Seconds(9));
  Send();
  EXPECT_EQ(upstream_.sent(), 3);  // still open

  clock_.Advance(absl::Seconds(1));
  auto probe = Send();
  EXPECT_EQ(upstream_.sent(), 4);
  EXPECT_EQ(breaker_.state(), CircuitState::kHalfOpen);
  auto while_probing = Send();  // only one probe at a time
  EXPECT_EQ(upstream_.sent(), 4);
  EXPECT_TRUE(IsCircuitOpenError(while_probing->status()));

  HttpResponse ok;
  ok.status = 200;
  upstream_.Complete(ok);
  EXPECT_THAT(probe->status(), IsOk());
  EXPECT_EQ(breaker_.state(), CircuitState::kClosed);
  AnswerOne(200);
  EXPECT_EQ(upstream_.sent(), 5);
  EXPECT_EQ(observer_.states.back().second, CircuitState::kClosed);
}

TEST_F(CircuitBreakerTest, AFailedProbeReopensForAnotherCoolDown) {
  for (int i = 0; i < 3; ++i) FailOne();
  clock_.Advance(absl::Seconds(10));
  FailOne();  // the probe
  EXPECT_EQ(breaker_.state(), CircuitState::kOpen);
  clock_.Advance(absl::Seconds(9));
  Send();
  EXPECT_EQ(upstream_.sent(), 4);
  clock_.Advance(absl::Seconds(1));
  AnswerOne(200);
  EXPECT_EQ(breaker_.state(), CircuitState::kClosed);
}

}  // namespace
}  // namespace signet
