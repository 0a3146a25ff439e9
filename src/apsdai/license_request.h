#ifndef SIGNET_APSDAI_LICENSE_REQUEST_H_
#define SIGNET_APSDAI_LICENSE_REQUEST_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_settings.h"
#include "http/http_types.h"

namespace signet {

// The APSDAI license-key API call (seed 003), before and after signing.

// The unsigned request: the profile's method and URL, its custom headers,
// and the fields -- the profile's custom body overlaid with the caller's
// `fields` -- as a JSON object body (POST) or as the query string (GET).
// ApsdaiSigner adds the four headers the seed prescribes.
HttpRequest BuildLicenseRequest(
    const LicenseSettings& settings,
    const std::map<std::string, std::string>& fields, absl::Time deadline);

struct LicenseAnswer {
  std::vector<std::string> keys;  // in the upstream's order
  std::string code;               // "SUCCESS", or empty for HTTP 204
  std::string message;
};

// Seed 003's rules: HTTP 200 with code "SUCCESS" is success with data.key;
// HTTP 204 is success without keys. Anything else fails:
//   code "FAIL" (or another code), or a 4xx/other status
//                      FAILED_PRECONDITION with the upstream's message, or
//                      the status line when it gave none
//   5xx                UNAVAILABLE, so callers may retry
//   200 whose body is not the documented JSON, or lacks data.key
//                      UNAVAILABLE "malformed answer from upstream ..."
absl::StatusOr<LicenseAnswer> ParseLicenseAnswer(const HttpResponse& response);

}  // namespace signet

#endif  // SIGNET_APSDAI_LICENSE_REQUEST_H_
