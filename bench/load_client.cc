// signet-bench-client: a gRPC load generator for the benchmark suite.
//
// Closed loop (--concurrency N): N callers, each issuing its next call as
// soon as the previous one completes. Open loop (--rate R): calls start on
// a fixed schedule whatever the answers do, and latency is measured from
// the scheduled start, so a stall is charged to every call it delays (no
// coordinated omission). Every call's gRPC status is checked (and, for
// CallInnoPaaS, the HTTP status); latencies are kept as sorted samples.
// Starting and counting the calls is LoadLoop's (tools/load), which the
// soak's driver shares.
// Prints one CSV row (throughput counts successful calls only):
//   rpc,mode,load,calls,errors,seconds,throughput,p50_us,p90_us,p99_us,p999_us,max_us
#include <grpcpp/grpcpp.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "load/load_loop.h"
#include "signet/v1/gateway.grpc.pb.h"

ABSL_FLAG(std::string, target, "127.0.0.1:50051", "signet's address");
ABSL_FLAG(std::string, rpc, "health",
          "health (Health/Check), gettoken, innopaas (CallInnoPaaS)");
ABSL_FLAG(int, concurrency, 1, "closed loop: callers in parallel");
ABSL_FLAG(double, rate, 0,
          "open loop: calls per second (overrides "
          "--concurrency)");
ABSL_FLAG(absl::Duration, duration, absl::Seconds(10), "measured time");
ABSL_FLAG(absl::Duration, warmup, absl::Seconds(1), "unmeasured time first");
ABSL_FLAG(int, burst, 0,
          "burst: issue this many calls at once, wait for all "
          "(overrides --rate and --concurrency)");
ABSL_FLAG(int, channels, 2, "gRPC channels (HTTP/2 connections)");
ABSL_FLAG(absl::Duration, deadline, absl::Seconds(30), "per-call deadline");
ABSL_FLAG(std::string, path, "/bench", "CallInnoPaaS path");
ABSL_FLAG(std::string, profile, "", "profile for GetToken and CallInnoPaaS");

namespace {

using Clock = signet::load::LoadLoop::Clock;

// One kind of call, issued asynchronously with the callback API.
class Caller {
 public:
  explicit Caller(const std::vector<std::shared_ptr<grpc::Channel>>& channels) {
    for (const auto& channel : channels) {
      gateways_.push_back(signet::v1::Gateway::NewStub(channel));
      healths_.push_back(grpc::health::v1::Health::NewStub(channel));
    }
  }

  // Starts call number `n`; `done(status, ok)` runs on a gRPC thread; ok
  // also checks the answer (SERVING, a token, HTTP 200).
  template <typename Done>
  void Start(const std::string& rpc, uint64_t n, Done done) {
    const size_t i = n % gateways_.size();
    auto context = std::make_shared<grpc::ClientContext>();
    context->set_deadline(
        absl::ToChronoTime(absl::Now() + absl::GetFlag(FLAGS_deadline)));
    if (rpc == "health") {
      auto request = std::make_shared<grpc::health::v1::HealthCheckRequest>();
      auto response = std::make_shared<grpc::health::v1::HealthCheckResponse>();
      healths_[i]->async()->Check(
          context.get(), request.get(), response.get(),
          [context, request, response, done](grpc::Status status) {
            done(status,
                 status.ok() &&
                     response->status() ==
                         grpc::health::v1::HealthCheckResponse::SERVING);
          });
    } else if (rpc == "gettoken") {
      auto request = std::make_shared<signet::v1::GetTokenRequest>();
      request->set_profile(absl::GetFlag(FLAGS_profile));
      auto response = std::make_shared<signet::v1::GetTokenResponse>();
      gateways_[i]->async()->GetToken(
          context.get(), request.get(), response.get(),
          [context, request, response, done](grpc::Status status) {
            done(status, status.ok() && !response->token().empty());
          });
    } else {
      auto request = std::make_shared<signet::v1::CallInnoPaaSRequest>();
      request->set_profile(absl::GetFlag(FLAGS_profile));
      request->set_method("GET");
      request->set_path(absl::GetFlag(FLAGS_path));
      auto response = std::make_shared<signet::v1::HttpResponse>();
      gateways_[i]->async()->CallInnoPaaS(
          context.get(), request.get(), response.get(),
          [context, request, response, done](grpc::Status status) {
            done(status, status.ok() && response->status() == 200);
          });
    }
  }

 private:
  std::vector<std::unique_ptr<signet::v1::Gateway::Stub>> gateways_;
  std::vector<std::unique_ptr<grpc::health::v1::Health::Stub>> healths_;
};

struct Samples {
  absl::Mutex mu;
  std::vector<int64_t> nanos ABSL_GUARDED_BY(mu);
  int64_t errors ABSL_GUARDED_BY(mu) = 0;
  // Failed calls by gRPC code and message, so a failing run says why.
  std::map<std::string, int64_t> error_kinds ABSL_GUARDED_BY(mu);

