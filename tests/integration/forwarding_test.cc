// End to end on the forwarding RPCs: CallInnoPaaS, CallOpenAPI and
// FetchLicenses through real signet and signet-emulator processes.
#include <grpcpp/grpcpp.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/recording_listener.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::EmulatorConfig;
using ::signet::testing::EmulatorStats;
using ::signet::testing::IsOk;
using ::signet::testing::PostEmulatorControl;
using ::signet::testing::RecordingListener;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

class ForwardingTest : public testing::GatewayFixture {
 protected:
  void SetUp() override { Start({}, ""); }

  // (Re)starts both processes; `extra_licenses` holds more license profiles
  // for the standard emulator config, indented as its entries.
  void Start(std::vector<std::string> emulator_flags,
             const std::string& extra_licenses) {
    StopGateway();
    ASSERT_NO_FATAL_FAILURE(StartEmulator(std::move(emulator_flags)));
    StartGateway(absl::StrReplaceAll(
        EmulatorConfig(emulator_.port),
        {{"\nlicenses:\n", absl::StrCat("\nlicenses:\n", extra_licenses)}}));
  }

  grpc::Status CallInnoPaaS(const v1::CallInnoPaaSRequest& request,
                            v1::HttpResponse* response) {
    grpc::ClientContext context;
    return stub_->CallInnoPaaS(WithDeadline(&context), request, response);
  }

  grpc::Status CallOpenAPI(const v1::CallOpenAPIRequest& request,
                           v1::HttpResponse* response) {
    grpc::ClientContext context;
    return stub_->CallOpenAPI(WithDeadline(&context), request, response);
  }

  grpc::Status FetchLicenses(const v1::FetchLicensesRequest& request,
                             v1::FetchLicensesResponse* response) {
    grpc::ClientContext context;
    return stub_->FetchLicenses(WithDeadline(&context), request, response);
  }

  static std::vector<std::string> HeaderValues(const json& echo,
                                               const std::string& name) {
    std::vector<std::string> values;
    for (const json& header : echo["headers"]) {
      if (absl::EqualsIgnoreCase(header[0].get<std::string>(), name)) {
        values.push_back(header[1].get<std::string>());
      }
    }
    return values;
  }
};

