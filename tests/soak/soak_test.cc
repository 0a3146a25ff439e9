// The soak: a bounded load test of a real signet in front of a real
// signet-emulator, mixing every Gateway RPC while the emulator cycles through
// faults (soak_plan.cc: token endpoint down, slow, 5xx, malformed, revoked
// tokens, dropped connections, hangs, recovery, healthy).
//
// It fails on any answer outside its phase's allowed codes (or a late or
// wrong OK answer), on signet exiting, and on signet's resident memory
// growing more than kMaxRssGrowth from the end of the first cycle (warm-up)
// to the end of the last; both are the median of the samples taken over the
// last third of a cycle's healthy phase. At the end signet must be healthy,
// idle, have counted every call, and stop cleanly; the emulator's counters
// must show the calls went upstream.
//
//   soak_test [--duration=120s] [--concurrency=24] [--rate=400] [--seed=N]
// --duration defaults to $SIGNET_SOAK_SECONDS seconds, else 120 s. The run is
// whole cycles (at least two), so a short duration is rounded up.
// ctest knows it (test SoakTest, label "soak") only when SIGNET_SOAK_SECONDS
// is set, so no plain ctest run includes it; scripts/soak.sh runs it.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "soak/load_driver.h"
#include "soak/phase_window.h"
#include "soak/process_memory.h"
#include "soak/soak_plan.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

ABSL_FLAG(absl::Duration, duration, absl::ZeroDuration(),
          "How long to run; 0 means $SIGNET_SOAK_SECONDS seconds, else 120s.");
ABSL_FLAG(int, concurrency, 24, "Calls in flight at most.");
ABSL_FLAG(double, rate, 400, "Calls started per second at most.");
ABSL_FLAG(uint64_t, seed, 0, "Seed of the call mix; 0 picks one (printed).");

