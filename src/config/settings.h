#ifndef SIGNET_CONFIG_SETTINGS_H_
#define SIGNET_CONFIG_SETTINGS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/base_url.h"
#include "secrets/secret.h"

namespace signet {

// How one upstream is reached and how its failures are handled.
struct CircuitBreakerSettings {
  bool enabled = true;
  int failure_threshold = 5;
  absl::Duration cool_down = absl::Seconds(10);
};

struct RetrySettings {
  int max_attempts = 3;  // the first attempt included
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  bool idempotent_calls = false;  // forwarded GET/HEAD/PUT/DELETE too
};

struct UpstreamSettings {
  std::string ca_bundle;    // empty: the system store
  std::string client_cert;  // empty: no client certificate
  Secret client_key;        // set exactly when client_cert is
  CircuitBreakerSettings circuit_breaker;
  RetrySettings retry;
  // "http://host:port" of a CONNECT proxy for an https upstream; empty: no
  // proxy at all, whatever the environment says.
  std::string proxy;

  friend bool operator==(const UpstreamSettings& a, const UpstreamSettings& b);
};

// The configuration after validation: defaults applied, durations and zones
// parsed, URLs checked, secrets read. Everything downstream takes these
// types, never the raw proto.

struct OpenApiSettings {
  std::string name;
  BaseUrl base_url;
  std::string app_id;
  Secret app_secret;
  absl::TimeZone expire_time_zone;
  std::string expire_time_zone_name;
  absl::Duration max_ttl = absl::Hours(2);
  absl::Duration refresh_before = absl::Minutes(5);
  absl::Duration token_timeout = absl::Seconds(10);
  // At most one refresh caused by a rejected token per this interval.
  absl::Duration min_refresh_interval = absl::Seconds(30);
  std::string app_id_field = "app_id";
  // Body codes meaning "token no longer valid", besides HTTP 401.
  std::vector<int64_t> token_invalid_codes;
  // Fetched at start-up and part of readiness.
  bool prewarm = true;
  UpstreamSettings upstream;
};

struct InnoPaasSettings {
  std::string name;
  BaseUrl base_url;
  Secret app_key;
  Secret authorization;
  UpstreamSettings upstream;
};

enum class LicenseVerification { kSignature, kPassword };

// The headers seed 003 prescribes and ApsdaiSigner sets; a profile's custom
// headers may not replace them.
inline constexpr absl::string_view kApsdaiSignedHeaders[] = {
    "Content-Type", "User-Agent", "X-Apsdai-Timestamp", "X-Apsdai-Token"};

struct LicenseSettings {
  std::string name;
  BaseUrl url;
  std::string method = "POST";
  LicenseVerification verification = LicenseVerification::kSignature;
  Secret secret;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> body;
  UpstreamSettings upstream;
};

// Inbound verification: one scheme per profile.
struct InnoPaasWebhookSettings {
  Secret user_name;
  Secret authorization;
};

struct ApsdaiInboundSettings {
  LicenseVerification verification = LicenseVerification::kSignature;
  Secret secret;
  absl::Duration window = absl::Minutes(5);
  size_t replay_cache_size = 100000;
};

struct InboundSettings {
  std::string name;
  // Exactly one is set.
  std::optional<InnoPaasWebhookSettings> innopaas_webhook;
  std::optional<ApsdaiInboundSettings> apsdai;
};

struct InboundRouteSettings {
  std::string path;     // exact match on the request path
  std::string profile;  // a key of GatewaySettings::inbound
  BaseUrl target;       // where authentic requests go
};

// A caller of the Gateway service and what it may do (config `callers`).
struct GrantSettings {
  std::vector<std::string> rpcs;      // "*" = all
  std::vector<std::string> profiles;  // "*" or empty = all
};

struct CallerSettings {
  std::string name;
  Secret credential;
  std::vector<GrantSettings> grants;
};

struct UnixListenerSettings {
  std::string path;  // empty: no unix socket listener
  uint32_t mode = 0660;
  std::optional<uint32_t> uid;  // unset: leave as created
  std::optional<uint32_t> gid;
};

struct GatewaySettings {
  std::string listen = "127.0.0.1:50051";  // empty: no TCP listener
  UnixListenerSettings unix_listen;
  // Empty: no caller authorization.
  std::map<std::string, CallerSettings> callers;
  size_t max_headers = 64;
  size_t max_header_bytes = 8 * 1024;
  absl::Duration default_deadline = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(5);
  size_t max_body_bytes = 8 << 20;
  std::map<std::string, OpenApiSettings> openapi;
  std::map<std::string, InnoPaasSettings> innopaas;
  std::map<std::string, LicenseSettings> licenses;
  std::map<std::string, InboundSettings> inbound;
  std::string inbound_listen;  // empty: no receiver
  std::vector<InboundRouteSettings> inbound_routes;
  absl::Duration inbound_head_timeout = absl::Seconds(10);
  uint32_t inbound_max_connections = 1024;
  uint32_t inbound_max_connections_per_client = 32;
  std::string admin_listen = "127.0.0.1:9090";  // empty: no admin listener
  std::string health_listen;                    // empty: no probe listener
  absl::Duration watch_interval = absl::Seconds(2);
  size_t max_in_flight = 2048;
  absl::Duration prewarm_timeout = absl::Seconds(10);
};

}  // namespace signet

#endif  // SIGNET_CONFIG_SETTINGS_H_
