#ifndef SIGNET_CONFIG_CONFIG_RESOLVER_H_
#define SIGNET_CONFIG_CONFIG_RESOLVER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "config/settings.h"
#include "signet/config/v1/config.pb.h"

namespace signet {

// Validates a parsed config and turns it into GatewaySettings: applies
// defaults, parses durations and zones, checks URLs, reads every secret.
// The first problem found is returned, named by its path in the file
// (e.g. "openapi.default.max_ttl: ..."); no error carries a secret value.
absl::StatusOr<GatewaySettings> ResolveConfig(const config::v1::Config& config);

// "250ms", "30s", "5m", "2h", "1h30m" (absl::ParseDuration syntax); must be
// positive. Empty text yields `default_value`.
absl::StatusOr<absl::Duration> ParseConfigDuration(absl::string_view text,
                                                   absl::Duration default_value);

// Loads the file, parses and resolves it: what --check-config and start-up run.
absl::StatusOr<GatewaySettings> LoadSettings(absl::string_view path);

}  // namespace signet

#endif  // SIGNET_CONFIG_CONFIG_RESOLVER_H_
