#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "config/config_loader.h"
#include "config/config_resolver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kOpenApiSecret[] = "openapi-secret-value";
constexpr char kLicenseSecret[] = "license-secret-value";

class ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir();
    openapi_secret_path_ =
        WriteFile("openapi-secret", absl::StrCat(kOpenApiSecret, "\n"));
    auth_path_ = WriteFile("innopaas-authorization", "auth-value");
    license_path_ = WriteFile("license-secret", kLicenseSecret);
    ASSERT_EQ(setenv("SIGNET_TEST_APP_KEY", "app-key-value", 1), 0);
  }

  std::string WriteFile(absl::string_view name, absl::string_view content) {
    // Per process: ctest runs this binary's tests in parallel, and one
    // test's truncating write must not empty the file another is reading.
    const std::string path =
        absl::StrCat(dir_, "/config_test_", getpid(), "_", name);
    std::ofstream out(path, std::ios::trunc);
    out << content;
    return path;
  }

  // The shape issue 2 requires to work, with secrets pointed at temp files.
  std::string ExampleYaml() const {
    return absl::StrReplaceAll(R"(
listen: 127.0.0.1:50051            # or unix:/run/signet/signet.sock
openapi:
  default:
    base_url: https://openapi.example.com
    app_id: app-123
    app_secret: {file: OPENAPI_SECRET}
    expire_time_zone: UTC
    max_ttl: 2h
    refresh_before: 5m
innopaas:
  default:
    base_url: https://api.innopaas.example
    app_key: {env: SIGNET_TEST_APP_KEY}
    authorization: {file: INNOPAAS_AUTH}
licenses:
  default:
    url: https://licenses.example.com/api/keys
    method: POST
    verification: signature
    secret: {file: LICENSE_SECRET}
    headers: {X-Shop: shop-1}
    body: {product: pro}
)",
                               {{"OPENAPI_SECRET", openapi_secret_path_},
                                {"INNOPAAS_AUTH", auth_path_},
                                {"LICENSE_SECRET", license_path_}});
  }

  absl::StatusOr<GatewaySettings> Resolve(absl::string_view yaml) {
    absl::StatusOr<config::v1::Config> config = ParseConfigText(yaml);
    if (!config.ok()) return config.status();
    return ResolveConfig(*config);
  }

  std::string dir_;
  std::string openapi_secret_path_;
  std::string auth_path_;
  std::string license_path_;
};

TEST_F(ConfigTest, IssueExampleResolves) {
  absl::StatusOr<GatewaySettings> settings = Resolve(ExampleYaml());
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->listen, "127.0.0.1:50051");
  const OpenApiSettings& openapi = settings->openapi.at("default");
  EXPECT_EQ(openapi.base_url.text, "https://openapi.example.com");
  EXPECT_EQ(openapi.app_id, "app-123");
  EXPECT_EQ(openapi.app_secret.Reveal(), kOpenApiSecret);  // newline trimmed
  EXPECT_EQ(openapi.max_ttl, absl::Hours(2));
  EXPECT_EQ(openapi.refresh_before, absl::Minutes(5));
  EXPECT_EQ(openapi.app_id_field, "app_id");
  const InnoPaasSettings& innopaas = settings->innopaas.at("default");
  EXPECT_EQ(innopaas.app_key.Reveal(), "app-key-value");
  EXPECT_EQ(innopaas.authorization.Reveal(), "auth-value");
  const LicenseSettings& licenses = settings->licenses.at("default");
  EXPECT_EQ(licenses.method, "POST");
  EXPECT_EQ(licenses.verification, LicenseVerification::kSignature);
  EXPECT_EQ(licenses.headers.at("X-Shop"), "shop-1");
  EXPECT_EQ(licenses.body.at("product"), "pro");
}

TEST_F(ConfigTest, JsonWorksToo) {
  const std::string json = absl::StrCat(
      R"({"listen":"unix:/run/signet.sock","max_body_bytes":1024,)",
      R"("openapi":{"a":{"base_url":"http://127.0.0.1:1","app_id":"x",)",
      R"("allow_insecure_http":true,"app_secret":{"value":"v"}}}})");
  absl::StatusOr<GatewaySettings> settings = Resolve(json);
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->listen, "unix:/run/signet.sock");
  EXPECT_EQ(settings->max_body_bytes, 1024u);
}

