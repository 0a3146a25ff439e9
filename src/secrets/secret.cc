#include "secrets/secret.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <utility>

#include "crypto/digest.h"

namespace signet {

namespace {

void CleanseString(std::string& value) {
  if (!value.empty()) OPENSSL_cleanse(value.data(), value.size());
  value.clear();
}

}  // namespace

Secret::Secret(std::string&& value) noexcept { Take(value); }

Secret::Secret(Secret&& other) noexcept { Take(other.value_); }

Secret& Secret::operator=(const Secret& other) {
  if (this != &other) {
    Cleanse();
    value_ = other.value_;
  }
  return *this;
}

Secret& Secret::operator=(Secret&& other) noexcept {
  if (this != &other) {
    Cleanse();
    Take(other.value_);
  }
  return *this;
}

void Secret::Take(std::string& from) noexcept {
  if (from.size() <= value_.capacity()) {
    // Short (inline) strings always land here: a move would only copy them
    // too, and leave the bytes in `from`. Fits, so nothing is allocated.
    value_.assign(from);
  } else {
    // A heap buffer changes hands; `from` keeps none of the bytes, at most
    // value_'s former buffer, which was cleansed.
    value_ = std::move(from);
  }
  CleanseString(from);
}

Secret::~Secret() { Cleanse(); }

void Secret::Cleanse() { CleanseString(value_); }

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
