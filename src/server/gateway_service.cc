#include "server/gateway_service.h"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "upstream/forward_request.h"
#include "http/request_validation.h"
#include "apsdai/license_request.h"
#include "server/grpc_status.h"
#include "server/observed_call.h"
#include "openapi/expire_time.h"
#include "openapi/token_request.h"

namespace signet {
namespace {

void SetTimestamp(absl::Time time, google::protobuf::Timestamp* out) {
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since_epoch);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds))));
}

// HTTP 401, or a JSON body whose "code" the profile lists as "token no
// longer valid".
bool IsTokenRejection(const HttpResponse& answer,
                      const std::vector<int64_t>& token_invalid_codes) {
  if (answer.status == 401) return true;
  if (token_invalid_codes.empty()) return false;
  const nlohmann::json body = nlohmann::json::parse(
      answer.body, nullptr, /*allow_exceptions=*/false);
  if (!body.is_object()) return false;
  const auto code = body.find("code");
  if (code == body.end() || !code->is_number_integer()) return false;
  return std::find(token_invalid_codes.begin(), token_invalid_codes.end(),
                   code->get<int64_t>()) != token_invalid_codes.end();
}

grpc::ServerUnaryReactor* FinishNow(const CallPtr& call,
                                    const absl::Status& status) {
  call->CompleteIfFirst(status);
  return call.get();
}

// Adds X-Request-Id unless the request already carries one (the caller's
// own, among its forwarded headers, wins).
void AddRequestId(const std::string& id, HttpRequest* request) {
  if (!FindHeader(request->headers, "X-Request-Id").has_value()) {
    request->headers.push_back({"X-Request-Id", id});
  }
}

// The call's authorization metadata, if it sent exactly one.
std::optional<absl::string_view> AuthorizationMetadata(
    const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto [first, last] = metadata.equal_range("authorization");
  if (first == last || std::next(first) != last) return std::nullopt;
  return absl::string_view(first->second.data(), first->second.size());
}

// Whether getting the profile's token may mean waiting for a fetch (no
// valid token cached). A token expiring right after this check is waited
// for within token_timeout; the answer only decides whether a deadline
// timer is worth arming.
bool TokenMayWait(const TokenCache& cache, absl::Time now) {
  const std::optional<absl::Time> expires_at = cache.ExpiresAt();
  return !expires_at.has_value() || *expires_at <= now;
}

}  // namespace

