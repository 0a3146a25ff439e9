#include "soak/load_driver.h"

#include <algorithm>
#include <memory>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace signet::soak {
namespace {

// Violations kept verbatim for the report; all are counted.
constexpr size_t kMaxReportedViolations = 50;
// After a stall the pacing restarts from now rather than bursting to catch
// up with the schedule.
constexpr absl::Duration kMaxPacingDebt = absl::Seconds(1);

load::LoadLoopOptions LoopOptions(const LoadOptions& options) {
  load::LoadLoopOptions loop;
  loop.rate = options.rate;
  loop.concurrency = options.concurrency;
  loop.max_pacing_debt = kMaxPacingDebt;
  return loop;
}

// Relative weights of the kinds in the mix, indexed like Rpc.
constexpr std::array<int, kRpcKinds> kWeights = {
    16,  // GetToken
    2,   // GetToken(force_refresh)
    14,  // Verify
    18,  // CallOpenAPI
    16,  // CallInnoPaaS
    4,   // CallInnoPaaS(/status/500)
    14,  // FetchLicenses
    10,  // VerifyInbound
    6,   // VerifyInbound(forged)
};

std::string CodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::string PhaseRange(int64_t first, int64_t last) {
  std::string text = absl::StrCat(PhaseAt(first).name, "#", first);
  if (last != first)
    absl::StrAppend(&text, "..", PhaseAt(last).name, "#", last);
  return text;
}

void AddHeader(const std::string& name, const std::string& value,
               v1::VerifyInboundRequest* request) {
  v1::Header* header = request->add_headers();
  header->set_name(name);
  header->set_value(value);
}

}  // namespace

struct LoadDriver::Verdict {
  std::string token;
  bool reached_verify_route = false;
  bool reached_innopaas_route = false;
  bool reached_license_route = false;
};

LoadDriver::LoadDriver(v1::Gateway::Stub* stub, const PhaseWindow* phases,
                       LoadOptions options)
    : stub_(stub),
      phases_(phases),
      options_(std::move(options)),
      random_(options_.seed),
      loop_(LoopOptions(options_),
            [this](uint64_t, load::LoadLoop::Clock::time_point) {
              Issue(Pick());
            }) {
  tally_.codes.resize(Cycle().size());
}

LoadDriver::~LoadDriver() { (void)StopAndDrain(options_.deadline * 2); }

void LoadDriver::Start() { loop_.Start(); }

bool LoadDriver::StopAndDrain(absl::Duration timeout) {
  return loop_.StopAndDrain(timeout);
}

Tally LoadDriver::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return tally_;
}

Rpc LoadDriver::Pick() {
  absl::MutexLock lock(&mu_);
  int total = 0;
  for (const int weight : kWeights) total += weight;
  int pick = std::uniform_int_distribution<int>(0, total - 1)(random_);
  for (int i = 0; i < kRpcKinds; ++i) {
    if (pick < kWeights[i]) return static_cast<Rpc>(i);
    pick -= kWeights[i];
  }
  return Rpc::kGetToken;
}

template <typename Request, typename Response, typename Method>
void LoadDriver::Launch(Rpc rpc, Request request, Method method) {
  struct Call {
    grpc::ClientContext context;
    Request request;
    Response response;
    absl::Time start;
  };
  auto* call = new Call;
  call->request = std::move(request);
  call->start = absl::Now();
  call->context.set_deadline(
      absl::ToChronoTime(call->start + options_.deadline));
  method(
      &call->context, &call->request, &call->response,
      [this, rpc, call](grpc::Status status) {
        const absl::Duration elapsed = absl::Now() - call->start;
        const int64_t first_phase = phases_->LowestAt(call->start);
        const int64_t last_phase = phases_->Highest();
        Verdict verdict;
        std::string problem;
        if (status.ok()) {
          problem =
              Inspect(rpc, first_phase, last_phase, call->response, &verdict);
        }
        Record(rpc, call->start, last_phase, elapsed, status, problem, verdict);
        delete call;
      });
}