TEST_F(ForwardingTest, InnoPaaSGetRoundTrip) {
  v1::CallInnoPaaSRequest request;
  request.set_method("get");
  request.set_path("/v1/items");
  (*request.mutable_query())["q"] = "a b&c=d";
  (*request.mutable_query())["page"] = "2";
  v1::Header* trace = request.add_headers();
  trace->set_name("X-Trace");
  trace->set_value("trace-1");
  v1::HttpResponse response;
  const grpc::Status status = CallInnoPaaS(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  ASSERT_EQ(response.status(), 200) << response.body();

  const json echo = json::parse(response.body());
  EXPECT_EQ(echo["method"], "GET");
  EXPECT_EQ(echo["path"], "/innopaas/v1/items");
  EXPECT_EQ(echo["query"]["q"], "a b&c=d");
  EXPECT_EQ(echo["query"]["page"], "2");
  EXPECT_EQ(echo["raw_query"], "page=2&q=a%20b%26c%3Dd");
  EXPECT_THAT(HeaderValues(echo, "Content-Type"),
              ElementsAre("application/json;charset=utf-8"));
  EXPECT_THAT(HeaderValues(echo, "AppKey"),
              ElementsAre(testing::kEmulatorAppKey));
  EXPECT_THAT(HeaderValues(echo, "Authorization"),
              ElementsAre(testing::kEmulatorAuthorization));
  EXPECT_THAT(HeaderValues(echo, "X-Trace"), ElementsAre("trace-1"));
  EXPECT_EQ(echo["body_base64"], "");

  // A repeated response header comes back as two entries, in order.
  std::vector<std::string> repeats;
  for (const v1::Header& header : response.headers()) {
    if (header.name() == "X-Echo-Repeat") repeats.push_back(header.value());
  }
  EXPECT_THAT(repeats, ElementsAre("a", "b"));
}

TEST_F(ForwardingTest, InnoPaaSPostCarriesTheBodyByteForByte) {
  constexpr char kBody[] = "{\"text\":\"caf\xc3\xa9\"}\x00\x01\xff";
  const std::string body(kBody, sizeof(kBody) - 1);  // NUL bytes included
  v1::CallInnoPaaSRequest request;
  request.set_method("POST");
  request.set_path("/v1/messages");
  request.set_body(body);
  v1::HttpResponse response;
  ASSERT_TRUE(CallInnoPaaS(request, &response).ok());
  ASSERT_EQ(response.status(), 200);
  const json echo = json::parse(response.body());
  EXPECT_EQ(echo["method"], "POST");
  std::string received;
  ASSERT_TRUE(
      absl::Base64Unescape(echo["body_base64"].get<std::string>(), &received));
  EXPECT_EQ(received, body);
  EXPECT_THAT(HeaderValues(echo, "Content-Length"),
              ElementsAre(absl::StrCat(body.size())));
}

TEST_F(ForwardingTest, UpstreamErrorsAreAnswersNotGrpcErrors) {
  for (int code : {404, 500, 503}) {
    v1::CallInnoPaaSRequest request;
    request.set_method("GET");
    request.set_path(absl::StrCat("/status/", code));
    v1::HttpResponse response;
    const grpc::Status status = CallInnoPaaS(request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.status(), code);
  }
}

// Defect 5: libcurl honours the proxy variables of its environment, which
// sent signed calls, credentials in the clear, to whatever they named.
TEST_F(ForwardingTest, ProxyEnvironmentVariablesAreIgnored) {
  absl::StatusOr<std::unique_ptr<RecordingListener>> proxy =
      RecordingListener::Start(
          "HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n"
          "Connection: close\r\n\r\n");
  ASSERT_THAT(proxy, IsOk());
  const std::string url = absl::StrCat("http://127.0.0.1:", (*proxy)->port());
  // No NO_PROXY: nothing but signet itself may keep the call off the proxy.
  ASSERT_NO_FATAL_FAILURE(StartGatewayOnEmulator({{"http_proxy", url},
                                                  {"HTTP_PROXY", url},
                                                  {"https_proxy", url},
                                                  {"HTTPS_PROXY", url},
                                                  {"ALL_PROXY", url},
                                                  {"all_proxy", url}}));

  v1::CallInnoPaaSRequest request;
  request.set_method("GET");
  request.set_path("/v1/items");
  v1::HttpResponse response;
  const grpc::Status status = CallInnoPaaS(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), 200);
  EXPECT_EQ(Stats().innopaas, 1);
  // Only the request line is shown: the rest would be the credentials.
  for (const std::string& head : (*proxy)->heads()) {
    ADD_FAILURE() << "the proxy saw: " << head.substr(0, head.find("\r\n"));
  }
}

