#ifndef SIGNET_SECRETS_SECRET_READER_H_
#define SIGNET_SECRETS_SECRET_READER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "secrets/secret.h"

namespace signet {

// Reads a secret from a file. Trailing CR/LF is trimmed, because secret
// files written by `echo` or by editors end with one and no upstream
// credential does. Errors name the path, never the content; an empty secret
// is an error.
absl::StatusOr<Secret> ReadSecretFile(absl::string_view path);

// Reads a secret from an environment variable; unset or empty is an error.
absl::StatusOr<Secret> ReadSecretEnv(absl::string_view name);

}  // namespace signet

#endif  // SIGNET_SECRETS_SECRET_READER_H_
