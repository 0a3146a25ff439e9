// Upstream answers: the OpenAPI token and verify endpoints (seed 002) and
// the APSDAI license endpoint (seed 003). The first byte picks the HTTP
// status (kStatuses[byte % 16]: '0' -> 200, '1' -> 204, ... '?' -> 0, so
// seed files stay readable); the rest is the body, given to all three
// parsers.
//
// Checks: no crash, exception or sanitizer report; the documented contract:
// success only for the statuses that allow it, with the fields a caller
// relies on (a token and an expire_time; valid only on 2xx with result
// "success"; license keys only on 200 "SUCCESS", none on 204); every error
// is UNAVAILABLE or FAILED_PRECONDITION and stays short, since upstream
// messages are cut to 256 bytes before they reach an error.

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "apsdai/license_request.h"
#include "fuzz_check.h"
#include "http/http_types.h"
#include "openapi/token_request.h"
#include "openapi/verify_request.h"

namespace signet {
namespace {

constexpr int kStatuses[16] = {200, 204, 201, 299, 301, 400, 401, 403,
                               404, 429, 500, 502, 503, 199, 600, 0};

// Upstream text reaches an error cut to 256 bytes, at most twice (the
// license code and message); the rest is our own words and numbers.
constexpr size_t kMaxErrorBytes = 2 * 256 + 128;

bool Is2xx(int status) { return status >= 200 && status <= 299; }

void CheckError(const absl::Status& status) {
  SIGNET_FUZZ_CHECK(status.code() == absl::StatusCode::kUnavailable ||
                    status.code() == absl::StatusCode::kFailedPrecondition);
  SIGNET_FUZZ_CHECK(status.message().size() <= kMaxErrorBytes);
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet;
  if (size == 0) return 0;
  HttpResponse response;
  response.status = kStatuses[data[0] % 16];
  response.body.assign(reinterpret_cast<const char*>(data) + 1, size - 1);

  if (auto token = ParseTokenAnswer(response); token.ok()) {
    SIGNET_FUZZ_CHECK(Is2xx(response.status));
    SIGNET_FUZZ_CHECK(!token->token.empty());
    SIGNET_FUZZ_CHECK(!token->expire_time.empty());
  } else {
    CheckError(token.status());
  }

  if (auto verify = ParseVerifyAnswer(response); verify.ok()) {
    SIGNET_FUZZ_CHECK(Is2xx(response.status) ||
                      (response.status >= 400 && response.status < 500));
    if (verify->valid) {
      SIGNET_FUZZ_CHECK(Is2xx(response.status));
      SIGNET_FUZZ_CHECK(verify->result == "success");
    } else {
      SIGNET_FUZZ_CHECK(Is2xx(response.status) || !verify->message.empty());
    }
  } else {
    CheckError(verify.status());
  }

  if (auto license = ParseLicenseAnswer(response); license.ok()) {
    SIGNET_FUZZ_CHECK(response.status == 200 || response.status == 204);
    if (response.status == 204) {
      SIGNET_FUZZ_CHECK(license->keys.empty() && license->code.empty());
    } else {
      SIGNET_FUZZ_CHECK(license->code == "SUCCESS");
    }
  } else {
    CheckError(license.status());
  }
  return 0;
}
