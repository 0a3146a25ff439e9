#include "http/http_types.h"

#include "absl/strings/str_cat.h"

#include "absl/strings/match.h"

namespace signet {

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
