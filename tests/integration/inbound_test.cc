// The verifying receiver and VerifyInbound against a real signet process:
// authentic InnoPaaS and APSDAI requests reach a local target byte for
// byte; every inauthentic one is refused with nothing reaching it.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "apsdai/apsdai_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/curl_multi_client.h"
#include "http/http_server.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kHookUser[] = "hook-user";
constexpr char kHookAuthorization[] = "Bearer hook-s3cret%2B/=";
constexpr char kApsdaiSecret[] = "apsdai-inbound-secret";

// The service behind signet: records what reaches it, answers 201.
class RecordingTarget {
 public:
  RecordingTarget() {
    HttpServerOptions options;
    options.address = "127.0.0.1:0";
    auto server = HttpServer::Start(
        options, [this](ServerRequest request, ServerResponder respond) {
          {
            absl::MutexLock lock(&mu_);
            received_.push_back(std::move(request));
          }
          HttpResponse answer;
          answer.status = 201;
          answer.headers = {{"Content-Type", "application/json"},
                            {"X-Target", "a"},
                            {"X-Target", "b"}};
          answer.body = R"({"stored":true})";
          std::move(respond)(std::move(answer));
        });
    EXPECT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  int port() const { return server_->port(); }
  std::vector<ServerRequest> received() const {
    absl::MutexLock lock(&mu_);
    return received_;
  }
  size_t count() const {
    absl::MutexLock lock(&mu_);
    return received_.size();
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<ServerRequest> received_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<HttpServer> server_;
};

std::string InboundConfig(int target_port) {
  return absl::StrFormat(R"(
listen: 127.0.0.1:0
admin_listen: 127.0.0.1:0
inbound_listen: 127.0.0.1:0
max_body_bytes: 4096
inbound:
  hooks:
    innopaas_webhook:
      user_name: {env: SIGNET_TEST_HOOK_USER}
      authorization: {env: SIGNET_TEST_HOOK_AUTHORIZATION}
  licenses:
    apsdai:
      verification: signature
      secret: {env: SIGNET_TEST_APSDAI_SECRET}
      window: 5m
  default:
    apsdai:
      verification: password
      secret: {env: SIGNET_TEST_APSDAI_SECRET}
inbound_routes:
  - path: /hooks/innopaas
    profile: hooks
    target: http://127.0.0.1:%d/app/innopaas
  - path: /hooks/licenses
    profile: licenses
    target: http://127.0.0.1:%d/app/licenses
  - path: /hooks/down
    profile: hooks
    target: http://127.0.0.1:1/nothing-listens
)",
                         target_port, target_port);
}

// No emulator: signet's receiver in front of a recording target.
class InboundTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(
        StartGateway(InboundConfig(target_.port()),
                     {{"SIGNET_TEST_HOOK_USER", kHookUser},
                      {"SIGNET_TEST_HOOK_AUTHORIZATION", kHookAuthorization},
                      {"SIGNET_TEST_APSDAI_SECRET", kApsdaiSecret}}));
    ASSERT_NE(signet_.inbound_address, "off");
    auto http =
        CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
    ASSERT_THAT(http, IsOk());
    http_ = *std::move(http);
  }

  // Sends a request to signet's receiver (or admin listener) and waits.
  absl::StatusOr<HttpResponse> Send(const std::string& address,
                                    HttpRequest request) {
    request.url = absl::StrCat("http://", address, request.url);
    request.deadline = absl::Now() + absl::Seconds(10);
    absl::Notification done;
    absl::StatusOr<HttpResponse> result;
    http_->Send(std::move(request), [&](absl::StatusOr<HttpResponse> answer) {
      result = std::move(answer);
      done.Notify();
    });
    done.WaitForNotification();
    return result;
  }

  HttpRequest InnoPaaSPush() const {
    HttpRequest request;
    request.method = "POST";
    request.url = "/hooks/innopaas?event=uplink&sig=a%2Bb";
    request.headers = {{"Content-Type", "application/json;charset=utf-8"},
                       {"UserName", kHookUser},
                       {"Authorization", kHookAuthorization},
                       {"X-Custom", "%41 kept as sent"}};
    request.body = std::string("{\"text\":\"caf\xc3\xa9\"}\x00\x01", 19);
    return request;
  }

  static HttpRequest ApsdaiHook(int64_t timestamp_ms, std::string token) {
    HttpRequest request;
    request.method = "POST";
    request.url = "/hooks/licenses";
    request.headers = {{"Content-Type", "application/json"},
                       {"User-Agent", "apsdai-hook"},
                       {"X-Apsdai-Timestamp", absl::StrCat(timestamp_ms)},
                       {"X-Apsdai-Token", std::move(token)}};
    request.body = R"({"product":"pro","machine":"build-7"})";
    return request;
  }

  static std::string Signed(int64_t timestamp_ms) {
    return ApsdaiSignature(timestamp_ms, Secret(kApsdaiSecret));
  }

  static int64_t NowMs() { return absl::ToUnixMillis(absl::Now()); }

  static std::vector<std::string> Values(const std::vector<HttpHeader>& headers,
                                         absl::string_view name) {
    std::vector<std::string> values;
    for (const HttpHeader& header : headers) {
      if (absl::EqualsIgnoreCase(header.name, name))
        values.push_back(header.value);
    }
    return values;
  }

  grpc::Status VerifyInbound(const v1::VerifyInboundRequest& request,
                             v1::VerifyInboundResponse* response) {
    grpc::ClientContext context;
    context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    return stub_->VerifyInbound(&context, request, response);
  }

  RecordingTarget target_;
  std::unique_ptr<CurlMultiClient> http_;
};