CallPtr GatewayService::StartCall(const grpc::CallbackServerContext& context,
                                  absl::string_view method) {
  return ObservedCall::Start(context, method, observer_, &clock_,
                             &refusal_log_);
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

absl::Time GatewayService::CallDeadline(
    const grpc::CallbackServerContext& context,
    const GatewaySettings& settings) const {
  const auto deadline = context.deadline();
  const absl::Time fallback =
      clock_.Now() + settings.default_deadline;
  if (deadline == std::chrono::system_clock::time_point::max()) {
    return fallback;
  }
  return std::min(absl::FromChrono(deadline), fallback);
}

// Callbacks below capture the call (a CallPtr): it holds the runtime, so
// the profile, its settings and its cache they refer to live as long as
// the callback. They claim the call before touching it or the response.

grpc::ServerUnaryReactor* GatewayService::GetToken(
    grpc::CallbackServerContext* context, const v1::GetTokenRequest* request,
    v1::GetTokenResponse* response) {
  CallPtr call = StartCall(*context, "GetToken");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  absl::StatusOr<OpenApiProfileRuntime*> profile =
      runtime->profiles.FindOpenApi(request->profile());
  if (!profile.ok()) return FinishNow(call, profile.status());
  call->set_profile((*profile)->settings.name);
  const std::string& app_id = (*profile)->settings.app_id;
  auto on_token = [call, response,
                   &app_id](absl::StatusOr<TokenCache::Result> result) {
    if (!call->Claim()) return;  // the deadline finished the call
    if (!result.ok()) {
      call->Complete(result.status());
      return;
    }
    response->set_token(std::string(result->token.value.Reveal()));
    SetTimestamp(result->token.expires_at, response->mutable_expire_time());
    response->set_app_id(app_id);
    response->set_from_cache(result->from_cache);
    call->Complete(absl::OkStatus());
  };
  if (request->force_refresh()) {
    (*profile)->cache->ForceRefresh(std::move(on_token));
  } else {
    (*profile)->cache->Get(std::move(on_token));
  }
  BoundByDeadline(call, CallDeadline(*context, runtime->profiles.settings()));
  return call.get();
}

grpc::ServerUnaryReactor* GatewayService::Verify(
    grpc::CallbackServerContext* context, const v1::VerifyRequest* request,
    v1::VerifyResponse* response) {
  CallPtr call = StartCall(*context, "Verify");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  absl::StatusOr<OpenApiProfileRuntime*> profile =
      runtime->profiles.FindOpenApi(request->profile());
  if (!profile.ok()) return FinishNow(call, profile.status());
  call->set_profile((*profile)->settings.name);
  const absl::Time deadline =
      CallDeadline(*context, runtime->profiles.settings());
  const OpenApiProfileRuntime& openapi = **profile;
  if (!request->token().empty()) {
    VerifyToken(openapi, request->token(), deadline, response, call);
    return call.get();
  }
  // An empty token means "the profile's current token". Only a call that
  // will wait for a token fetch needs the deadline timer; with a cached
  // token the verify request's own deadline bounds it.
  const bool may_wait = TokenMayWait(*openapi.cache, clock_.Now());
  openapi.cache->Get([&openapi, deadline, response,
                      call](absl::StatusOr<TokenCache::Result> result) {
    if (!result.ok()) {
      call->CompleteIfFirst(result.status());
      return;
    }
    VerifyToken(openapi, std::string(result->token.value.Reveal()), deadline,
                response, call);
  });
  if (may_wait) BoundByDeadline(call, deadline);
  return call.get();
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

void GatewayService::VerifyToken(const OpenApiProfileRuntime& profile,
                                 std::string token, absl::Time deadline,
                                 v1::VerifyResponse* response, CallPtr call) {
  const OpenApiSettings& settings = profile.settings;
  HttpRequest request = BuildVerifyRequest(settings, token, deadline);
  OPENSSL_cleanse(token.data(), token.size());
  AddRequestId(call->request_id(), &request);
  profile.http->Send(
      std::move(request), [&settings, response, call = std::move(call)](
                              absl::StatusOr<HttpResponse> answer) {
        if (!call->Claim()) return;  // the deadline finished the call
        if (!answer.ok()) {
          call->Complete(absl::Status(answer.status().code(),
                                      absl::StrCat("verify request failed: ",
                                                   answer.status().message())));
          return;
        }
        call->set_upstream_status(answer->status);
        absl::StatusOr<VerifyAnswer> verdict = ParseVerifyAnswer(*answer);
        if (!verdict.ok()) {
          call->Complete(verdict.status());
          return;
        }
        response->set_valid(verdict->valid);
        response->set_app_id(verdict->app_id);
        response->set_result(verdict->result);
        response->set_message(verdict->message);
        if (!verdict->time.empty()) {
          absl::StatusOr<absl::Time> time =
              ParseExpireTime(verdict->time, settings.expire_time_zone);
          if (time.ok()) SetTimestamp(*time, response->mutable_time());
        }
        call->Complete(absl::OkStatus());
      });
}

template <typename Request>
grpc::ServerUnaryReactor* GatewayService::Forward(
    grpc::CallbackServerContext* context, CallPtr call,
    const GatewaySettings& settings, const Request& request,
    const BaseUrl& base, Signer& signer, HttpClient& http,
    RejectionTest is_rejection, v1::HttpResponse* response,
    bool may_wait_for_token) {
  ForwardInput input;
  input.method = request.method();
  input.path = request.path();
  input.query.insert(request.query().begin(), request.query().end());
  input.headers.reserve(request.headers_size());
  for (const v1::Header& header : request.headers()) {
    input.headers.push_back({header.name(), header.value()});
  }
  input.body = request.body();
  absl::StatusOr<HttpRequest> outbound = BuildForwardRequest(
      base, std::move(input), signer.ReservedHeaders(),
      settings.max_body_bytes, CallDeadline(*context, settings),
      HeaderLimits{settings.max_headers, settings.max_header_bytes});
  if (!outbound.ok()) return FinishNow(call, outbound.status());
  AddRequestId(call->request_id(), &*outbound);
  const absl::Time deadline = outbound->deadline;

  SendSigned(&signer, &http, *std::move(outbound), std::move(is_rejection),
             [response, call](absl::StatusOr<HttpResponse> answer) {
               if (!call->Claim()) return;  // the deadline finished the call
               if (!answer.ok()) {
                 call->Complete(answer.status());
                 return;
               }
               call->set_upstream_status(answer->status);
               response->set_status(answer->status);
               for (HttpHeader& header : answer->headers) {
                 v1::Header* out = response->add_headers();
                 out->set_name(std::move(header.name));
                 out->set_value(std::move(header.value));
               }
               response->set_body(std::move(answer->body));
               call->Complete(absl::OkStatus());
             });
  if (may_wait_for_token) BoundByDeadline(call, deadline);
  return call.get();
}

grpc::ServerUnaryReactor* GatewayService::CallInnoPaaS(
    grpc::CallbackServerContext* context,
    const v1::CallInnoPaaSRequest* request, v1::HttpResponse* response) {
  CallPtr call = StartCall(*context, "CallInnoPaaS");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  absl::StatusOr<InnoPaasProfileRuntime*> profile =
      runtime->profiles.FindInnoPaas(request->profile());
  if (!profile.ok()) return FinishNow(call, profile.status());
  call->set_profile((*profile)->settings.name);
  return Forward(context, std::move(call), runtime->profiles.settings(),
                 *request, (*profile)->settings.base_url, *(*profile)->signer,
                 *(*profile)->http,
                 /*is_rejection=*/nullptr, response);
}

grpc::ServerUnaryReactor* GatewayService::CallOpenAPI(
    grpc::CallbackServerContext* context, const v1::CallOpenAPIRequest* request,
    v1::HttpResponse* response) {
  CallPtr call = StartCall(*context, "CallOpenAPI");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  absl::StatusOr<OpenApiProfileRuntime*> profile =
      runtime->profiles.FindOpenApi(request->profile());
  if (!profile.ok()) return FinishNow(call, profile.status());
  call->set_profile((*profile)->settings.name);
  const OpenApiSettings& settings = (*profile)->settings;
  // Signing waits when there is no valid token yet.
  const bool may_wait = TokenMayWait(*(*profile)->cache, clock_.Now());
  return Forward(
      context, std::move(call), runtime->profiles.settings(), *request,
      settings.base_url, *(*profile)->signer, *(*profile)->http,
      [&settings](const HttpResponse& answer) {
        return IsTokenRejection(answer, settings.token_invalid_codes);
      },
      response, may_wait);
}

grpc::ServerUnaryReactor* GatewayService::FetchLicenses(
    grpc::CallbackServerContext* context,
    const v1::FetchLicensesRequest* request,
    v1::FetchLicensesResponse* response) {
  CallPtr call = StartCall(*context, "FetchLicenses");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  absl::StatusOr<LicenseProfileRuntime*> profile =
      runtime->profiles.FindLicense(request->profile());
  if (!profile.ok()) return FinishNow(call, profile.status());
  call->set_profile((*profile)->settings.name);
  std::map<std::string, std::string> fields(request->fields().begin(),
                                            request->fields().end());
  if (absl::Status valid = ValidateQuery(fields, "fields"); !valid.ok()) {
    return FinishNow(call, valid);
  }
  HttpRequest outbound =
      BuildLicenseRequest((*profile)->settings, fields,
                          CallDeadline(*context, runtime->profiles.settings()));
  outbound.max_response_bytes = runtime->profiles.settings().max_body_bytes;
  AddRequestId(call->request_id(), &outbound);
  SendSigned((*profile)->signer.get(), (*profile)->http, std::move(outbound),
             /*is_rejection=*/nullptr,
             [response, call](absl::StatusOr<HttpResponse> answer) {
               if (!call->Claim()) return;
               if (!answer.ok()) {
                 call->Complete(absl::Status(
                     answer.status().code(),
                     absl::StrCat("license request failed: ",
                                  answer.status().message())));
                 return;
               }
               call->set_upstream_status(answer->status);
               absl::StatusOr<LicenseAnswer> licenses =
                   ParseLicenseAnswer(*answer);
               if (!licenses.ok()) {
                 call->Complete(licenses.status());
                 return;
               }
               for (std::string& key : licenses->keys) {
                 response->add_keys(std::move(key));
               }
               response->set_code(std::move(licenses->code));
               response->set_message(std::move(licenses->message));
               call->Complete(absl::OkStatus());
             });
  return call.get();
}

grpc::ServerUnaryReactor* GatewayService::VerifyInbound(
    grpc::CallbackServerContext* context,
    const v1::VerifyInboundRequest* request,
    v1::VerifyInboundResponse* response) {
  CallPtr call = StartCall(*context, "VerifyInbound");
  GatewayRuntime* runtime = Admit(*call, *context, request->profile());
  if (runtime == nullptr) return call.get();  // refused, and completed
  InboundRequest inbound;
  inbound.method = request->method();
  inbound.path = request->path();
  inbound.headers.reserve(request->headers_size());
  for (const v1::Header& header : request->headers()) {
    inbound.headers.push_back({header.name(), header.value()});
  }
  inbound.body = request->body();
  const absl::string_view profile =
      request->profile().empty() ? absl::string_view("default")
                                 : absl::string_view(request->profile());
  absl::StatusOr<VerifierRegistry::Outcome> outcome =
      runtime->inbound.Verify(profile, inbound);
  if (!outcome.ok()) return FinishNow(call, outcome.status());
  call->set_profile(profile);
  response->set_authentic(outcome->verdict.authentic());
  response->set_reason(outcome->verdict.Describe());
  response->set_scheme(std::string(outcome->scheme));
  return FinishNow(call, absl::OkStatus());
}

}  // namespace signet
