#include "http/request_validation.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/caller_text.h"
#include "http/http_syntax.h"

namespace signet {
namespace {

// Framing and hop-by-hop headers belong to the transport (RFC 9110 7.6.1).
constexpr absl::string_view kTransportHeaders[] = {
    "host",  "connection", "content-length", "transfer-encoding",
    "te",    "trailer",    "upgrade",        "keep-alive",
    "expect"};

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

// RFC 3986 pchar minus '%' (checked separately) plus '/'.
bool IsPathChar(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(c)) !=
             absl::string_view::npos;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

absl::Status Invalid(absl::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

// Checks one segment; decodes it repeatedly so "%252e%252e" is caught too.
// The first round requires well-formed escapes; in later rounds a '%' that
// does not start an escape is a literal percent sign ("/100%25" is fine).
absl::Status ValidateSegment(absl::string_view raw) {
  std::string segment(raw);
  for (int round = 0; round < 4; ++round) {
    const absl::string_view before_params =
        absl::string_view(segment).substr(0, segment.find(';'));
    if (before_params == "." || before_params == "..") {
      return Invalid("path: \".\" and \"..\" segments are not allowed");
    }
    if (segment.find('%') == std::string::npos) return absl::OkStatus();
    std::string decoded;
    bool decoded_any = false;
    for (size_t i = 0; i < segment.size(); ++i) {
      const bool has_two_more = i + 2 < segment.size();
      const int high = has_two_more ? HexValue(segment[i + 1]) : -1;
      const int low = has_two_more ? HexValue(segment[i + 2]) : -1;
      const bool is_escape = segment[i] == '%' && high >= 0 && low >= 0;
      if (!is_escape) {
        if (segment[i] == '%' && round == 0) {
          return Invalid("path: malformed percent-escape");
        }
        decoded.push_back(segment[i]);
        continue;
      }
      const unsigned char c = static_cast<unsigned char>(high * 16 + low);
      if (c == '/' || c == '\\' || IsControl(c)) {
        return Invalid(
            "path: an escaped '/', '\\' or control character is not allowed");
      }
      decoded.push_back(static_cast<char>(c));
      decoded_any = true;
      i += 2;
    }
    if (!decoded_any) return absl::OkStatus();
    segment = std::move(decoded);
  }
  return Invalid("path: too many levels of percent-encoding");
}

}  // namespace

bool IsTransportHeader(absl::string_view name) {
  if (absl::StartsWithIgnoreCase(name, "proxy-")) return true;
  for (absl::string_view transport : kTransportHeaders) {
    if (absl::EqualsIgnoreCase(name, transport)) return true;
  }
  return false;
}

std::vector<absl::string_view> ConnectionOptions(absl::string_view value) {
  std::vector<absl::string_view> names;
  for (absl::string_view element : absl::StrSplit(value, ',')) {
    element = absl::StripAsciiWhitespace(element);
    if (!element.empty()) names.push_back(element);
  }
  return names;
}

std::vector<HttpHeader> EndToEndHeaders(std::vector<HttpHeader> headers) {
  // Copied: the Connection headers move while the list is filtered.
  std::vector<std::string> named;
  for (const HttpHeader& header : headers) {
    if (!absl::EqualsIgnoreCase(header.name, "connection")) continue;
    for (absl::string_view name : ConnectionOptions(header.value)) {
      named.emplace_back(name);
    }
  }
  const auto hop_by_hop = [&named](const HttpHeader& header) {
    if (IsTransportHeader(header.name)) return true;
    for (const std::string& name : named) {
      if (absl::EqualsIgnoreCase(header.name, name)) return true;
    }
    return false;
  };
  headers.erase(std::remove_if(headers.begin(), headers.end(), hop_by_hop),
                headers.end());
  return headers;
}

absl::StatusOr<std::string> NormalizeForwardMethod(absl::string_view method) {
  std::string upper = absl::AsciiStrToUpper(method);
  if (IsSupportedMethod(upper)) return upper;
  if (method.empty()) return Invalid("method: missing");
  return Invalid("method: must be GET, POST, PUT, PATCH, DELETE or HEAD");
}

absl::Status ValidateForwardPath(absl::string_view path) {
  if (path.empty() || path[0] != '/') {
    return Invalid(
        "path: must start with '/' (a path under the profile's "
        "base_url, not a URL)");
  }
  if (absl::StartsWith(path, "//")) {
    return Invalid("path: must not start with \"//\"");
  }
  for (size_t i = 0; i < path.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(path[i]);
    if (c == '%') continue;
    if (c == '\\') return Invalid("path: backslashes are not allowed");
    if (c == '?' || c == '#') {
      return Invalid("path: must not carry a query or fragment; use query");
    }
    if (!IsPathChar(c)) {
      return Invalid(
          "path: control characters, spaces and non-ASCII bytes must be "
          "percent-encoded");
    }
  }
  for (absl::string_view segment : absl::StrSplit(path.substr(1), '/')) {
    if (absl::Status status = ValidateSegment(segment); !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateCallerHeaders(const std::vector<HttpHeader>& headers,
                                   absl::Span<const absl::string_view> reserved,
                                   const HeaderLimits& limits) {
  if (headers.size() > limits.max_headers) {
    return Invalid(
        absl::StrCat("headers: at most ", limits.max_headers, " are allowed"));
  }
  for (const HttpHeader& header : headers) {
    if (header.name.empty()) return Invalid("headers: a header name is empty");
    if (!IsToken(header.name)) {
      return Invalid(
          "headers: a header name holds a character that is not allowed "
          "(CR, LF, space, ':' or a control character)");
    }
    if (header.name.size() + header.value.size() > limits.max_header_bytes) {
      return Invalid(absl::StrCat("headers: ", CallerText(header.name),
                                  " is longer than ", limits.max_header_bytes,
                                  " bytes"));
    }
    for (unsigned char c : header.value) {
      if (IsControl(c) && c != '\t') {
        return Invalid(
            absl::StrCat("headers: the value of ", CallerText(header.name),
                         " holds CR, LF, NUL or another control character"));
      }
    }
    if (IsTransportHeader(header.name)) {
      return Invalid(absl::StrCat("headers: ", CallerText(header.name),
                                  " is a hop-by-hop or framing header that "
                                  "signet manages"));
    }
    for (absl::string_view name : reserved) {
      if (absl::EqualsIgnoreCase(header.name, name)) {
        return Invalid(absl::StrCat("headers: ", CallerText(header.name),
                                    " is set by signet for this profile and "
                                    "cannot be given or overridden"));
      }
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateQuery(const std::map<std::string, std::string>& query,
                           absl::string_view what) {
  for (const auto& [key, value] : query) {
    if (key.empty()) return Invalid(absl::StrCat(what, ": a key is empty"));
    for (unsigned char c : key) {
      if (IsControl(c)) {
        return Invalid(absl::StrCat(
            what, ": a key holds CR, LF, NUL or another control character"));
      }
    }
    for (unsigned char c : value) {
      if (IsControl(c)) {
        return Invalid(absl::StrCat(what, ": the value of ", CallerText(key),
                                    " holds CR, LF, NUL or another control "
                                    "character"));
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace signet
