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
  std::string app_id_field = "app_id";
  // Body codes meaning "token no longer valid", besides HTTP 401.
  std::vector<int64_t> token_invalid_codes;
  // Fetched at start-up and part of readiness.
  bool prewarm = true;
};

struct InnoPaasSettings {
  std::string name;
  BaseUrl base_url;
  Secret app_key;
  Secret authorization;
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

struct GatewaySettings {
  std::string listen = "127.0.0.1:50051";
  absl::Duration default_deadline = absl::Seconds(30);
  absl::Duration connect_timeout = absl::Seconds(5);
  size_t max_body_bytes = 8 << 20;
  std::map<std::string, OpenApiSettings> openapi;
  std::map<std::string, InnoPaasSettings> innopaas;
  std::map<std::string, LicenseSettings> licenses;
  std::map<std::string, InboundSettings> inbound;
  std::string inbound_listen;  // empty: no receiver
  std::vector<InboundRouteSettings> inbound_routes;
  std::string admin_listen = "127.0.0.1:9090";  // empty: no admin listener
  std::string health_listen;                    // empty: no probe listener
  absl::Duration watch_interval = absl::Seconds(2);
  size_t max_in_flight = 2048;
  absl::Duration prewarm_timeout = absl::Seconds(10);
};

}  // namespace signet

#endif  // SIGNET_CONFIG_SETTINGS_H_
