#ifndef SIGNET_TESTS_EMULATOR_REFERENCE_SIGNATURES_H_
#define SIGNET_TESTS_EMULATOR_REFERENCE_SIGNATURES_H_

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

// The tests' own arithmetic for the two signatures, written straight from
// the seeds, so the emulator's checks are tested against something other
// than themselves. Failures abort the test via an empty result.
namespace signet::emulator_test {

// Seed 002: hex(sha256(app_id + time_stamp + secret)).
inline std::string OpenApiSignature(absl::string_view app_id,
                                    absl::string_view time_stamp,
                                    absl::string_view secret) {
  const std::string message = absl::StrCat(app_id, time_stamp, secret);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(message.data(), message.size(), digest, &len, EVP_sha256(),
                 nullptr) != 1) {
    return "";
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), len));
}

// Seed 003: urlencode(base64(HMAC-SHA256(ts + "\n" + secret, key = secret))).
// Base64 output only has '+', '/' and '=' outside PHP urlencode's kept set.
inline std::string ApsdaiToken(absl::string_view timestamp_ms,
                               absl::string_view secret) {
  const std::string message = absl::StrCat(timestamp_ms, "\n", secret);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
           reinterpret_cast<const unsigned char*>(message.data()),
           message.size(), mac, &len) == nullptr) {
    return "";
  }
  const std::string base64 = absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(mac), len));
  return absl::StrReplaceAll(base64,
                             {{"+", "%2B"}, {"/", "%2F"}, {"=", "%3D"}});
}

inline std::string NowMillis() {
  return absl::StrCat(absl::ToUnixMillis(absl::Now()));
}

}  // namespace signet::emulator_test

#endif  // SIGNET_TESTS_EMULATOR_REFERENCE_SIGNATURES_H_
