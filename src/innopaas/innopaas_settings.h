#ifndef SIGNET_INNOPAAS_INNOPAAS_SETTINGS_H_
#define SIGNET_INNOPAAS_INNOPAAS_SETTINGS_H_

#include <string>

#include "http/base_url.h"
#include "secrets/secret.h"
#include "upstream/upstream_settings.h"

namespace signet {

struct InnoPaasSettings {
  std::string name;
  BaseUrl base_url;
  Secret app_key;
  Secret authorization;
  UpstreamSettings upstream;
  // Every field (secrets compared in constant time): a reload keeps what
  // was built from equal settings.
  friend bool operator==(const InnoPaasSettings& a, const InnoPaasSettings& b);
  friend bool operator!=(const InnoPaasSettings& a, const InnoPaasSettings& b) {
    return !(a == b);
  }
};

// Inbound: InnoPaaS webhook pushes (seed 001) carry these two headers.
struct InnoPaasWebhookSettings {
  Secret user_name;
  Secret authorization;
  // Every field (secrets compared in constant time): a reload keeps what
  // was built from equal settings.
  friend bool operator==(const InnoPaasWebhookSettings& a,
                         const InnoPaasWebhookSettings& b);
  friend bool operator!=(const InnoPaasWebhookSettings& a,
                         const InnoPaasWebhookSettings& b) {
    return !(a == b);
  }
};

}  // namespace signet

#endif  // SIGNET_INNOPAAS_INNOPAAS_SETTINGS_H_
