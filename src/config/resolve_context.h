#ifndef SIGNET_CONFIG_RESOLVE_CONTEXT_H_
#define SIGNET_CONFIG_RESOLVE_CONTEXT_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "secrets/secret.h"
#include "signet/config/v1/config.pb.h"

namespace signet::config_internal {

// Shared by the resolvers of config sections: errors name the config path
// they concern ("openapi.default.max_ttl: ...").

inline absl::Status AtPath(absl::string_view path, const absl::Status& status) {
  if (status.ok()) return status;
  return absl::Status(status.code(),
                      absl::StrCat(path, ": ", status.message()));
}

template <typename T>
absl::StatusOr<T> AtPath(absl::string_view path, absl::StatusOr<T> value) {
  if (!value.ok()) return AtPath(path, value.status());
  return value;
}

// Reads the secret `ref` points to; INVALID_ARGUMENT when none is given.
absl::StatusOr<Secret> ResolveSecret(const config::v1::SecretRef& ref,
                                     absl::string_view path);

}  // namespace signet::config_internal

#endif  // SIGNET_CONFIG_RESOLVE_CONTEXT_H_
