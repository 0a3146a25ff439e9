// A completion that arrives after its call was finished must not touch the
// call. The outside review's remote crash: a Verify with an empty token on a
// cold cache, whose caller's deadline passed before the token came; the late
// token callback read the deleted reactor. Every RPC that can wait on a
// shared token fetch (GetToken, Verify, CallOpenAPI) is driven through that
// window here, against a real signet and a token endpoint slowed past the
// callers' deadlines, and a call is held across two config reloads.
//
// signet runs with glibc's malloc poisoning (freed memory overwritten, no
// tcache), so a use after free corrupts what it reads even in a plain build;
// under ASan (scripts/sanitize.sh) the report itself fails the test.
#include <grpcpp/grpcpp.h>

#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
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

using ::signet::testing::EmulatorConfig;
using ::signet::testing::IsOk;
using ::signet::testing::WaitForMetric;

// The token endpoint answers after kTokenDelay; the callers give up at
// kShortDeadline, long before.
constexpr int kTokenDelayMs = 2500;
constexpr absl::Duration kShortDeadline = absl::Milliseconds(500);
constexpr absl::Duration kPatience = absl::Seconds(15);
constexpr char kTokenFetched[] =
    "signet_token_refreshes_total{profile=\"default\"}";

// Freed memory is overwritten with 0xa5 bytes and not parked in tcache, so
// a read of a deleted call sees garbage at once.
const std::vector<std::pair<std::string, std::string>> kPoisonedMalloc = {
    {"MALLOC_PERTURB_", "165"},
    {"GLIBC_TUNABLES", "glibc.malloc.tcache_count=0"}};

class CallLifetimeTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartEmulator());
    ASSERT_NO_FATAL_FAILURE(SetFault(absl::StrFormat(
        R"({"mode":"slow","route":"token","delay_ms":%d})", kTokenDelayMs)));
  }

  void StartGateway(const std::string& config) {
    GatewayFixture::StartGateway(config, kPoisonedMalloc);
  }

  // Two calls of `rpc` ended by their deadline while the token is on its
  // way; then the late token completes their callbacks.
  template <typename Rpc>
  void OutwaitTwice(Rpc rpc) {
    for (int i = 0; i < 2; ++i) {
      grpc::ClientContext context;
      WithDeadline(&context, kShortDeadline);
      EXPECT_EQ(rpc(&context).error_code(),
                grpc::StatusCode::DEADLINE_EXCEEDED);
    }
    ASSERT_THAT(WaitForMetric(signet_, kTokenFetched, 1, kPatience), IsOk());
  }

  // The gateway survived and still answers: Health, and a Verify that now
  // finds the token in the cache.
  void ExpectStillServing() {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext health_context;
    WithDeadline(&health_context, absl::Seconds(5));
    grpc::health::v1::HealthCheckResponse health_response;
    EXPECT_TRUE(health
                    ->Check(&health_context,
                            grpc::health::v1::HealthCheckRequest(),
                            &health_response)
                    .ok());
    grpc::ClientContext context;
    WithDeadline(&context, absl::Seconds(10));
    v1::VerifyResponse response;
    const grpc::Status status =
        stub_->Verify(&context, v1::VerifyRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_TRUE(response.valid());
    ASSERT_NE(signet_.process, nullptr);
    EXPECT_THAT(signet_.process->Output(),
                ::testing::Not(::testing::HasSubstr("terminate called")));
  }
};

TEST_F(CallLifetimeTest, VerifyFinishedByItsDeadlineIgnoresTheLateToken) {
  StartGateway(EmulatorConfig(emulator_.port));
  OutwaitTwice([&](grpc::ClientContext* context) {
    v1::VerifyResponse response;
    return stub_->Verify(context, v1::VerifyRequest(), &response);
  });
  ExpectStillServing();
}

TEST_F(CallLifetimeTest, GetTokenFinishedByItsDeadlineIgnoresTheLateToken) {
  StartGateway(EmulatorConfig(emulator_.port));
  OutwaitTwice([&](grpc::ClientContext* context) {
    v1::GetTokenResponse response;
    return stub_->GetToken(context, v1::GetTokenRequest(), &response);
  });
  ExpectStillServing();
}

TEST_F(CallLifetimeTest, CallOpenApiFinishedByItsDeadlineIgnoresTheLateToken) {
  StartGateway(EmulatorConfig(emulator_.port));
  OutwaitTwice([&](grpc::ClientContext* context) {
    v1::CallOpenAPIRequest request;
    request.set_method("GET");
    request.set_path("/api/v5/authentication/verify");
    v1::HttpResponse response;
    return stub_->CallOpenAPI(context, request, &response);
  });
  ExpectStillServing();
}

// A call waiting on a cold token outlives two reloads that each replace the
// OpenAPI profile (and so its token cache); it still gets its answer, and
// the runtimes it started under are freed only after it.
TEST_F(CallLifetimeTest, CallWaitingOnATokenOutlivesTwoReloads) {
  const std::string base =
      absl::StrReplaceAll(EmulatorConfig(emulator_.port),
                          {{"default_deadline: 10s",
                            "default_deadline: 10s\nwatch_interval: 100ms"}});
  StartGateway(base);
  grpc::ClientContext context;
  WithDeadline(&context, absl::Seconds(20));
  const v1::GetTokenRequest request;
  v1::GetTokenResponse response;
  grpc::Status status;
  bool done = false;
  absl::Mutex mu;
  stub_->async()->GetToken(&context, &request, &response, [&](grpc::Status s) {
    absl::MutexLock lock(&mu);
    status = std::move(s);
    done = true;
  });
  // Each rewrite changes the profile, so the reload builds a new one.
  int reloads = 0;
  for (const char* refresh_before : {"4m", "3m"}) {
    const std::string changed = absl::StrReplaceAll(
        base, {{"token_timeout: 5s",
                absl::StrCat("token_timeout: 5s\n    refresh_before: ",
                             refresh_before)}});
    std::ofstream(signet_.config_path, std::ios::trunc) << changed;
    ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"config reloaded\"",
                                             kPatience, ++reloads),
                IsOk());
  }
  {
    absl::MutexLock lock(&mu);
    ASSERT_TRUE(mu.AwaitWithTimeout(absl::Condition(&done), kPatience));
  }
  EXPECT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(response.token().empty());
  ExpectStillServing();
}

}  // namespace
}  // namespace signet
