#ifndef SIGNET_INNOPAAS_INNOPAAS_PROFILE_H_
#define SIGNET_INNOPAAS_INNOPAAS_PROFILE_H_

#include <memory>

#include "absl/types/span.h"
#include "http/http_client.h"
#include "innopaas/innopaas_settings.h"
#include "upstream/upstream_env.h"

namespace signet {

// One InnoPaaS profile at run time (seeds 000/001): its settings and its
// transport chain with the static-header signer in it. Shared-owned
// (Create); a call in flight holds the chain it was sent into.
class InnoPaasProfile {
 public:
  static std::shared_ptr<InnoPaasProfile> Create(InnoPaasSettings settings,
                                                 const UpstreamEnv& env);

  const InnoPaasSettings& settings() const { return settings_; }

  // The headers the signer sets, which a forwarded call may not carry.
  static absl::Span<const absl::string_view> ReservedHeaders();

  // Signs `request` (already validated, for base_url) and sends it.
  void Forward(HttpRequest request, HttpCallback on_done);

 private:
  InnoPaasProfile(InnoPaasSettings settings, const UpstreamEnv& env);

  const InnoPaasSettings settings_;
  std::shared_ptr<HttpClient> signed_;
};

}  // namespace signet

#endif  // SIGNET_INNOPAAS_INNOPAAS_PROFILE_H_
