#include "secrets/secret_reader.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

// Secret files are a few bytes; anything larger is a wrong path.
constexpr std::streamsize kMaxSecretFileBytes = 64 * 1024;

}  // namespace

absl::StatusOr<Secret> ReadSecretFile(absl::string_view path) {
  std::ifstream in{std::string(path), std::ios::binary};
  if (!in) {
    return absl::NotFoundError(absl::StrCat("cannot read secret file ", path,
                                            ": ", std::strerror(errno)));
  }
  std::string value(kMaxSecretFileBytes + 1, '\0');
  in.read(value.data(), kMaxSecretFileBytes + 1);
  if (in.bad()) {
    return absl::DataLossError(
        absl::StrCat("error reading secret file ", path));
  }
  value.resize(static_cast<size_t>(in.gcount()));
  if (value.size() > static_cast<size_t>(kMaxSecretFileBytes)) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret file ", path, " is larger than ",
                     kMaxSecretFileBytes, " bytes"));
  }
  while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
    value.pop_back();
  }
  if (value.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("secret file ", path, " is empty"));
  }
  return Secret(std::move(value));
}

absl::StatusOr<Secret> ReadSecretEnv(absl::string_view name) {
  const char* value = std::getenv(std::string(name).c_str());
  if (value == nullptr) {
    return absl::NotFoundError(
        absl::StrCat("environment variable ", name, " is not set"));
  }
  if (*value == '\0') {
    return absl::InvalidArgumentError(
        absl::StrCat("environment variable ", name, " is empty"));
  }
  return Secret(value);
}

}  // namespace signet