namespace signet::soak {
namespace {

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::signet::testing::EmulatorConfig;
using ::signet::testing::EmulatorStats;
using ::signet::testing::GetAdmin;
using ::signet::testing::GetEmulatorStats;
using ::signet::testing::IsOk;
using ::signet::testing::PostEmulatorControl;
using ::signet::testing::SignetChild;
using ::signet::testing::WaitForMetric;

constexpr absl::Duration kDefaultDuration = absl::Seconds(120);
constexpr double kMaxRssGrowth = 0.10;
constexpr absl::Duration kSampleInterval = absl::Milliseconds(250);
constexpr absl::Duration kRevokeInterval = absl::Seconds(1);
constexpr absl::Duration kCallDeadline = absl::Seconds(2);
// signet's token_timeout here: the longest a token fetch stays in flight,
// and so (with a margin) how far back a call may join one.
constexpr absl::Duration kTokenTimeout = absl::Seconds(2);
constexpr absl::Duration kTokenFetchLookback = absl::Milliseconds(2500);
constexpr char kLicenseProfile[] = "shop";
constexpr char kInboundProfile[] = "hooks";
constexpr char kHookUser[] = "soak-hook-user";
constexpr char kHookAuthorization[] = "soak-hook-authorization-value";

absl::Duration RequestedDuration() {
  const absl::Duration flag = absl::GetFlag(FLAGS_duration);
  if (flag > absl::ZeroDuration()) return flag;
  int64_t seconds = 0;
  if (const char* env = std::getenv("SIGNET_SOAK_SECONDS");
      env != nullptr && absl::SimpleAtoi(env, &seconds) && seconds > 0) {
    return absl::Seconds(seconds);
  }
  return kDefaultDuration;
}

// The standard emulator config, prewarmed (the first phase needs a cached
// token while the token endpoint is down), with token fetches bounded by
// kTokenTimeout, plus an inbound profile. The "revoked" phase revokes the
// token every second, far more often than a real upstream would; with the
// default min_refresh_interval (30s) signet would then pass the upstream's
// 401 on for the rest of the interval, by design (TokenPathTest pins that),
// so here every rejection may refresh.
std::string SoakConfig(int emulator_port) {
  return absl::StrCat(
      absl::StrReplaceAll(
          EmulatorConfig(emulator_port),
          {{"prewarm: false", "prewarm: true"},
           {"token_timeout: 5s",
            absl::StrCat("token_timeout: ", absl::FormatDuration(kTokenTimeout),
                         "\n    min_refresh_interval: 1ms")}}),
      R"(inbound:
  hooks:
    innopaas_webhook:
      user_name: {env: SIGNET_SOAK_HOOK_USER}
      authorization: {env: SIGNET_SOAK_HOOK_AUTHORIZATION}
)");
}

absl::StatusOr<HealthCheckResponse::ServingStatus> Health(
    const std::shared_ptr<grpc::Channel>& channel, const std::string& service) {
  auto health = grpc::health::v1::Health::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  const grpc::Status status = health->Check(&context, request, &response);
  if (!status.ok()) {
    return absl::UnavailableError(status.error_message());
  }
  return response.status();
}

// The sum of every signet_rpc_duration_seconds_count series: the gateway
// RPCs signet finished.
absl::StatusOr<int64_t> GatewayRpcCount(const SignetChild& signet) {
  absl::StatusOr<testing::AdminAnswer> metrics = GetAdmin(signet, "/metrics");
  if (!metrics.ok()) return metrics.status();
  int64_t total = 0;
  for (absl::string_view line : absl::StrSplit(metrics->body, '\n')) {
    if (!absl::StartsWith(line, "signet_rpc_duration_seconds_count{")) continue;
    double value = 0;
    if (!absl::SimpleAtod(line.substr(line.rfind(' ') + 1), &value)) {
      return absl::DataLossError(absl::StrCat("bad sample: ", line));
    }
    total += static_cast<int64_t>(value);
  }
  return total;
}

struct RssSample {
  int64_t phase = 0;
  absl::Time at;
  int64_t kib = 0;
};

void PrintTally(const Tally& tally) {
  std::printf("\ncalls by RPC and gRPC code (all phases):\n");
  for (int i = 0; i < kRpcKinds; ++i) {
    std::map<int, int64_t> codes;
    for (const auto& phase : tally.codes) {
      for (const auto& [code, count] : phase[i]) codes[code] += count;
    }
    std::string line;
    for (const auto& [code, count] : codes) {
      absl::StrAppend(
          &line, " ",
          absl::StatusCodeToString(static_cast<absl::StatusCode>(code)), "=",
          count);
    }
    std::printf("  %-28s %8lld:%s\n",
                std::string(RpcName(static_cast<Rpc>(i))).c_str(),
                static_cast<long long>(tally.calls[i]), line.c_str());
  }
  std::printf("\ncalls by phase started in (OK / other):\n");
  for (size_t p = 0; p < tally.codes.size(); ++p) {
    int64_t ok = 0;
    int64_t other = 0;
    for (const auto& codes : tally.codes[p]) {
      for (const auto& [code, count] : codes) (code == 0 ? ok : other) += count;
    }
    std::printf("  %-12s %8lld / %lld\n", Cycle()[p].name.c_str(),
                static_cast<long long>(ok), static_cast<long long>(other));
  }
  std::printf("\ntotal %lld calls, %lld violations, %zu distinct tokens\n",
              static_cast<long long>(tally.total),
              static_cast<long long>(tally.violations), tally.tokens.size());
  for (const std::string& violation : tally.first_violations) {
    std::printf("  VIOLATION %s\n", violation.c_str());
  }
  std::fflush(stdout);
}

class SoakTest : public testing::GatewayFixture {};

TEST_F(SoakTest, MixedLoadWithFaults) {
  const Schedule schedule = PlanSchedule(RequestedDuration());
  uint64_t seed = absl::GetFlag(FLAGS_seed);
  if (seed == 0) seed = std::random_device()();
  std::printf(
      "soak: %d cycles of %s (total %s), seed %llu, concurrency %d, "
      "rate %.0f/s\n  phases:",
      schedule.cycles, absl::FormatDuration(schedule.cycle_length).c_str(),
      absl::FormatDuration(schedule.total).c_str(),
      static_cast<unsigned long long>(seed), absl::GetFlag(FLAGS_concurrency),
      absl::GetFlag(FLAGS_rate));
  for (size_t i = 0; i < Cycle().size(); ++i) {
    std::printf(" %s %s", Cycle()[i].name.c_str(),
                absl::FormatDuration(schedule.lengths[i]).c_str());
  }
  std::printf("\n");
  std::fflush(stdout);

  ASSERT_NO_FATAL_FAILURE(StartEmulator());
  ASSERT_NO_FATAL_FAILURE(
      StartGateway(SoakConfig(emulator_.port),
                   {{"SIGNET_SOAK_HOOK_USER", kHookUser},
                    {"SIGNET_SOAK_HOOK_AUTHORIZATION", kHookAuthorization}}));
  ASSERT_THAT(
      signet_.process->WaitForLine("\"msg\":\"ready\"", absl::Seconds(1)),
      IsOk());
  const pid_t pid = signet_.process->pid();

  LoadOptions options;
  options.concurrency = absl::GetFlag(FLAGS_concurrency);
  options.rate = absl::GetFlag(FLAGS_rate);
  options.deadline = kCallDeadline;
  options.token_fetch_lookback = kTokenFetchLookback;
  options.seed = seed;
  options.openapi_app_id = "app-123";
  options.license_profile = kLicenseProfile;
  options.inbound_profile = kInboundProfile;
  options.hook_user = kHookUser;
  options.hook_authorization = kHookAuthorization;

  PhaseWindow window;
  std::vector<RssSample> samples;
  bool signet_exited = false;
  const absl::Time run_start = absl::Now();
  {
    LoadDriver driver(stub_.get(), &window, options);
    int64_t n = 0;
    for (int cycle = 0; cycle < schedule.cycles && !signet_exited; ++cycle) {
      for (size_t i = 0; i < Cycle().size() && !signet_exited; ++i, ++n) {
        const PhaseSpec& phase = Cycle()[i];
        window.Begin(n);
        ASSERT_THAT(
            PostEmulatorControl(emulator_.port, "/__faults", phase.fault),
            IsOk());
        absl::Time next_revoke = absl::Now();
        if (phase.revoke) {
          ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__revoke", "{}"),
                      IsOk());
          next_revoke += kRevokeInterval;
        }
        window.End(n);
        if (n == 0) driver.Start();
        const absl::Time phase_end = absl::Now() + schedule.lengths[i];
        while (absl::Now() < phase_end) {
          // Time passing is what this loop waits for: it samples memory
          // and drives the phase's periodic action.
          absl::SleepFor(std::min(kSampleInterval, phase_end - absl::Now()));
          absl::StatusOr<int64_t> rss = ReadVmRssKib(pid);
          if (!rss.ok()) {
            ADD_FAILURE() << "signet exited during phase " << phase.name << ": "
                          << rss.status() << "\n"
                          << signet_.process->Output();
            signet_exited = true;
            break;
          }
          samples.push_back(RssSample{n, absl::Now(), *rss});
          if (phase.revoke && absl::Now() >= next_revoke) {
            EXPECT_THAT(PostEmulatorControl(emulator_.port, "/__revoke", "{}"),
                        IsOk());
            next_revoke += kRevokeInterval;
          }
        }
      }
    }
    EXPECT_TRUE(driver.StopAndDrain(kCallDeadline + absl::Seconds(5)))
        << "calls still in flight after their deadline";
    const Tally tally = driver.Snapshot();
    std::printf("\nran %s\n",
                absl::FormatDuration(absl::Now() - run_start).c_str());
    PrintTally(tally);
    ASSERT_FALSE(signet_exited);

    EXPECT_EQ(tally.violations, 0) << "see VIOLATION lines above";
    for (int i = 0; i < kRpcKinds; ++i) {
      EXPECT_GT(tally.calls[i], 0) << RpcName(static_cast<Rpc>(i));
    }

    // The calls went upstream: every OK answer that needs the emulator is
    // backed by at least one request it received.
    absl::StatusOr<EmulatorStats> stats = GetEmulatorStats(emulator_.port);
    ASSERT_THAT(stats, IsOk());
    std::printf(
        "\nemulator: token %lld (issued %lld), verify %lld, innopaas %lld, "
        "licenses %lld, connections %lld\n",
        static_cast<long long>(stats->token),
        static_cast<long long>(stats->tokens_issued),
        static_cast<long long>(stats->verify),
        static_cast<long long>(stats->innopaas),
        static_cast<long long>(stats->licenses),
        static_cast<long long>(stats->connections));
    EXPECT_GE(stats->tokens_issued, static_cast<int64_t>(tally.tokens.size()));
    EXPECT_GT(stats->token, 1);
    EXPECT_GE(stats->verify, tally.ok_verify_route);
    EXPECT_GE(stats->innopaas, tally.ok_innopaas_route);
    EXPECT_GE(stats->licenses, tally.ok_license_route);
    EXPECT_GT(tally.ok_verify_route, 0);
    EXPECT_GT(tally.ok_innopaas_route, 0);
    EXPECT_GT(tally.ok_license_route, 0);

    // Healthy, idle, and every call accounted for by the gateway too.
    for (const std::string service : {"", "liveness"}) {
      absl::StatusOr<HealthCheckResponse::ServingStatus> health =
          Health(channel_, service);
      ASSERT_THAT(health, IsOk()) << "health service \"" << service << "\"";
      EXPECT_EQ(*health, HealthCheckResponse::SERVING)
          << "health service \"" << service << "\"";
    }
    EXPECT_THAT(
        WaitForMetric(signet_, "signet_rpc_in_flight", 0, absl::Seconds(10)),
        IsOk());
    absl::StatusOr<int64_t> counted = GatewayRpcCount(signet_);
    ASSERT_THAT(counted, IsOk());
    EXPECT_EQ(*counted, tally.total) << "calls signet counted vs calls made";
  }

