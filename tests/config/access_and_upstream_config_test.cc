// The config sections for who may call (callers, unix_listen) and how each
// upstream is reached (upstream: TLS, circuit breaker, retry).
#include <unistd.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "config/config_loader.h"
#include "config/config_resolver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kProfiles[] = R"(
innopaas:
  default:
    base_url: https://api.innopaas.example
    app_key: {value: k}
    authorization: {value: a}
openapi:
  tokens:
    base_url: https://openapi.example
    app_id: app
    app_secret: {value: s}
)";

absl::StatusOr<GatewaySettings> Resolve(absl::string_view yaml) {
  absl::StatusOr<config::v1::Config> config =
      ParseConfigText(absl::StrCat(kProfiles, yaml));
  if (!config.ok()) return config.status();
  return ResolveConfig(*config);
}

std::string TempFile(absl::string_view name, absl::string_view content) {
  // Per process: ctest runs these tests in parallel (config_test.cc).
  const std::string path = absl::StrCat(::testing::TempDir(), "/access_config_",
                                        getpid(), "_", name);
  std::ofstream(path, std::ios::trunc) << content;
  return path;
}

TEST(CallersConfigTest, ResolvesCallersAndGrants) {
  const std::string credential = TempFile("billing", "billing-cred\n");
  absl::StatusOr<GatewaySettings> settings =
      Resolve(absl::StrCat(R"(
callers:
  billing:
    credential: {file: )",
                           credential, R"(}
    allow:
      - {rpcs: [CallInnoPaaS], profiles: [default]}
      - {rpcs: ["*"]}
)"));
  ASSERT_THAT(settings, IsOk());
  const CallerSettings& billing = settings->callers.at("billing");
  EXPECT_EQ(billing.credential.Reveal(), "billing-cred");
  ASSERT_EQ(billing.grants.size(), 2u);
  EXPECT_EQ(billing.grants[0].rpcs, std::vector<std::string>{"CallInnoPaaS"});
  EXPECT_EQ(billing.grants[0].profiles, std::vector<std::string>{"default"});
  EXPECT_TRUE(billing.grants[1].profiles.empty());
}

TEST(CallersConfigTest, MistakesAreNamedWithoutTheCredential) {
  struct Case {
    std::string yaml;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"callers:\n  a:\n    allow: [{rpcs: [GetToken]}]\n",
            "callers.a.credential: missing"},
           {"callers:\n  a:\n    credential: {value: secret-one}\n",
            "callers.a.allow: empty"},
           {"callers:\n  a:\n    credential: {value: secret-one}\n"
            "    allow: [{profiles: [default]}]\n",
            "callers.a.allow[0].rpcs: name at least one RPC"},
           {"callers:\n  a:\n    credential: {value: secret-one}\n"
            "    allow: [{rpcs: [GetTokens]}]\n",
            "\"GetTokens\" is not a Gateway RPC"},
           {"callers:\n  a:\n    credential: {value: secret-one}\n"
            "    allow: [{rpcs: [GetToken], profiles: [defualt]}]\n",
            "\"defualt\" is not a configured profile"},
           {"callers:\n  a:\n    credential: {value: secret-one}\n"
            "    allow: [{rpcs: [GetToken]}]\n"
            "  b:\n    credential: {value: secret-one}\n"
            "    allow: [{rpcs: [GetToken]}]\n",
            "callers.b.credential: the same as callers.a's"},
       }) {
    SCOPED_TRACE(c.yaml);
    absl::StatusOr<GatewaySettings> settings = Resolve(c.yaml);
    EXPECT_THAT(settings, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr(c.message)));
    EXPECT_THAT(std::string(settings.status().message()),
                Not(HasSubstr("secret-one")));
  }
}

TEST(UnixListenConfigTest, ResolvesPathModeAndNumericOwner) {
  absl::StatusOr<GatewaySettings> settings = Resolve(
      "listen: \"off\"\n"
      "unix_listen: {path: /run/signet/signet.sock, mode: \"0600\", "
      "owner: \"1000:2000\"}\n");
  ASSERT_THAT(settings, IsOk());
  EXPECT_TRUE(settings->listen.empty());
  EXPECT_EQ(settings->unix_listen.path, "/run/signet/signet.sock");
  EXPECT_EQ(settings->unix_listen.mode, 0600u);
  EXPECT_EQ(settings->unix_listen.uid, 1000u);
  EXPECT_EQ(settings->unix_listen.gid, 2000u);
}

