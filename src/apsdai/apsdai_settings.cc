#include "apsdai/apsdai_settings.h"

namespace signet {

bool operator==(const LicenseSettings& a, const LicenseSettings& b) {
  return a.name == b.name && a.url.text == b.url.text && a.method == b.method &&
         a.verification == b.verification &&
         a.secret.Equals(b.secret.Reveal()) && a.headers == b.headers &&
         a.body == b.body && a.upstream == b.upstream;
}

bool operator==(const ApsdaiInboundSettings& a,
                const ApsdaiInboundSettings& b) {
  return a.verification == b.verification &&
         a.secret.Equals(b.secret.Reveal()) && a.window == b.window &&
         a.replay_cache_size == b.replay_cache_size;
}

}  // namespace signet
