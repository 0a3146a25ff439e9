#include "server/gateway_service.h"

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/request_validation.h"
#include "server/proto_mapping.h"
#include "upstream/forward_request.h"

namespace signet {
namespace {

// The call's authorization metadata, if it sent exactly one.
std::optional<absl::string_view> AuthorizationMetadata(
    const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last || std::next(first) != last) return std::nullopt;
  return absl::string_view(first->second.data(), first->second.size());
}

// The caller's deadline, or now + default_deadline when it set none.
absl::Time CallDeadline(const grpc::CallbackServerContext& context,
                        absl::Time now, absl::Duration default_deadline) {
  const auto deadline = context.deadline();
  const absl::Time fallback = now + default_deadline;
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return fallback;
  }
  return std::min(absl::FromChrono(deadline), fallback);
}

// The completion of a call's upstream work: unless the deadline finished
// the call first, records the upstream's status and finishes the call with
// `result`'s error, or with OK once `fill` wrote the response.
template <typename Result, typename Fill>
void Finish(ObservedCall& call, absl::StatusOr<Result> result,
            int upstream_status, Fill fill) {
  if (!call.Claim()) return;  // the deadline finished the call
  call.set_upstream_status(upstream_status);
  if (!result.ok()) {
    call.Complete(result.status());
    return;
  }
  fill(*std::move(result));
  call.Complete(absl::OkStatus());
}

}  // namespace

// Every callback below holds the call (a CallPtr), which holds the runtime,
// and the profile it uses; it claims the call before it touches the call's
// response.

template <typename Profile>
GatewayService::Opened<Profile> GatewayService::Open(
    grpc::CallbackServerContext* context, absl::string_view method,
    absl::string_view profile_name, Finder<Profile> find) {
  Opened<Profile> open;
  open.call =
      ObservedCall::Start(context, method, observer_, &clock_, &refusal_log_);
  open.runtime = Admit(*open.call, *context, profile_name);
  if (open.runtime == nullptr) return open;  // refused, and completed
  absl::StatusOr<std::shared_ptr<Profile>> profile =
      (open.runtime->profiles.*find)(profile_name);
  if (!profile.ok()) {
    open.call->CompleteIfFirst(profile.status());
    return open;
  }
  open.call->set_profile((*profile)->settings().name);
  open.deadline =
      CallDeadline(*context, clock_.Now(),
                   open.runtime->profiles.settings().default_deadline);
  open.profile = *std::move(profile);
  return open;
}

GatewayRuntime* GatewayService::Admit(
    ObservedCall& call, const grpc::CallbackServerContext& context,
    absl::string_view profile) {
  std::shared_ptr<GatewayRuntime> runtime = runtime_.Get();
  GatewayRuntime* pinned = runtime.get();
  const size_t limit = pinned->profiles.settings().max_in_flight;
  call.Hold(std::move(runtime));
  if (!call.Admit(&in_flight_, limit)) {
    call.CompleteIfFirst(absl::ResourceExhaustedError(
        absl::StrCat("too many calls in flight (max_in_flight ", limit,
                     "); retry with backoff")));
    return nullptr;
  }
  if (pinned->callers.enabled()) {
    absl::StatusOr<std::string> caller = pinned->callers.Authorize(
        AuthorizationMetadata(context), call.method(), profile);
    if (!caller.ok()) {
      call.CompleteIfFirst(caller.status());
      return nullptr;
    }
    call.set_caller(*std::move(caller));
  }
  return pinned;
}

void GatewayService::BoundByDeadline(const CallPtr& call, absl::Time deadline) {
  if (call->claimed()) return;  // finished already (a cache hit)
  scheduler_.RunAfter(
      deadline - clock_.Now(), [weak = std::weak_ptr<ObservedCall>(call)] {
        const CallPtr call = weak.lock();
        if (call == nullptr) return;  // finished and gone
        call->CompleteIfFirst(
            absl::DeadlineExceededError("deadline passed while waiting for the "
                                        "upstream token"));
      });
}

grpc::ServerUnaryReactor* GatewayService::GetToken(
    grpc::CallbackServerContext* context, const v1::GetTokenRequest* request,
    v1::GetTokenResponse* response) {
  auto open = Open(context, "GetToken", request->profile(),
                   &ProfileRegistry::FindOpenApi);
  if (open.profile == nullptr) return open.call->reactor();
  open.profile->GetToken(
      request->force_refresh(),
      [call = open.call, profile = open.profile,
       response](absl::StatusOr<TokenCache::Result> result) {
        Finish(*call, std::move(result), 0, [&](TokenCache::Result token) {
          ToProto(token, profile->settings().app_id, response);
        });
      });
  BoundByDeadline(open.call, open.deadline);
  return open.call->reactor();
}

