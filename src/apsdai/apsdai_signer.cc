#include "apsdai/apsdai_signer.h"

#include <openssl/crypto.h>

#include <utility>

#include "absl/strings/str_cat.h"
#include "crypto/digest.h"
#include "http/url_encoding.h"

namespace signet {

std::string ApsdaiSignature(int64_t timestamp_ms, const Secret& secret) {
  std::string message = absl::StrCat(timestamp_ms, "\n", secret.Reveal());
  std::string signature =
      PhpUrlEncode(Base64Encode(HmacSha256(secret.Reveal(), message)));
  OPENSSL_cleanse(message.data(), message.size());
  return signature;
}

absl::Span<const absl::string_view> ApsdaiSigner::ReservedHeaders() const {
  return kApsdaiSignedHeaders;
}

void ApsdaiSigner::Sign(HttpRequest request, SignCallback done) {
  // Whole milliseconds (13 digits until 2286). The seed rounds microtime()
  // where this truncates; either is fine, as header and signature agree.
  const int64_t timestamp_ms = absl::ToUnixMillis(clock_.Now());
  SetHeader(&request.headers, "Content-Type", "application/json");
  SetHeader(&request.headers, "User-Agent", "apsdai-hook");
  SetHeader(&request.headers, "X-Apsdai-Timestamp", absl::StrCat(timestamp_ms));
  if (verification_ == LicenseVerification::kPassword) {
    SetHeader(&request.headers, "X-Apsdai-Token", secret_.Reveal());
  } else {
    std::string signature = ApsdaiSignature(timestamp_ms, secret_);
    SetHeader(&request.headers, "X-Apsdai-Token", signature);
    OPENSSL_cleanse(signature.data(), signature.size());
  }
  std::move(done)(std::move(request));
}

}  // namespace signet
