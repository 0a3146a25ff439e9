#include "apsdai/license_profile.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "apsdai/apsdai_signer.h"
#include "upstream/forward_request.h"
#include "upstream/signing_http_client.h"
#include "upstream/upstream_transport.h"

namespace signet {

std::shared_ptr<LicenseProfile> LicenseProfile::Create(LicenseSettings settings,
                                                       const UpstreamEnv& env) {
  return std::shared_ptr<LicenseProfile>(
      new LicenseProfile(std::move(settings), env));
}

LicenseProfile::LicenseProfile(LicenseSettings settings, const UpstreamEnv& env)
    : settings_(std::move(settings)) {
  signed_ = std::make_shared<SigningHttpClient>(
      std::make_shared<ApsdaiSigner>(settings_.verification, settings_.secret,
                                     env.clock),
      UpstreamTransport::Build(settings_.name, settings_.upstream, env)
          .forward);
}

void LicenseProfile::Fetch(const std::map<std::string, std::string>& fields,
                           absl::Time deadline, size_t max_response_bytes,
                           const std::string& request_id,
                           FetchCallback on_done) {
  HttpRequest request = BuildLicenseRequest(settings_, fields, deadline);
  request.max_response_bytes = max_response_bytes;
  AddRequestId(request_id, &request);
  signed_->Send(
      std::move(request), [on_done = std::move(on_done)](
                              absl::StatusOr<HttpResponse> answer) mutable {
        if (!answer.ok()) {
          std::move(on_done)(
              absl::Status(answer.status().code(),
                           absl::StrCat("license request failed: ",
                                        answer.status().message())),
              0);
          return;
        }
        std::move(on_done)(ParseLicenseAnswer(*answer), answer->status);
      });
}

}  // namespace signet
