// End to end on the token path: real signet and signet-emulator processes on
// 127.0.0.1, called with a real gRPC client.
#include <grpcpp/grpcpp.h>

#include <atomic>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::AdminAnswer;
using ::signet::testing::EmulatorStats;
using ::signet::testing::GetAdmin;
using ::signet::testing::IsOk;
using ::signet::testing::MetricSample;
using ::signet::testing::PostEmulatorControl;
using ::testing::HasSubstr;
using ::testing::Not;

class TokenPathTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartEmulator());
    StartGatewayOnEmulator();
  }

  grpc::Status GetToken(const v1::GetTokenRequest& request,
                        v1::GetTokenResponse* response,
                        absl::Duration timeout = absl::Seconds(10)) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->GetToken(&context, request, response);
  }

  grpc::Status Verify(const v1::VerifyRequest& request,
                      v1::VerifyResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub_->Verify(&context, request, response);
  }
};

TEST_F(TokenPathTest, HealthReportsServing) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = health->Check(
      &context, grpc::health::v1::HealthCheckRequest(), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(TokenPathTest, ColdThenWarm) {
  v1::GetTokenResponse cold;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &cold).ok());
  EXPECT_FALSE(cold.from_cache());
  EXPECT_FALSE(cold.token().empty());
  EXPECT_EQ(cold.app_id(), "app-123");
  // The emulator issues 2 h tokens; the gateway reports expiry on its clock.
  const absl::Duration lifetime =
      absl::FromUnixSeconds(cold.expire_time().seconds()) - absl::Now();
  EXPECT_GT(lifetime, absl::Hours(2) - absl::Minutes(1));
  EXPECT_LE(lifetime, absl::Hours(2));
  EXPECT_EQ(Stats().tokens_issued, 1);

  v1::GetTokenResponse warm;
  v1::GetTokenRequest by_name;
  by_name.set_profile("default");
  ASSERT_TRUE(GetToken(by_name, &warm).ok());
  EXPECT_TRUE(warm.from_cache());
  EXPECT_EQ(warm.token(), cold.token());
  const EmulatorStats stats = Stats();
  EXPECT_EQ(stats.tokens_issued, 1);
  EXPECT_EQ(stats.token, 1);  // no second request reached the upstream
}

TEST_F(TokenPathTest, ThousandConcurrentColdCallersCauseOneIssue) {
  constexpr int kCalls = 1000;
  struct Call {
    grpc::ClientContext context;
    v1::GetTokenRequest request;
    v1::GetTokenResponse response;
  };
  std::vector<std::unique_ptr<Call>> calls;
  absl::BlockingCounter done(kCalls);
  absl::Mutex mu;
  std::vector<grpc::Status> statuses;
  for (int i = 0; i < kCalls; ++i) {
    calls.push_back(std::make_unique<Call>());
    Call* call = calls.back().get();
    call->context.set_deadline(
        absl::ToChronoTime(absl::Now() + absl::Seconds(30)));
    stub_->async()->GetToken(&call->context, &call->request, &call->response,
                             [&](grpc::Status status) {
                               {
                                 absl::MutexLock lock(&mu);
                                 statuses.push_back(status);
                               }
                               done.DecrementCount();
                             });
  }
  done.Wait();
  ASSERT_EQ(statuses.size(), static_cast<size_t>(kCalls));
  for (const grpc::Status& status : statuses) {
    ASSERT_TRUE(status.ok()) << status.error_message();
  }
  std::set<std::string> tokens;
  for (const auto& call : calls) tokens.insert(call->response.token());
  EXPECT_EQ(tokens.size(), 1u);
  const EmulatorStats stats = Stats();
  EXPECT_EQ(stats.tokens_issued, 1);
  EXPECT_EQ(stats.token, 1);
}

TEST_F(TokenPathTest, ForceRefreshObtainsANewToken) {
  v1::GetTokenResponse first;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &first).ok());
  v1::GetTokenRequest force;
  force.set_force_refresh(true);
  v1::GetTokenResponse refreshed;
  ASSERT_TRUE(GetToken(force, &refreshed).ok());
  EXPECT_FALSE(refreshed.from_cache());
  EXPECT_NE(refreshed.token(), first.token());
  EXPECT_EQ(Stats().tokens_issued, 2);

  v1::GetTokenResponse after;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &after).ok());
  EXPECT_TRUE(after.from_cache());
  EXPECT_EQ(after.token(), refreshed.token());
}

