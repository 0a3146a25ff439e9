#include "soak/soak_plan.h"

#include <algorithm>
#include <cmath>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace signet::soak {
namespace {

using Code = grpc::StatusCode;

constexpr Code kOk = Code::OK;
constexpr Code kUnavailable = Code::UNAVAILABLE;
constexpr Code kDeadline = Code::DEADLINE_EXCEEDED;

// A cycle of this many seconds or so; longer runs get more cycles.
constexpr absl::Duration kTargetCycle = absl::Seconds(90);
constexpr absl::Duration kMinPhase = absl::Seconds(2);
// After the drop and hang phases a per-profile circuit breaker may be open
// (default cool-down 10 s) and fail calls fast with UNAVAILABLE; the
// recovery phase allows that and outlasts the cool-down plus a probe, so
// the strictly healthy phase after it starts with every breaker closed.
constexpr absl::Duration kRecoveryLength = absl::Seconds(12);

int Index(Rpc rpc) { return static_cast<int>(rpc); }

// Builds a phase: every kind starts with `base`; Set overrides.
struct PhaseBuilder {
  PhaseSpec spec;

  PhaseBuilder(std::string name, std::string fault, CodeSet base) {
    spec.name = std::move(name);
    spec.fault = std::move(fault);
    spec.allowed.fill(base);
    spec.token_fetch = {kOk};
    // Inbound verification never goes upstream: OK in every phase.
    spec.allowed[Index(Rpc::kVerifyInbound)] = {kOk};
    spec.allowed[Index(Rpc::kVerifyInboundForged)] = {kOk};
    // What the emulator answers when it is healthy.
    Http(Rpc::kCallOpenApi, {200});
    Http(Rpc::kCallInnoPaaS, {200});
    Http(Rpc::kCallInnoPaaS500, {500});
  }
  PhaseBuilder& Set(Rpc rpc, CodeSet codes) {
    spec.allowed[Index(rpc)] = codes;
    return *this;
  }
  PhaseBuilder& Http(Rpc rpc, std::vector<int> statuses) {
    spec.http[Index(rpc)] = std::move(statuses);
    return *this;
  }
  // The emulator answers every forwarded call with `status`, whatever the
  // path asked for.
  PhaseBuilder& AllForwardedHttp(int status) {
    for (Rpc rpc :
         {Rpc::kCallOpenApi, Rpc::kCallInnoPaaS, Rpc::kCallInnoPaaS500}) {
      Http(rpc, {status});
    }
    return *this;
  }
  PhaseBuilder& TokenFetch(CodeSet codes) {
    spec.token_fetch = codes;
    return *this;
  }
  PhaseBuilder& TokenValid() {
    spec.token_valid = true;
    return *this;
  }
  PhaseBuilder& Revoke() {
    spec.revoke = true;
    return *this;
  }
  PhaseBuilder& MinLength(absl::Duration length) {
    spec.min_length = length;
    return *this;
  }
};

// A token fetch that fails on 5xx or a transport error may be retried
// within the caller's deadline; a caller that joined such a fetch late can
// see its own deadline pass first. So forced refreshes against a failing
// token endpoint may end either way.
const CodeSet kTokenFetchFails = {kUnavailable, kDeadline};

std::vector<PhaseSpec> BuildCycle() {
  std::vector<PhaseSpec> cycle;
  // The token endpoint answers 503; everything else is healthy. The
  // cached token (prewarmed, or fetched in the healthy phase) keeps the
  // OpenAPI calls working.
  cycle.push_back(
      PhaseBuilder("token_down",
                   R"({"mode":"error","route":"token","status":503})", {kOk})
          .Set(Rpc::kGetTokenForced, kTokenFetchFails)
          .TokenFetch(kTokenFetchFails)
          .TokenValid()
          .spec);
  // Every upstream answers 300 ms late, well within the deadline.
  cycle.push_back(
      PhaseBuilder("slow", R"({"mode":"slow","route":"all","delay_ms":300})",
                   {kOk})
          .TokenValid()
          .spec);
  // Every upstream answers 503: forwarded calls pass it through, the
  // token, verify and license endpoints make it UNAVAILABLE.
  cycle.push_back(PhaseBuilder("error_5xx",
                               R"({"mode":"error","route":"all","status":503})",
                               {kOk})
                      .Set(Rpc::kGetTokenForced, kTokenFetchFails)
                      .Set(Rpc::kVerify, {kUnavailable})
                      .Set(Rpc::kFetchLicenses, {kUnavailable})
                      .TokenFetch(kTokenFetchFails)
                      .AllForwardedHttp(503)
                      .spec);
  // Every upstream answers 200 with truncated JSON: forwarded calls pass
  // it through, parsed answers are UNAVAILABLE ("malformed answer").
  cycle.push_back(
      PhaseBuilder("malformed", R"({"mode":"malformed","route":"all"})", {kOk})
          .Set(Rpc::kGetTokenForced, {kUnavailable})
          .Set(Rpc::kVerify, {kUnavailable})
          .Set(Rpc::kFetchLicenses, {kUnavailable})
          .TokenFetch({kUnavailable})
          .AllForwardedHttp(200)
          .spec);
  // Tokens are revoked every second: CallOpenAPI meets 401, fetches a new
  // token and retries once; the retry itself can meet a revocation, and
  // that second 401 is returned as it is.
  cycle.push_back(PhaseBuilder("revoked", R"({"mode":"none"})", {kOk})
                      .Revoke()
                      .Http(Rpc::kCallOpenApi, {200, 401})
                      .spec);
  // Every upstream connection is cut mid-body. The cache may have been
  // emptied by a 401 at the end of "revoked", so even a plain GetToken may
  // need the (failing) token endpoint.
  cycle.push_back(
      PhaseBuilder("drop", R"({"mode":"drop","route":"all"})", {kUnavailable})
          .Set(Rpc::kGetToken, {kOk, kUnavailable, kDeadline})
          .Set(Rpc::kGetTokenForced, kTokenFetchFails)
          .Set(Rpc::kVerify, kTokenFetchFails)
          .Set(Rpc::kCallOpenApi, kTokenFetchFails)
          .TokenFetch(kTokenFetchFails)
          .spec);
  // Every upstream hangs until the phase ends; calls end at their deadline
  // (or fail fast once a circuit breaker opened).
  cycle.push_back(PhaseBuilder("hang", R"({"mode":"hang","route":"all"})",
                               {kDeadline, kUnavailable})
                      .Set(Rpc::kGetToken, {kOk, kUnavailable, kDeadline})
                      .TokenFetch({kDeadline, kUnavailable})
                      .spec);
  // Faults cleared; breakers may still be cooling down.
  cycle.push_back(
      PhaseBuilder("recovery", R"({"mode":"none"})", {kOk, kUnavailable})
          .TokenFetch({kOk, kUnavailable})
          .MinLength(kRecoveryLength)
          .spec);
  // Everything must work; memory is measured at the end of this phase.
  cycle.push_back(
      PhaseBuilder("healthy", R"({"mode":"none"})", {kOk}).TokenValid().spec);
  return cycle;
}

}  // namespace

