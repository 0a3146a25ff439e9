#include "signers/signer.h"

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
  headers->push_back({std::string(name), std::string(value)});
}

}  // namespace signet
