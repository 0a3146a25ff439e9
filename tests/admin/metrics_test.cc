#include "admin/metrics.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The value of one series in `metrics`' text exposition, or -1 when it is
// not exported.
double Sample(Metrics& metrics, absl::string_view series) {
  const std::string text = metrics.Serialize();
  const std::string prefix = absl::StrCat("\n", series, " ");
  const size_t at = text.find(prefix);
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + prefix.size()));
}

TEST(MetricsTest, RpcsAreCountedInFlightAndByOutcome) {
  // Verify started calls are in flight until finished, and each finish is
  // observed under method, profile ("none" before one was found) and code.
  Metrics metrics;
  EXPECT_EQ(Sample(metrics, "signet_rpc_in_flight"), 0);
  metrics.RpcStarted("GetToken");
  metrics.RpcStarted("CallInnoPaaS");
  EXPECT_EQ(Sample(metrics, "signet_rpc_in_flight"), 2);
  metrics.RpcFinished("GetToken", "default", absl::StatusCode::kOk,
                      absl::Milliseconds(3));
  metrics.RpcFinished("CallInnoPaaS", "", absl::StatusCode::kNotFound,
                      absl::Milliseconds(700));
  EXPECT_EQ(Sample(metrics, "signet_rpc_in_flight"), 0);
  const std::string ok = R"(code="OK",method="GetToken",profile="default")";
  EXPECT_EQ(Sample(metrics,
                   absl::StrCat("signet_rpc_duration_seconds_count{", ok, "}")),
            1);
  EXPECT_DOUBLE_EQ(
      Sample(metrics,
             absl::StrCat("signet_rpc_duration_seconds_sum{", ok, "}")),
      0.003);
  EXPECT_EQ(Sample(metrics, absl::StrCat("signet_rpc_duration_seconds_bucket{",
                                         ok, ",le=\"0.0025\"}")),
            0);
  EXPECT_EQ(Sample(metrics, absl::StrCat("signet_rpc_duration_seconds_bucket{",
                                         ok, ",le=\"0.005\"}")),
            1);
  const std::string not_found =
      R"(code="NOT_FOUND",method="CallInnoPaaS",profile="none")";
  EXPECT_EQ(Sample(metrics, absl::StrCat("signet_rpc_duration_seconds_bucket{",
                                         not_found, ",le=\"0.5\"}")),
            0);
  EXPECT_EQ(Sample(metrics, absl::StrCat("signet_rpc_duration_seconds_bucket{",
                                         not_found, ",le=\"1\"}")),
            1);
  EXPECT_EQ(Sample(metrics, absl::StrCat("signet_rpc_duration_seconds_bucket{",
                                         not_found, ",le=\"+Inf\"}")),
            1);
}

TEST(MetricsTest, UpstreamRequestsByProfileAndStatus) {
  // Verify each upstream attempt is observed under its profile and its
  // HTTP status or error.
  Metrics metrics;
  metrics.UpstreamDone("inno", "200", absl::Milliseconds(40));
  metrics.UpstreamDone("inno", "200", absl::Milliseconds(60));
  metrics.UpstreamDone("inno", "UNAVAILABLE", absl::Seconds(1));
  EXPECT_EQ(Sample(metrics,
                   "signet_upstream_request_duration_seconds_count{"
                   "profile=\"inno\",status=\"200\"}"),
            2);
  EXPECT_DOUBLE_EQ(Sample(metrics,
                          "signet_upstream_request_duration_seconds_sum{"
                          "profile=\"inno\",status=\"200\"}"),
                   0.1);
  EXPECT_EQ(Sample(metrics,
                   "signet_upstream_request_duration_seconds_count{"
                   "profile=\"inno\",status=\"UNAVAILABLE\"}"),
            1);
}

TEST(MetricsTest, TokenLookupsFetchesAndRejections) {
  // Verify hits and misses, fetches and their failures, and each kind of
  // rejection have their own counters per profile.
  Metrics metrics;
  metrics.TokenLookup("default", /*hit=*/true);
  metrics.TokenLookup("default", /*hit=*/true);
  metrics.TokenLookup("default", /*hit=*/false);
  metrics.TokenFetched("default", /*ok=*/true);
  metrics.TokenFetched("default", /*ok=*/false);
  metrics.TokenRejected("default", "refreshed");
  metrics.TokenRejected("default", "stale");
  metrics.TokenRejected("default", "stale");
  metrics.TokenRejected("default", "suppressed");
  EXPECT_EQ(
      Sample(metrics, "signet_token_cache_hits_total{profile=\"default\"}"), 2);
  EXPECT_EQ(
      Sample(metrics, "signet_token_cache_misses_total{profile=\"default\"}"),
      1);
  EXPECT_EQ(
      Sample(metrics, "signet_token_refreshes_total{profile=\"default\"}"), 2);
  EXPECT_EQ(Sample(metrics,
                   "signet_token_refresh_failures_total{profile=\"default\"}"),
            1);
  for (const auto& [outcome, count] :
       {std::pair<const char*, int>{"refreshed", 1},
        {"stale", 2},
        {"suppressed", 1}}) {
    EXPECT_EQ(
        Sample(metrics, absl::StrCat("signet_token_rejections_total{outcome=\"",
                                     outcome, "\",profile=\"default\"}")),
        count)
        << outcome;
  }
}

