#ifndef SIGNET_SECRETS_SECRET_H_
#define SIGNET_SECRETS_SECRET_H_

#include <ostream>
#include <string>

#include "absl/strings/string_view.h"

namespace signet {

// A credential held in memory. It cannot reach a log, an error message or a
// gRPC status by accident: it has no conversion to a string, absl::StrCat
// rejects it, and streaming it yields only a short fingerprint
// ("secret:sha256:1a2b3c4d") that tells two values apart without revealing
// either. Code that must send the value calls Reveal() at the point of use.
// The buffer is cleansed on destruction, and a move leaves no copy of the
// value behind in its source: a short std::string lives inside the object,
// where a plain move would copy it and leave the bytes, so those are copied
// and then cleansed.
class Secret {
 public:
  Secret() = default;
  // Takes the bytes of `value` and cleanses the string it leaves behind.
  explicit Secret(std::string&& value) noexcept;
  // A copy; the caller's string is its own to cleanse.
  explicit Secret(const std::string& value) : value_(value) {}
  Secret(const Secret& other) : value_(other.value_) {}
  Secret& operator=(const Secret& other);
  Secret(Secret&& other) noexcept;
  Secret& operator=(Secret&& other) noexcept;
  ~Secret();

  // The raw value, for signing and for the header that carries it.
  absl::string_view Reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

  // First 8 hex digits of SHA-256 of the value; safe to log.
  std::string Fingerprint() const;

  // Constant-time comparison (CRYPTO_memcmp of SHA-256 digests), so neither
  // the position of a difference nor the length leaks through timing.
  bool Equals(absl::string_view candidate) const;

  friend std::ostream& operator<<(std::ostream& os, const Secret& secret) {
    return os << secret.Fingerprint();
  }

 private:
  void Cleanse();
  // Moves `from` into value_ (cleansed or empty before) and cleanses `from`.
  void Take(std::string& from) noexcept;
  std::string value_;
};

}  // namespace signet

#endif  // SIGNET_SECRETS_SECRET_H_
