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
};

// Inbound: InnoPaaS webhook pushes (seed 001) carry these two headers.
struct InnoPaasWebhookSettings {
  Secret user_name;
  Secret authorization;
};

}  // namespace signet

#endif  // SIGNET_INNOPAAS_INNOPAAS_SETTINGS_H_