TEST(MetricsTest, InboundVerdictsByProfileSchemeAndReason) {
  // Verify authentic and refused inbound requests are counted with their
  // labels.
  Metrics metrics;
  metrics.Verified("hooks", "innopaas");
  metrics.Refused("hooks", "apsdai", "bad_signature");
  metrics.Refused("hooks", "apsdai", "bad_signature");
  metrics.Refused("hooks", "apsdai", "replayed");
  EXPECT_EQ(Sample(metrics,
                   "signet_inbound_verified_total{profile=\"hooks\","
                   "scheme=\"innopaas\"}"),
            1);
  EXPECT_EQ(Sample(metrics,
                   "signet_inbound_refused_total{profile=\"hooks\","
                   "reason=\"bad_signature\",scheme=\"apsdai\"}"),
            2);
  EXPECT_EQ(Sample(metrics,
                   "signet_inbound_refused_total{profile=\"hooks\","
                   "reason=\"replayed\",scheme=\"apsdai\"}"),
            1);
}

TEST(MetricsTest, CircuitStateAndRejections) {
  // Verify the circuit gauge follows each state change (0 closed, 1 open,
  // 2 half-open) and rejections are counted.
  Metrics metrics;
  const std::string state = "signet_upstream_circuit_state{profile=\"inno\"}";
  metrics.CircuitStateChanged("inno", CircuitState::kOpen);
  EXPECT_EQ(Sample(metrics, state), 1);
  metrics.CircuitRejected("inno");
  metrics.CircuitRejected("inno");
  metrics.CircuitStateChanged("inno", CircuitState::kHalfOpen);
  EXPECT_EQ(Sample(metrics, state), 2);
  metrics.CircuitStateChanged("inno", CircuitState::kClosed);
  EXPECT_EQ(Sample(metrics, state), 0);
  EXPECT_EQ(
      Sample(metrics,
             "signet_upstream_circuit_rejections_total{profile=\"inno\"}"),
      2);
}

TEST(MetricsTest, ConnectionsOpenedFollowTheReaderWithoutGoingBack) {
  // Verify the counter takes the reader's total at each scrape and never
  // decreases (a counter), even if the reader's total does.
  Metrics metrics;
  uint64_t opened = 3;
  metrics.SetConnectionsOpenedReader([&opened] { return opened; });
  EXPECT_EQ(Sample(metrics, "signet_upstream_connections_opened_total"), 3);
  opened = 5;
  EXPECT_EQ(Sample(metrics, "signet_upstream_connections_opened_total"), 5);
  EXPECT_EQ(Sample(metrics, "signet_upstream_connections_opened_total"), 5);
  opened = 4;
  EXPECT_EQ(Sample(metrics, "signet_upstream_connections_opened_total"), 5);
}

TEST(MetricsTest, TokenExpiryIsReadAtScrapeTime) {
  // Verify the expiry gauge shows what the reader says at each scrape.
  Metrics metrics;
  std::vector<std::pair<std::string, double>> expiries = {{"default", 7200}};
  metrics.SetTokenExpiryReader([&expiries] { return expiries; });
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"default\"}"),
            7200);
  expiries = {{"default", -5}};
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"default\"}"),
            -5);
}

TEST(MetricsTest, TokenExpiryOfAProfileWithoutATokenIsNotExported) {
  // Verify a profile the reader no longer reports (removed by a reload, or
  // replaced by one that has no token yet) loses its series instead of
  // keeping the last value of a token that is gone.
  Metrics metrics;
  std::vector<std::pair<std::string, double>> expiries = {{"default", 7200},
                                                          {"other", 60}};
  metrics.SetTokenExpiryReader([&expiries] { return expiries; });
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"other\"}"),
            60);
  expiries = {{"default", 7100}};
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"other\"}"),
            -1);
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"default\"}"),
            7100);
  expiries = {{"other", 30}};
  EXPECT_EQ(Sample(metrics, "signet_token_expiry_seconds{profile=\"other\"}"),
            30);
  EXPECT_THAT(
      metrics.Serialize(),
      Not(HasSubstr("signet_token_expiry_seconds{profile=\"default\"}")));
}

TEST(MetricsTest, ExpositionDeclaresEveryFamilyWithItsType) {
  // Verify each family metrics.h lists is exported, with its type, once
  // its observer method has run (families without series are left out).
  Metrics metrics;
  metrics.RpcStarted("GetToken");
  metrics.RpcFinished("GetToken", "default", absl::StatusCode::kOk,
                      absl::Milliseconds(1));
  metrics.UpstreamDone("default", "200", absl::Milliseconds(1));
  metrics.TokenLookup("default", true);
  metrics.TokenLookup("default", false);
  metrics.TokenFetched("default", false);
  metrics.TokenRejected("default", "stale");
  metrics.Verified("hooks", "innopaas");
  metrics.Refused("hooks", "innopaas", "bad_credentials");
  metrics.CircuitStateChanged("default", CircuitState::kOpen);
  metrics.CircuitRejected("default");
  metrics.SetTokenExpiryReader([] {
    return std::vector<std::pair<std::string, double>>{{"default", 1}};
  });
  const std::string text = metrics.Serialize();
  for (const char* family : {
           "# TYPE signet_rpc_duration_seconds histogram",
           "# TYPE signet_rpc_in_flight gauge",
           "# TYPE signet_upstream_request_duration_seconds histogram",
           "# TYPE signet_upstream_connections_opened_total counter",
           "# TYPE signet_token_cache_hits_total counter",
           "# TYPE signet_token_cache_misses_total counter",
           "# TYPE signet_token_refreshes_total counter",
           "# TYPE signet_token_refresh_failures_total counter",
           "# TYPE signet_token_expiry_seconds gauge",
           "# TYPE signet_token_rejections_total counter",
           "# TYPE signet_inbound_verified_total counter",
           "# TYPE signet_inbound_refused_total counter",
           "# TYPE signet_upstream_circuit_state gauge",
           "# TYPE signet_upstream_circuit_rejections_total counter",
       }) {
    EXPECT_THAT(text, HasSubstr(family));
  }
}

}  // namespace
}  // namespace signet