TEST_F(ConfigTest, DefaultsApply) {
  absl::StatusOr<GatewaySettings> settings = Resolve(R"(
openapi:
  p:
    base_url: https://h.example/prefix/
    app_id: 12345
    app_secret: {value: v}
)");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->listen, "127.0.0.1:50051");
  EXPECT_EQ(settings->default_deadline, absl::Seconds(30));
  EXPECT_EQ(settings->max_body_bytes, 8u << 20);
  const OpenApiSettings& p = settings->openapi.at("p");
  EXPECT_EQ(p.app_id, "12345");  // an unquoted number stays a string
  EXPECT_EQ(p.base_url.text, "https://h.example/prefix");
  EXPECT_EQ(p.expire_time_zone_name, "UTC");
  EXPECT_EQ(p.token_timeout, absl::Seconds(10));
}

TEST_F(ConfigTest, UnknownKeyIsNamed) {
  EXPECT_THAT(
      Resolve("listen: 127.0.0.1:1\nlisten_adress: x\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("listen_adress")));
  EXPECT_THAT(Resolve(R"(
openapi:
  default:
    bse_url: https://x.example
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("openapi.default.bse_url")));
}

TEST_F(ConfigTest, MissingSecretFileIsNamed) {
  EXPECT_THAT(Resolve(R"(
innopaas:
  default:
    base_url: https://x.example
    app_key: {file: /nonexistent/app-key}
    authorization: {value: a}
)"),
              StatusIs(absl::StatusCode::kNotFound,
                       AllOf(HasSubstr("innopaas.default.app_key"),
                             HasSubstr("/nonexistent/app-key"))));
}

TEST_F(ConfigTest, MissingSecretReferenceIsNamed) {
  EXPECT_THAT(Resolve(R"(
innopaas:
  default:
    base_url: https://x.example
    authorization: {value: a}
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("innopaas.default.app_key: missing")));
}

TEST_F(ConfigTest, BadUrlsAreRefused) {
  for (const char* url :
       {"not a url", "ftp://x.example", "https://", "https://u:p@x.example",
        "https://x.example/?q=1", "https://x.example/#f", "x.example"}) {
    SCOPED_TRACE(url);
    absl::StatusOr<GatewaySettings> settings =
        Resolve(absl::StrCat(R"(
openapi:
  default:
    app_id: a
    app_secret: {value: v}
    base_url: ")",
                             url, "\"\n"));
    EXPECT_THAT(settings, StatusIs(absl::StatusCode::kInvalidArgument,
                                   HasSubstr("openapi.default.base_url")));
    // A URL with credentials is not echoed.
    EXPECT_THAT(settings.status().message(), Not(HasSubstr("u:p@")));
  }
}

TEST_F(ConfigTest, PlainHttpNeedsOptIn) {
  const char* yaml = R"(
openapi:
  default:
    base_url: http://127.0.0.1:8080
    app_id: a
    app_secret: {value: v}
)";
  EXPECT_THAT(Resolve(yaml), StatusIs(absl::StatusCode::kInvalidArgument,
                                      HasSubstr("allow_insecure_http")));
  EXPECT_THAT(Resolve(absl::StrCat(yaml, "    allow_insecure_http: true\n")),
              IsOk());
}

TEST_F(ConfigTest, BadDurationsAreNamed) {
  for (const char* duration : {"2 hours", "-5m", "0s", "inf", "5"}) {
    SCOPED_TRACE(duration);
    EXPECT_THAT(Resolve(absl::StrCat(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
    max_ttl: ")",
                                     duration, "\"\n")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("openapi.default.max_ttl")));
  }
}

TEST_F(ConfigTest, RefreshBeforeMustBeShorterThanMaxTtl) {
  EXPECT_THAT(Resolve(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
    max_ttl: 5m
    refresh_before: 10m
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("refresh_before")));
}

TEST_F(ConfigTest, TokenTimeoutAndMaxInFlightAreBounded) {
  // Verify token_timeout must be positive but may be long (nothing retires
  // a profile under a fetch any more), and max_in_flight has its default
  // and can be set.
  const std::string profile = R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
)";
  EXPECT_THAT(Resolve(profile + "    token_timeout: 0s\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("openapi.default.token_timeout: \"0s\" must "
                                 "be positive")));
  absl::StatusOr<GatewaySettings> settings =
      Resolve(profile + "    token_timeout: 2m\n");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->openapi.at("default").token_timeout, absl::Minutes(2));
  settings = Resolve(profile);
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->max_in_flight, 2048u);
  settings = Resolve(profile + "max_in_flight: 7\n");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->max_in_flight, 7u);
}