TEST(UnixListenConfigTest, DefaultsAndNames) {
  absl::StatusOr<GatewaySettings> settings =
      Resolve("unix_listen: {path: /tmp/s.sock, owner: \"root:root\"}\n");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->listen, "127.0.0.1:50051");  // TCP stays on
  EXPECT_EQ(settings->unix_listen.mode, 0660u);
  EXPECT_EQ(settings->unix_listen.uid, 0u);
  EXPECT_EQ(settings->unix_listen.gid, 0u);
}

TEST(UnixListenConfigTest, MistakesAreNamed) {
  for (const auto& [yaml, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"listen: \"off\"\n", "listen: \"off\" needs unix_listen"},
           {"unix_listen: {path: relative.sock}\n", "absolute path"},
           {"unix_listen: {path: /s.sock, mode: \"0999\"}\n",
            "octal file mode"},
           {"unix_listen: {path: /s.sock, mode: \"0440\"}\n", "owner needs"},
           {"unix_listen: {path: /s.sock, owner: no-such-user-x}\n",
            "no user \"no-such-user-x\""},
           {"unix_listen: {mode: \"0600\"}\n", "unix_listen.path: missing"},
           {"unix_listen: {path: /" + std::string(120, 'x') + "}\n",
            "longer than a socket path"},
       }) {
    SCOPED_TRACE(yaml);
    EXPECT_THAT(Resolve(yaml), StatusIs(absl::StatusCode::kInvalidArgument,
                                        HasSubstr(message)));
  }
}

TEST(UpstreamConfigTest, DefaultsAreBreakerOnAndTokenRetries) {
  absl::StatusOr<GatewaySettings> settings = Resolve("");
  ASSERT_THAT(settings, IsOk());
  const UpstreamSettings& upstream = settings->innopaas.at("default").upstream;
  EXPECT_TRUE(upstream.circuit_breaker.enabled);
  EXPECT_EQ(upstream.circuit_breaker.failure_threshold, 5);
  EXPECT_EQ(upstream.circuit_breaker.cool_down, absl::Seconds(10));
  EXPECT_EQ(upstream.retry.max_attempts, 3);
  EXPECT_FALSE(upstream.retry.idempotent_calls);
  EXPECT_TRUE(upstream.ca_bundle.empty());
  EXPECT_EQ(settings->max_headers, 64u);
  EXPECT_EQ(settings->max_header_bytes, 8u * 1024);
}

TEST(UpstreamConfigTest, ResolvesTlsBreakerAndRetry) {
  const std::string ca = TempFile("ca.pem", "-----BEGIN CERTIFICATE-----\n");
  const std::string cert =
      TempFile("cert.pem", "-----BEGIN CERTIFICATE-----\n");
  absl::StatusOr<config::v1::Config> config =
      ParseConfigText(absl::StrCat(R"(
max_headers: 10
max_header_bytes: 512
innopaas:
  default:
    base_url: https://api.innopaas.example
    app_key: {value: k}
    authorization: {value: a}
    upstream:
      ca_bundle: )",
                                   ca, R"(
      client_cert: )",
                                   cert, R"(
      client_key: {value: "-----BEGIN PRIVATE KEY-----"}
      circuit_breaker: {failure_threshold: 2, cool_down: 3s}
      retry: {max_attempts: 5, initial_backoff: 10ms, max_backoff: 1s,
              idempotent_calls: true}
)"));
  ASSERT_THAT(config, IsOk());
  absl::StatusOr<GatewaySettings> settings = ResolveConfig(*config);
  ASSERT_THAT(settings, IsOk());
  const UpstreamSettings& upstream = settings->innopaas.at("default").upstream;
  EXPECT_EQ(upstream.ca_bundle, ca);
  EXPECT_EQ(upstream.client_cert, cert);
  EXPECT_EQ(upstream.client_key.Reveal(), "-----BEGIN PRIVATE KEY-----");
  EXPECT_EQ(upstream.circuit_breaker.failure_threshold, 2);
  EXPECT_EQ(upstream.circuit_breaker.cool_down, absl::Seconds(3));
  EXPECT_EQ(upstream.retry.max_attempts, 5);
  EXPECT_EQ(upstream.retry.initial_backoff, absl::Milliseconds(10));
  EXPECT_TRUE(upstream.retry.idempotent_calls);
  EXPECT_EQ(settings->max_headers, 10u);
  EXPECT_EQ(settings->max_header_bytes, 512u);
}

