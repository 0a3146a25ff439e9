#include "emulator/http_message.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace signet::emulator {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; an incomplete or invalid escape is kept as is.
std::string PercentDecode(absl::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      const int high = HexValue(s[i + 1]);
      const int low = HexValue(s[i + 2]);
      if (high >= 0 && low >= 0) {
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_is_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

}  // namespace

bool HttpResponse::HasHeader(absl::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [name](const auto& h) {
    return absl::EqualsIgnoreCase(h.first, name);
  });
}

void HttpResponse::SetHeader(absl::string_view name, absl::string_view value) {
  headers.erase(std::remove_if(headers.begin(), headers.end(),
                               [name](const auto& h) {
                                 return absl::EqualsIgnoreCase(h.first, name);
                               }),
                headers.end());
  headers.emplace_back(std::string(name), std::string(value));
}

void HttpResponse::SetContent(std::string content,
                              absl::string_view content_type) {
  body = std::move(content);
  SetHeader("Content-Type", content_type);
}

void ParseTarget(absl::string_view target, HttpRequest& request) {
  target = target.substr(0, target.find('#'));
  request.target = std::string(target);
  const size_t question = target.find('?');
  request.raw_path = std::string(target.substr(0, question));
  request.raw_query = question == absl::string_view::npos
                          ? std::string()
                          : std::string(target.substr(question + 1));
  request.path = PercentDecode(request.raw_path, /*plus_is_space=*/false);
  request.params.clear();
  for (absl::string_view field :
       absl::StrSplit(request.raw_query, '&', absl::SkipEmpty())) {
    const std::pair<absl::string_view, absl::string_view> name_value =
        absl::StrSplit(field, absl::MaxSplits('=', 1));
    request.params.emplace(
        PercentDecode(name_value.first, /*plus_is_space=*/true),
        PercentDecode(name_value.second, /*plus_is_space=*/true));
  }
}

nlohmann::ordered_json HeadersAsJson(const HttpRequest& request) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const auto& [name, value] : request.headers) {
    list.push_back(nlohmann::ordered_json::array({name, value}));
  }
  return list;
}

SingleHeader GetSingleHeader(const HttpRequest& request,
                             absl::string_view name) {
  SingleHeader header;
  for (const auto& [field_name, value] : request.headers) {
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

void ReplyJson(HttpResponse& res, int status,
               const nlohmann::ordered_json& body) {
  res.status = status;
  res.SetContent(body.dump(-1, ' ', false,
                           nlohmann::ordered_json::error_handler_t::replace),
                 "application/json");
}

}  // namespace signet::emulator
