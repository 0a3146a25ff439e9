#include "upstream/signer.h"

#include <algorithm>
#include <string>

#include "absl/strings/match.h"

namespace signet {

void SetHeader(std::vector<HttpHeader>* headers, absl::string_view name,
               absl::string_view value) {
  headers->erase(std::remove_if(headers->begin(), headers->end(),
                                [name](const HttpHeader& header) {
                                  return absl::EqualsIgnoreCase(header.name,
                                                                name);
                                }),
                 headers->end());
  // Built in place: a temporary HttpHeader moved in would leave a short
  // value's bytes behind in it.
  HttpHeader& header = headers->emplace_back();
  header.name = std::string(name);
  header.value.assign(value.data(), value.size());
}

}  // namespace signet
