// Metrics, access log lines and request ids of a real signet process, and
// the log scan every integration test relies on.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest-spi.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::EmulatorConfig;
using ::signet::testing::EmulatorProcess;
using ::signet::testing::IsOk;
using ::signet::testing::PostEmulatorControl;
using ::signet::testing::SignetChild;
using ::signet::testing::StartEmulator;
using ::signet::testing::StartSignet;
using ::testing::HasSubstr;
using json = nlohmann::json;

class ObservabilityTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartEmulator());
    StartGatewayOnEmulator();
  }

  grpc::Status GetToken(const std::string& profile) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    v1::GetTokenRequest request;
    request.set_profile(profile);
    v1::GetTokenResponse response;
    return stub_->GetToken(&context, request, &response);
  }

  std::string Scrape() {
    absl::StatusOr<testing::AdminAnswer> answer =
        testing::GetAdmin(signet_, "/metrics");
    EXPECT_THAT(answer, IsOk());
    if (!answer.ok()) return "";
    EXPECT_EQ(answer->status, 200);
    return answer->body;
  }

  static double Sample(const std::string& metrics, const std::string& series) {
    absl::StatusOr<double> value = testing::MetricSample(metrics, series);
    EXPECT_THAT(value, IsOk()) << metrics;
    return value.value_or(-1);
  }
};

TEST_F(ObservabilityTest, MetricsCountRpcsTokensAndUpstreamRequests) {
  ASSERT_TRUE(GetToken("default").ok());  // miss: one fetch
  ASSERT_TRUE(GetToken("default").ok());  // hit
  EXPECT_EQ(GetToken("nope").error_code(), grpc::StatusCode::NOT_FOUND);
  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults",
                          R"({"mode":"error","status":500,"route":"token"})"),
      IsOk());
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  v1::GetTokenRequest force;
  force.set_force_refresh(true);
  v1::GetTokenResponse ignored;
  EXPECT_FALSE(stub_->GetToken(&context, force, &ignored).ok());

  const std::string metrics = Scrape();
  EXPECT_EQ(Sample(metrics,
                   "signet_rpc_duration_seconds_count{code=\"OK\","
                   "method=\"GetToken\",profile=\"default\"}"),
            2);
  EXPECT_EQ(Sample(metrics,
                   "signet_rpc_duration_seconds_count{code=\"NOT_FOUND\","
                   "method=\"GetToken\",profile=\"none\"}"),
            1);
  EXPECT_EQ(Sample(metrics, "signet_rpc_in_flight"), 0);
  EXPECT_EQ(
      Sample(metrics, "signet_token_cache_hits_total{profile=\"default\"}"), 1);
  EXPECT_EQ(
      Sample(metrics, "signet_token_cache_misses_total{profile=\"default\"}"),
      1);
  EXPECT_EQ(
      Sample(metrics, "signet_token_refreshes_total{profile=\"default\"}"), 2);
  EXPECT_EQ(Sample(metrics,
                   "signet_token_refresh_failures_total{profile=\"default\"}"),
            1);
  const double expiry =
      Sample(metrics, "signet_token_expiry_seconds{profile=\"default\"}");
  EXPECT_GT(expiry, 3600);  // the emulator issues ~2 h tokens
  EXPECT_LE(expiry, 7200);
  EXPECT_EQ(Sample(metrics,
                   "signet_upstream_request_duration_seconds_count{"
                   "profile=\"default\",status=\"200\"}"),
            1);
  // The failed refresh is one fetch of three attempts (retried 5xx).
  EXPECT_EQ(Sample(metrics,
                   "signet_upstream_request_duration_seconds_count{"
                   "profile=\"default\",status=\"500\"}"),
            3);
  EXPECT_GE(Sample(metrics, "signet_upstream_connections_opened_total"), 1);
}

TEST_F(ObservabilityTest, AccessLineAndRequestIdReachTheUpstream) {
  // The caller's x-request-id is used as it is.
  v1::CallInnoPaaSRequest request;
  request.set_method("GET");
  request.set_path("/v1/ping");
  v1::HttpResponse response;
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    context.AddMetadata("x-request-id", "req-abc-123");
    ASSERT_TRUE(stub_->CallInnoPaaS(&context, request, &response).ok());
  }
  json echo = json::parse(response.body());
  std::string seen;
  for (const json& header : echo["headers"]) {
    if (header[0] == "X-Request-Id") seen = header[1];
  }
  EXPECT_EQ(seen, "req-abc-123");
  absl::StatusOr<std::string> line = signet_.process->WaitForLine(
      "\"request_id\":\"req-abc-123\"", absl::Seconds(10));
  ASSERT_THAT(line, IsOk());
  const json access = json::parse(*line);
  EXPECT_EQ(access["msg"], "rpc");
  EXPECT_EQ(access["method"], "CallInnoPaaS");
  EXPECT_EQ(access["profile"], "default");
  EXPECT_EQ(access["code"], "OK");
  EXPECT_EQ(access["upstream_status"], 200);
  EXPECT_GT(access["duration_ms"].get<double>(), 0);

  // Without one, signet makes one up and sends it along.
  {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    ASSERT_TRUE(stub_->CallInnoPaaS(&context, request, &response).ok());
  }
  echo = json::parse(response.body());
  seen.clear();
  for (const json& header : echo["headers"]) {
    if (header[0] == "X-Request-Id") seen = header[1];
  }
  EXPECT_TRUE(std::regex_match(seen, std::regex("[0-9a-f]{32}"))) << seen;
  EXPECT_THAT(
      signet_.process->WaitForLine(
          absl::StrCat("\"request_id\":\"", seen, "\""), absl::Seconds(10)),
      IsOk());
}

TEST(LogScanTest, ASecretInTheLogFailsTheTest) {
  // The scan that every SignetChild runs at its end must be able to fail:
  // here the "secret" is a word signet always logs.
  EXPECT_NONFATAL_FAILURE(
      {
        absl::StatusOr<EmulatorProcess> emulator = StartEmulator();
        ASSERT_TRUE(emulator.ok());
        absl::StatusOr<SignetChild> signet =
            StartSignet(EmulatorConfig(emulator->port),
                        {{"SIGNET_TEST_APP_KEY", "listening"}});
        ASSERT_TRUE(signet.ok());
      },
      "contains a secret");
}

}  // namespace
}  // namespace signet
