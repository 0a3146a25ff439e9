#include "config/resolve_context.h"

#include "secrets/secret_reader.h"

namespace signet::config_internal {

using config::v1::SecretRef;

absl::StatusOr<Secret> ResolveSecret(const SecretRef& ref,
                                     absl::string_view path) {
  switch (ref.source_case()) {
    case SecretRef::kFile:
      return AtPath(path, ReadSecretFile(ref.file()));
    case SecretRef::kEnv:
      return AtPath(path, ReadSecretEnv(ref.env()));
    case SecretRef::kValue:
      if (ref.value().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": value is empty"));
      }
      return Secret(ref.value());
    case SecretRef::SOURCE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": missing; give {file: PATH}, {env: NAME} or {value: ...}"));
}

}  // namespace signet::config_internal