void LoadDriver::Issue(Rpc rpc) {
  auto* async = stub_->async();
  switch (rpc) {
    case Rpc::kGetToken:
    case Rpc::kGetTokenForced: {
      v1::GetTokenRequest request;
      request.set_force_refresh(rpc == Rpc::kGetTokenForced);
      Launch<v1::GetTokenRequest, v1::GetTokenResponse>(
          rpc, std::move(request), [async](auto* c, auto* q, auto* r, auto f) {
            async->GetToken(c, q, r, std::move(f));
          });
      return;
    }
    case Rpc::kVerify:
      Launch<v1::VerifyRequest, v1::VerifyResponse>(
          rpc, v1::VerifyRequest(), [async](auto* c, auto* q, auto* r, auto f) {
            async->Verify(c, q, r, std::move(f));
          });
      return;
    case Rpc::kCallOpenApi: {
      v1::CallOpenAPIRequest request;
      request.set_method("GET");
      // The emulator's verify endpoint checks bearer token and X-APP-ID.
      request.set_path("/api/v5/authentication/verify");
      Launch<v1::CallOpenAPIRequest, v1::HttpResponse>(
          rpc, std::move(request), [async](auto* c, auto* q, auto* r, auto f) {
            async->CallOpenAPI(c, q, r, std::move(f));
          });
      return;
    }
    case Rpc::kCallInnoPaaS:
    case Rpc::kCallInnoPaaS500: {
      v1::CallInnoPaaSRequest request;
      request.set_method("POST");
      request.set_path(rpc == Rpc::kCallInnoPaaS ? "/v1/messages"
                                                 : "/status/500");
      request.set_body(R"({"text":"soak"})");
      Launch<v1::CallInnoPaaSRequest, v1::HttpResponse>(
          rpc, std::move(request), [async](auto* c, auto* q, auto* r, auto f) {
            async->CallInnoPaaS(c, q, r, std::move(f));
          });
      return;
    }
    case Rpc::kFetchLicenses: {
      v1::FetchLicensesRequest request;
      request.set_profile(options_.license_profile);
      (*request.mutable_fields())["count"] = "2";
      Launch<v1::FetchLicensesRequest, v1::FetchLicensesResponse>(
          rpc, std::move(request), [async](auto* c, auto* q, auto* r, auto f) {
            async->FetchLicenses(c, q, r, std::move(f));
          });
      return;
    }
    case Rpc::kVerifyInbound:
    case Rpc::kVerifyInboundForged: {
      v1::VerifyInboundRequest request;
      request.set_profile(options_.inbound_profile);
      request.set_method("POST");
      request.set_path("/hooks/innopaas");
      AddHeader("UserName", options_.hook_user, &request);
      AddHeader("Authorization",
                rpc == Rpc::kVerifyInbound ? options_.hook_authorization
                                           : "forged-authorization",
                &request);
      request.set_body(R"({"event":"soak"})");
      Launch<v1::VerifyInboundRequest, v1::VerifyInboundResponse>(
          rpc, std::move(request), [async](auto* c, auto* q, auto* r, auto f) {
            async->VerifyInbound(c, q, r, std::move(f));
          });
      return;
    }
  }
}

std::string LoadDriver::Inspect(Rpc rpc, int64_t first, int64_t last,
                                const v1::GetTokenResponse& response,
                                Verdict* verdict) {
  if (response.token().empty()) return "empty token";
  if (response.app_id() != options_.openapi_app_id) {
    return absl::StrCat("app_id ", response.app_id());
  }
  if (rpc == Rpc::kGetTokenForced && response.from_cache()) {
    return "force_refresh answered from the cache";
  }
  verdict->token = response.token();
  return "";
}

std::string LoadDriver::Inspect(Rpc rpc, int64_t first, int64_t last,
                                const v1::VerifyResponse& response,
                                Verdict* verdict) {
  verdict->reached_verify_route = true;
  if (TokenMustBeValid(first, last) && !response.valid()) {
    return absl::StrCat("current token not valid: ", response.message());
  }
  return "";
}

