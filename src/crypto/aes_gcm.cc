#include "crypto/aes_gcm.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace signet {
namespace {

struct CipherContextFree {
  void operator()(EVP_CIPHER_CTX* context) const {
    EVP_CIPHER_CTX_free(context);
  }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextFree>;

const unsigned char* Bytes(absl::string_view data) {
  return reinterpret_cast<const unsigned char*>(data.data());
}

unsigned char* Bytes(std::string& data) {
  return reinterpret_cast<unsigned char*>(data.data());
}

absl::Status CheckKey(absl::string_view key) {
  if (key.size() != kAesGcmKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "an AES-256-GCM key is ", kAesGcmKeyBytes, " bytes, not ", key.size()));
  }
  return absl::OkStatus();
}

// An EVP call that fails only when OpenSSL itself does (out of memory).
absl::Status Checked(int result, absl::string_view what) {
  if (result == 1) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("OpenSSL ", what, " failed"));
}

}  // namespace

absl::StatusOr<std::string> AesGcmSeal(absl::string_view key,
                                       absl::string_view nonce,
                                       absl::string_view associated,
                                       absl::string_view plaintext) {
  if (absl::Status valid = CheckKey(key); !valid.ok()) return valid;
  if (nonce.size() != kAesGcmNonceBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("an AES-256-GCM nonce is ", kAesGcmNonceBytes, " bytes"));
  }
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr)
    return absl::ResourceExhaustedError("no memory for a cipher");
  // The default GCM nonce length is 12 bytes: no EVP_CTRL_GCM_SET_IVLEN.
  if (absl::Status done =
          Checked(EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(key), Bytes(nonce)),
                  "EVP_EncryptInit_ex");
      !done.ok())
    return done;
  int length = 0;
  if (absl::Status done = Checked(
          EVP_EncryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                            static_cast<int>(associated.size())),
          "EVP_EncryptUpdate(aad)");
      !done.ok())
    return done;
  std::string sealed(nonce);
  sealed.resize(kAesGcmNonceBytes + plaintext.size() + kAesGcmTagBytes);
  unsigned char* out = Bytes(sealed) + kAesGcmNonceBytes;
  if (absl::Status done = Checked(
          EVP_EncryptUpdate(context.get(), out, &length, Bytes(plaintext),
                            static_cast<int>(plaintext.size())),
          "EVP_EncryptUpdate");
      !done.ok())
    return done;
  int tail = 0;
  if (absl::Status done =
          Checked(EVP_EncryptFinal_ex(context.get(), out + length, &tail),
                  "EVP_EncryptFinal_ex");
      !done.ok())
    return done;  // GCM writes nothing here
  if (absl::Status done =
          Checked(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG,
                                      kAesGcmTagBytes, out + plaintext.size()),
                  "EVP_CTRL_GCM_GET_TAG");
      !done.ok())
    return done;
  return sealed;
}

absl::StatusOr<std::string> AesGcmOpen(absl::string_view key,
                                       absl::string_view associated,
                                       absl::string_view sealed) {
  if (absl::Status valid = CheckKey(key); !valid.ok()) return valid;
  if (sealed.size() < kAesGcmNonceBytes + kAesGcmTagBytes) {
    return absl::DataLossError("sealed value too short");
  }
  const absl::string_view nonce = sealed.substr(0, kAesGcmNonceBytes);
  const absl::string_view ciphertext = sealed.substr(
      kAesGcmNonceBytes, sealed.size() - kAesGcmNonceBytes - kAesGcmTagBytes);
  std::string tag(sealed.substr(sealed.size() - kAesGcmTagBytes));
  CipherContext context(EVP_CIPHER_CTX_new());
  if (context == nullptr)
    return absl::ResourceExhaustedError("no memory for a cipher");
  if (absl::Status done =
          Checked(EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr,
                                     Bytes(key), Bytes(nonce)),
                  "EVP_DecryptInit_ex");
      !done.ok())
    return done;
  int length = 0;
  if (absl::Status done = Checked(
          EVP_DecryptUpdate(context.get(), nullptr, &length, Bytes(associated),
                            static_cast<int>(associated.size())),
          "EVP_DecryptUpdate(aad)");
      !done.ok())
    return done;
  std::string plaintext(ciphertext.size(), '\0');
  if (absl::Status done =
          Checked(EVP_DecryptUpdate(context.get(), Bytes(plaintext), &length,
                                    Bytes(ciphertext),
                                    static_cast<int>(ciphertext.size())),
                  "EVP_DecryptUpdate");
      !done.ok())
    return done;
  if (absl::Status done =
          Checked(EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG,
                                      kAesGcmTagBytes, Bytes(tag)),
                  "EVP_CTRL_GCM_SET_TAG");
      !done.ok())
    return done;
  int tail = 0;
  if (EVP_DecryptFinal_ex(context.get(), Bytes(plaintext) + length, &tail) !=
      1) {
    // Nothing unauthenticated leaves this function.
    OPENSSL_cleanse(plaintext.data(), plaintext.size());
    return absl::DataLossError(
        "sealed value does not authenticate (another key, or changed)");
  }
  return plaintext;
}

absl::StatusOr<std::string> RandomNonce() {
  std::string nonce(kAesGcmNonceBytes, '\0');
  if (RAND_bytes(Bytes(nonce), static_cast<int>(nonce.size())) != 1) {
    return absl::InternalError("RAND_bytes failed: no randomness for a nonce");
  }
  return nonce;
}

}  // namespace signet
