#include "server/gateway_service.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/gateway_service_fixture.h"

namespace signet {
namespace {

using ::signet::testing::Answer;
using ::signet::testing::AsyncMethod;
using ::signet::testing::kTokenPath;
using ::signet::testing::ThreeProfiles;
using ::signet::testing::TokenAnswer;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string Header(const HttpRequest& request, absl::string_view name) {
  return std::string(FindHeader(request.headers, name).value_or("<none>"));
}

v1::CallInnoPaaSRequest InnoPaasPost(absl::string_view path) {
  v1::CallInnoPaaSRequest request;
  request.set_profile("inno");
  request.set_method("POST");
  request.set_path(std::string(path));
  request.set_body(R"({"q":1})");
  return request;
}

v1::CallOpenAPIRequest OpenApiGet(absl::string_view path) {
  v1::CallOpenAPIRequest request;
  request.set_profile("default");
  request.set_method("GET");
  request.set_path(std::string(path));
  return request;
}

class GatewayServiceTest : public testing::GatewayServiceFixture {
 protected:
  void SetUp() override { StartServer(ThreeProfiles()); }

  // Gives the OpenAPI profile the token `token` through a GetToken call.
  void CacheToken(absl::string_view token) {
    v1::GetTokenRequest request;
    auto* rpc = StartGetToken(request);
    ASSERT_TRUE(http_.WaitForPending(1));
    http_.Complete(TokenAnswer(token, clock_.Now()));
    ASSERT_TRUE(rpc->Wait());
    ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
    scheduler_.RunPending();  // the deadline timer, which finds it done
  }
};

TEST_F(GatewayServiceTest, CallInnoPaasSignsAndMapsTheAnswer) {
  // Verify the forwarded request carries the static InnoPaaS headers and
  // goes under the base URL's prefix, and the upstream's answer comes back
  // as it was.
  v1::CallInnoPaaSRequest request = InnoPaasPost("/v1/orders");
  (*request.mutable_query())["page"] = "2";
  v1::Header* header = request.add_headers();
  header->set_name("X-Trace");
  header->set_value("t-1");
  auto* rpc = StartCallInnoPaas(request);
  ASSERT_TRUE(http_.WaitForPending(1));
  const HttpRequest sent = http_.PeekRequest();
  EXPECT_EQ(sent.method, "POST");
  EXPECT_EQ(sent.url, "http://innopaas.test/prefix/v1/orders?page=2");
  EXPECT_EQ(Header(sent, "AppKey"), "inno-app-key");
  EXPECT_EQ(Header(sent, "Authorization"), "inno-authorization");
  EXPECT_EQ(Header(sent, "Content-Type"), "application/json;charset=utf-8");
  EXPECT_EQ(Header(sent, "X-Trace"), "t-1");
  EXPECT_EQ(Header(sent, "X-Request-Id").size(), 32u);
  EXPECT_EQ(sent.body, R"({"q":1})");
  EXPECT_EQ(sent.deadline, clock_.Now() + absl::Seconds(5));

  HttpResponse answer = Answer(201, R"({"id":7})");
  answer.headers.push_back({"X-Upstream", "u-1"});
  clock_.Advance(absl::Milliseconds(20));
  http_.Complete(answer);
  ASSERT_TRUE(rpc->Wait());
  ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
  EXPECT_EQ(rpc->response.status(), 201);
  EXPECT_EQ(rpc->response.body(), R"({"id":7})");
  ASSERT_EQ(rpc->response.headers_size(), 1);
  EXPECT_EQ(rpc->response.headers(0).name(), "X-Upstream");
  EXPECT_EQ(rpc->response.headers(0).value(), "u-1");
  EXPECT_EQ(scheduler_.pending(), 0);  // no token, so no deadline timer
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{code=\"OK\","
                   "method=\"CallInnoPaaS\",profile=\"inno\"}"),
            1);
  EXPECT_DOUBLE_EQ(Metric("signet_rpc_duration_seconds_sum{code=\"OK\","
                          "method=\"CallInnoPaaS\",profile=\"inno\"}"),
                   0.02);
  EXPECT_EQ(Metric("signet_upstream_request_duration_seconds_count{"
                   "profile=\"inno\",status=\"201\"}"),
            1);
  EXPECT_EQ(Metric("signet_rpc_in_flight"), 0);
}

TEST_F(GatewayServiceTest, CallerRequestIdGoesUpstream) {
  // Verify a sane x-request-id from the caller is the one sent upstream.
  v1::CallInnoPaaSRequest request = InnoPaasPost("/v1/x");
  auto rpc = std::make_shared<
      testing::Rpc<v1::CallInnoPaaSRequest, v1::HttpResponse>>();
  rpcs_.push_back(rpc);
  rpc->request = request;
  rpc->context.AddMetadata("x-request-id", "req-42");
  stub_->async()->CallInnoPaaS(&rpc->context, &rpc->request, &rpc->response,
                               [raw = rpc.get()](grpc::Status status) {
                                 raw->status = std::move(status);
                                 raw->done.Notify();
                               });
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(Header(http_.PeekRequest(), "X-Request-Id"), "req-42");
  http_.Complete(Answer(200, ""));
  ASSERT_TRUE(rpc->Wait());
  EXPECT_TRUE(rpc->status.ok());
}

TEST_F(GatewayServiceTest, CallOpenApiWaitsForTheTokenThenSendsBearer) {
  // Verify a call with no token cached first waits for the fetch, then is
  // sent with the new token and the app id, and that its deadline timer
  // is armed (it may wait) but does nothing once the call is done.
  auto* rpc = StartCallOpenApi(OpenApiGet("/api/v5/users"));
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(http_.PeekRequest().url,
            absl::StrCat("http://openapi.test", kTokenPath));
  ASSERT_TRUE(scheduler_.WaitForPending(1));
  EXPECT_THAT(scheduler_.delays(), ElementsAre(absl::Seconds(5)));
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));

  ASSERT_EQ(http_.pending(), 1);
  const HttpRequest sent = http_.PeekRequest();
  EXPECT_EQ(sent.url, "http://openapi.test/api/v5/users");
  EXPECT_EQ(Header(sent, "Authorization"), "Bearer tok-1");
  EXPECT_EQ(Header(sent, "X-APP-ID"), "app-1");
  http_.Complete(Answer(200, "users"));
  ASSERT_TRUE(rpc->Wait());
  ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
  EXPECT_EQ(rpc->response.body(), "users");

  scheduler_.RunPending();  // the timer finds the call finished
  EXPECT_EQ(http_.sent(), 2);
  EXPECT_EQ(Metric("signet_token_cache_misses_total{profile=\"default\"}"), 1);
  EXPECT_EQ(Metric("signet_token_refreshes_total{profile=\"default\"}"), 1);
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{code=\"OK\","
                   "method=\"CallOpenAPI\",profile=\"default\"}"),
            1);
}

