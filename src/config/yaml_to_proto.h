#ifndef SIGNET_CONFIG_YAML_TO_PROTO_H_
#define SIGNET_CONFIG_YAML_TO_PROTO_H_

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "google/protobuf/message.h"

namespace signet {

// Fills `message` from a YAML (or JSON) document, guided by the message's
// descriptor. Every key must name a field (proto or JSON name); errors give
// the dotted path of the offending key ("openapi.default.bse_url") and the
// line, and never repeat a value, since values in this file may be secrets.
//
// Why not YAML -> JSON -> JsonStringToMessage as Envoy does: protobuf
// 3.21's JSON parser names map entries by index ("openapi[0].value") and
// quotes the rejected value in its error, which could put a secret in a log.
absl::Status YamlToProto(const YAML::Node& node,
                         google::protobuf::Message* message);

}  // namespace signet

#endif  // SIGNET_CONFIG_YAML_TO_PROTO_H_
