#ifndef SIGNET_CRYPTO_AES_GCM_H_
#define SIGNET_CRYPTO_AES_GCM_H_

#include <cstddef>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace signet {

// AES-256-GCM, for values that leave the process through a store other
// replicas share (fleet mode): whoever reads the store without the key
// learns nothing, and a value changed or moved to another key is refused.

inline constexpr size_t kAesGcmKeyBytes = 32;
inline constexpr size_t kAesGcmNonceBytes = 12;
inline constexpr size_t kAesGcmTagBytes = 16;

// nonce || ciphertext || tag of `plaintext` under `key` (32 bytes), with
// `associated` authenticated but not encrypted (e.g. the store key the
// value is written under). `nonce` (12 bytes) must never repeat for one
// key: pass RandomNonce(). INVALID_ARGUMENT for a wrong key or nonce size.
absl::StatusOr<std::string> AesGcmSeal(absl::string_view key,
                                       absl::string_view nonce,
                                       absl::string_view associated,
                                       absl::string_view plaintext);

// The plaintext of a value AesGcmSeal made under `key` and `associated`;
// DATA_LOSS when it was made under another key or associated data, or was
// changed or cut; INVALID_ARGUMENT for a wrong key size. The caller owns
// the plaintext's secrecy (wrap it in a Secret).
absl::StatusOr<std::string> AesGcmOpen(absl::string_view key,
                                       absl::string_view associated,
                                       absl::string_view sealed);

// 12 bytes from OpenSSL's CSPRNG (INTERNAL if it has no entropy): random
// nonces collide with probability about n^2 / 2^97 after n seals under one
// key, nothing for the seals a fleet makes in a key's lifetime.
absl::StatusOr<std::string> RandomNonce();

}  // namespace signet

#endif  // SIGNET_CRYPTO_AES_GCM_H_