TEST_F(GatewayServiceTest, CallOpenApiWithACachedTokenArmsNoTimer) {
  // Verify a call that cannot wait for a token is bounded by its
  // transfer's deadline alone: no timer is scheduled for it.
  CacheToken("tok-1");
  auto* rpc = StartCallOpenApi(OpenApiGet("/api/v5/users"));
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(Header(http_.PeekRequest(), "Authorization"), "Bearer tok-1");
  http_.Complete(Answer(200, ""));
  ASSERT_TRUE(rpc->Wait());
  EXPECT_TRUE(rpc->status.ok());
  EXPECT_EQ(scheduler_.pending(), 0);
  EXPECT_EQ(Metric("signet_token_cache_hits_total{profile=\"default\"}"), 1);
}

TEST_F(GatewayServiceTest, RejectedTokenIsRefreshedAndTheCallRetriedOnce) {
  // Verify a 401 drops the cached token, a new one is fetched, and the
  // call is sent again with it; the second answer is final.
  CacheToken("tok-1");
  auto* rpc = StartCallOpenApi(OpenApiGet("/api/v5/users"));
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(Header(http_.PeekRequest(), "Authorization"), "Bearer tok-1");
  http_.Complete(Answer(401, R"({"code":401})"));

  ASSERT_EQ(http_.pending(), 1);
  EXPECT_EQ(http_.PeekRequest().url,
            absl::StrCat("http://openapi.test", kTokenPath));
  http_.Complete(TokenAnswer("tok-2", clock_.Now()));
  ASSERT_EQ(http_.pending(), 1);
  EXPECT_EQ(Header(http_.PeekRequest(), "Authorization"), "Bearer tok-2");
  http_.Complete(Answer(401, "still no"));

  ASSERT_TRUE(rpc->Wait());
  ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
  EXPECT_EQ(rpc->response.status(), 401);
  EXPECT_EQ(rpc->response.body(), "still no");
  EXPECT_EQ(http_.sent(), 4);
  EXPECT_EQ(Metric("signet_token_rejections_total{outcome=\"refreshed\","
                   "profile=\"default\"}"),
            1);
  // The retry's answer is final: it is not reported to the cache.
  EXPECT_EQ(Metric("signet_token_rejections_total{outcome=\"suppressed\","
                   "profile=\"default\"}"),
            -1);

  // Within min_refresh_interval, another refusal keeps the token and is
  // not retried.
  clock_.Advance(absl::Seconds(10));
  auto* next = StartCallOpenApi(OpenApiGet("/api/v5/users"));
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(Header(http_.PeekRequest(), "Authorization"), "Bearer tok-2");
  http_.Complete(Answer(401, ""));
  ASSERT_TRUE(next->Wait());
  EXPECT_EQ(next->response.status(), 401);
  EXPECT_EQ(http_.sent(), 5);
  EXPECT_EQ(Metric("signet_token_rejections_total{outcome=\"suppressed\","
                   "profile=\"default\"}"),
            1);
}

