// Start-up readiness (prewarmed tokens) and graceful SIGTERM of a real
// signet process.
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
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

using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::signet::testing::EmulatorConfig;
using ::signet::testing::GetAdmin;
using ::signet::testing::GetEmulatorStats;
using ::signet::testing::IsOk;
using ::signet::testing::MetricSample;
using ::signet::testing::PostEmulatorControl;
using ::signet::testing::SignetChild;
using ::signet::testing::StartSignet;
using ::testing::HasSubstr;
using ::testing::Not;

std::string PrewarmConfig(int emulator_port) {
  return absl::StrReplaceAll(EmulatorConfig(emulator_port),
                             {{"prewarm: false", "prewarm: true"},
                              {"default_deadline: 10s",
                               "default_deadline: 10s\nprewarm_timeout: 2s"}});
}

// What a server reflection ListServices exchange came back with: the RPC
// status and the raw ServerReflectionResponse bytes (the service names are
// plain strings in them).
struct ReflectionAnswer {
  grpc::Status status;
  std::string response;
};

// Asks `address` for its services over grpc.reflection.v1alpha, as grpcurl
// does. A generic call: no reflection proto ships with Debian's gRPC.
ReflectionAnswer ListServices(const std::string& address) {
  grpc::GenericStub stub(
      grpc::CreateChannel(address, grpc::InsecureChannelCredentials()));
  grpc::CompletionQueue cq;
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
  std::unique_ptr<grpc::GenericClientAsyncReaderWriter> call = stub.PrepareCall(
      &context,
      "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
  // One operation at a time, so each Next() returns the one just started.
  void* tag = nullptr;
  bool ok = false;
  call->StartCall(&tag);
  EXPECT_TRUE(cq.Next(&tag, &ok));
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited.
  grpc::Slice slice(std::string("\x3a\x00", 2));
  call->WriteLast(grpc::ByteBuffer(&slice, 1), grpc::WriteOptions(), &tag);
  EXPECT_TRUE(cq.Next(&tag, &ok));
  ReflectionAnswer answer;
  grpc::ByteBuffer response;
  call->Read(&response, &tag);
  EXPECT_TRUE(cq.Next(&tag, &ok));
  if (ok) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(response.Dump(&slices).ok());
    for (const grpc::Slice& part : slices) {
      answer.response.append(reinterpret_cast<const char*>(part.begin()),
                             part.size());
    }
  }
  call->Finish(&answer.status, &tag);
  EXPECT_TRUE(cq.Next(&tag, &ok));
  cq.Shutdown();
  while (cq.Next(&tag, &ok)) {
  }
  return answer;
}

// "soft hard" from the "Max core file size" line of /proc/<pid>/limits.
std::string CoreFileLimit(pid_t pid) {
  constexpr absl::string_view kName = "Max core file size";
  std::ifstream limits(absl::StrCat("/proc/", pid, "/limits"));
  std::string line;
  while (std::getline(limits, line)) {
    if (!absl::StartsWith(line, kName)) continue;
    const std::vector<absl::string_view> fields = absl::StrSplit(
        absl::string_view(line).substr(kName.size()), ' ', absl::SkipEmpty());
    if (fields.size() >= 2) return absl::StrCat(fields[0], " ", fields[1]);
  }
  return "";
}

class LifecycleTest : public testing::GatewayFixture {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(StartEmulator()); }

  HealthCheckResponse::ServingStatus Health(const std::string& service = "") {
    auto health = grpc::health::v1::Health::NewStub(channel_);
    grpc::ClientContext context;
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    const grpc::Status status = health->Check(
        WithDeadline(&context, absl::Seconds(5)), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.status();
  }
};

TEST_F(LifecycleTest, TokensArePrewarmedBeforeServing) {
  ASSERT_NO_FATAL_FAILURE(StartGateway(PrewarmConfig(emulator_.port)));
  ASSERT_THAT(
      signet_.process->WaitForLine("\"msg\":\"ready\"", absl::Seconds(1)),
      IsOk());
  // The token was fetched without any caller asking.
  absl::StatusOr<testing::EmulatorStats> stats =
      GetEmulatorStats(emulator_.port);
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->tokens_issued, 1);
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);

  grpc::ClientContext context;
  v1::GetTokenResponse token;
  ASSERT_TRUE(stub_->GetToken(&context, v1::GetTokenRequest(), &token).ok());
  EXPECT_TRUE(token.from_cache());
}

