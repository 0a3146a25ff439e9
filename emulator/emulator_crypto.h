#ifndef SIGNET_EMULATOR_EMULATOR_CRYPTO_H_
#define SIGNET_EMULATOR_EMULATOR_CRYPTO_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// The emulator's own signature arithmetic. It deliberately shares no code with
// signet's signers: a double that reused the code under test would agree with
// every bug in it.
namespace signet::emulator {

// Lowercase hex SHA-256 of `data` (OpenAPI v5 signature, seed 002).
absl::StatusOr<std::string> Sha256Hex(absl::string_view data);

// Raw 32-byte HMAC-SHA256 of `message` under `key`.
absl::StatusOr<std::string> HmacSha256(absl::string_view key,
                                       absl::string_view message);

// Standard base64 (RFC 4648 section 4) with padding, no line breaks.
std::string Base64Encode(absl::string_view data);

// PHP urlencode(): A-Z a-z 0-9 - _ . kept, space to '+', everything else
// %XX in uppercase hex. The APSDAI seed (003) signs with PHP, so '+', '/' and
// '=' from base64 become %2B, %2F and %3D.
std::string PhpUrlEncode(absl::string_view data);

// The X-Apsdai-Token of signature mode (seed 003):
// urlencode(base64(HMAC-SHA256(key = secret, msg = timestamp "\n" secret))).
absl::StatusOr<std::string> ApsdaiSignature(absl::string_view timestamp_ms,
                                            absl::string_view secret);

// `bytes` random bytes from the OpenSSL CSPRNG, as lowercase hex.
absl::StatusOr<std::string> RandomHex(size_t bytes);

// Equality that does not leak where two secrets first differ. The length is
// not secret.
bool ConstantTimeEquals(absl::string_view a, absl::string_view b);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_EMULATOR_CRYPTO_H_
