#ifndef SIGNET_CRYPTO_DIGEST_H_
#define SIGNET_CRYPTO_DIGEST_H_

#include <string>

#include "absl/strings/string_view.h"

namespace signet {

// Lowercase hex SHA-256 of `data`, as Python's hashlib.sha256().hexdigest()
// (the OpenAPI signature of seed 002).
std::string Sha256Hex(absl::string_view data);

// Raw 32-byte HMAC-SHA256, as PHP's hash_hmac('sha256', msg, key, true)
// (the APSDAI signature of seed 003).
std::string HmacSha256(absl::string_view key, absl::string_view message);

// Standard base64 with padding (RFC 4648 section 4), as PHP base64_encode.
std::string Base64Encode(absl::string_view data);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(absl::string_view data);

}  // namespace signet

#endif  // SIGNET_CRYPTO_DIGEST_H_
