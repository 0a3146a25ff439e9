#include "innopaas/innopaas_settings.h"

namespace signet {

bool operator==(const InnoPaasSettings& a, const InnoPaasSettings& b) {
  return a.name == b.name && a.base_url.text == b.base_url.text &&
         a.app_key.Equals(b.app_key.Reveal()) &&
         a.authorization.Equals(b.authorization.Reveal()) &&
         a.upstream == b.upstream;
}

bool operator==(const InnoPaasWebhookSettings& a,
                const InnoPaasWebhookSettings& b) {
  return a.user_name.Equals(b.user_name.Reveal()) &&
         a.authorization.Equals(b.authorization.Reveal());
}

}  // namespace signet
