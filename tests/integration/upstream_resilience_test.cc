// How signet treats a failing upstream and whom it trusts: the circuit
// breaker, retries of token fetches and (when enabled) idempotent calls,
// and per-profile CA bundles and client certificates -- real signet,
// emulator and `openssl s_server` processes on 127.0.0.1.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/recording_listener.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/child_process.h"
#include "testing/emulator_process.h"
#include "testing/free_port.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::EmulatorStats;
using ::signet::testing::GetAdmin;
using ::signet::testing::IsOk;
using ::signet::testing::MetricSample;
using ::signet::testing::RecordingListener;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// One profile of each forwarding kind on the emulator, with `upstream`
// (a YAML flow mapping) as every profile's upstream section.
std::string ResilienceConfig(int port, absl::string_view upstream) {
  return absl::StrFormat(R"(
listen: 127.0.0.1:0
admin_listen: 127.0.0.1:0
default_deadline: 10s
connect_timeout: 2s
openapi:
  default:
    base_url: http://127.0.0.1:%d
    allow_insecure_http: true
    app_id: app-123
    app_secret: {env: SIGNET_TEST_OPENAPI_SECRET}
    token_timeout: 3s
    prewarm: false
    upstream: %s
innopaas:
  default:
    base_url: http://127.0.0.1:%d/innopaas
    allow_insecure_http: true
    app_key: {env: SIGNET_TEST_APP_KEY}
    authorization: {env: SIGNET_TEST_AUTHORIZATION}
    upstream: %s
)",
                         port, upstream, port, upstream);
}

class UpstreamResilienceTest : public testing::GatewayFixture {
 protected:
  void Start(absl::string_view upstream) {
    ASSERT_NO_FATAL_FAILURE(StartEmulator());
    StartGateway(ResilienceConfig(emulator_.port, upstream));
  }

  double Metric(absl::string_view series) {
    absl::StatusOr<testing::AdminAnswer> metrics =
        GetAdmin(signet_, "/metrics");
    EXPECT_THAT(metrics, IsOk());
    if (!metrics.ok()) return -1;
    return MetricSample(metrics->body, series).value_or(-1);
  }

  grpc::Status CallInnoPaaS(absl::string_view method,
                            v1::HttpResponse* response,
                            absl::Duration timeout = absl::Seconds(5)) {
    v1::CallInnoPaaSRequest request;
    request.set_method(std::string(method));
    request.set_path("/v1/items");
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + timeout));
    return stub_->CallInnoPaaS(&context, request, response);
  }

  grpc::Status GetToken(v1::GetTokenResponse* response) {
    v1::GetTokenRequest request;
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub_->GetToken(&context, request, response);
  }
};

TEST_F(UpstreamResilienceTest, CircuitOpensFailsFastThenAProbeClosesIt) {
  Start("{circuit_breaker: {failure_threshold: 3, cool_down: 1s}}");
  SetFault(R"({"mode":"drop","route":"innopaas"})");  // reset mid-body
  v1::HttpResponse response;
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(CallInnoPaaS("GET", &response).error_code(),
              grpc::StatusCode::UNAVAILABLE);
  }
  EXPECT_EQ(Stats().innopaas, 3);
  EXPECT_EQ(Metric(R"(signet_upstream_circuit_state{profile="default"})"), 1);

  const absl::Time start = absl::Now();
  const grpc::Status fast = CallInnoPaaS("GET", &response);
  EXPECT_EQ(fast.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(fast.error_message(), HasSubstr("circuit open"));
  EXPECT_LT(absl::Now() - start, absl::Milliseconds(500));
  EXPECT_EQ(Stats().innopaas, 3);  // refused without being sent
  EXPECT_EQ(
      Metric(R"(signet_upstream_circuit_rejections_total{profile="default"})"),
      1);
  // The OpenAPI profile's upstream has a circuit of its own.
  v1::GetTokenResponse token;
  EXPECT_TRUE(GetToken(&token).ok());

  // The upstream recovers; after the cool-down one probe closes the circuit.
  SetFault(R"({"mode":"none"})");
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  grpc::Status status;
  while (!(status = CallInnoPaaS("GET", &response)).ok()) {
    ASSERT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
    ASSERT_LT(absl::Now(), give_up) << status.error_message();
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(Stats().innopaas, 4);  // exactly one probe went out
  EXPECT_EQ(Metric(R"(signet_upstream_circuit_state{profile="default"})"), 0);
}

TEST_F(UpstreamResilienceTest, TokenFetchRetriesServerErrorsWithBackoff) {
  Start("{retry: {initial_backoff: 20ms}}");
  SetFault(R"({"mode":"error","status":503,"route":"token","count":2})");
  v1::GetTokenResponse token;
  const grpc::Status status = GetToken(&token);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_FALSE(token.token().empty());
  EXPECT_EQ(Stats().token, 3);  // two 503s, then the token
}

TEST_F(UpstreamResilienceTest,
       TokenFetchGivesUpAfterMaxAttemptsWithinItsTimeout) {
  Start("{retry: {max_attempts: 3, initial_backoff: 20ms}}");
  SetFault(R"({"mode":"error","status":502,"route":"token"})");
  v1::GetTokenResponse token;
  const absl::Time start = absl::Now();
  const grpc::Status status = GetToken(&token);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3) + absl::Seconds(1));
  EXPECT_EQ(Stats().token, 3);
}