std::string LoadDriver::Inspect(Rpc rpc, int64_t first, int64_t last,
                                const v1::HttpResponse& response,
                                Verdict* verdict) {
  if (rpc == Rpc::kCallOpenApi) {
    verdict->reached_verify_route = true;
  } else {
    verdict->reached_innopaas_route = true;
  }
  if (!HttpStatusAllowed(first, last, rpc, response.status())) {
    return absl::StrCat("HTTP ", response.status(), ": ",
                        response.body().substr(0, 200));
  }
  return "";
}

std::string LoadDriver::Inspect(Rpc rpc, int64_t first, int64_t last,
                                const v1::FetchLicensesResponse& response,
                                Verdict* verdict) {
  verdict->reached_license_route = true;
  if (response.code() != "SUCCESS" || response.keys_size() != 2) {
    return absl::StrCat("code ", response.code(), " with ",
                        response.keys_size(), " keys");
  }
  return "";
}

std::string LoadDriver::Inspect(Rpc rpc, int64_t first, int64_t last,
                                const v1::VerifyInboundResponse& response,
                                Verdict* verdict) {
  const bool expected = rpc == Rpc::kVerifyInbound;
  if (response.authentic() != expected) {
    return absl::StrCat("authentic=", response.authentic(), " (",
                        response.reason(), ")");
  }
  return "";
}

void LoadDriver::Record(Rpc rpc, absl::Time start, int64_t last,
                        absl::Duration elapsed, const grpc::Status& status,
                        const std::string& problem, const Verdict& verdict) {
  const int64_t first = phases_->LowestAt(start);
  const int64_t fetch_first =
      phases_->LowestAt(start - options_.token_fetch_lookback);
  const CodeSet allowed = AllowedCodes(fetch_first, first, last, rpc);
  {
    absl::MutexLock lock(&mu_);
    RecordLocked(rpc, first, last, elapsed, status, problem, verdict, allowed);
  }
  loop_.Done();
}

void LoadDriver::RecordLocked(Rpc rpc, int64_t first, int64_t last,
                              absl::Duration elapsed,
                              const grpc::Status& status,
                              const std::string& problem,
                              const Verdict& verdict, const CodeSet& allowed) {
  const int index = static_cast<int>(rpc);
  ++tally_.total;
  ++tally_.calls[index];
  ++tally_.codes[static_cast<size_t>(first) % Cycle().size()][index]
                [status.error_code()];
  const std::string where =
      absl::StrCat(RpcName(rpc), " in ", PhaseRange(first, last));
  if (!allowed.Contains(status.error_code())) {
    AddViolationLocked(absl::StrCat(where, ": ", CodeName(status.error_code()),
                                    " \"", status.error_message(),
                                    "\" not in allowed ", allowed.ToString()));
  }
  if (elapsed > options_.deadline + options_.late_margin) {
    AddViolationLocked(absl::StrCat(
        where, ": answered after ", absl::FormatDuration(elapsed),
        " (deadline ", absl::FormatDuration(options_.deadline), ")"));
  }
  if (!problem.empty()) {
    AddViolationLocked(absl::StrCat(where, ": OK but ", problem));
    return;
  }
  if (!status.ok()) return;
  if (!verdict.token.empty()) tally_.tokens.insert(verdict.token);
  if (verdict.reached_verify_route) ++tally_.ok_verify_route;
  if (verdict.reached_innopaas_route) ++tally_.ok_innopaas_route;
  if (verdict.reached_license_route) ++tally_.ok_license_route;
}

void LoadDriver::AddViolationLocked(std::string text) {
  ++tally_.violations;
  if (tally_.first_violations.size() < kMaxReportedViolations) {
    tally_.first_violations.push_back(std::move(text));
  }
}

}  // namespace signet::soak
