#include "emulator/content_type.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace signet::emulator {

std::string MediaTypeOf(absl::string_view content_type) {
  const absl::string_view media_type =
      content_type.substr(0, content_type.find(';'));
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(media_type));
}

std::string NormalizedContentType(absl::string_view content_type) {
  std::vector<absl::string_view> parts = absl::StrSplit(content_type, ';');
  for (absl::string_view& part : parts) {
    part = absl::StripAsciiWhitespace(part);
  }
  return absl::AsciiStrToLower(absl::StrJoin(parts, ";"));
}

}  // namespace signet::emulator