TEST_F(ConfigTest, UnknownZoneIsNamed) {
  EXPECT_THAT(
      Resolve(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
    expire_time_zone: Mars/Olympus
)"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("Mars/Olympus")));
}

TEST_F(ConfigTest, ZoneNamesThatAreFilePathsAreRefused) {
  // absl::LoadTimeZone would open these; /dev/stdin would block start-up.
  for (const char* zone : {"/dev/stdin", "file:/etc/localtime",
                           "../../../../dev/zero", "Asia/../../dev/zero"}) {
    SCOPED_TRACE(zone);
    EXPECT_THAT(Resolve(absl::StrCat(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
    expire_time_zone: ")",
                                     zone, "\"\n")),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("is not an IANA zone name")));
  }
  EXPECT_THAT(Resolve(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: {value: v}
    expire_time_zone: America/Argentina/Buenos_Aires
)"),
              IsOk());
}

TEST_F(ConfigTest, LicenseEnumsAreChecked) {
  EXPECT_THAT(Resolve(R"(
licenses:
  default:
    url: https://x.example/keys
    method: PUT
    secret: {value: v}
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("licenses.default.method")));
  EXPECT_THAT(Resolve(R"(
licenses:
  default:
    url: https://x.example/keys
    verification: hmac
    secret: {value: v}
)"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("licenses.default.verification")));
}

TEST_F(ConfigTest, InboundSectionResolves) {
  // Verify both inbound schemes, their defaults, routes and admin_listen.
  absl::StatusOr<GatewaySettings> settings = Resolve(R"(
admin_listen: "off"
inbound_listen: 127.0.0.1:8081
inbound:
  hooks:
    innopaas_webhook:
      user_name: {value: u}
      authorization: {value: a}
  licenses:
    apsdai:
      verification: password
      secret: {value: s}
      window: 90s
      replay_cache_size: 7
  signed:
    apsdai: {secret: {value: s}}
inbound_routes:
  - {path: /hooks/innopaas, profile: hooks, target: "http://127.0.0.1:8080/in"}
  - {path: /hooks/lic, profile: licenses, target: "https://app.internal/lic"}
)");
  ASSERT_THAT(settings, IsOk());
  EXPECT_EQ(settings->admin_listen, "");
  ASSERT_EQ(settings->inbound.size(), 3u);
  EXPECT_TRUE(settings->inbound.at("hooks").innopaas_webhook.has_value());
  const ApsdaiInboundSettings& licenses =
      *settings->inbound.at("licenses").apsdai;
  EXPECT_EQ(licenses.verification, LicenseVerification::kPassword);
  EXPECT_EQ(licenses.window, absl::Seconds(90));
  EXPECT_EQ(licenses.replay_cache_size, 7u);
  const ApsdaiInboundSettings& defaults =
      *settings->inbound.at("signed").apsdai;
  EXPECT_EQ(defaults.verification, LicenseVerification::kSignature);
  EXPECT_EQ(defaults.window, absl::Minutes(5));
  EXPECT_EQ(defaults.replay_cache_size, 100000u);
  ASSERT_EQ(settings->inbound_routes.size(), 2u);
  EXPECT_EQ(settings->inbound_routes[0].target.text,
            "http://127.0.0.1:8080/in");
}

TEST_F(ConfigTest, InboundMistakesAreNamed) {
  // Verify each inbound misconfiguration is refused with its path.
  const std::string profiles = R"(
inbound:
  hooks:
    innopaas_webhook: {user_name: {value: u}, authorization: {value: a}}
)";
  struct Case {
    std::string yaml;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"inbound:\n  both:\n    innopaas_webhook: {}\n    apsdai: {}\n",
            "inbound.both: give exactly one of"},
           {"inbound:\n  none: {}\n", "inbound.none: give exactly one of"},
           {"inbound:\n  x:\n    apsdai: {secret: {value: s}, window: 0s}\n",
            "inbound.x.apsdai.window"},
           {"inbound:\n  x:\n    apsdai: {secret: {value: s}, "
            "verification: hmac}\n",
            "inbound.x.apsdai.verification"},
           {"inbound:\n  x:\n    innopaas_webhook: {user_name: {value: u}}\n",
            "inbound.x.innopaas_webhook.authorization: missing"},
           {profiles + "inbound_listen: 127.0.0.1:1\ninbound_routes:\n"
                       "  - {path: /a, profile: nope, target: "
                       "\"http://127.0.0.1:2/\"}\n",
            "inbound_routes[0].profile: \"nope\""},
           {profiles + "inbound_listen: 127.0.0.1:1\ninbound_routes:\n"
                       "  - {path: /a, profile: hooks, target: "
                       "\"http://app.example/\"}\n",
            "http:// is accepted for loopback targets only"},
           {profiles + "inbound_listen: 127.0.0.1:1\ninbound_routes:\n"
                       "  - {path: a, profile: hooks, target: "
                       "\"http://127.0.0.1:2/\"}\n",
            "inbound_routes[0].path"},
           {profiles + "inbound_listen: 127.0.0.1:1\ninbound_routes:\n"
                       "  - {path: /a, profile: hooks, target: "
                       "\"http://127.0.0.1:2/\"}\n"
                       "  - {path: /a, profile: hooks, target: "
                       "\"http://127.0.0.1:3/\"}\n",
            "routed twice"},
           {profiles + "inbound_listen: 127.0.0.1:1\n",
            "inbound_listen and inbound_routes go together"},
       }) {
    SCOPED_TRACE(c.yaml);
    EXPECT_THAT(Resolve(c.yaml), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr(c.message)));
  }
}