TEST_F(ForwardingTest, HostileInputsAreRefusedAndNothingIsSent) {
  struct Case {
    const char* what;
    std::string method = "GET";
    std::string path = "/ok";
    std::vector<std::pair<std::string, std::string>> headers = {};
    std::vector<std::pair<std::string, std::string>> query = {};
  };
  const std::vector<Case> cases = {
      {"absolute URL", "GET", "http://evil.example/x"},
      {"scheme-relative", "GET", "//evil.example/x"},
      {"dot-dot", "GET", "/a/../../admin"},
      {"encoded dot-dot", "GET", "/a/%2E%2e/admin"},
      {"double-encoded dot-dot", "GET", "/a/%252e%252e/admin"},
      {"backslash", "GET", "/a\\..\\admin"},
      {"NUL", "GET", std::string("/a\0b", 4)},
      {"encoded CRLF", "GET", "/a%0d%0aX-Injected:1"},
      {"raw LF", "GET", "/a\nb"},
      {"method", "TRACE", "/ok"},
      {"AppKey override", "GET", "/ok", {{"AppKey", "mine"}}},
      {"Authorization override", "GET", "/ok", {{"authorization", "mine"}}},
      {"Content-Type override", "GET", "/ok", {{"Content-Type", "text/plain"}}},
      {"Host", "GET", "/ok", {{"Host", "evil.example"}}},
      {"Transfer-Encoding", "GET", "/ok", {{"Transfer-Encoding", "chunked"}}},
      {"Proxy-*", "GET", "/ok", {{"Proxy-Authorization", "x"}}},
      {"CRLF in value", "GET", "/ok", {{"X-A", "a\r\nX-Injected: 1"}}},
      {"LF in name", "GET", "/ok", {{"X-A\nB", "v"}}},
      {"CR in query key", "GET", "/ok", {}, {{"a\rb", "v"}}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    v1::CallInnoPaaSRequest request;
    request.set_method(c.method);
    request.set_path(c.path);
    for (const auto& [name, value] : c.headers) {
      v1::Header* header = request.add_headers();
      header->set_name(name);
      header->set_value(value);
    }
    for (const auto& [key, value] : c.query) {
      (*request.mutable_query())[key] = value;
    }
    v1::HttpResponse response;
    const grpc::Status status = CallInnoPaaS(request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << status.error_message();
  }
  const EmulatorStats stats = Stats();
  EXPECT_EQ(stats.total, 0);
  EXPECT_EQ(stats.connections, 0);
}

TEST_F(ForwardingTest, OversizedBodyIsResourceExhausted) {
  ASSERT_NO_FATAL_FAILURE(
      StartGateway("max_body_bytes: 1024\n" + EmulatorConfig(emulator_.port)));
  v1::CallInnoPaaSRequest request;
  request.set_method("POST");
  request.set_path("/v1/upload");
  request.set_body(std::string(2048, 'x'));
  v1::HttpResponse response;
  EXPECT_EQ(CallInnoPaaS(request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_EQ(Stats().total, 0);

  // The answer is capped too: the echo of a 900-byte body is over 1 KiB.
  request.set_body(std::string(900, 'y'));
  EXPECT_EQ(CallInnoPaaS(request, &response).error_code(),
            grpc::StatusCode::RESOURCE_EXHAUSTED);
}

TEST_F(ForwardingTest, TransportFailuresAndDeadlines) {
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults",
                                  R"({"mode":"hang","route":"innopaas"})"),
              IsOk());
  v1::CallInnoPaaSRequest request;
  request.set_method("GET");
  request.set_path("/slow");
  grpc::ClientContext context;
  WithDeadline(&context, absl::Milliseconds(500));
  v1::HttpResponse response;
  const absl::Time start = absl::Now();
  EXPECT_EQ(stub_->CallInnoPaaS(&context, request, &response).error_code(),
            grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_LT(absl::Now() - start, absl::Seconds(3));
  ASSERT_THAT(
      PostEmulatorControl(emulator_.port, "/__faults", R"({"mode":"none"})"),
      IsOk());

  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults",
                                  R"({"mode":"drop","route":"innopaas"})"),
              IsOk());
  EXPECT_EQ(CallInnoPaaS(request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);

  emulator_.process->Kill();
  const grpc::Status down = CallInnoPaaS(request, &response);
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ForwardingTest, ProfileKindsAreChecked) {
  v1::CallInnoPaaSRequest request;
  request.set_profile("shop");  // a licenses profile
  request.set_method("GET");
  request.set_path("/x");
  v1::HttpResponse response;
  EXPECT_EQ(CallInnoPaaS(request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  request.set_profile("missing");
  const grpc::Status status = CallInnoPaaS(request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_THAT(status.error_message(), HasSubstr("missing"));
  EXPECT_EQ(Stats().total, 0);
}

TEST_F(ForwardingTest, OpenApiCallCarriesTheBearerToken) {
  // The emulator's verify endpoint is itself an authentication-required
  // endpoint: it checks the Bearer token and X-APP-ID.
  v1::CallOpenAPIRequest request;
  request.set_method("GET");
  request.set_path("/api/v5/authentication/verify");
  v1::HttpResponse response;
  const grpc::Status status = CallOpenAPI(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), 200) << response.body();
  EXPECT_EQ(json::parse(response.body())["data"]["result"], "success");
  EXPECT_EQ(Stats().tokens_issued, 1);
}

TEST_F(ForwardingTest, OpenApiRetriesOnceWithAFreshTokenAfterRevocation) {
  v1::GetTokenResponse token;
  {
    grpc::ClientContext context;
    WithDeadline(&context);
    ASSERT_TRUE(stub_->GetToken(&context, v1::GetTokenRequest(), &token).ok());
  }
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__revoke", "{}"), IsOk());

  v1::CallOpenAPIRequest request;
  request.set_method("GET");
  request.set_path("/api/v5/authentication/verify");
  v1::HttpResponse response;
  ASSERT_TRUE(CallOpenAPI(request, &response).ok());
  EXPECT_EQ(response.status(), 200) << response.body();
  const EmulatorStats stats = Stats();
  EXPECT_EQ(stats.tokens_issued, 2);
  EXPECT_EQ(stats.verify, 2);  // the refused attempt and the retry

  // The cache now holds the fresh token.
  v1::GetTokenResponse after;
  grpc::ClientContext context;
  WithDeadline(&context);
  ASSERT_TRUE(stub_->GetToken(&context, v1::GetTokenRequest(), &after).ok());
  EXPECT_NE(after.token(), token.token());
  EXPECT_TRUE(after.from_cache());
}

TEST_F(ForwardingTest, OpenApiSecondRefusalIsReturnedAsItIs) {
  ASSERT_THAT(
      PostEmulatorControl(
          emulator_.port, "/__faults",
          R"({"mode":"error","status":401,"route":"verify","count":2})"),
      IsOk());
  v1::CallOpenAPIRequest request;
  request.set_method("GET");
  request.set_path("/api/v5/authentication/verify");
  v1::HttpResponse response;
  ASSERT_TRUE(CallOpenAPI(request, &response).ok());
  EXPECT_EQ(response.status(), 401);
  EXPECT_EQ(Stats().verify, 2);  // one retry, not more
}

TEST_F(ForwardingTest, OpenApiReservedHeadersAreRefused) {
  v1::CallOpenAPIRequest request;
  request.set_method("GET");
  request.set_path("/api/v5/authentication/verify");
  v1::Header* header = request.add_headers();
  header->set_name("X-App-Id");
  header->set_value("someone-else");
  v1::HttpResponse response;
  EXPECT_EQ(CallOpenAPI(request, &response).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Stats().total, 0);
}

TEST_F(ForwardingTest, LicensesSignatureMode) {
  v1::FetchLicensesRequest request;
  request.set_profile("shop");
  (*request.mutable_fields())["count"] = "2";
  (*request.mutable_fields())["order"] = "A-1";
  v1::FetchLicensesResponse response;
  const grpc::Status status = FetchLicenses(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.code(), "SUCCESS");
  EXPECT_EQ(response.keys_size(), 2);
  EXPECT_EQ(Stats().licenses, 1);
}

// Profiles with the seed's custom headers and body, on the emulator.
std::string CustomLicenseProfiles(int port, const char* verification) {
  return absl::StrFormat(R"(  custom:
    url: http://127.0.0.1:%d/licenses/keys
    allow_insecure_http: true
    verification: %s
    secret: {env: SIGNET_TEST_LICENSE_SECRET}
    headers: {X-Shop: shop-1}
    body: {product: pro, channel: web}
  custom-get:
    url: http://127.0.0.1:%d/licenses/keys
    method: GET
    allow_insecure_http: true
    verification: %s
    secret: {env: SIGNET_TEST_LICENSE_SECRET}
    body: {product: basic}
)",
                         port, verification, port, verification);
}

TEST_F(ForwardingTest, LicenseCustomHeadersAndBodyArrive) {
  const int port = emulator_.port;
  emulator_.process->Kill();
  Start({absl::StrCat("--port=", port)},
        CustomLicenseProfiles(port, "signature"));
  v1::FetchLicensesRequest request;
  request.set_profile("custom");
  (*request.mutable_fields())["channel"] = "api";  // overlays the profile's
  (*request.mutable_fields())["count"] = "1";
  v1::FetchLicensesResponse response;
  const grpc::Status status = FetchLicenses(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(response.keys(), ElementsAre("KEY-1-pro"));

  absl::StatusOr<std::string> last =
      testing::GetEmulatorControl(emulator_.port, "/__last/licenses");
  ASSERT_THAT(last, IsOk());
  const json received = json::parse(*last);
  EXPECT_EQ(received["method"], "POST");
  EXPECT_EQ(received["fields"],
            json({{"channel", "api"}, {"count", "1"}, {"product", "pro"}}));
  EXPECT_THAT(HeaderValues(received, "X-Shop"), ElementsAre("shop-1"));
  EXPECT_THAT(HeaderValues(received, "User-Agent"), ElementsAre("apsdai-hook"));
  EXPECT_THAT(HeaderValues(received, "Content-Type"),
              ElementsAre("application/json"));
  const std::vector<std::string> timestamps =
      HeaderValues(received, "X-Apsdai-Timestamp");
  ASSERT_EQ(timestamps.size(), 1u);
  EXPECT_EQ(timestamps[0].size(), 13u);

  // GET carries the same pairs as the query string.
  v1::FetchLicensesRequest get;
  get.set_profile("custom-get");
  (*get.mutable_fields())["count"] = "2";
  ASSERT_TRUE(FetchLicenses(get, &response).ok());
  EXPECT_THAT(response.keys(), ElementsAre("KEY-1-basic", "KEY-2-basic"));
  last = testing::GetEmulatorControl(emulator_.port, "/__last/licenses");
  ASSERT_THAT(last, IsOk());
  EXPECT_EQ(json::parse(*last)["method"], "GET");
  EXPECT_EQ(json::parse(*last)["target"],
            "/licenses/keys?count=2&product=basic");
}

TEST_F(ForwardingTest, LicensesPasswordMode) {
  const int port = emulator_.port;
  emulator_.process->Kill();
  Start({absl::StrCat("--port=", port), "--license_verification=password"},
        CustomLicenseProfiles(port, "password"));
  v1::FetchLicensesRequest request;
  request.set_profile("custom");
  v1::FetchLicensesResponse response;
  const grpc::Status status = FetchLicenses(request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.keys_size(), 3);

  // The signature-mode profile is refused by a password-mode upstream.
  request.set_profile("shop");
  const grpc::Status refused = FetchLicenses(request, &response);
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_THAT(refused.error_message(), HasSubstr("HTTP 403"));
  EXPECT_THAT(refused.error_message(),
              Not(HasSubstr(testing::kEmulatorLicenseSecret)));
}

TEST_F(ForwardingTest, LicenseFailuresMapToCodes) {
  struct Case {
    const char* simulate;
    grpc::StatusCode code;
    const char* message;
  };
  for (const Case& c :
       {Case{"fail", grpc::StatusCode::FAILED_PRECONDITION, "out of stock"},
        Case{"forbidden", grpc::StatusCode::FAILED_PRECONDITION,
             "forbidden by upstream"},
        Case{"malformed", grpc::StatusCode::UNAVAILABLE,
             "malformed answer from upstream"},
        Case{"missing_keys", grpc::StatusCode::UNAVAILABLE, "data.key"}}) {
    SCOPED_TRACE(c.simulate);
    v1::FetchLicensesRequest request;
    request.set_profile("shop");
    (*request.mutable_fields())["simulate"] = c.simulate;
    v1::FetchLicensesResponse response;
    const grpc::Status status = FetchLicenses(request, &response);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    EXPECT_THAT(status.error_message(), HasSubstr(c.message));
  }
  v1::FetchLicensesRequest empty;
  empty.set_profile("shop");
  (*empty.mutable_fields())["simulate"] = "empty";
  v1::FetchLicensesResponse response;
  ASSERT_TRUE(FetchLicenses(empty, &response).ok());
  EXPECT_EQ(response.keys_size(), 0);
}

}  // namespace
}  // namespace signet
