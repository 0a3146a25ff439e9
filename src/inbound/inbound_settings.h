#ifndef SIGNET_INBOUND_INBOUND_SETTINGS_H_
#define SIGNET_INBOUND_INBOUND_SETTINGS_H_

#include <optional>
#include <string>

#include "apsdai/apsdai_settings.h"
#include "http/base_url.h"
#include "innopaas/innopaas_settings.h"

namespace signet {

// Inbound verification: one scheme per profile.
struct InboundSettings {
  std::string name;
  // Exactly one is set.
  std::optional<InnoPaasWebhookSettings> innopaas_webhook;
  std::optional<ApsdaiInboundSettings> apsdai;

  // The scheme's settings (a reload keeps an equal verifier).
  friend bool operator==(const InboundSettings& a, const InboundSettings& b) {
    return a.name == b.name && a.innopaas_webhook == b.innopaas_webhook &&
           a.apsdai == b.apsdai;
  }
  friend bool operator!=(const InboundSettings& a, const InboundSettings& b) {
    return !(a == b);
  }
};

struct InboundRouteSettings {
  std::string path;     // exact match on the request path
  std::string profile;  // a key of GatewaySettings::inbound
  BaseUrl target;       // where authentic requests go

  friend bool operator==(const InboundRouteSettings& a,
                         const InboundRouteSettings& b) {
    return a.path == b.path && a.profile == b.profile &&
           a.target.text == b.target.text;
  }
};

}  // namespace signet

#endif  // SIGNET_INBOUND_INBOUND_SETTINGS_H_