TEST_F(GatewayServiceTest,
       GetTokenIsFinishedByItsDeadlineAndTheLateFetchIsHarmless) {
  // Verify a GetToken whose fetch hangs is finished DEADLINE_EXCEEDED by
  // the scheduler's timer; the fetch's completion afterwards loses the
  // claim (no second finish, no crash) but still fills the cache.
  const absl::Time start = clock_.Now();
  v1::GetTokenRequest request;
  auto* rpc = StartGetToken(request);
  ASSERT_TRUE(http_.WaitForPending(1));
  ASSERT_TRUE(scheduler_.WaitForPending(1));
  EXPECT_THAT(scheduler_.delays(), ElementsAre(absl::Seconds(5)));
  clock_.Advance(absl::Seconds(5));
  scheduler_.RunPending();
  ASSERT_TRUE(rpc->Wait());
  EXPECT_EQ(rpc->status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(rpc->status.error_message(), HasSubstr("upstream token"));

  http_.Complete(TokenAnswer("tok-late", clock_.Now()));
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{"
                   "code=\"DEADLINE_EXCEEDED\",method=\"GetToken\","
                   "profile=\"default\"}"),
            1);
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{code=\"OK\","
                   "method=\"GetToken\",profile=\"default\"}"),
            -1);
  EXPECT_EQ(Metric("signet_rpc_in_flight"), 0);

  auto* again = StartGetToken(request);
  ASSERT_TRUE(again->Wait());
  ASSERT_TRUE(again->status.ok());
  EXPECT_EQ(again->response.token(), "tok-late");
  EXPECT_TRUE(again->response.from_cache());
  EXPECT_EQ(again->response.app_id(), "app-1");
  // max_ttl (2h) counts from when the fetch was sent.
  EXPECT_EQ(again->response.expire_time().seconds(),
            absl::ToUnixSeconds(start + absl::Hours(2)));
  EXPECT_EQ(http_.sent(), 1);
}

TEST_F(GatewayServiceTest, VerifyOfTheCurrentTokenWaitsForItThenAsks) {
  // Verify an empty token means the profile's own: the call waits for the
  // fetch (deadline timer armed), sends it to the verify endpoint, and
  // maps the answer with its time read in the profile's zone.
  auto* rpc = Start(AsyncMethod<v1::VerifyRequest, v1::VerifyResponse>(
                        &v1::Gateway::Stub::async_interface::Verify),
                    v1::VerifyRequest());
  ASSERT_TRUE(http_.WaitForPending(1));
  ASSERT_TRUE(scheduler_.WaitForPending(1));
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  ASSERT_EQ(http_.pending(), 1);
  const HttpRequest sent = http_.PeekRequest();
  EXPECT_EQ(sent.url, "http://openapi.test/api/v5/authentication/verify");
  EXPECT_EQ(Header(sent, "Authorization"), "Bearer tok-1");
  http_.Complete(Answer(200, R"({"code":0,"msg":"ok","data":{)"
                             R"("app_id":"app-1","result":"success",)"
                             R"("time":"2023-11-14T22:13:20"}})"));
  ASSERT_TRUE(rpc->Wait());
  ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
  EXPECT_TRUE(rpc->response.valid());
  EXPECT_EQ(rpc->response.app_id(), "app-1");
  EXPECT_EQ(rpc->response.result(), "success");
  EXPECT_EQ(rpc->response.time().seconds(), 1700000000);
}

