#include "inbound/verifier.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signet {

Verdict FindSingleHeader(const std::vector<HttpHeader>& headers,
                         absl::string_view name, absl::string_view* value) {
  int seen = 0;
  for (const HttpHeader& header : headers) {
    if (!absl::EqualsIgnoreCase(header.name, name)) continue;
    if (++seen > 1) {
      return Verdict::Refused(RefusalReason::kDuplicateHeader,
                              absl::StrCat(name, " is given more than once"));
    }
    *value = header.value;
  }
  if (seen == 0) {
    return Verdict::Refused(RefusalReason::kMissingHeader,
                            absl::StrCat(name, " is missing"));
  }
  return Verdict::Authentic();
}

}  // namespace signet
