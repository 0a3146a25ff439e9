#ifndef SIGNET_OPENAPI_VERIFY_REQUEST_H_
#define SIGNET_OPENAPI_VERIFY_REQUEST_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/http_types.h"
#include "openapi/openapi_settings.h"

namespace signet {

// The OpenAPI v5 verify call (seed 002), as pure functions so it is tested
// against the seed without a network.

// GET {base_url}/api/v5/authentication/verify with
// Authorization: Bearer <token> and X-APP-ID: <app_id>.
HttpRequest BuildVerifyRequest(const OpenApiSettings& settings,
                               absl::string_view token, absl::Time deadline);

struct VerifyAnswer {
  bool valid = false;
  std::string app_id;
  std::string result;
  std::string time;     // as the upstream wrote it, no zone
  std::string message;  // the upstream's msg
};

// An answer saying the token is not valid (code != 0, or HTTP 401/403) is a
// VerifyAnswer with valid=false, not an error. 5xx and malformed bodies are
// UNAVAILABLE.
absl::StatusOr<VerifyAnswer> ParseVerifyAnswer(const HttpResponse& response);

}  // namespace signet

#endif  // SIGNET_OPENAPI_VERIFY_REQUEST_H_
