#include "emulator/request_parts.h"

#include "absl/strings/match.h"

namespace signet::emulator {

nlohmann::ordered_json HeadersAsJson(const RawRequestHead& head) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, value] : head.headers) {
    list.push_back(nlohmann::ordered_json::array({name, value}));
  }
  return list;
}

SingleHeader GetSingleHeader(const RawRequestHead& head,
                             absl::string_view name) {
  SingleHeader header;
  for (const auto& [field_name, value] : head.headers) {
    if (!absl::EqualsIgnoreCase(field_name, name)) continue;
    if (header.state == SingleHeader::State::kPresent) {
      header.state = SingleHeader::State::kRepeated;
      header.value.clear();
      return header;
    }
    header.state = SingleHeader::State::kPresent;
    header.value = value;
  }
  return header;
}

absl::string_view RawPath(const httplib::Request& req) {
  const absl::string_view target(req.target);
  return target.substr(0, target.find('?'));
}

absl::string_view RawQuery(const httplib::Request& req) {
  const absl::string_view target(req.target);
  const size_t question = target.find('?');
  if (question == absl::string_view::npos) return absl::string_view();
  return target.substr(question + 1);
}

}  // namespace signet::emulator
