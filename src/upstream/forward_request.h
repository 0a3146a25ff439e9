#ifndef SIGNET_UPSTREAM_FORWARD_REQUEST_H_
#define SIGNET_UPSTREAM_FORWARD_REQUEST_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "http/base_url.h"
#include "http/http_types.h"
#include "http/request_validation.h"

namespace signet {

// What a caller asks to forward (CallInnoPaaS, CallOpenAPI), before checks.
struct ForwardInput {
  std::string method;
  std::string path;
  std::map<std::string, std::string> query;
  std::vector<HttpHeader> headers;
  std::string body;
};

// Checks `input` and turns it into the unsigned request for `base`:
// method, path, headers (none of `reserved`, the signer's headers) and
// query are validated (INVALID_ARGUMENT naming the part); a body over
// `max_body_bytes` is RESOURCE_EXHAUSTED. Nothing is sent on failure. The
// URL is base + path + "?" + the percent-encoded query; the response body
// is capped at `max_body_bytes` too.
absl::StatusOr<HttpRequest> BuildForwardRequest(
    const BaseUrl& base, ForwardInput input,
    absl::Span<const absl::string_view> reserved, size_t max_body_bytes,
    absl::Time deadline, const HeaderLimits& header_limits = {});

// Adds X-Request-Id: `id` unless `id` is empty or the request already
// carries one (a caller's own, among its forwarded headers, wins).
void AddRequestId(const std::string& id, HttpRequest* request);

}  // namespace signet

#endif  // SIGNET_UPSTREAM_FORWARD_REQUEST_H_