TEST_F(TokenPathTest, VerifyValidAndInvalid) {
  v1::VerifyResponse current;
  ASSERT_TRUE(Verify(v1::VerifyRequest(), &current).ok());
  EXPECT_TRUE(current.valid());
  EXPECT_EQ(current.app_id(), "app-123");
  EXPECT_EQ(current.result(), "success");
  EXPECT_GT(current.time().seconds(), 0);

  v1::VerifyRequest bogus;
  bogus.set_token("not-a-token");
  v1::VerifyResponse rejected;
  ASSERT_TRUE(Verify(bogus, &rejected).ok());
  EXPECT_FALSE(rejected.valid());
  EXPECT_THAT(rejected.message(), HasSubstr("invalid"));
}

TEST_F(TokenPathTest, VerifyReportsARevokedToken) {
  v1::GetTokenResponse token;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &token).ok());
  ASSERT_THAT(PostEmulatorControl(
                  emulator_.port, "/__revoke",
                  absl::StrCat(R"({"token":")", token.token(), R"("})")),
              IsOk());
  v1::VerifyRequest request;
  request.set_token(token.token());
  v1::VerifyResponse response;
  ASSERT_TRUE(Verify(request, &response).ok());
  EXPECT_FALSE(response.valid());
}

TEST_F(TokenPathTest, UpstreamDownIsUnavailableWithinTheDeadline) {
  emulator_.process->Kill();
  const absl::Time start = absl::Now();
  v1::GetTokenResponse response;
  const grpc::Status status =
      GetToken(v1::GetTokenRequest(), &response, absl::Seconds(5));
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE)
      << status.error_message();
  EXPECT_LT(elapsed, absl::Seconds(5));

  v1::VerifyRequest verify;
  verify.set_token("anything");
  v1::VerifyResponse verdict;
  EXPECT_EQ(Verify(verify, &verdict).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TokenPathTest, HangingUpstreamIsDeadlineExceeded) {
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults",
                                  R"({"mode":"hang","route":"verify"})"),
              IsOk());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  v1::VerifyRequest request;
  request.set_token("anything");
  v1::VerifyResponse response;
  const absl::Time start = absl::Now();
  const grpc::Status status = stub_->Verify(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults", R"({"mode":"none"})"),
      IsOk());
}

// Waiting for a shared token fetch (bounded by token_timeout, 5 s here)
// must not outlive the caller: the gateway itself finishes the call at the
// caller's deadline and frees its in-flight slot.
TEST_F(TokenPathTest, CallsWaitingOnAHangingTokenFetchEndAtTheirDeadline) {
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults",
                                  R"({"mode":"hang","route":"token"})"),
              IsOk());
  v1::GetTokenResponse token;
  EXPECT_EQ(
      GetToken(v1::GetTokenRequest(), &token, absl::Seconds(1)).error_code(),
      grpc::StatusCode::DEADLINE_EXCEEDED);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(1)));
  v1::CallOpenAPIRequest call;
  call.set_method("GET");
  call.set_path("/api/v5/authentication/verify");
  v1::HttpResponse answer;
  EXPECT_EQ(stub_->CallOpenAPI(&context, call, &answer).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  // The gateway's own record: both finished as DEADLINE_EXCEEDED, nothing
  // left in flight -- well before the 5 s token_timeout.
  const absl::Time give_up = absl::Now() + absl::Seconds(1);
  for (;;) {
    absl::StatusOr<AdminAnswer> metrics = GetAdmin(signet_, "/metrics");
    ASSERT_THAT(metrics, IsOk());
    const double in_flight =
        MetricSample(metrics->body, "signet_rpc_in_flight").value_or(-1);
    const double timed_out =
        MetricSample(
            metrics->body,
            "signet_rpc_duration_seconds_count{code=\"DEADLINE_EXCEEDED\","
            "method=\"GetToken\",profile=\"default\"}")
            .value_or(0);
    if (in_flight == 0 && timed_out == 1) break;
    ASSERT_LT(absl::Now(), give_up)
        << "in flight " << in_flight << ", GetToken timed out " << timed_out;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults", R"({"mode":"none"})"),
      IsOk());
}