TEST_F(InboundTest, AuthenticInnoPaaSPushReachesTheTargetByteForByte) {
  const HttpRequest push = InnoPaaSPush();
  absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, push);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201) << answer->body;
  EXPECT_EQ(answer->body, R"({"stored":true})");
  EXPECT_THAT(Values(answer->headers, "X-Target"), ElementsAre("a", "b"));

  const std::vector<ServerRequest> received = target_.received();
  ASSERT_EQ(received.size(), 1u);
  const ServerRequest& got = received[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.path, "/app/innopaas");
  EXPECT_EQ(got.query, "event=uplink&sig=a%2Bb");
  EXPECT_EQ(got.body, push.body);
  for (const HttpHeader& sent : push.headers) {
    EXPECT_THAT(Values(got.headers, sent.name), ElementsAre(sent.value))
        << sent.name;
  }

  // A hop-by-hop header is the connection's own: it stays behind.
  HttpRequest proxied = InnoPaaSPush();
  proxied.headers.push_back({"Proxy-Authorization", "Basic cHJveHk6cA=="});
  answer = Send(signet_.inbound_address, proxied);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201);
  ASSERT_EQ(target_.count(), 2u);
  EXPECT_THAT(Values(target_.received()[1].headers, "Proxy-Authorization"),
              ::testing::IsEmpty());
}

TEST_F(InboundTest, ReloadAppliesRoutesAndBodyLimitWithoutARestart) {
  // Verify a reload reaches the receiver: a route added to the file serves
  // at once and a lowered max_body_bytes refuses a body it used to take.
  // (Before SignetProcess applied them, the receiver kept the routes and
  // limit it started with, and the new route stayed 404.)
  HttpRequest moved = InnoPaaSPush();
  moved.url = "/hooks/moved";
  absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, moved);
  ASSERT_THAT(answer, IsOk());
  ASSERT_EQ(answer->status, 404);

  const std::string reloaded = absl::StrReplaceAll(
      InboundConfig(target_.port()),
      {{"max_body_bytes: 4096", "max_body_bytes: 64"},
       {"inbound_routes:\n",
        absl::StrCat("inbound_routes:\n  - path: /hooks/moved\n"
                     "    profile: hooks\n    target: http://127.0.0.1:",
                     target_.port(), "/app/moved\n")}});
  std::ofstream(signet_.config_path, std::ios::trunc) << reloaded;
  signet_.process->Signal(SIGHUP);
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"config reloaded\"",
                                           absl::Seconds(10)),
              IsOk());

  answer = Send(signet_.inbound_address, moved);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201) << answer->body;
  ASSERT_EQ(target_.count(), 1u);
  EXPECT_EQ(target_.received()[0].path, "/app/moved");

  HttpRequest large = InnoPaaSPush();
  large.body = std::string(100, 'x');
  answer = Send(signet_.inbound_address, large);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 413);
  EXPECT_EQ(target_.count(), 1u);
  EXPECT_THAT(signet_.process->Output(),
              ::testing::Not(::testing::HasSubstr("next restart")));
}