  // Memory: the end of the warm-up cycle against the end of the last one,
  // each the median over the last third of that cycle's healthy phase.
  const size_t phases = Cycle().size();
  const absl::Duration window_length = schedule.lengths.back() / 3;
  std::vector<int64_t> cycle_medians;
  for (int cycle = 0; cycle < schedule.cycles; ++cycle) {
    const int64_t healthy = static_cast<int64_t>((cycle + 1) * phases - 1);
    absl::Time end = absl::InfinitePast();
    for (const RssSample& sample : samples) {
      if (sample.phase == healthy) end = std::max(end, sample.at);
    }
    std::vector<int64_t> window_samples;
    for (const RssSample& sample : samples) {
      if (sample.phase == healthy && sample.at >= end - window_length) {
        window_samples.push_back(sample.kib);
      }
    }
    ASSERT_GE(window_samples.size(), 3u) << "cycle " << cycle;
    cycle_medians.push_back(Median(window_samples));
  }
  int64_t low = INT64_MAX;
  int64_t high = 0;
  for (const RssSample& sample : samples) {
    low = std::min(low, sample.kib);
    high = std::max(high, sample.kib);
  }
  const int64_t warm = cycle_medians.front();
  const int64_t end = cycle_medians.back();
  std::printf(
      "\nsignet VmRSS: warm-up end %lld KiB, run end %lld KiB "
      "(%+.1f%%); per-cycle medians:",
      static_cast<long long>(warm), static_cast<long long>(end),
      100.0 * static_cast<double>(end - warm) / static_cast<double>(warm));
  for (const int64_t median : cycle_medians) {
    std::printf(" %lld", static_cast<long long>(median));
  }
  std::printf("; min %lld, max %lld over %zu samples\n",
              static_cast<long long>(low), static_cast<long long>(high),
              samples.size());
  std::fflush(stdout);
  EXPECT_LE(static_cast<double>(end),
            static_cast<double>(warm) * (1.0 + kMaxRssGrowth))
      << "signet's resident memory grew more than " << kMaxRssGrowth * 100
      << "% after warm-up";

  // A clean stop.
  signet_.process->Signal(SIGTERM);
  absl::StatusOr<int> code = signet_.process->WaitForExit(absl::Seconds(30));
  ASSERT_THAT(code, IsOk());
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace signet::soak

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  absl::ParseCommandLine(argc, argv);
  return RUN_ALL_TESTS();
}
