#include "innopaas/innopaas_profile.h"

#include <utility>

#include "innopaas/static_header_signer.h"
#include "upstream/signing_http_client.h"
#include "upstream/upstream_transport.h"

namespace signet {

std::shared_ptr<InnoPaasProfile> InnoPaasProfile::Create(
    InnoPaasSettings settings, const UpstreamEnv& env) {
  return std::shared_ptr<InnoPaasProfile>(
      new InnoPaasProfile(std::move(settings), env));
}

InnoPaasProfile::InnoPaasProfile(InnoPaasSettings settings,
                                 const UpstreamEnv& env)
    : settings_(std::move(settings)) {
  signed_ = std::make_shared<SigningHttpClient>(
      std::make_shared<StaticHeaderSigner>(settings_.app_key,
                                           settings_.authorization),
      UpstreamTransport::Build(settings_.name, settings_.upstream, env)
          .forward);
}

absl::Span<const absl::string_view> InnoPaasProfile::ReservedHeaders() {
  return StaticHeaderSigner::kReservedHeaders;
}

void InnoPaasProfile::Forward(HttpRequest request, HttpCallback on_done) {
  signed_->Send(std::move(request), std::move(on_done));
}

}  // namespace signet