absl::string_view RpcName(Rpc rpc) {
  switch (rpc) {
    case Rpc::kGetToken:
      return "GetToken";
    case Rpc::kGetTokenForced:
      return "GetToken(force_refresh)";
    case Rpc::kVerify:
      return "Verify";
    case Rpc::kCallOpenApi:
      return "CallOpenAPI";
    case Rpc::kCallInnoPaaS:
      return "CallInnoPaaS";
    case Rpc::kCallInnoPaaS500:
      return "CallInnoPaaS(/status/500)";
    case Rpc::kFetchLicenses:
      return "FetchLicenses";
    case Rpc::kVerifyInbound:
      return "VerifyInbound";
    case Rpc::kVerifyInboundForged:
      return "VerifyInbound(forged)";
  }
  return "?";
}

CodeSet::CodeSet(std::initializer_list<grpc::StatusCode> codes) {
  for (const grpc::StatusCode code : codes) bits_ |= 1u << code;
}

bool CodeSet::Contains(grpc::StatusCode code) const {
  return code >= 0 && code < 32 && (bits_ & (1u << code)) != 0;
}

CodeSet& CodeSet::operator|=(const CodeSet& other) {
  bits_ |= other.bits_;
  return *this;
}

CodeSet CodeSet::Without(grpc::StatusCode code) const {
  CodeSet out = *this;
  out.bits_ &= ~(1u << code);
  return out;
}

