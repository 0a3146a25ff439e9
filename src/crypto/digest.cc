#include "crypto/digest.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <cstdlib>

#include "absl/base/internal/raw_logging.h"
#include "absl/strings/escaping.h"

namespace signet {
namespace {

// OpenSSL's one-shot digests fail only on allocation failure or a broken
// library; there is no sensible way to continue signing then.
[[noreturn]] void DieOnCryptoFailure(const char* what) {
  ABSL_RAW_LOG(FATAL, "OpenSSL %s failed", what);
  std::abort();
}

}  // namespace

std::string HexEncode(absl::string_view data) {
  return absl::BytesToHexString(data);
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha256(),
                 nullptr) != 1 ||
      length != SHA256_DIGEST_LENGTH) {
    DieOnCryptoFailure("EVP_Digest(sha256)");
  }
  return HexEncode(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string HmacSha256(absl::string_view key, absl::string_view message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), mac, &length) == nullptr ||
      length != SHA256_DIGEST_LENGTH) {
    DieOnCryptoFailure("HMAC(sha256)");
  }
  return std::string(reinterpret_cast<const char*>(mac), length);
}

std::string Base64Encode(absl::string_view data) {
  return absl::Base64Escape(data);
}

}  // namespace signet