TEST_F(InboundTest, ConnectionNamedHeadersAreNotForwarded) {
  // Verify the headers a Connection header names are hop-by-hop (RFC 9110
  // 7.6.1) and stay behind, in any case, while the others arrive.
  HttpRequest push = InnoPaaSPush();
  push.headers.push_back({"Connection", "keep-alive, X-Secret-Hop"});
  push.headers.push_back({"X-Secret-Hop", "v"});
  push.headers.push_back({"x-other-hop", "w"});
  push.headers.push_back({"Connection", " X-OTHER-HOP ,"});
  absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, push);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201) << answer->body;
  ASSERT_EQ(target_.count(), 1u);
  const ServerRequest got = target_.received()[0];
  EXPECT_THAT(Values(got.headers, "X-Secret-Hop"), ::testing::IsEmpty());
  EXPECT_THAT(Values(got.headers, "X-Other-Hop"), ::testing::IsEmpty());
  EXPECT_THAT(Values(got.headers, "X-Custom"), ElementsAre("%41 kept as sent"));
}

TEST_F(InboundTest, AuthenticApsdaiHookReachesTheTargetOnceOnly) {
  const int64_t now = NowMs();
  const HttpRequest hook = ApsdaiHook(now, Signed(now));
  absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, hook);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 201) << answer->body;
  ASSERT_EQ(target_.count(), 1u);
  const ServerRequest got = target_.received()[0];
  EXPECT_EQ(got.path, "/app/licenses");
  EXPECT_EQ(got.body, hook.body);
  // Still percent-encoded, exactly as the seed's PHP sends it.
  EXPECT_THAT(Values(got.headers, "X-Apsdai-Token"), ElementsAre(Signed(now)));
  EXPECT_THAT(Values(got.headers, "User-Agent"), ElementsAre("apsdai-hook"));

  // The same request again is a replay.
  answer = Send(signet_.inbound_address, hook);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 401);
  EXPECT_THAT(answer->body, HasSubstr("replayed"));
  EXPECT_EQ(target_.count(), 1u);
}

