#ifndef SIGNET_APSDAI_APSDAI_SIGNER_H_
#define SIGNET_APSDAI_APSDAI_SIGNER_H_

#include <cstdint>
#include <string>

#include "apsdai/apsdai_settings.h"
#include "common/clock.h"
#include "secrets/secret.h"
#include "upstream/signer.h"

namespace signet {

// The APSDAI license-key API hook (seed 003). Every call carries
//   Content-Type: application/json
//   User-Agent: apsdai-hook
//   X-Apsdai-Timestamp: <13-digit milliseconds at send time>
//   X-Apsdai-Token: <password>                        (password mode) or
//                   urlencode(base64(HMAC-SHA256(key=secret,
//                       msg=timestamp + "\n" + secret)))  (signature mode)
// with PHP urlencode semantics, exactly the seed's PHP example.
class ApsdaiSigner final : public Signer {
 public:
  // `clock` must outlive the signer.
  ApsdaiSigner(LicenseVerification verification, Secret secret,
               const Clock* clock)
      : verification_(verification),
        secret_(std::move(secret)),
        clock_(*clock) {}

  absl::Span<const absl::string_view> ReservedHeaders() const override;
  void Sign(HttpRequest request, SignCallback done) override;

 private:
  const LicenseVerification verification_;
  const Secret secret_;
  const Clock& clock_;
};

// The signature-mode token for `timestamp_ms`, as seed 003's PHP computes it.
std::string ApsdaiSignature(int64_t timestamp_ms, const Secret& secret);

}  // namespace signet

#endif  // SIGNET_APSDAI_APSDAI_SIGNER_H_