TEST_F(GatewayServiceTest, FetchLicensesSignsAndReturnsTheKeys) {
  // Verify a license call goes to the profile's URL signed by APSDAI and
  // the keys come back in the upstream's order; a refusal is
  // FAILED_PRECONDITION.
  v1::FetchLicensesRequest request;
  request.set_profile("lic");
  (*request.mutable_fields())["device"] = "d-1";
  const AsyncMethod<v1::FetchLicensesRequest, v1::FetchLicensesResponse> fetch =
      &v1::Gateway::Stub::async_interface::FetchLicenses;
  auto* rpc = Start(fetch, request);
  ASSERT_TRUE(http_.WaitForPending(1));
  const HttpRequest sent = http_.PeekRequest();
  EXPECT_EQ(sent.url, "http://license.test/licenses");
  EXPECT_NE(Header(sent, "X-Apsdai-Token"), "<none>");
  EXPECT_NE(Header(sent, "X-Apsdai-Timestamp"), "<none>");
  EXPECT_THAT(sent.body, HasSubstr("d-1"));
  http_.Complete(Answer(200, R"({"code":"SUCCESS","message":"ok",)"
                             R"("data":{"key":["k2","k1"]}})"));
  ASSERT_TRUE(rpc->Wait());
  ASSERT_TRUE(rpc->status.ok()) << rpc->status.error_message();
  EXPECT_THAT(rpc->response.keys(), ElementsAre("k2", "k1"));
  EXPECT_EQ(rpc->response.code(), "SUCCESS");

  auto* refused = Start(fetch, request);
  ASSERT_TRUE(http_.WaitForPending(1));
  http_.Complete(Answer(200, R"({"code":"FAIL","message":"no seats"})"));
  ASSERT_TRUE(refused->Wait());
  EXPECT_EQ(refused->status.error_code(),
            grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused->status.error_message(), HasSubstr("no seats"));
}

TEST_F(GatewayServiceTest, MaxInFlightRefusesTheCallOverTheLimit) {
  // Verify with max_in_flight 1 and one call pending, the next is
  // RESOURCE_EXHAUSTED without reaching upstream, and the slot comes back
  // when the first completes.
  GatewaySettings settings = ThreeProfiles();
  settings.max_in_flight = 1;
  runtime_.Set(NewRuntime(settings));
  auto* first = StartCallInnoPaas(InnoPaasPost("/a"));
  ASSERT_TRUE(http_.WaitForPending(1));
  auto* second = StartCallInnoPaas(InnoPaasPost("/b"));
  ASSERT_TRUE(second->Wait());
  EXPECT_EQ(second->status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(second->status.error_message(), HasSubstr("max_in_flight 1"));
  EXPECT_EQ(http_.sent(), 1);

  http_.Complete(Answer(200, ""));
  ASSERT_TRUE(first->Wait());
  EXPECT_TRUE(first->status.ok());
  auto* third = StartCallInnoPaas(InnoPaasPost("/c"));
  ASSERT_TRUE(http_.WaitForPending(1));
  http_.Complete(Answer(200, ""));
  ASSERT_TRUE(third->Wait());
  EXPECT_TRUE(third->status.ok());
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{"
                   "code=\"RESOURCE_EXHAUSTED\",method=\"CallInnoPaaS\","
                   "profile=\"none\"}"),
            1);
}

