#ifndef SIGNET_CONFIG_CONFIG_LOADER_H_
#define SIGNET_CONFIG_CONFIG_LOADER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "signet/config/v1/config.pb.h"

namespace signet {

// Parses configuration text (YAML, or JSON, which is read as YAML) into the
// proto schema, so every key is checked against it: an unknown key is an
// error that names it. Only syntax and schema are checked here;
// ResolveConfig checks meaning.
absl::StatusOr<config::v1::Config> ParseConfigText(absl::string_view text);

// Reads and parses a file; errors name the file.
absl::StatusOr<config::v1::Config> LoadConfigFile(absl::string_view path);

}  // namespace signet

#endif  // SIGNET_CONFIG_CONFIG_LOADER_H_