TEST_F(LifecycleTest, ProbeListenerServesHealthAndNothingElse) {
  // Verify the health_listen server answers health checks but not server
  // reflection (which would describe the whole API to anyone who reaches
  // the pod IP), while the main listener still offers reflection.
  ASSERT_NO_FATAL_FAILURE(StartGateway(absl::StrCat(
      EmulatorConfig(emulator_.port), "health_listen: 127.0.0.1:0\n")));
  ASSERT_NE(signet_.health_address, "off");
  ASSERT_FALSE(signet_.health_address.empty());

  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      signet_.health_address, grpc::InsecureChannelCredentials()));
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  HealthCheckRequest request;
  request.set_service("liveness");
  HealthCheckResponse response;
  const grpc::Status status = health->Check(&context, request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), HealthCheckResponse::SERVING);

  const ReflectionAnswer probe = ListServices(signet_.health_address);
  EXPECT_EQ(probe.status.error_code(), grpc::StatusCode::UNIMPLEMENTED)
      << probe.status.error_message();
  EXPECT_THAT(probe.response, Not(HasSubstr("signet.v1.Gateway")));

  const ReflectionAnswer main = ListServices(signet_.address);
  EXPECT_TRUE(main.status.ok()) << main.status.error_message();
  EXPECT_THAT(main.response, HasSubstr("signet.v1.Gateway"));
  EXPECT_THAT(main.response, HasSubstr("grpc.health.v1.Health"));
}

TEST_F(LifecycleTest, CoreDumpsAreOffUnlessAllowed) {
  // Verify signet sets its core file limit to 0 (a core would hold every
  // secret it has read), and --allow-core-dumps leaves the inherited one.
  // A soft limit above 0 to inherit tells "left alone" from "set to 0".
  rlimit saved;
  ASSERT_EQ(getrlimit(RLIMIT_CORE, &saved), 0);
  rlimit inherited = saved;
  inherited.rlim_cur = std::min<rlim_t>(saved.rlim_max, 1 << 20);
  ASSERT_EQ(setrlimit(RLIMIT_CORE, &inherited), 0);
  const std::string own = CoreFileLimit(getpid());
  absl::StatusOr<SignetChild> hardened =
      StartSignet(EmulatorConfig(emulator_.port));
  // ASan lowers the core limit to 0 itself unless told not to; in a plain
  // build the variable does nothing.
  const char* asan_options = std::getenv("ASAN_OPTIONS");
  absl::StatusOr<SignetChild> allowed =
      StartSignet(EmulatorConfig(emulator_.port),
                  {{"ASAN_OPTIONS",
                    absl::StrCat(asan_options == nullptr ? "" : asan_options,
                                 asan_options == nullptr ? "" : ":",
                                 "disable_coredump=0")}},
                  {"--allow-core-dumps"});
  ASSERT_EQ(setrlimit(RLIMIT_CORE, &saved), 0);
  ASSERT_THAT(hardened, IsOk());
  EXPECT_EQ(CoreFileLimit(hardened->process->pid()), "0 0");
  ASSERT_THAT(allowed, IsOk());
  EXPECT_EQ(CoreFileLimit(allowed->process->pid()), own);
}

TEST_F(LifecycleTest, NotReadyUntilTheTokenUpstreamRecovers) {
  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults",
                          R"({"mode":"error","status":503,"route":"token"})"),
      IsOk());
  ASSERT_NO_FATAL_FAILURE(StartGateway(PrewarmConfig(emulator_.port)));
  ASSERT_THAT(
      signet_.process->WaitForLine("\"msg\":\"not ready\"", absl::Seconds(1)),
      IsOk());
  // Readiness is down, liveness is not: Kubernetes must not restart it.
  EXPECT_EQ(Health(), HealthCheckResponse::NOT_SERVING);
  EXPECT_EQ(Health("liveness"), HealthCheckResponse::SERVING);
  absl::StatusOr<testing::AdminAnswer> readyz = GetAdmin(signet_, "/readyz");
  ASSERT_THAT(readyz, IsOk());
  EXPECT_EQ(readyz->status, 503);

  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults", R"({"mode":"none"})"),
      IsOk());
  ASSERT_THAT(
      signet_.process->WaitForLine("\"msg\":\"ready\"", absl::Seconds(20)),
      IsOk());
  EXPECT_EQ(Health(), HealthCheckResponse::SERVING);
  readyz = GetAdmin(signet_, "/readyz");
  ASSERT_THAT(readyz, IsOk());
  EXPECT_EQ(readyz->status, 200);
}

