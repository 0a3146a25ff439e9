#include "upstream/forward_request.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "http/request_validation.h"
#include "http/url_encoding.h"

namespace signet {

absl::StatusOr<HttpRequest> BuildForwardRequest(
    const BaseUrl& base, ForwardInput input,
    absl::Span<const absl::string_view> reserved, size_t max_body_bytes,
    absl::Time deadline, const HeaderLimits& header_limits) {
  HttpRequest request;
  SIGNET_ASSIGN_OR_RETURN(request.method, NormalizeForwardMethod(input.method));
  SIGNET_RETURN_IF_ERROR(ValidateForwardPath(input.path));
  SIGNET_RETURN_IF_ERROR(
      ValidateCallerHeaders(input.headers, reserved, header_limits));
  SIGNET_RETURN_IF_ERROR(ValidateQuery(input.query));
  if (input.body.size() > max_body_bytes) {
    return absl::ResourceExhaustedError(
        absl::StrCat("body: ", input.body.size(),
                     " bytes is over the limit of ", max_body_bytes));
  }
  if (request.method == "HEAD" && !input.body.empty()) {
    return absl::InvalidArgumentError("body: a HEAD request has no body");
  }
  request.url = absl::StrCat(base.text, input.path);
  if (!input.query.empty()) {
    absl::StrAppend(&request.url, "?", EncodeQuery(input.query));
  }
  request.headers = std::move(input.headers);
  request.body = std::move(input.body);
  request.deadline = deadline;
  request.max_response_bytes = max_body_bytes;
  return request;
}

void AddRequestId(const std::string& id, HttpRequest* request) {
  if (!id.empty() && !FindHeader(request->headers, "X-Request-Id")) {
    request->headers.push_back({"X-Request-Id", id});
  }
}

}  // namespace signet
