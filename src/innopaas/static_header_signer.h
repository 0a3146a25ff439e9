#ifndef SIGNET_INNOPAAS_STATIC_HEADER_SIGNER_H_
#define SIGNET_INNOPAAS_STATIC_HEADER_SIGNER_H_

#include <string>
#include <vector>

#include "secrets/secret.h"
#include "upstream/signer.h"

namespace signet {

// InnoPaaS (seeds 000/001): every call carries
//   Content-Type: application/json;charset=utf-8
//   AppKey: <app key>
//   Authorization: <authorization token>   (the raw token, no scheme)
// The values never change between calls, so signing is inline.
class StaticHeaderSigner final : public Signer {
 public:
  // The Content-Type the seed's table prescribes, byte for byte.
  static constexpr absl::string_view kContentType =
      "application/json;charset=utf-8";
  // The headers it sets.
  static constexpr absl::string_view kReservedHeaders[] = {
      "Content-Type", "AppKey", "Authorization"};

  StaticHeaderSigner(Secret app_key, Secret authorization)
      : app_key_(std::move(app_key)),
        authorization_(std::move(authorization)) {}

  absl::Span<const absl::string_view> ReservedHeaders() const override;
  void Sign(HttpRequest request, SignCallback done) override;

 private:
  const Secret app_key_;
  const Secret authorization_;
};

}  // namespace signet

#endif  // SIGNET_INNOPAAS_STATIC_HEADER_SIGNER_H_