TEST_F(LifecycleTest, SigtermLetsCallsInFlightFinish) {
  constexpr int kCalls = 16;
  ASSERT_THAT(PostEmulatorControl(
                  emulator_.port, "/__faults",
                  R"({"mode":"slow","delay_ms":1500,"route":"innopaas"})"),
              IsOk());
  ASSERT_NO_FATAL_FAILURE(StartGatewayOnEmulator());

  absl::Mutex mu;
  std::vector<grpc::Status> statuses;
  std::vector<int> http_statuses;
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
      v1::CallInnoPaaSRequest request;
      request.set_method("GET");
      request.set_path("/v1/slow");
      v1::HttpResponse response;
      const grpc::Status status =
          stub_->CallInnoPaaS(&context, request, &response);
      absl::MutexLock lock(&mu);
      statuses.push_back(status);
      http_statuses.push_back(response.status());
    });
  }
  // Await every call being inside signet (its in-flight gauge) before
  // the signal, so the test is about calls truly in flight.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  double in_flight = 0;
  while (absl::Now() < give_up) {
    absl::StatusOr<testing::AdminAnswer> metrics =
        GetAdmin(signet_, "/metrics");
    ASSERT_THAT(metrics, IsOk());
    in_flight = MetricSample(metrics->body, "signet_rpc_in_flight").value_or(0);
    if (in_flight == kCalls) break;
    absl::SleepFor(absl::Milliseconds(10));  // polling a remote gauge
  }
  ASSERT_EQ(in_flight, kCalls);

  signet_.process->Signal(SIGTERM);
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"shutting down\"",
                                           absl::Seconds(5)),
              IsOk());
  for (std::thread& caller : callers) caller.join();
  absl::StatusOr<int> code = signet_.process->WaitForExit(absl::Seconds(30));
  ASSERT_THAT(code, IsOk());
  EXPECT_EQ(*code, 0);
  ASSERT_EQ(statuses.size(), static_cast<size_t>(kCalls));
  for (int i = 0; i < kCalls; ++i) {
    EXPECT_TRUE(statuses[i].ok()) << statuses[i].error_message();
    EXPECT_EQ(http_statuses[i], 200);
  }
}

TEST_F(LifecycleTest, CallsBeyondMaxInFlightAreRefusedAtOnce) {
  constexpr int kLimit = 4;
  constexpr int kCalls = 10;
  ASSERT_THAT(PostEmulatorControl(
                  emulator_.port, "/__faults",
                  R"({"mode":"slow","delay_ms":1500,"route":"innopaas"})"),
              IsOk());
  ASSERT_NO_FATAL_FAILURE(StartGateway(absl::StrReplaceAll(
      EmulatorConfig(emulator_.port),
      {{"default_deadline: 10s",
        absl::StrCat("default_deadline: 10s\nmax_in_flight: ", kLimit)}})));

  absl::Mutex mu;
  std::vector<grpc::StatusCode> codes;
  std::vector<absl::Duration> refused_after;
  std::vector<std::thread> callers;
  for (int i = 0; i < kCalls; ++i) {
    callers.emplace_back([&] {
      grpc::ClientContext context;
      context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(20)));
      v1::CallInnoPaaSRequest request;
      request.set_method("GET");
      request.set_path("/v1/slow");
      v1::HttpResponse response;
      const absl::Time start = absl::Now();
      const grpc::Status status =
          stub_->CallInnoPaaS(&context, request, &response);
      absl::MutexLock lock(&mu);
      codes.push_back(status.error_code());
      if (!status.ok()) refused_after.push_back(absl::Now() - start);
    });
  }
  for (std::thread& caller : callers) caller.join();
  const int ok = static_cast<int>(
      std::count(codes.begin(), codes.end(), grpc::StatusCode::OK));
  const int exhausted = static_cast<int>(std::count(
      codes.begin(), codes.end(), grpc::StatusCode::RESOURCE_EXHAUSTED));
  // Every call overlaps the 1.5 s upstream of the admitted ones, so exactly
  // the limit gets through and the rest are refused, without waiting.
  EXPECT_EQ(ok, kLimit);
  EXPECT_EQ(exhausted, kCalls - kLimit);
  for (absl::Duration waited : refused_after) {
    EXPECT_LT(waited, absl::Seconds(1));
  }
  // The cap is counted, so the refusals show in the metrics.
  absl::StatusOr<testing::AdminAnswer> metrics = GetAdmin(signet_, "/metrics");
  ASSERT_THAT(metrics, IsOk());
  const absl::StatusOr<double> refused = MetricSample(
      metrics->body,
      "signet_rpc_duration_seconds_count{code=\"RESOURCE_EXHAUSTED\","
      "method=\"CallInnoPaaS\",profile=\"none\"}");
  ASSERT_THAT(refused, IsOk());
  EXPECT_EQ(*refused, kCalls - kLimit);
}

}  // namespace
}  // namespace signet
