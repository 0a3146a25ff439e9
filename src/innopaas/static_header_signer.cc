#include "innopaas/static_header_signer.h"

#include <utility>

namespace signet {
namespace {

constexpr absl::string_view kReserved[] = {"Content-Type", "AppKey",
                                           "Authorization"};

}  // namespace

absl::Span<const absl::string_view> StaticHeaderSigner::ReservedHeaders()
    const {
  return kReserved;
}

void StaticHeaderSigner::Sign(HttpRequest request, SignCallback done) {
  SetHeader(&request.headers, "Content-Type", kContentType);
  SetHeader(&request.headers, "AppKey", app_key_.Reveal());
  SetHeader(&request.headers, "Authorization", authorization_.Reveal());
  std::move(done)(std::move(request));
}

}  // namespace signet
