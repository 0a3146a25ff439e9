#include "common/caller_text.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace signet {

std::string CallerText(absl::string_view text) {
  if (text.size() <= kMaxCallerTextBytes) return absl::CHexEscape(text);
  return absl::StrCat(absl::CHexEscape(text.substr(0, kMaxCallerTextBytes)),
                      "\xE2\x80\xA6(+", text.size() - kMaxCallerTextBytes,
                      " bytes)");
}

}  // namespace signet