TEST(UpstreamConfigTest, ResolvesAProxyForAnHttpsUpstream) {
  absl::StatusOr<GatewaySettings> settings = Resolve(R"(
licenses:
  shop:
    url: https://licenses.example/v1
    secret: {value: s}
    upstream: {proxy: "http://proxy.internal:3128/"}
)");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->licenses.at("shop").upstream.proxy,
            "http://proxy.internal:3128");
  // Without one, none: the environment's proxy variables do not count.
  EXPECT_TRUE(settings->innopaas.at("default").upstream.proxy.empty());
}

TEST(UpstreamConfigTest, ProxyMistakesAreNamedWithoutTheUrl) {
  const std::string head =
      "innopaas:\n  x:\n    base_url: https://h.example\n"
      "    app_key: {value: k}\n    authorization: {value: a}\n"
      "    upstream: ";
  for (const auto& [upstream, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"{proxy: \"socks5://p.example:1080\"}",
            "innopaas.x.upstream.proxy: must be http://host:port"},
           {"{proxy: \"https://p.example:3128\"}",
            "socks and https:// proxies are not supported"},
           {"{proxy: \"p.example:3128\"}", "must be http://host:port"},
           {"{proxy: \"http://user:pw-0123@p.example:3128\"}",
            "must not carry credentials"},
           {"{proxy: \"http://p.example:3128/path\"}", "without a path"},
           {"{proxy: \"http://p.example\"}", "with the port"},
           {"{proxy: \"http://p.example:3128?q=1\"}", "query"},
       }) {
    SCOPED_TRACE(upstream);
    absl::StatusOr<config::v1::Config> config =
        ParseConfigText(head + upstream + "\n");
    ASSERT_THAT(config, IsOk());
    const absl::StatusOr<GatewaySettings> settings = ResolveConfig(*config);
    EXPECT_THAT(settings, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr(message)));
    EXPECT_THAT(settings.status().message(), Not(HasSubstr("pw-0123")));
  }
}

TEST(UpstreamConfigTest, ProxyIsRefusedForAPlainHttpUpstream) {
  const std::string yaml = R"(
innopaas:
  x:
    base_url: http://h.example
    allow_insecure_http: true
    app_key: {value: k}
    authorization: {value: a}
    upstream: {proxy: "http://p.example:3128"}
)";
  absl::StatusOr<config::v1::Config> config = ParseConfigText(yaml);
  ASSERT_THAT(config, IsOk());
  EXPECT_THAT(ResolveConfig(*config),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("innopaas.x.upstream.proxy: only for "
                                 "https:// upstreams")));
}

TEST(UpstreamConfigTest, MistakesAreNamed) {
  const std::string cert = TempFile("cert2.pem", "x");
  const std::string head =
      "innopaas:\n  x:\n    base_url: https://h.example\n"
      "    app_key: {value: k}\n    authorization: {value: a}\n"
      "    upstream: ";
  for (const auto& [upstream, message] :
       std::vector<std::pair<std::string, std::string>>{
           {"{ca_bundle: /no/such/ca.pem}",
            "innopaas.x.upstream.ca_bundle: cannot read \"/no/such/ca.pem\""},
           {"{client_cert: " + cert + "}",
            "client_cert and client_key go together"},
           {"{client_key: {value: k}}",
            "client_cert and client_key go together"},
           {"{circuit_breaker: {cool_down: soon}}",
            "innopaas.x.upstream.circuit_breaker.cool_down"},
           {"{retry: {max_attempts: 11}}", "retry.max_attempts: at most 10"},
           {"{retry: {initial_backoff: 2s, max_backoff: 1s}}",
            "max_backoff: must not be shorter"},
       }) {
    SCOPED_TRACE(upstream);
    absl::StatusOr<config::v1::Config> config =
        ParseConfigText(head + upstream + "\n");
    ASSERT_THAT(config, IsOk());
    EXPECT_THAT(
        ResolveConfig(*config),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(message)));
  }
}

}  // namespace
}  // namespace signet
