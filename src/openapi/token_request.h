#ifndef SIGNET_OPENAPI_TOKEN_REQUEST_H_
#define SIGNET_OPENAPI_TOKEN_REQUEST_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "http/http_types.h"
#include "openapi/openapi_settings.h"

namespace signet {

// The pieces of the OpenAPI v5 token exchange (seed 002), as pure functions
// so they are tested against the seed without a network.

// signature = lowercase hex sha256(app_id + str(time_stamp) + app_secret),
// exactly the seed's Python example.
std::string OpenApiTokenSignature(absl::string_view app_id, int64_t time_stamp,
                                  const Secret& app_secret);

// POST {base_url}/api/v5/authentication/token with
// Content-Type: application/json; charset=utf-8 and the JSON body
// {"<app_id_field>": app_id, "time_stamp": <unix seconds>, "signature": …}.
HttpRequest BuildTokenRequest(const OpenApiSettings& settings, absl::Time now,
                              absl::Time deadline);

// A successful answer: {"code":0,"msg":…,"data":{"token":…,"expire_time":…}}.
struct TokenAnswer {
  Secret token;
  std::string expire_time;  // as the upstream wrote it, no zone
};

// Reads the token endpoint's answer. A non-2xx status or a code other than 0
// is FAILED_PRECONDITION (4xx) or UNAVAILABLE (5xx) carrying the upstream's
// msg; a body that is not the documented JSON is UNAVAILABLE
// "malformed answer from upstream".
absl::StatusOr<TokenAnswer> ParseTokenAnswer(const HttpResponse& response);

}  // namespace signet

#endif  // SIGNET_OPENAPI_TOKEN_REQUEST_H_
