#include "secrets/secret.h"

#include <openssl/crypto.h>

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
  return candidate.size() == value_.size() &&
         CRYPTO_memcmp(candidate.data(), value_.data(), value_.size()) == 0;
}

}  // namespace signet