// The review's defect 4: any caller allowed CallOpenAPI could point it at a
// path that answers 401 and so make signet throw the shared token away and
// fetch a new one on every call. A rejection refreshes the token at most
// once per min_refresh_interval (30 s by default); the rest are answered
// with the upstream's 401 and counted.
TEST_F(TokenPathTest, RepeatedRejectionsRefreshTheTokenOncePerInterval) {
  v1::GetTokenResponse token;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &token).ok());
  ASSERT_EQ(Stats().tokens_issued, 1);
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults",
                                  R"({"mode":"error","route":"verify",)"
                                  R"("status":401})"),
              IsOk());
  constexpr int kCalls = 20;
  for (int i = 0; i < kCalls; ++i) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::CallOpenAPIRequest request;
    request.set_method("GET");
    request.set_path("/api/v5/authentication/verify");
    v1::HttpResponse response;
    const grpc::Status status =
        stub_->CallOpenAPI(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), 401);
  }
  // One refresh for the first rejection; the other 19 keep the token.
  EXPECT_EQ(Stats().tokens_issued, 2);
  absl::StatusOr<AdminAnswer> metrics = GetAdmin(signet_, "/metrics");
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(MetricSample(metrics->body,
                         "signet_token_rejections_total{outcome=\"refreshed\","
                         "profile=\"default\"}")
                .value_or(-1),
            1);
  EXPECT_EQ(MetricSample(metrics->body,
                         "signet_token_rejections_total{outcome=\"suppressed\","
                         "profile=\"default\"}")
                .value_or(-1),
            kCalls - 1);
}

TEST_F(TokenPathTest, UnknownAndWrongKindProfiles) {
  v1::GetTokenRequest unknown;
  unknown.set_profile("nope");
  v1::GetTokenResponse response;
  grpc::Status status = GetToken(unknown, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("nope"));

  v1::GetTokenRequest wrong_kind;
  wrong_kind.set_profile("shop");  // a licenses profile
  status = GetToken(wrong_kind, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr("licenses"));
  EXPECT_EQ(Stats().total, 0);
}

TEST_F(TokenPathTest, RefusedSignatureCarriesTheUpstreamMessageNotTheSecret) {
  const std::string wrong_secret = "wrong-openapi-secret-value";
  ASSERT_NO_FATAL_FAILURE(
      StartGatewayOnEmulator({{"SIGNET_TEST_OPENAPI_SECRET", wrong_secret}}));
  grpc::ClientContext context;
  v1::GetTokenResponse response;
  const grpc::Status status =
      stub_->GetToken(&context, v1::GetTokenRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(status.error_message(), HasSubstr("signature mismatch"));
  EXPECT_THAT(status.error_message(), Not(HasSubstr(wrong_secret)));
  EXPECT_THAT(signet_.process->Output(), Not(HasSubstr(wrong_secret)));
}

TEST_F(TokenPathTest, NoSecretOrTokenInTheLogs) {
  v1::GetTokenResponse token;
  ASSERT_TRUE(GetToken(v1::GetTokenRequest(), &token).ok());
  v1::VerifyResponse verdict;
  ASSERT_TRUE(Verify(v1::VerifyRequest(), &verdict).ok());
  const std::string logs = signet_.process->Output();
  for (const char* secret :
       {testing::kEmulatorOpenApiSecret, testing::kEmulatorAppKey,
        testing::kEmulatorAuthorization, testing::kEmulatorLicenseSecret}) {
    EXPECT_THAT(logs, Not(HasSubstr(secret)));
  }
  EXPECT_THAT(logs, Not(HasSubstr(token.token())));
}

TEST_F(TokenPathTest, SigtermStopsCleanly) {
  signet_.process->Signal(SIGTERM);
  absl::StatusOr<int> code = signet_.process->WaitForExit(absl::Seconds(30));
  ASSERT_THAT(code, IsOk());
  EXPECT_EQ(*code, 0);
  EXPECT_THAT(signet_.process->Output(), HasSubstr("\"msg\":\"stopped\""));
}

}  // namespace
}  // namespace signet