TEST_F(GatewayServiceTest, CallersAreAuthorizedBeforeAnythingIsSent) {
  // Verify with callers configured, a call without a credential is
  // UNAUTHENTICATED, one outside its grants PERMISSION_DENIED, neither
  // reaches upstream, and a granted call proceeds.
  GatewaySettings settings = ThreeProfiles();
  CallerSettings billing;
  billing.name = "billing";
  billing.credential = Secret(std::string("billing-credential-0123456789"));
  billing.grants.push_back({{"CallInnoPaaS"}, {"inno"}});
  settings.callers.emplace("billing", billing);
  runtime_.Set(NewRuntime(settings));
  const std::string credential = "Bearer billing-credential-0123456789";

  auto* anonymous = StartCallInnoPaas(InnoPaasPost("/a"));
  ASSERT_TRUE(anonymous->Wait());
  EXPECT_EQ(anonymous->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  auto* wrong = StartCallInnoPaas(InnoPaasPost("/a"), "Bearer nope");
  ASSERT_TRUE(wrong->Wait());
  EXPECT_EQ(wrong->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  v1::CallInnoPaaSRequest other = InnoPaasPost("/a");
  other.set_profile("other");
  auto* denied = StartCallInnoPaas(other, credential);
  ASSERT_TRUE(denied->Wait());
  EXPECT_EQ(denied->status.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(http_.sent(), 0);

  auto* granted = StartCallInnoPaas(InnoPaasPost("/a"), credential);
  ASSERT_TRUE(http_.WaitForPending(1));
  http_.Complete(Answer(204, ""));
  ASSERT_TRUE(granted->Wait());
  EXPECT_TRUE(granted->status.ok()) << granted->status.error_message();
  EXPECT_EQ(granted->response.status(), 204);
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{"
                   "code=\"UNAUTHENTICATED\",method=\"CallInnoPaaS\","
                   "profile=\"none\"}"),
            2);
}

TEST_F(GatewayServiceTest,
       RefusedCallersAreCountedEachButLoggedOncePerInterval) {
  // Verify a burst of refused calls is counted in full by the metrics but
  // writes one access log line until the refusal log's interval passes.
  GatewaySettings settings = ThreeProfiles();
  CallerSettings billing;
  billing.name = "billing";
  billing.credential = Secret(std::string("billing-credential-0123456789"));
  billing.grants.push_back({{"*"}, {"*"}});
  settings.callers.emplace("billing", billing);
  runtime_.Set(NewRuntime(settings));
  auto refused_lines = [this] {
    int count = 0;
    for (const std::string& line : log_.lines()) {
      if (line.find("\"code\":\"UNAUTHENTICATED\"") != std::string::npos) {
        ++count;
      }
    }
    return count;
  };
  for (int i = 0; i < 5; ++i) {
    auto* rpc = StartCallInnoPaas(InnoPaasPost("/a"), "Bearer wrong");
    ASSERT_TRUE(rpc->Wait());
    EXPECT_EQ(rpc->status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  }
  EXPECT_EQ(refused_lines(), 1);
  clock_.Advance(RateLimitedLog::kDefaultInterval);
  auto* rpc = StartCallInnoPaas(InnoPaasPost("/a"), "Bearer wrong");
  ASSERT_TRUE(rpc->Wait());
  EXPECT_EQ(refused_lines(), 2);
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{"
                   "code=\"UNAUTHENTICATED\",method=\"CallInnoPaaS\","
                   "profile=\"none\"}"),
            6);
}

TEST_F(GatewayServiceTest, UnknownProfileIsNotFoundAndWrongKindInvalid) {
  // Verify a name configured nowhere is NOT_FOUND, one configured under
  // another kind INVALID_ARGUMENT naming that kind; nothing is sent.
  v1::CallInnoPaaSRequest unknown = InnoPaasPost("/a");
  unknown.set_profile("nope");
  auto* not_found = StartCallInnoPaas(unknown);
  ASSERT_TRUE(not_found->Wait());
  EXPECT_EQ(not_found->status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(not_found->status.error_message(), HasSubstr("\"nope\""));

  v1::CallInnoPaaSRequest openapi = InnoPaasPost("/a");
  openapi.set_profile("");  // "default", an OpenAPI profile
  auto* wrong_kind = StartCallInnoPaas(openapi);
  ASSERT_TRUE(wrong_kind->Wait());
  EXPECT_EQ(wrong_kind->status.error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(wrong_kind->status.error_message(),
              HasSubstr("configured only under openapi"));

  v1::GetTokenRequest license;
  license.set_profile("lic");
  auto* token = StartGetToken(license);
  ASSERT_TRUE(token->Wait());
  EXPECT_EQ(token->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(token->status.error_message(), HasSubstr("under licenses"));
  EXPECT_EQ(http_.sent(), 0);
  EXPECT_EQ(scheduler_.pending(), 0);
}

TEST_F(GatewayServiceTest, InvalidPathsAndHeadersAreRefusedWithNothingSent) {
  // Verify traversal, reserved and hop-by-hop headers and bad methods are
  // INVALID_ARGUMENT before anything is signed or sent.
  std::vector<v1::CallInnoPaaSRequest> bad;
  bad.push_back(InnoPaasPost("/../admin"));
  bad.push_back(InnoPaasPost("/a/%2e%2e/b"));
  bad.push_back(InnoPaasPost("//evil.test/x"));
  bad.push_back(InnoPaasPost("relative"));
  for (absl::string_view name : {"AppKey", "authorization", "Host"}) {
    v1::CallInnoPaaSRequest request = InnoPaasPost("/a");
    v1::Header* header = request.add_headers();
    header->set_name(std::string(name));
    header->set_value("x");
    bad.push_back(request);
  }
  v1::CallInnoPaaSRequest crlf = InnoPaasPost("/a");
  v1::Header* header = crlf.add_headers();
  header->set_name("X-Ok");
  header->set_value("a\r\nInjected: 1");
  bad.push_back(crlf);
  v1::CallInnoPaaSRequest method = InnoPaasPost("/a");
  method.set_method("CONNECT");
  bad.push_back(method);

  for (const v1::CallInnoPaaSRequest& request : bad) {
    auto* rpc = StartCallInnoPaas(request);
    ASSERT_TRUE(rpc->Wait());
    EXPECT_EQ(rpc->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << request.ShortDebugString();
  }
  EXPECT_EQ(http_.sent(), 0);

  v1::CallOpenAPIRequest openapi = OpenApiGet("/a");
  v1::Header* bearer = openapi.add_headers();
  bearer->set_name("X-APP-ID");
  bearer->set_value("someone-else");
  auto* rpc = StartCallOpenApi(openapi);
  ASSERT_TRUE(rpc->Wait());
  EXPECT_EQ(rpc->status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(http_.sent(), 0);  // not even a token fetch
}

TEST_F(GatewayServiceTest, TransportErrorKeepsItsCode) {
  // Verify an upstream that cannot be reached is the transport's code,
  // with the profile labelled in the metric.
  auto* rpc = StartCallInnoPaas(InnoPaasPost("/a"));
  ASSERT_TRUE(http_.WaitForPending(1));
  http_.Complete(absl::UnavailableError("connection refused"));
  ASSERT_TRUE(rpc->Wait());
  EXPECT_EQ(rpc->status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(rpc->status.error_message(), HasSubstr("connection refused"));
  EXPECT_EQ(Metric("signet_rpc_duration_seconds_count{code=\"UNAVAILABLE\","
                   "method=\"CallInnoPaaS\",profile=\"inno\"}"),
            1);
}

TEST_F(GatewayServiceTest, AccessLogLineNamesTheCall) {
  // Verify each completed call writes one "rpc" line with its method,
  // profile, code and the upstream's status.
  auto* rpc = StartCallInnoPaas(InnoPaasPost("/a"));
  ASSERT_TRUE(http_.WaitForPending(1));
  http_.Complete(Answer(418, ""));
  ASSERT_TRUE(rpc->Wait());
  std::vector<std::string> rpc_lines;
  for (const std::string& line : log_.lines()) {
    if (line.find("\"msg\":\"rpc\"") != std::string::npos) {
      rpc_lines.push_back(line);
    }
  }
  ASSERT_EQ(rpc_lines.size(), 1u);
  EXPECT_THAT(rpc_lines[0], HasSubstr("\"method\":\"CallInnoPaaS\""));
  EXPECT_THAT(rpc_lines[0], HasSubstr("\"profile\":\"inno\""));
  EXPECT_THAT(rpc_lines[0], HasSubstr("\"code\":\"OK\""));
  EXPECT_THAT(rpc_lines[0], HasSubstr("\"upstream_status\":418"));
}

}  // namespace
}  // namespace signet
