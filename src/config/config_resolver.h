#ifndef SIGNET_CONFIG_CONFIG_RESOLVER_H_
#define SIGNET_CONFIG_CONFIG_RESOLVER_H_

#include <string>
#include <vector>

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
absl::StatusOr<absl::Duration> ParseConfigDuration(
    absl::string_view text, absl::Duration default_value);

// Loads the file, parses and resolves it: what --check-config and start-up run.
absl::StatusOr<GatewaySettings> LoadSettings(absl::string_view path);

// Settings and the files they were read from: the config file itself and
// every {file: ...} secret, which are watched for changes at run time.
struct LoadedConfig {
  GatewaySettings settings;
  std::vector<std::string> sources;
};
absl::StatusOr<LoadedConfig> LoadConfigWithSources(absl::string_view path);

// Every SecretRef `file` in `config`, found by walking the message, so a
// new kind of profile is covered without being listed here.
std::vector<std::string> SecretFilePaths(
    const google::protobuf::Message& config);

}  // namespace signet

#endif  // SIGNET_CONFIG_CONFIG_RESOLVER_H_
