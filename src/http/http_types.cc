#include "http/http_types.h"

#include "absl/strings/match.h"

namespace signet {

std::optional<absl::string_view> FindHeader(
    const std::vector<HttpHeader>& headers, absl::string_view name) {
  for (const HttpHeader& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

}  // namespace signet
