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
#include "apsdai/apsdai_settings.h"
#include "inbound/inbound_settings.h"
#include "innopaas/innopaas_settings.h"
#include "openapi/openapi_settings.h"
#include "secrets/secret.h"
#include "upstream/upstream_settings.h"

namespace signet {

// The profile a call or route means when it names none.
inline constexpr absl::string_view kDefaultProfile = "default";

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

// The configuration after validation: defaults applied, durations and zones
// parsed, URLs checked, secrets read. Everything downstream takes these
// types (each kind's own in its module), never the raw proto.
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
