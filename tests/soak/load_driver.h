#ifndef SIGNET_TESTS_SOAK_LOAD_DRIVER_H_
#define SIGNET_TESTS_SOAK_LOAD_DRIVER_H_

#include <grpcpp/grpcpp.h>

#include <array>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "load/load_loop.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "soak/phase_window.h"
#include "soak/soak_plan.h"

namespace signet::soak {

struct LoadOptions {
  // Calls in flight at most, and started per second at most.
  int concurrency = 24;
  double rate = 400;
  absl::Duration deadline = absl::Seconds(2);
  // An answer later than deadline + late_margin is a violation.
  absl::Duration late_margin = absl::Seconds(1);
  // How long a token fetch can stay in flight (signet's token_timeout, or
  // the deadline of the call that started it); a call may join one that
  // started this long before it did.
  absl::Duration token_fetch_lookback = absl::Seconds(3);
  uint64_t seed = 1;
  std::string openapi_app_id;
  std::string license_profile;
  std::string inbound_profile;
  std::string hook_user;
  std::string hook_authorization;
};

// What the calls answered, by the phase they started in.
struct Tally {
  // [phase index in Cycle()][rpc] -> gRPC code -> calls.
  std::vector<std::array<std::map<int, int64_t>, kRpcKinds>> codes;
  std::array<int64_t, kRpcKinds> calls{};
  // OK answers that must have come from the emulator (one request or more
  // each): Verify and CallOpenAPI on its verify route, CallInnoPaaS on its
  // innopaas route, FetchLicenses on its license route.
  int64_t ok_verify_route = 0;
  int64_t ok_innopaas_route = 0;
  int64_t ok_license_route = 0;
  std::set<std::string> tokens;  // distinct tokens GetToken returned
  int64_t total = 0;
  int64_t violations = 0;
  std::vector<std::string> first_violations;
};

// Keeps a mix of every Gateway RPC running against signet, paced at
// options.rate and capped at options.concurrency in flight (a LoadLoop,
// tools/load), with the gRPC callback API (no thread waits on a call).
// Every answer is judged against
// the phases it may have met (PhaseWindow, soak_plan.h): its code, that it
// came within its deadline, and what an OK answer carries.
class LoadDriver {
 public:
  LoadDriver(v1::Gateway::Stub* stub, const PhaseWindow* phases,
             LoadOptions options);
  LoadDriver(const LoadDriver&) = delete;
  LoadDriver& operator=(const LoadDriver&) = delete;
  // Stops and drains (see StopAndDrain) if still running.
  ~LoadDriver();

  void Start() ABSL_LOCKS_EXCLUDED(mu_);

  // Stops starting calls and waits up to `timeout` for those in flight;
  // false if some are still running then.
  bool StopAndDrain(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

  Tally Snapshot() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Verdict;

  Rpc Pick() ABSL_LOCKS_EXCLUDED(mu_);
  void Issue(Rpc rpc) ABSL_LOCKS_EXCLUDED(mu_);
  // Starts one call; `method` invokes the stub's async() method.
  template <typename Request, typename Response, typename Method>
  void Launch(Rpc rpc, Request request, Method method);
  // Judges an OK answer's content; empty if it is right.
  std::string Inspect(Rpc rpc, int64_t first, int64_t last,
                      const v1::GetTokenResponse& response, Verdict* verdict);
  std::string Inspect(Rpc rpc, int64_t first, int64_t last,
                      const v1::VerifyResponse& response, Verdict* verdict);
  std::string Inspect(Rpc rpc, int64_t first, int64_t last,
                      const v1::HttpResponse& response, Verdict* verdict);
  std::string Inspect(Rpc rpc, int64_t first, int64_t last,
                      const v1::FetchLicensesResponse& response,
                      Verdict* verdict);
  std::string Inspect(Rpc rpc, int64_t first, int64_t last,
                      const v1::VerifyInboundResponse& response,
                      Verdict* verdict);
  // Tallies one answer, then reports it to loop_.
  void Record(Rpc rpc, absl::Time start, int64_t last, absl::Duration elapsed,
              const grpc::Status& status, const std::string& problem,
              const Verdict& verdict) ABSL_LOCKS_EXCLUDED(mu_);
  void RecordLocked(Rpc rpc, int64_t first, int64_t last,
                    absl::Duration elapsed, const grpc::Status& status,
                    const std::string& problem, const Verdict& verdict,
                    const CodeSet& allowed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void AddViolationLocked(std::string text) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  v1::Gateway::Stub* const stub_;
  const PhaseWindow* const phases_;
  const LoadOptions options_;

  mutable absl::Mutex mu_;
  std::mt19937_64 random_ ABSL_GUARDED_BY(mu_);
  Tally tally_ ABSL_GUARDED_BY(mu_);
  // Last: its calls use everything above, so it stops them first.
  load::LoadLoop loop_;
};

}  // namespace signet::soak

#endif  // SIGNET_TESTS_SOAK_LOAD_DRIVER_H_
