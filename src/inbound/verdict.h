#ifndef SIGNET_INBOUND_VERDICT_H_
#define SIGNET_INBOUND_VERDICT_H_

#include <string>
#include <utility>

#include "absl/strings/string_view.h"

namespace signet {

// Why an inbound request was refused. Each has a stable label, used as the
// metrics label and as the first word of the reason callers see.
enum class RefusalReason {
  kNone,
  kMissingHeader,
  kDuplicateHeader,
  kWrongCredentials,
  kWrongUserAgent,
  kBadTimestamp,
  kStale,
  kFuture,
  kReplayed,
  kReplayCacheFull,
};

// "missing_header", "replayed", ...; "" for kNone.
absl::string_view RefusalLabel(RefusalReason reason);

// The outcome of verifying one inbound request. `detail` explains a refusal
// for a human and never contains a secret or the expected value.
struct Verdict {
  RefusalReason reason = RefusalReason::kNone;
  std::string detail;

  bool authentic() const { return reason == RefusalReason::kNone; }
  // "label: detail", or "" when authentic.
  std::string Describe() const;

  static Verdict Authentic() { return Verdict(); }
  static Verdict Refused(RefusalReason reason, std::string detail) {
    return Verdict{reason, std::move(detail)};
  }
};

}  // namespace signet

#endif  // SIGNET_INBOUND_VERDICT_H_