TEST_F(InboundTest, InauthenticRequestsAreRefusedAndNothingReachesTheTarget) {
  const int64_t now = NowMs();
  struct Case {
    std::string name;
    HttpRequest request;
    int status;
    std::string reason;
  };
  std::vector<Case> cases;
  auto push = [&](std::function<void(HttpRequest&)> change) {
    HttpRequest request = InnoPaaSPush();
    change(request);
    return request;
  };
  cases.push_back({"wrong authorization", push([](HttpRequest& r) {
                     r.headers[2].value = "Bearer guess";
                   }),
                   401, "wrong_credentials"});
  cases.push_back({"wrong user", push([](HttpRequest& r) {
                     r.headers[1].value = "hook-usr";
                   }),
                   401, "wrong_credentials"});
  cases.push_back({"missing user", push([](HttpRequest& r) {
                     r.headers.erase(r.headers.begin() + 1);
                   }),
                   401, "missing_header"});
  cases.push_back({"duplicated authorization", push([](HttpRequest& r) {
                     r.headers.push_back({"authorization", kHookAuthorization});
                   }),
                   401, "duplicate_header"});
  cases.push_back({"body over the limit", push([](HttpRequest& r) {
                     r.body = std::string(5000, 'x');
                   }),
                   413, "too large"});
  cases.push_back({"no route",
                   push([](HttpRequest& r) { r.url = "/hooks/other"; }), 404,
                   "no inbound route"});
  cases.push_back({"route is exact",
                   push([](HttpRequest& r) { r.url = "/hooks/innopaas/"; }),
                   404, "no inbound route"});
  cases.push_back(
      {"stale", ApsdaiHook(now - 600000, Signed(now - 600000)), 401, "stale"});
  cases.push_back({"future", ApsdaiHook(now + 600000, Signed(now + 600000)),
                   401, "future"});
  cases.push_back({"wrong signature", ApsdaiHook(now, Signed(now + 1)), 401,
                   "wrong_credentials"});
  cases.push_back(
      {"decoded signature",
       ApsdaiHook(now, absl::StrReplaceAll(Signed(now), {{"%3D", "="}})), 401,
       "wrong_credentials"});
  HttpRequest agent = ApsdaiHook(now, Signed(now));
  agent.headers[1].value = "curl/7.88.1";
  cases.push_back({"wrong user agent", agent, 401, "wrong_user_agent"});
  HttpRequest no_time = ApsdaiHook(now, Signed(now));
  no_time.headers.erase(no_time.headers.begin() + 2);
  cases.push_back({"no timestamp", no_time, 401, "missing_header"});

  for (const Case& c : cases) {
    absl::StatusOr<HttpResponse> answer =
        Send(signet_.inbound_address, c.request);
    ASSERT_THAT(answer, IsOk()) << c.name;
    EXPECT_EQ(answer->status, c.status) << c.name << ": " << answer->body;
    EXPECT_THAT(answer->body, HasSubstr(c.reason)) << c.name;
    EXPECT_THAT(answer->body, Not(HasSubstr("s3cret"))) << c.name;
  }
  EXPECT_EQ(target_.count(), 0u);
}

TEST_F(InboundTest, UnreachableTargetIsBadGateway) {
  HttpRequest push = InnoPaaSPush();
  push.url = "/hooks/down";
  absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, push);
  ASSERT_THAT(answer, IsOk());
  EXPECT_EQ(answer->status, 502);
}

TEST_F(InboundTest, VerifyInboundOverGrpc) {
  const int64_t now = NowMs();
  v1::VerifyInboundRequest request;
  request.set_profile("licenses");
  request.set_method("POST");
  request.set_path("/anything");
  for (const HttpHeader& header : ApsdaiHook(now, Signed(now)).headers) {
    v1::Header* added = request.add_headers();
    added->set_name(header.name);
    added->set_value(header.value);
  }
  v1::VerifyInboundResponse response;
  ASSERT_TRUE(VerifyInbound(request, &response).ok());
  EXPECT_TRUE(response.authentic()) << response.reason();
  EXPECT_EQ(response.scheme(), "apsdai");
  EXPECT_EQ(response.reason(), "");

  // The same token again: refused as a replay, with the reason.
  response.Clear();
  ASSERT_TRUE(VerifyInbound(request, &response).ok());
  EXPECT_FALSE(response.authentic());
  EXPECT_THAT(response.reason(), HasSubstr("replayed"));

  // An empty profile is "default" (password mode here).
  v1::VerifyInboundRequest password;
  for (const HttpHeader& header : ApsdaiHook(now, kApsdaiSecret).headers) {
    v1::Header* added = password.add_headers();
    added->set_name(header.name);
    added->set_value(header.value);
  }
  response.Clear();
  ASSERT_TRUE(VerifyInbound(password, &response).ok());
  EXPECT_TRUE(response.authentic()) << response.reason();

  v1::VerifyInboundRequest unknown;
  unknown.set_profile("nope");
  const grpc::Status status = VerifyInbound(unknown, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("\"nope\""));
  EXPECT_EQ(target_.count(), 0u);  // verification alone forwards nothing
}

