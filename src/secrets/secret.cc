#include "secrets/secret.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <utility>

#include "crypto/digest.h"

namespace signet {

Secret::Secret(std::string value) : value_(std::move(value)) {}

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Cleanse();
    value_ = other.value_;
  }
  return *this;
}

Secret::Secret(Secret&& other) noexcept : value_(std::move(other.value_)) {
  other.Cleanse();
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Cleanse();
    value_ = std::move(other.value_);
    other.Cleanse();
  }
  return *this;
}

Secret::~Secret() { Cleanse(); }

void Secret::Cleanse() {
  if (!value_.empty()) OPENSSL_cleanse(value_.data(), value_.size());
  value_.clear();
}

std::string Secret::Fingerprint() const {
  if (value_.empty()) return "secret:empty";
  return "secret:sha256:" + Sha256Hex(value_).substr(0, 8);
}

bool Secret::Equals(absl::string_view candidate) const {
  // Comparing digests rather than the values keeps the time independent of
  // where the values differ and of their lengths.
  unsigned char mine[SHA256_DIGEST_LENGTH];
  unsigned char theirs[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(value_.data()), value_.size(),
         mine);
  SHA256(reinterpret_cast<const unsigned char*>(candidate.data()),
         candidate.size(), theirs);
  const bool equal = CRYPTO_memcmp(mine, theirs, sizeof(mine)) == 0;
  OPENSSL_cleanse(mine, sizeof(mine));
  return equal;
}

}  // namespace signet
