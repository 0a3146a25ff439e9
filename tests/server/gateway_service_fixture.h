#ifndef SIGNET_TESTS_SERVER_GATEWAY_SERVICE_FIXTURE_H_
#define SIGNET_TESTS_SERVER_GATEWAY_SERVICE_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "admin/metrics.h"
#include "config/settings.h"
#include "gtest/gtest.h"
#include "http/base_url.h"
#include "server/gateway_env.h"
#include "server/gateway_runtime.h"
#include "server/gateway_service.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/fake_clock.h"
#include "testing/fake_http_client.h"
#include "testing/log_capture.h"
#include "testing/manual_scheduler.h"

namespace signet::testing {

inline constexpr absl::string_view kTokenPath = "/api/v5/authentication/token";

inline BaseUrl Url(absl::string_view text) {
  absl::StatusOr<BaseUrl> url =
      ParseBaseUrl(text, /*allow_insecure_http=*/true);
  EXPECT_TRUE(url.ok()) << url.status();
  return url.ok() ? *std::move(url) : BaseUrl{};
}

// One profile of each kind: OpenAPI "default", InnoPaaS "inno", license
// "lic"; no retries (a failure is final, so no backoff task is scheduled).
inline GatewaySettings ThreeProfiles() {
  GatewaySettings settings;
  settings.default_deadline = absl::Seconds(5);
  OpenApiSettings openapi;
  openapi.name = "default";
  openapi.base_url = Url("http://openapi.test");
  openapi.app_id = "app-1";
  openapi.app_secret = Secret(std::string("openapi-secret"));
  openapi.expire_time_zone = absl::UTCTimeZone();
  openapi.expire_time_zone_name = "UTC";
  openapi.upstream.retry.max_attempts = 1;
  settings.openapi.emplace("default", openapi);
  InnoPaasSettings inno;
  inno.name = "inno";
  inno.base_url = Url("http://innopaas.test/prefix");
  inno.app_key = Secret(std::string("inno-app-key"));
  inno.authorization = Secret(std::string("inno-authorization"));
  inno.upstream.retry.max_attempts = 1;
  settings.innopaas.emplace("inno", inno);
  LicenseSettings license;
  license.name = "lic";
  license.url = Url("http://license.test/licenses");
  license.secret = Secret(std::string("license-secret"));
  license.upstream.retry.max_attempts = 1;
  settings.licenses.emplace("lic", license);
  return settings;
}

// The token endpoint's answer: `token`, valid for two hours from `now`.
inline HttpResponse TokenAnswer(absl::string_view token, absl::Time now) {
  HttpResponse response;
  response.status = 200;
  response.body =
      absl::StrCat(R"({"code":0,"msg":"success.","data":{"token":")", token,
                   R"(","expire_time":")",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%S", now + absl::Hours(2),
                                    absl::UTCTimeZone()),
                   R"("}})");
  return response;
}

inline HttpResponse Answer(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.body = std::move(body);
  return response;
}

// The environment every runtime of a test is built on: a fake transport
// the test answers, a FakeClock, a ManualScheduler and Metrics as every
// observer. Log lines are captured, not written.
class GatewayEnvFixture : public ::testing::Test {
 protected:
  GatewayEnvFixture() {
    env_.upstream.transport = &http_;
    env_.upstream.clock = &clock_;
    env_.upstream.scheduler = &scheduler_;
    env_.upstream.random = &random_;
    env_.upstream.upstream_observer = &metrics_;
    env_.upstream.circuit_observer = &metrics_;
    env_.rpc_observer = &metrics_;
    env_.token_observer = &metrics_;
    env_.inbound_observer = &metrics_;
  }

  std::shared_ptr<GatewayRuntime> NewRuntime(
      GatewaySettings settings, const GatewayRuntime* previous = nullptr) {
    return std::make_shared<GatewayRuntime>(std::move(settings), env_,
                                            previous);
  }