TEST_F(InboundTest, MetricsCountVerdictsByReason) {
  ASSERT_THAT(Send(signet_.inbound_address, InnoPaaSPush()), IsOk());
  HttpRequest wrong = InnoPaaSPush();
  wrong.headers[2].value = "Bearer guess";
  ASSERT_THAT(Send(signet_.inbound_address, wrong), IsOk());
  ASSERT_THAT(Send(signet_.inbound_address, wrong), IsOk());

  HttpRequest scrape;
  scrape.url = "/metrics";
  absl::StatusOr<HttpResponse> metrics = Send(signet_.admin_address, scrape);
  ASSERT_THAT(metrics, IsOk());
  EXPECT_EQ(metrics->status, 200);
  EXPECT_THAT(metrics->body,
              HasSubstr("signet_inbound_verified_total{profile=\"hooks\","
                        "scheme=\"innopaas_webhook\"} 1"));
  EXPECT_THAT(
      metrics->body,
      HasSubstr("signet_inbound_refused_total{profile=\"hooks\","
                "reason=\"wrong_credentials\",scheme=\"innopaas_webhook\"} 2"));

  for (const char* path : {"/healthz", "/readyz"}) {
    HttpRequest probe;
    probe.url = path;
    absl::StatusOr<HttpResponse> answer = Send(signet_.admin_address, probe);
    ASSERT_THAT(answer, IsOk());
    EXPECT_EQ(answer->status, 200) << path;
  }
}

TEST_F(InboundTest, AFloodOfRefusedRequestsWritesFewLogLines) {
  // Verify refused requests are logged once per interval with a count of
  // those left out, not once each.
  HttpRequest wrong = InnoPaaSPush();
  wrong.headers[2].value = "Bearer guess";
  for (int i = 0; i < 30; ++i) {
    absl::StatusOr<HttpResponse> answer = Send(signet_.inbound_address, wrong);
    ASSERT_THAT(answer, IsOk());
    EXPECT_EQ(answer->status, 401);
  }
  // A forward that fails logs a line after all of those: the end mark.
  HttpRequest push = InnoPaaSPush();
  push.url = "/hooks/down";
  ASSERT_THAT(Send(signet_.inbound_address, push), IsOk());
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"inbound target failed\"",
                                           absl::Seconds(10)),
              IsOk());
  int refused = 0;
  for (absl::string_view line :
       absl::StrSplit(signet_.process->Output(), '\n')) {
    if (absl::StrContains(line, "\"msg\":\"inbound request refused\"")) {
      ++refused;
    }
  }
  // One, or a second carrying "suppressed" on a very slow machine.
  EXPECT_GE(refused, 1);
  EXPECT_LE(refused, 3);
}

TEST_F(InboundTest, NoInboundSecretInTheLogs) {
  ASSERT_THAT(Send(signet_.inbound_address, InnoPaaSPush()), IsOk());
  HttpRequest wrong = InnoPaaSPush();
  wrong.headers[1].value = "intruder";
  ASSERT_THAT(Send(signet_.inbound_address, wrong), IsOk());
  const int64_t now = NowMs();
  ASSERT_THAT(Send(signet_.inbound_address, ApsdaiHook(now, Signed(now))),
              IsOk());
  signet_.process->Signal(SIGTERM);
  ASSERT_THAT(signet_.process->WaitForExit(absl::Seconds(20)), IsOk());
  const std::string logs = signet_.process->Output();
  EXPECT_THAT(logs, HasSubstr("inbound request refused"));
  for (const std::string& secret : {std::string(kHookAuthorization),
                                    std::string(kApsdaiSecret), Signed(now)}) {
    EXPECT_THAT(logs, Not(HasSubstr(secret)));
  }
}

}  // namespace
}  // namespace signet