  void Add(int64_t latency_ns, const grpc::Status& status, bool ok) {
    absl::MutexLock lock(&mu);
    nanos.push_back(latency_ns);
    if (ok) return;
    ++errors;
    if (error_kinds.size() < 20) {
      ++error_kinds[absl::StrCat(status.error_code(), " ",
                                 status.error_message().substr(0, 120))];
    }
  }
};

double PercentileMicros(const std::vector<int64_t>& sorted, double q) {
  if (sorted.empty()) return 0;
  const size_t index =
      std::min(sorted.size() - 1,
               static_cast<size_t>(q * static_cast<double>(sorted.size())));
  return static_cast<double>(sorted[index]) / 1000.0;
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage("gRPC load generator for signet's benchmarks");
  absl::ParseCommandLine(argc, argv);
  const std::string rpc = absl::GetFlag(FLAGS_rpc);
  if (rpc != "health" && rpc != "gettoken" && rpc != "innopaas") {
    std::fprintf(stderr, "--rpc must be health, gettoken or innopaas\n");
    return 2;
  }
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < std::max(1, absl::GetFlag(FLAGS_channels)); ++i) {
    grpc::ChannelArguments args;
    args.SetInt("grpc.channel_id", i);  // distinct connections, not shared
    channels.push_back(grpc::CreateCustomChannel(
        absl::GetFlag(FLAGS_target), grpc::InsecureChannelCredentials(), args));
  }
  Caller caller(channels);
  Samples samples;
  const Clock::time_point start = Clock::now();
  const Clock::time_point measure_from =
      start + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_warmup));
  const Clock::time_point stop_at =
      measure_from + absl::ToChronoNanoseconds(absl::GetFlag(FLAGS_duration));

  const double rate = absl::GetFlag(FLAGS_rate);
  const int burst = absl::GetFlag(FLAGS_burst);
  signet::load::LoadLoopOptions options;
  std::string mode;
  std::string load;
  if (burst > 0) {
    mode = "burst";
    load = absl::StrCat(burst);
    options.concurrency = burst;
    options.max_calls = static_cast<uint64_t>(burst);
  } else if (rate > 0) {
    mode = "open";
    load = absl::StrCat(rate);
    // A fixed schedule and no cap: a stall is charged to every call it
    // delays (the default, unbounded max_pacing_debt).
    options.rate = rate;
    options.stop_at = stop_at;
  } else {
    mode = "closed";
    const int concurrency = std::max(1, absl::GetFlag(FLAGS_concurrency));
    load = absl::StrCat(concurrency);
    options.concurrency = concurrency;
    options.stop_at = stop_at;
  }
  // What a call's latency is counted from, and which calls count: burst,
  // all, from the common start; open, those scheduled after the warm-up,
  // from their scheduled start; closed, those that both started after the
  // warm-up and ended in the measured time, from their start.
  Clock::time_point burst_begin;
  auto record = [&](Clock::time_point scheduled, Clock::time_point end,
                    const grpc::Status& status, bool ok) {
    if (burst > 0) {
      samples.Add(std::chrono::duration_cast<std::chrono::nanoseconds>(
                      end - burst_begin)
                      .count(),
                  status, ok);
    } else if (rate > 0) {
      if (scheduled < measure_from) return;
      samples.Add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - scheduled)
              .count(),
          status, ok);
    } else {
      if (scheduled < measure_from || end > stop_at) return;
      samples.Add(
          std::chrono::duration_cast<std::chrono::nanoseconds>(end - scheduled)
              .count(),
          status, ok);
    }
  };
  std::unique_ptr<signet::load::LoadLoop> loop;
  loop = std::make_unique<signet::load::LoadLoop>(
      options, [&](uint64_t n, Clock::time_point scheduled) {
        caller.Start(rpc, n,
                     [&, scheduled](const grpc::Status& status, bool ok) {
                       record(scheduled, Clock::now(), status, ok);
                       loop->Done();
                     });
      });
  burst_begin = Clock::now();
  loop->Start();
  loop->AwaitFinished(absl::GetFlag(FLAGS_deadline) + absl::Seconds(5) +
                      absl::GetFlag(FLAGS_duration) +
                      absl::GetFlag(FLAGS_warmup));

  absl::MutexLock lock(&samples.mu);
  std::sort(samples.nanos.begin(), samples.nanos.end());
  const double seconds =
      burst > 0 ? std::chrono::duration<double>(Clock::now() - start).count()
                : absl::ToDoubleSeconds(absl::GetFlag(FLAGS_duration));
  const auto& s = samples.nanos;
  std::printf(
      "%s,%s,%s,%zu,%lld,%.3f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f\n", rpc.c_str(),
      mode.c_str(), load.c_str(), s.size(),
      static_cast<long long>(samples.errors), seconds,
      static_cast<double>(s.size() - static_cast<size_t>(samples.errors)) /
          seconds,
      PercentileMicros(s, 0.50), PercentileMicros(s, 0.90),
      PercentileMicros(s, 0.99), PercentileMicros(s, 0.999),
      s.empty() ? 0.0 : static_cast<double>(s.back()) / 1000.0);
  for (const auto& [kind, count] : samples.error_kinds) {
    std::fprintf(stderr, "failed: %lld x code %s\n",
                 static_cast<long long>(count), kind.c_str());
  }
  const int code = samples.errors == 0 && !s.empty() ? 0 : 1;
  // The result is out; exit without tearing gRPC down. A call's callback
  // reports Done() before gRPC destroys it (and the ClientContext its
  // captures hold), so returning from main could destroy the channels and
  // gRPC's globals under a callback still unwinding: seen once in ~100
  // --burst=1 runs as "ref_counted.h:183 assertion failed: prior > 0" and
  // an abort after a clean result.
  std::fflush(stdout);
  std::fflush(stderr);
  std::_Exit(code);
}