  // Answers (with UNAVAILABLE) whatever is still pending, so that nothing
  // a test left behind outlives it.
  void DrainTransport() {
    while (http_.pending() > 0) http_.Complete(absl::UnavailableError("end"));
  }

  // The value of one series of the metrics' text exposition, or -1.
  double Metric(absl::string_view series) {
    const std::string text = metrics_.Serialize();
    const std::string prefix = absl::StrCat("\n", series, " ");
    const size_t at = text.find(prefix);
    if (at == std::string::npos) return -1;
    return std::stod(text.substr(at + prefix.size()));
  }

  LogCapture log_;
  Metrics metrics_;
  FakeHttpClient http_;
  FakeClock clock_;
  ManualScheduler scheduler_;
  FixedRandom random_{0.5};
  GatewayEnv env_;
};

// One client RPC in flight over the in-process channel.
template <typename Request, typename Response>
struct Rpc {
  Request request;
  Response response;
  grpc::ClientContext context;
  grpc::Status status;
  absl::Notification done;

  bool Wait() { return done.WaitForNotificationWithTimeout(absl::Seconds(10)); }
};

template <typename Request, typename Response>
using AsyncMethod = void (v1::Gateway::Stub::async_interface::*)(
    grpc::ClientContext*, const Request*, Response*,
    std::function<void(grpc::Status)>);

// GatewayService over gRPC's in-process channel (no listening port), on
// the runtime in `runtime_`.
class GatewayServiceFixture : public GatewayEnvFixture {
 protected:
  void StartServer(GatewaySettings settings) {
    runtime_.Set(NewRuntime(std::move(settings)));
    service_ = std::make_unique<GatewayService>(&runtime_, &metrics_, &clock_,
                                                &scheduler_);
    grpc::ServerBuilder builder;
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::Gateway::NewStub(
        server_->InProcessChannel(grpc::ChannelArguments()));
  }

  void TearDown() override {
    DrainTransport();
    scheduler_.RunPending();
    if (server_ != nullptr) server_->Shutdown();
  }

  // Starts `method` with `request` (and `authorization` metadata unless
  // empty); the RPC finishes on a gRPC thread. The fixture keeps it until
  // the server is gone.
  template <typename Request, typename Response>
  Rpc<Request, Response>* Start(AsyncMethod<Request, Response> method,
                                Request request,
                                const std::string& authorization = "") {
    auto rpc = std::make_shared<Rpc<Request, Response>>();
    rpcs_.push_back(rpc);
    rpc->request = std::move(request);
    if (!authorization.empty()) {
      rpc->context.AddMetadata("authorization", authorization);
    }
    Rpc<Request, Response>* raw = rpc.get();
    (stub_->async()->*method)(&raw->context, &raw->request, &raw->response,
                              [raw](grpc::Status status) {
                                raw->status = std::move(status);
                                raw->done.Notify();
                              });
    return raw;
  }

  auto StartGetToken(v1::GetTokenRequest request) {
    return Start(AsyncMethod<v1::GetTokenRequest, v1::GetTokenResponse>(
                     &v1::Gateway::Stub::async_interface::GetToken),
                 std::move(request));
  }
  auto StartCallOpenApi(v1::CallOpenAPIRequest request) {
    return Start(AsyncMethod<v1::CallOpenAPIRequest, v1::HttpResponse>(
                     &v1::Gateway::Stub::async_interface::CallOpenAPI),
                 std::move(request));
  }
  auto StartCallInnoPaas(v1::CallInnoPaaSRequest request,
                         const std::string& authorization = "") {
    return Start(AsyncMethod<v1::CallInnoPaaSRequest, v1::HttpResponse>(
                     &v1::Gateway::Stub::async_interface::CallInnoPaaS),
                 std::move(request), authorization);
  }

  // Declared first: the RPCs' buffers outlive the server and channel.
  std::vector<std::shared_ptr<void>> rpcs_;
  RuntimeHolder runtime_;
  std::unique_ptr<GatewayService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Gateway::Stub> stub_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_SERVER_GATEWAY_SERVICE_FIXTURE_H_