grpc::ServerUnaryReactor* GatewayService::Verify(
    grpc::CallbackServerContext* context, const v1::VerifyRequest* request,
    v1::VerifyResponse* response) {
  auto open = Open(context, "Verify", request->profile(),
                   &ProfileRegistry::FindOpenApi);
  if (open.profile == nullptr) return open.call->reactor();
  // An empty token means "the profile's current token"; only a call that
  // will wait for a fetch needs the deadline timer: otherwise the verify
  // request's own deadline bounds it.
  const bool may_wait =
      request->token().empty() && open.profile->TokenMayWait(clock_.Now());
  open.profile->Verify(
      request->token(), open.deadline, open.call->request_id(),
      [call = open.call, response](
          absl::StatusOr<OpenApiProfile::Verification> verification,
          int upstream_status) {
        Finish(*call, std::move(verification), upstream_status,
               [response](const OpenApiProfile::Verification& verified) {
                 ToProto(verified, response);
               });
      });
  if (may_wait) BoundByDeadline(open.call, open.deadline);
  return open.call->reactor();
}

template <typename Profile, typename Request>
void GatewayService::Forward(const Opened<Profile>& open,
                             const Request& request, v1::HttpResponse* response,
                             bool may_wait_for_token) {
  const GatewaySettings& settings = open.runtime->profiles.settings();
  absl::StatusOr<HttpRequest> outbound = BuildForwardRequest(
      open.profile->settings().base_url, ToForwardInput(request),
      Profile::ReservedHeaders(), settings.max_body_bytes, open.deadline,
      HeaderLimits{settings.max_headers, settings.max_header_bytes});
  if (!outbound.ok()) {
    open.call->CompleteIfFirst(outbound.status());
    return;
  }
  AddRequestId(open.call->request_id(), &*outbound);
  open.profile->Forward(
      *std::move(outbound),
      [call = open.call, response](absl::StatusOr<HttpResponse> answer) {
        const int upstream_status = answer.ok() ? answer->status : 0;
        Finish(*call, std::move(answer), upstream_status,
               [response](HttpResponse upstream) {
                 ToProto(std::move(upstream), response);
               });
      });
  if (may_wait_for_token) BoundByDeadline(open.call, open.deadline);
}

grpc::ServerUnaryReactor* GatewayService::CallInnoPaaS(
    grpc::CallbackServerContext* context,
    const v1::CallInnoPaaSRequest* request, v1::HttpResponse* response) {
  auto open = Open(context, "CallInnoPaaS", request->profile(),
                   &ProfileRegistry::FindInnoPaas);
  if (open.profile != nullptr) {
    Forward(open, *request, response, /*may_wait_for_token=*/false);
  }
  return open.call->reactor();
}

grpc::ServerUnaryReactor* GatewayService::CallOpenAPI(
    grpc::CallbackServerContext* context, const v1::CallOpenAPIRequest* request,
    v1::HttpResponse* response) {
  auto open = Open(context, "CallOpenAPI", request->profile(),
                   &ProfileRegistry::FindOpenApi);
  if (open.profile != nullptr) {
    // Signing waits when there is no valid token yet.
    Forward(open, *request, response, open.profile->TokenMayWait(clock_.Now()));
  }
  return open.call->reactor();
}

grpc::ServerUnaryReactor* GatewayService::FetchLicenses(
    grpc::CallbackServerContext* context,
    const v1::FetchLicensesRequest* request,
    v1::FetchLicensesResponse* response) {
  auto open = Open(context, "FetchLicenses", request->profile(),
                   &ProfileRegistry::FindLicense);
  if (open.profile == nullptr) return open.call->reactor();
  const std::map<std::string, std::string> fields(request->fields().begin(),
                                                  request->fields().end());
  if (absl::Status valid = ValidateQuery(fields, "fields"); !valid.ok()) {
    open.call->CompleteIfFirst(valid);
    return open.call->reactor();
  }
  open.profile->Fetch(
      fields, open.deadline, open.runtime->profiles.settings().max_body_bytes,
      open.call->request_id(),
      [call = open.call, response](absl::StatusOr<LicenseAnswer> licenses,
                                   int upstream_status) {
        Finish(*call, std::move(licenses), upstream_status,
               [response](LicenseAnswer answer) {
                 ToProto(std::move(answer), response);
               });
      });
  return open.call->reactor();
}

grpc::ServerUnaryReactor* GatewayService::VerifyInbound(
    grpc::CallbackServerContext* context,
    const v1::VerifyInboundRequest* request,
    v1::VerifyInboundResponse* response) {
  const CallPtr call = ObservedCall::Start(context, "VerifyInbound", observer_,
                                           &clock_, &refusal_log_);
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call->reactor();  // refused, and completed
  const absl::string_view profile =
      request->profile().empty() ? kDefaultProfile : request->profile();
  absl::StatusOr<VerifierRegistry::Outcome> outcome =
      runtime->inbound.Verify(profile, ToInboundRequest(*request));
  if (!outcome.ok()) {
    call->CompleteIfFirst(outcome.status());
    return call->reactor();
  }
  call->set_profile(profile);
  response->set_authentic(outcome->verdict.authentic());
  response->set_reason(outcome->verdict.Describe());
  response->set_scheme(std::string(outcome->scheme));
  call->CompleteIfFirst(absl::OkStatus());
  return call->reactor();
}

}  // namespace signet
