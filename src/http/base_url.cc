#include "http/base_url.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace signet {
namespace {

struct CurlUrlDeleter {
  void operator()(CURLU* url) const { curl_url_cleanup(url); }
};
struct CurlFreeDeleter {
  void operator()(char* text) const { curl_free(text); }
};
using CurlString = std::unique_ptr<char, CurlFreeDeleter>;

// The part of `url`, or null when it is absent.
CurlString GetPart(CURLU* url, CURLUPart part) {
  char* text = nullptr;
  if (curl_url_get(url, part, &text, 0) != CURLUE_OK) return nullptr;
  return CurlString(text);
}

}  // namespace

absl::StatusOr<BaseUrl> ParseBaseUrl(absl::string_view url,
                                     bool allow_insecure_http) {
  for (unsigned char c : url) {
    if (c <= 0x20 || c == 0x7f) {
      return absl::InvalidArgumentError(
          "URL contains whitespace or a control character");
    }
  }
  std::unique_ptr<CURLU, CurlUrlDeleter> handle(curl_url());
  if (handle == nullptr) return absl::ResourceExhaustedError("curl_url()");
  const CURLUcode rc =
      curl_url_set(handle.get(), CURLUPART_URL, std::string(url).c_str(), 0);
  if (rc != CURLUE_OK) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" is not a valid absolute URL (",
                     curl_url_strerror(rc), ")"));
  }
  BaseUrl result;
  CurlString scheme = GetPart(handle.get(), CURLUPART_SCHEME);
  result.scheme = absl::AsciiStrToLower(scheme ? scheme.get() : "");
  if (result.scheme != "https" && result.scheme != "http") {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" must use https:// (or http://)"));
  }
  if (result.scheme == "http" && !allow_insecure_http) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url,
                     "\" uses plain http; set allow_insecure_http: true on "
                     "the profile to permit it"));
  }
  if (GetPart(handle.get(), CURLUPART_USER) ||
      GetPart(handle.get(), CURLUPART_PASSWORD)) {
    // Do not echo the URL: its userinfo may be a credential.
    return absl::InvalidArgumentError(
        "URL must not carry credentials (user:password@); use a secret");
  }
  if (GetPart(handle.get(), CURLUPART_QUERY)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" must not have a query string"));
  }
  if (GetPart(handle.get(), CURLUPART_FRAGMENT)) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" must not have a fragment"));
  }
  CurlString host = GetPart(handle.get(), CURLUPART_HOST);
  if (!host || *host.get() == '\0') {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", url, "\" has no host"));
  }
  result.host = host.get();
  CurlString path = GetPart(handle.get(), CURLUPART_PATH);
  result.path = path ? path.get() : "";
  while (absl::EndsWith(result.path, "/")) result.path.pop_back();
  CurlString port = GetPart(handle.get(), CURLUPART_PORT);
  result.text =
      absl::StrCat(result.scheme, "://", result.host,
                   port ? absl::StrCat(":", port.get()) : "", result.path);
  return result;
}

bool IsLoopbackHost(absl::string_view host) {
  if (absl::EqualsIgnoreCase(host, "localhost")) return true;
  // inet_pton takes only the dotted quad (no "127.1", no trailing name);
  // curl has already normalized other IPv4 spellings to it.
  const std::string text(host);
  in_addr v4;
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') {
    in6_addr v6;
    const std::string inner = text.substr(1, text.size() - 2);
    return inet_pton(AF_INET6, inner.c_str(), &v6) == 1 &&
           IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace signet
