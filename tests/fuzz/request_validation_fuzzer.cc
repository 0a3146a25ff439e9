// What a caller asks signet to forward (CallInnoPaaS, CallOpenAPI): method,
// path, headers and query through request_validation.h, and the whole of it
// through BuildForwardRequest.
//
// Input layout (FuzzedDataProvider): the last byte is the number of
// headers, the one before it the number of query pairs (an ASCII digit d
// means d); from the start, strings ended by "\" plus any other character
// ("\\" is a backslash): method, path, then header names and values, then
// query keys and values; what is left is the body.
//
// Checks: no crash or sanitizer report; whatever is accepted meets the
// documented contract, re-checked here independently: an accepted path
// starts with one '/', holds only RFC 3986 path characters, and no segment
// is "." or "..", nor hides '/', '\' or a control character, however often
// it is percent-decoded; accepted headers are tokens with values free of
// CR, LF and NUL, neither hop-by-hop nor reserved, within the limits;
// accepted query keys and values hold no control character; a built URL is
// base + path + encoded query, all printable ASCII. Errors never quote a
// header value (it may be a credential).

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "config/settings.h"
#include "fuzz_check.h"
#include "http/base_url.h"
#include "http/request_validation.h"
#include "upstream/forward_request.h"

namespace signet {
namespace {

// The bearer-token signer's headers; BuildForwardRequest gets APSDAI's.
constexpr absl::string_view kBearerReserved[] = {"Authorization", "X-APP-ID"};
constexpr HeaderLimits kSmallLimits{4, 48};
constexpr size_t kMaxBodyBytes = 64;
constexpr char kCanary[] = "fuzz-canary-5d1e08b4";

bool IsControl(unsigned char c) { return c < 0x20 || c == 0x7f; }

int Hex(char c) {
  if (absl::ascii_isdigit(static_cast<unsigned char>(c))) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// ValidateForwardPath's contract, as request_validation.h states it.
bool PathMeetsContract(absl::string_view path) {
  if (!absl::StartsWith(path, "/") || absl::StartsWith(path, "//")) {
    return false;
  }
  for (size_t i = 0; i < path.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(path[i]);
    if (c <= 0x20 || c >= 0x7f || c == '?' || c == '#' || c == '\\') {
      return false;
    }
    if (c == '%' && (i + 2 >= path.size() || Hex(path[i + 1]) < 0 ||
                     Hex(path[i + 2]) < 0)) {
      return false;
    }
  }
  for (absl::string_view raw : absl::StrSplit(path.substr(1), '/')) {
    std::string segment(raw);
    bool decoded_any = true;
    for (int round = 0; decoded_any; ++round) {
      if (round == 8) return false;
      const absl::string_view name =
          absl::string_view(segment).substr(0, segment.find(';'));
      if (name == "." || name == "..") return false;
      std::string decoded;
      decoded_any = false;
      for (size_t i = 0; i < segment.size(); ++i) {
        const int high = i + 2 < segment.size() ? Hex(segment[i + 1]) : -1;
        const int low = i + 2 < segment.size() ? Hex(segment[i + 2]) : -1;
        if (segment[i] != '%' || high < 0 || low < 0) {
          decoded.push_back(segment[i]);
          continue;
        }
        const unsigned char c = static_cast<unsigned char>(high * 16 + low);
        if (c == '/' || c == '\\' || IsControl(c)) return false;
        decoded.push_back(static_cast<char>(c));
        decoded_any = true;
        i += 2;
      }
      segment = std::move(decoded);
    }
  }
  return true;
}

bool IsTchar(unsigned char c) {
  return absl::ascii_isalnum(c) ||
         absl::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) !=
             absl::string_view::npos;
}

// ValidateCallerHeaders's contract, as request_validation.h states it.
bool HeadersMeetContract(const std::vector<HttpHeader>& headers,
                         absl::Span<const absl::string_view> reserved,
                         const HeaderLimits& limits) {
  if (headers.size() > limits.max_headers) return false;
  for (const HttpHeader& header : headers) {
    if (header.name.empty() ||
        header.name.size() + header.value.size() > limits.max_header_bytes) {
      return false;
    }
    for (unsigned char c : header.name) {
      if (!IsTchar(c)) return false;
    }
    for (unsigned char c : header.value) {
      if (IsControl(c) && c != '\t') return false;
    }
    for (absl::string_view transport :
         {"host", "connection", "content-length", "transfer-encoding", "te",
          "trailer", "upgrade", "keep-alive", "expect"}) {
      if (absl::EqualsIgnoreCase(header.name, transport)) return false;
    }
    if (absl::StartsWithIgnoreCase(header.name, "proxy-")) return false;
    for (absl::string_view name : reserved) {
      if (absl::EqualsIgnoreCase(header.name, name)) return false;
    }
  }
  return true;
}

bool QueryMeetsContract(const std::map<std::string, std::string>& query) {
  for (const auto& [key, value] : query) {
    if (key.empty()) return false;
    for (unsigned char c : key + value) {
      if (IsControl(c)) return false;
    }
  }
  return true;
}

const BaseUrl& Base() {
  static const BaseUrl* const base =
      new BaseUrl(*ParseBaseUrl("https://api.example.com/prefix", false));
  return *base;
}

void CheckBuild(const ForwardInput& input) {
  absl::StatusOr<HttpRequest> request =
      BuildForwardRequest(Base(), input, kApsdaiSignedHeaders, kMaxBodyBytes,
                          absl::InfiniteFuture());
  if (!request.ok()) {
    SIGNET_FUZZ_CHECK(
        request.status().code() == absl::StatusCode::kInvalidArgument ||
        request.status().code() == absl::StatusCode::kResourceExhausted);
    return;
  }
  SIGNET_FUZZ_CHECK(NormalizeForwardMethod(input.method).ok());
  SIGNET_FUZZ_CHECK(PathMeetsContract(input.path));
  SIGNET_FUZZ_CHECK(
      HeadersMeetContract(input.headers, kApsdaiSignedHeaders, HeaderLimits{}));
  SIGNET_FUZZ_CHECK(QueryMeetsContract(input.query));
  SIGNET_FUZZ_CHECK(request->body.size() <= kMaxBodyBytes);
  SIGNET_FUZZ_CHECK(request->method != "HEAD" || request->body.empty());
  SIGNET_FUZZ_CHECK(request->headers == input.headers);
  SIGNET_FUZZ_CHECK(
      absl::StartsWith(request->url, absl::StrCat(Base().text, input.path)));
  SIGNET_FUZZ_CHECK(
      request->url.size() == Base().text.size() + input.path.size() ||
      request->url[Base().text.size() + input.path.size()] == '?');
  for (unsigned char c : request->url) SIGNET_FUZZ_CHECK(c > 0x20 && c < 0x7f);
}

// The same input with every header value ending in the canary: an error
// must not quote it, unless a name, key, path or method holds it too.
void CheckErrorsHideHeaderValues(ForwardInput input) {
  bool canary_elsewhere = absl::StrContains(input.method, kCanary) ||
                          absl::StrContains(input.path, kCanary);
  for (HttpHeader& header : input.headers) {
    canary_elsewhere |= absl::StrContains(header.name, kCanary);
    header.value += kCanary;
  }
  for (const auto& [key, value] : input.query) {
    canary_elsewhere |= absl::StrContains(key, kCanary);
  }
  absl::StatusOr<HttpRequest> request =
      BuildForwardRequest(Base(), input, kApsdaiSignedHeaders, kMaxBodyBytes,
                          absl::InfiniteFuture());
  SIGNET_FUZZ_CHECK(request.ok() || canary_elsewhere ||
                    !absl::StrContains(request.status().message(), kCanary));
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet;
  FuzzedDataProvider provider(data, size);
  const int header_count = provider.ConsumeIntegralInRange(0, 15);
  const int query_count = provider.ConsumeIntegralInRange(0, 15);
  ForwardInput input;
  input.method = provider.ConsumeRandomLengthString(16);
  input.path = provider.ConsumeRandomLengthString(1024);
  for (int i = 0; i < header_count; ++i) {
    std::string name = provider.ConsumeRandomLengthString(64);
    input.headers.push_back(
        {std::move(name), provider.ConsumeRandomLengthString(128)});
  }
  for (int i = 0; i < query_count; ++i) {
    std::string key = provider.ConsumeRandomLengthString(64);
    input.query[std::move(key)] = provider.ConsumeRandomLengthString(128);
  }
  input.body = provider.ConsumeRemainingBytesAsString();

  if (absl::StatusOr<std::string> method = NormalizeForwardMethod(input.method);
      method.ok()) {
    SIGNET_FUZZ_CHECK(absl::EqualsIgnoreCase(*method, input.method));
    SIGNET_FUZZ_CHECK(absl::AsciiStrToUpper(*method) == *method);
  }
  if (ValidateForwardPath(input.path).ok()) {
    SIGNET_FUZZ_CHECK(PathMeetsContract(input.path));
  }
  if (ValidateCallerHeaders(input.headers, kBearerReserved, kSmallLimits)
          .ok()) {
    SIGNET_FUZZ_CHECK(
        HeadersMeetContract(input.headers, kBearerReserved, kSmallLimits));
  }
  if (ValidateQuery(input.query).ok()) {
    SIGNET_FUZZ_CHECK(QueryMeetsContract(input.query));
  }
  CheckBuild(input);
  CheckErrorsHideHeaderValues(std::move(input));
  return 0;
}