TEST_F(UpstreamResilienceTest, ForwardedCallsAreNotRetriedByDefault) {
  Start("{retry: {initial_backoff: 20ms}}");
  SetFault(R"({"mode":"error","status":503,"route":"innopaas","count":1})");
  v1::HttpResponse response;
  ASSERT_TRUE(CallInnoPaaS("GET", &response).ok());
  EXPECT_EQ(response.status(), 503);  // the upstream's answer, passed on
  EXPECT_EQ(Stats().innopaas, 1);
}

TEST_F(UpstreamResilienceTest, IdempotentCallsAreRetriedWhenEnabledPostsNever) {
  Start("{retry: {initial_backoff: 20ms, idempotent_calls: true}}");
  SetFault(R"({"mode":"error","status":503,"route":"innopaas","count":1})");
  v1::HttpResponse response;
  ASSERT_TRUE(CallInnoPaaS("GET", &response).ok());
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(Stats().innopaas, 2);

  SetFault(R"({"mode":"error","status":503,"route":"innopaas","count":1})");
  ASSERT_TRUE(CallInnoPaaS("POST", &response).ok());
  EXPECT_EQ(response.status(), 503);
  EXPECT_EQ(Stats().innopaas, 3);
}

// ---- TLS identities, against `openssl s_server` demanding a client cert.

void RunShell(const std::string& command) {
  ASSERT_EQ(std::system((command + " >/dev/null 2>&1").c_str()), 0) << command;
}

