#include "http/http_types.h"

#include <openssl/crypto.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

void CleanseString(std::string& value) {
  if (!value.empty()) OPENSSL_cleanse(value.data(), value.size());
}

}  // namespace

void HttpRequest::Cleanse() {
  for (HttpHeader& header : headers) CleanseString(header.value);
  if (body_is_secret) CleanseString(body);
}

std::optional<absl::string_view> FindHeader(
    const std::vector<HttpHeader>& headers, absl::string_view name) {
  for (const HttpHeader& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) return header.value;
  }
  return std::nullopt;
}

HttpResponse PlainTextResponse(int status, absl::string_view text) {
  HttpResponse response;
  response.status = status;
  response.headers.push_back({"Content-Type", "text/plain; charset=utf-8"});
  response.body = absl::StrCat(text, "\n");
  return response;
}

}  // namespace signet