TEST_F(ConfigTest, PlainHttpInboundTargetsMustBeLoopbackLiterals) {
  // Verify http:// targets are accepted only for a 127.0.0.0/8 literal,
  // [::1] or localhost: names that merely start like one are refused.
  const auto route = [](absl::string_view target) {
    return absl::StrCat(R"(
inbound:
  hooks:
    innopaas_webhook: {user_name: {value: u}, authorization: {value: a}}
inbound_listen: 127.0.0.1:1
inbound_routes:
  - {path: /a, profile: hooks, target: ")",
                        target, "\"}\n");
  };
  for (absl::string_view target :
       {"http://127.0.0.1:8080/in", "http://127.5.6.7/", "http://[::1]:9/",
        "http://localhost:8080/", "http://LocalHost/",
        "https://127.attacker.example/"}) {
    SCOPED_TRACE(target);
    EXPECT_THAT(Resolve(route(target)), IsOk());
  }
  for (absl::string_view target :
       {"http://127.attacker.example/", "http://127.0.0.1.nip.io/",
        "http://localhost.evil.com/", "http://128.0.0.1/", "http://[::2]/",
        "http://[::ffff:8.8.8.8]/", "http://127/"}) {
    SCOPED_TRACE(target);
    EXPECT_THAT(Resolve(route(target)),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("http:// is accepted for loopback targets "
                                   "only")));
  }
}

TEST_F(ConfigTest, SyntaxErrorsAndEmptyConfigs) {
  EXPECT_THAT(Resolve("listen: [unclosed"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("not valid YAML")));
  EXPECT_THAT(Resolve(""),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("empty")));
  EXPECT_THAT(
      Resolve("- a\n- b\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("mapping")));
  EXPECT_THAT(
      Resolve("listen: 127.0.0.1:1\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no profiles")));
}

TEST_F(ConfigTest, SecretValuesNeverAppearInErrors) {
  // A secret given where an object is expected must not be echoed back.
  absl::StatusOr<GatewaySettings> settings = Resolve(R"(
openapi:
  default:
    base_url: https://x.example
    app_id: a
    app_secret: super-secret-inline-value
)");
  EXPECT_THAT(settings, StatusIs(absl::StatusCode::kInvalidArgument,
                                 HasSubstr("app_secret")));
  EXPECT_THAT(settings.status().message(),
              Not(HasSubstr("super-secret-inline-value")));
}

TEST_F(ConfigTest, LoadSettingsNamesTheFile) {
  const std::string path = WriteFile("bad.yaml", "nope: 1\n");
  EXPECT_THAT(LoadSettings(path),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr(path), HasSubstr("nope"))));
  EXPECT_THAT(LoadSettings("/nonexistent/signet.yaml"),
              StatusIs(absl::StatusCode::kNotFound));
}

}  // namespace
}  // namespace signet