class MutualTlsTest : public testing::GatewayFixture {
 protected:
  // A private CA, a server certificate for 127.0.0.1 and a client one,
  // made once for the suite (EC keys: quick to generate).
  static void SetUpTestSuite() {
    dir_ = new std::string(
        absl::StrCat(::testing::TempDir(), "/signet-mtls-", getpid()));
    const std::string& d = *dir_;
    RunShell("mkdir -p " + d);
    const std::string new_key =
        "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    RunShell(absl::StrCat("openssl req -x509 ", new_key,
                          " -days 2 -subj /CN=signet-test-ca -keyout ", d,
                          "/ca.key -out ", d, "/ca.pem"));
    std::ofstream(d + "/san.ext") << "subjectAltName=IP:127.0.0.1\n";
    for (const std::string name : {"server", "client"}) {
      RunShell(absl::StrCat("openssl req ", new_key, " -subj /CN=", name,
                            " -keyout ", d, "/", name, ".key -out ", d, "/",
                            name, ".csr"));
      RunShell(absl::StrCat("openssl x509 -req -days 2 -in ", d, "/", name,
                            ".csr -CA ", d, "/ca.pem -CAkey ", d,
                            "/ca.key -CAcreateserial -extfile ", d,
                            "/san.ext -out ", d, "/", name, ".pem"));
    }
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }

  void SetUp() override {
    port_ = testing::FreePort();
    ASSERT_GT(port_, 0);
    const std::string& d = *dir_;
    absl::StatusOr<std::unique_ptr<ChildProcess>> server = ChildProcess::Start(
        {"openssl", "s_server", "-accept", absl::StrCat("127.0.0.1:", port_),
         "-www", "-cert", d + "/server.pem", "-key", d + "/server.key",
         "-CAfile", d + "/ca.pem", "-Verify", "1"});
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    ASSERT_THAT(server_->WaitForLine("ACCEPT", absl::Seconds(10)), IsOk());
    absl::StatusOr<std::unique_ptr<RecordingListener>> proxy =
        RecordingListener::Start(
            "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
    ASSERT_THAT(proxy, IsOk());
    proxy_ = *std::move(proxy);
    StartSignetWithProfiles();
  }

  // A profile per TLS setup, all pointed at s_server.
  void StartSignetWithProfiles() {
    const std::string& d = *dir_;
    const std::string base = absl::StrCat(
        "base_url: https://127.0.0.1:", port_,
        "\n    app_key: {value: k}\n    authorization: {value: a}");
    StartGateway(absl::StrCat(R"(
listen: 127.0.0.1:0
admin_listen: "off"
innopaas:
  mutual:
    )",
                              base, R"(
    upstream:
      ca_bundle: )",
                              d, R"(/ca.pem
      client_cert: )",
                              d, R"(/client.pem
      client_key: {file: )",
                              d, R"(/client.key}
  no_client_cert:
    )",
                              base, R"(
    upstream: {ca_bundle: )",
                              d, R"(/ca.pem}
  system_cas_only:
    )",
                              base, R"(
  via_proxy:
    )",
                              base, R"(
    upstream:
      ca_bundle: )",
                              d, R"(/ca.pem
      proxy: http://127.0.0.1:)",
                              proxy_->port(), R"(
)"),
                 // A profile's proxy is used even where the environment
                 // says to bypass proxies for every host.
                 {{"NO_PROXY", "*"}, {"no_proxy", "*"}});
  }

  grpc::Status Call(const std::string& profile, v1::HttpResponse* response) {
    v1::CallInnoPaaSRequest request;
    request.set_profile(profile);
    request.set_method("GET");
    request.set_path("/");
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub_->CallInnoPaaS(&context, request, response);
  }

  static std::string* dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> server_;
  // A CONNECT proxy that refuses every tunnel (403).
  std::unique_ptr<RecordingListener> proxy_;
};

std::string* MutualTlsTest::dir_ = nullptr;

TEST_F(MutualTlsTest, PresentsTheProfilesClientCertificateAndTrustsItsCa) {
  v1::HttpResponse response;
  const grpc::Status status = Call("mutual", &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), 200);
  // s_server -www describes the session, our certificate included.
  EXPECT_THAT(response.body(), HasSubstr("Client certificate"));
  EXPECT_THAT(response.body(), HasSubstr("Subject: CN=client"));
}

TEST_F(MutualTlsTest, WithoutTheClientCertificateTheHandshakeFails) {
  v1::HttpResponse response;
  const grpc::Status status = Call("no_client_cert", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  // The server's refusal, not a failure to trust the server.
  EXPECT_THAT(status.error_message(), Not(HasSubstr("certificate problem")));
  EXPECT_THAT(status.error_message(), Not(HasSubstr("does not match")));
}

TEST_F(MutualTlsTest, AnUpstreamSignedByAnUnknownCaIsRefused) {
  v1::HttpResponse response;
  const grpc::Status status = Call("system_cas_only", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("certificate"));
  // Still reachable with the right identity afterwards.
  EXPECT_TRUE(Call("mutual", &response).ok());
}

TEST_F(MutualTlsTest, AProfilesProxyIsAskedToTunnelAndSeesNoCredentials) {
  v1::HttpResponse response;
  const grpc::Status status = Call("via_proxy", &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAVAILABLE);
  EXPECT_THAT(status.error_message(), HasSubstr("403"));
  ASSERT_THAT(proxy_->WaitForConnections(1, absl::Seconds(10)), IsOk());
  const std::vector<std::string> heads = proxy_->heads();
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_THAT(heads[0], StartsWith(absl::StrCat("CONNECT 127.0.0.1:", port_,
                                                " HTTP/1.1\r\n")));
  // Only the tunnel request: the signed headers travel inside TLS.
  EXPECT_THAT(heads[0], Not(HasSubstr("AppKey")));
  EXPECT_THAT(heads[0], Not(HasSubstr("Authorization")));

  // Profiles without a proxy go straight to the upstream.
  EXPECT_TRUE(Call("mutual", &response).ok());
  EXPECT_EQ(proxy_->heads().size(), 1u);
}

}  // namespace
}  // namespace signet
