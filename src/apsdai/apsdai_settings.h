#ifndef SIGNET_APSDAI_APSDAI_SETTINGS_H_
#define SIGNET_APSDAI_APSDAI_SETTINGS_H_

#include <cstddef>
#include <map>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "http/base_url.h"
#include "secrets/secret.h"
#include "upstream/upstream_settings.h"

namespace signet {

enum class LicenseVerification { kSignature, kPassword };

// The headers seed 003 prescribes and ApsdaiSigner sets; a profile's custom
// headers may not replace them.
inline constexpr absl::string_view kApsdaiSignedHeaders[] = {
    "Content-Type", "User-Agent", "X-Apsdai-Timestamp", "X-Apsdai-Token"};

struct LicenseSettings {
  std::string name;
  BaseUrl url;
  std::string method = "POST";
  LicenseVerification verification = LicenseVerification::kSignature;
  Secret secret;
  std::map<std::string, std::string> headers;
  std::map<std::string, std::string> body;
  UpstreamSettings upstream;
  // Every field (secrets compared in constant time): a reload keeps what
  // was built from equal settings.
  friend bool operator==(const LicenseSettings& a, const LicenseSettings& b);
  friend bool operator!=(const LicenseSettings& a, const LicenseSettings& b) {
    return !(a == b);
  }
};

// Inbound: hooks signed the way seed 003 signs them.
struct ApsdaiInboundSettings {
  LicenseVerification verification = LicenseVerification::kSignature;
  Secret secret;
  absl::Duration window = absl::Minutes(5);
  size_t replay_cache_size = 100000;

  // Every field (secrets compared in constant time): a reload keeps what
  // was built from equal settings.
  friend bool operator==(const ApsdaiInboundSettings& a,
                         const ApsdaiInboundSettings& b);
  friend bool operator!=(const ApsdaiInboundSettings& a,
                         const ApsdaiInboundSettings& b) {
    return !(a == b);
  }
};

}  // namespace signet

#endif  // SIGNET_APSDAI_APSDAI_SETTINGS_H_