std::string CodeSet::ToString() const {
  std::vector<std::string> names;
  for (int code = 0; code < 32; ++code) {
    if (bits_ & (1u << code)) {
      names.push_back(
          absl::StatusCodeToString(static_cast<absl::StatusCode>(code)));
    }
  }
  return absl::StrCat("{", absl::StrJoin(names, ","), "}");
}

const std::vector<PhaseSpec>& Cycle() {
  static const std::vector<PhaseSpec>* const cycle =
      new std::vector<PhaseSpec>(BuildCycle());
  return *cycle;
}

Schedule PlanSchedule(absl::Duration requested) {
  const std::vector<PhaseSpec>& cycle = Cycle();
  Schedule schedule;
  schedule.cycles = std::max<int>(
      2, static_cast<int>(
             std::lround(absl::FDivDuration(requested, kTargetCycle))));
  absl::Duration fixed;
  int flexible = 0;
  for (const PhaseSpec& phase : cycle) {
    if (phase.min_length > absl::ZeroDuration()) {
      fixed += phase.min_length;
    } else {
      ++flexible;
    }
  }
  const absl::Duration per_cycle = requested / schedule.cycles;
  const absl::Duration flexible_length =
      std::max(kMinPhase, (per_cycle - fixed) / std::max(flexible, 1));
  for (const PhaseSpec& phase : cycle) {
    schedule.lengths.push_back(phase.min_length > absl::ZeroDuration()
                                   ? std::max(phase.min_length, flexible_length)
                                   : flexible_length);
    schedule.cycle_length += schedule.lengths.back();
  }
  schedule.total = schedule.cycle_length * schedule.cycles;
  return schedule;
}

const PhaseSpec& PhaseAt(int64_t n) {
  const std::vector<PhaseSpec>& cycle = Cycle();
  return cycle[static_cast<size_t>(n) % cycle.size()];
}

CodeSet AllowedCodes(int64_t fetch_first, int64_t first, int64_t last,
                     Rpc rpc) {
  CodeSet codes;
  for (int64_t n = first; n <= last; ++n) {
    codes |= PhaseAt(n).allowed[Index(rpc)];
  }
  if (!UsesToken(rpc)) return codes;
  const bool answer_is_the_token =
      rpc == Rpc::kGetToken || rpc == Rpc::kGetTokenForced;
  for (int64_t n = fetch_first; n < first; ++n) {
    codes |= answer_is_the_token
                 ? PhaseAt(n).token_fetch
                 : PhaseAt(n).token_fetch.Without(grpc::StatusCode::OK);
  }
  return codes;
}

bool UsesToken(Rpc rpc) {
  return rpc == Rpc::kGetToken || rpc == Rpc::kGetTokenForced ||
         rpc == Rpc::kVerify || rpc == Rpc::kCallOpenApi;
}

bool HttpStatusAllowed(int64_t first, int64_t last, Rpc rpc, int status) {
  for (int64_t n = first; n <= last; ++n) {
    const std::vector<int>& statuses = PhaseAt(n).http[Index(rpc)];
    if (std::find(statuses.begin(), statuses.end(), status) != statuses.end()) {
      return true;
    }
  }
  return false;
}

bool TokenMustBeValid(int64_t first, int64_t last) {
  for (int64_t n = first; n <= last; ++n) {
    if (!PhaseAt(n).token_valid) return false;
  }
  return true;
}

}  // namespace signet::soak
