#include "config/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "config/yaml_to_proto.h"

namespace signet {

absl::StatusOr<config::v1::Config> ParseConfigText(absl::string_view text) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("config is not valid YAML or JSON: ", e.what()));
  }
  if (root.IsNull()) {
    return absl::InvalidArgumentError("config is empty");
  }
  if (!root.IsMap()) {
    return absl::InvalidArgumentError("config must be a mapping at the top");
  }
  config::v1::Config config;
  if (absl::Status status = YamlToProto(root, &config); !status.ok()) {
    return status;
  }
  return config;
}

absl::StatusOr<config::v1::Config> LoadConfigFile(absl::string_view path) {
  std::ifstream in{std::string(path)};
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot open config file ", path));
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  auto config = ParseConfigText(buffer.str());
  if (!config.ok()) {
    return absl::Status(config.status().code(),
                        absl::StrCat(path, ": ", config.status().message()));
  }
  return config;
}

}  // namespace signet
