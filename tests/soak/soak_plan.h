#ifndef SIGNET_TESTS_SOAK_SOAK_PLAN_H_
#define SIGNET_TESTS_SOAK_SOAK_PLAN_H_

#include <grpcpp/support/status.h>

#include <array>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signet::soak {

// The calls the soak mixes. Variants of one RPC whose answers differ get
// their own kind: a forced refresh needs the token endpoint where a plain
// GetToken is served from the cache, /status/500 answers 500 when healthy,
// a forged webhook must be refused.
enum class Rpc {
  kGetToken,
  kGetTokenForced,
  kVerify,  // the profile's current token
  kCallOpenApi,
  kCallInnoPaaS,
  kCallInnoPaaS500,
  kFetchLicenses,
  kVerifyInbound,
  kVerifyInboundForged,
};
inline constexpr int kRpcKinds = 9;
absl::string_view RpcName(Rpc rpc);

// A set of gRPC status codes (bit i: code i).
class CodeSet {
 public:
  CodeSet() = default;
  CodeSet(std::initializer_list<grpc::StatusCode> codes);
  bool Contains(grpc::StatusCode code) const;
  CodeSet& operator|=(const CodeSet& other);
  CodeSet Without(grpc::StatusCode code) const;
  std::string ToString() const;

 private:
  uint32_t bits_ = 0;
};

// One phase of the cycle: the fault the emulator is given while it lasts
// and what every kind of call may answer meanwhile.
struct PhaseSpec {
  std::string name;
  std::string fault;  // body of POST /__faults
  std::array<CodeSet, kRpcKinds> allowed;
  // What a token fetch sent in this phase ends with. `allowed` covers the
  // fetches a call of this phase starts; but fetches are single flight, and
  // a call may join one that an earlier call started in an earlier phase.
  CodeSet token_fetch;
  // HTTP statuses an OK forwarded call may carry (CallOpenAPI,
  // CallInnoPaaS, CallInnoPaaS500); empty for other kinds.
  std::array<std::vector<int>, kRpcKinds> http;
  // Verify of the current token must say valid (no revoked token can be
  // cached in this phase).
  bool token_valid = false;
  // POST /__revoke at the start and then every second.
  bool revoke = false;
  // Phases after transport failures last at least this long (see
  // soak_plan.cc).
  absl::Duration min_length = absl::ZeroDuration();
};

// Phases in the order one cycle runs them; the last one is the strictly
// healthy phase in which memory is measured.
const std::vector<PhaseSpec>& Cycle();

// How long each phase of a run lasts: whole cycles, at least two.
struct Schedule {
  int cycles = 0;
  // Indexed like Cycle().
  std::vector<absl::Duration> lengths;
  absl::Duration cycle_length;
  absl::Duration total;
};
Schedule PlanSchedule(absl::Duration requested);

// Phase number n of a run (0, 1, ...) is Cycle()[n % Cycle().size()].
const PhaseSpec& PhaseAt(int64_t n);

// What a call spanning phases first..last (inclusive) may answer: the union
// of those phases' sets, since a fault applies from when the emulator takes
// it, not from when the call started. For a call that needs a token,
// `fetch_first` (<= first) is the earliest phase in which a fetch it may
// have joined can have started; the failures such fetches end with are
// allowed too (and for GetToken, their success).
CodeSet AllowedCodes(int64_t fetch_first, int64_t first, int64_t last, Rpc rpc);
// Whether `rpc` needs a token (and so may join a token fetch).
bool UsesToken(Rpc rpc);
bool HttpStatusAllowed(int64_t first, int64_t last, Rpc rpc, int status);
bool TokenMustBeValid(int64_t first, int64_t last);

}  // namespace signet::soak

#endif  // SIGNET_TESTS_SOAK_SOAK_PLAN_H_
