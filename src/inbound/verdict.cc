#include "inbound/verdict.h"

#include "absl/strings/str_cat.h"

namespace signet {

absl::string_view RefusalLabel(RefusalReason reason) {
  switch (reason) {
    case RefusalReason::kNone:
      return "";
    case RefusalReason::kMissingHeader:
      return "missing_header";
    case RefusalReason::kDuplicateHeader:
      return "duplicate_header";
    case RefusalReason::kWrongCredentials:
      return "wrong_credentials";
    case RefusalReason::kWrongUserAgent:
      return "wrong_user_agent";
    case RefusalReason::kBadTimestamp:
      return "bad_timestamp";
    case RefusalReason::kStale:
      return "stale";
    case RefusalReason::kFuture:
      return "future";
    case RefusalReason::kReplayed:
      return "replayed";
    case RefusalReason::kReplayCacheFull:
      return "replay_cache_full";
  }
  return "unknown";
}

std::string Verdict::Describe() const {
  if (authentic()) return "";
  return absl::StrCat(RefusalLabel(reason), ": ", detail);
}

}  // namespace signet
