#include "innopaas/static_header_signer.h"

#include <utility>

namespace signet {
absl::Span<const absl::string_view> StaticHeaderSigner::ReservedHeaders()
    const {
  return kReservedHeaders;
}

void StaticHeaderSigner::Sign(HttpRequest request, SignCallback done) {
  SetHeader(&request.headers, "Content-Type", kContentType);
  SetHeader(&request.headers, "AppKey", app_key_.Reveal());
  SetHeader(&request.headers, "Authorization", authorization_.Reveal());
  std::move(done)(std::move(request));
}

}  // namespace signet
