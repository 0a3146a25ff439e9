#include "emulator/emulator_crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <climits>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"

namespace signet::emulator {
namespace {

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

absl::StatusOr<std::string> Sha256Hex(absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (EVP_Digest(data.data(), data.size(), digest, &digest_len, EVP_sha256(),
                 nullptr) != 1) {
    return absl::InternalError("EVP_Digest(sha256) failed");
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), digest_len));
}

absl::StatusOr<std::string> HmacSha256(absl::string_view key,
                                       absl::string_view message) {
  if (key.size() > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("HMAC key too long");
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           Bytes(message), message.size(), mac, &mac_len) == nullptr) {
    return absl::InternalError("HMAC(sha256) failed");
  }
  return std::string(reinterpret_cast<const char*>(mac), mac_len);
}

std::string Base64Encode(absl::string_view data) {
  // EVP_EncodeBlock writes 4 bytes per started 3-byte group plus a NUL and
  // cannot fail; it takes an int length, so encode in bounded pieces whose
  // size is a multiple of 3.
  constexpr size_t kChunk = 3 * 1024 * 1024;
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  for (size_t offset = 0; offset < data.size(); offset += kChunk) {
    const absl::string_view piece = data.substr(offset, kChunk);
    std::vector<unsigned char> buf((piece.size() + 2) / 3 * 4 + 1);
    const int n = EVP_EncodeBlock(buf.data(), Bytes(piece),
                                  static_cast<int>(piece.size()));
    out.append(reinterpret_cast<const char*>(buf.data()),
               static_cast<size_t>(n));
  }
  return out;
}

std::string PhpUrlEncode(absl::string_view data) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(data.size() * 3);
  for (const char c : data) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') ||
        (u >= '0' && u <= '9') || u == '-' || u == '_' || u == '.') {
      out.push_back(c);
    } else if (u == ' ') {
      out.push_back('+');
    } else {
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0x0f]);
    }
  }
  return out;
}

absl::StatusOr<std::string> ApsdaiSignature(absl::string_view timestamp_ms,
                                            absl::string_view secret) {
  std::string message;
  message.reserve(timestamp_ms.size() + 1 + secret.size());
  message.append(timestamp_ms.data(), timestamp_ms.size());
  message.push_back('\n');
  message.append(secret.data(), secret.size());
  absl::StatusOr<std::string> mac = HmacSha256(secret, message);
  OPENSSL_cleanse(message.data(), message.size());
  if (!mac.ok()) return mac.status();
  return PhpUrlEncode(Base64Encode(*mac));
}

absl::StatusOr<std::string> RandomHex(size_t bytes) {
  if (bytes > static_cast<size_t>(INT_MAX)) {
    return absl::InvalidArgumentError("too many random bytes");
  }
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()),
                 static_cast<int>(raw.size())) != 1) {
    return absl::InternalError("RAND_bytes failed");
  }
  return absl::BytesToHexString(raw);
}

bool ConstantTimeEquals(absl::string_view a, absl::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace signet::emulator
