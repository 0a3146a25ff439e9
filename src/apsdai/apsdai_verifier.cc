#include "apsdai/apsdai_verifier.h"

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "apsdai/apsdai_signer.h"

namespace signet {
namespace {

constexpr absl::string_view kUserAgent = "apsdai-hook";
constexpr size_t kTimestampDigits = 13;

int64_t WholeSeconds(absl::Duration duration) {
  return absl::ToInt64Seconds(duration);
}

}  // namespace

Verdict ApsdaiVerifier::Verify(const InboundRequest& request) {
  return Decide(request, /*remember=*/true);
}

Verdict ApsdaiVerifier::Check(const InboundRequest& request) {
  return Decide(request, /*remember=*/false);
}

Verdict ApsdaiVerifier::Decide(const InboundRequest& request, bool remember) {
  absl::string_view user_agent;
  absl::string_view timestamp_text;
  absl::string_view token;
  for (auto [name, value] : {std::pair<absl::string_view, absl::string_view*>{
                                 "User-Agent", &user_agent},
                             {"X-Apsdai-Timestamp", &timestamp_text},
                             {"X-Apsdai-Token", &token}}) {
    Verdict verdict = FindSingleHeader(request.headers, name, value);
    if (!verdict.authentic()) return verdict;
  }
  if (user_agent != kUserAgent) {
    return Verdict::Refused(RefusalReason::kWrongUserAgent,
                            "User-Agent is not apsdai-hook");
  }

  int64_t timestamp_ms = 0;
  const bool digits_only =
      timestamp_text.size() == kTimestampDigits &&
      std::all_of(timestamp_text.begin(), timestamp_text.end(),
                  [](char c) { return absl::ascii_isdigit(c); });
  if (!digits_only || !absl::SimpleAtoi(timestamp_text, &timestamp_ms)) {
    return Verdict::Refused(
        RefusalReason::kBadTimestamp,
        "X-Apsdai-Timestamp must be 13 digits of Unix milliseconds");
  }
  const absl::Time now = clock_.Now();
  const absl::Time sent = absl::FromUnixMillis(timestamp_ms);
  if (now - sent > settings_.window) {
    return Verdict::Refused(
        RefusalReason::kStale,
        absl::StrCat("X-Apsdai-Timestamp is ", WholeSeconds(now - sent),
                     "s old (window ", WholeSeconds(settings_.window), "s)"));
  }
  if (sent - now > settings_.window) {
    return Verdict::Refused(
        RefusalReason::kFuture,
        absl::StrCat("X-Apsdai-Timestamp is ", WholeSeconds(sent - now),
                     "s ahead (window ", WholeSeconds(settings_.window), "s)"));
  }

  if (settings_.verification == LicenseVerification::kPassword) {
    if (!settings_.secret.Equals(token)) {
      return Verdict::Refused(RefusalReason::kWrongCredentials,
                              "X-Apsdai-Token does not match");
    }
    return Verdict::Authentic();
  }
  const Secret expected(ApsdaiSignature(timestamp_ms, settings_.secret));
  if (!expected.Equals(token)) {
    return Verdict::Refused(RefusalReason::kWrongCredentials,
                            "X-Apsdai-Token does not match");
  }
  if (!remember) {
    if (!seen_->Contains(token, now)) return Verdict::Authentic();
    return Verdict::Refused(RefusalReason::kReplayed,
                            "this X-Apsdai-Token was already accepted");
  }
  switch (seen_->Remember(token, sent, settings_.window, now)) {
    case ReplayCache::Result::kFresh:
      return Verdict::Authentic();
    case ReplayCache::Result::kReplayed:
      return Verdict::Refused(RefusalReason::kReplayed,
                              "this X-Apsdai-Token was already accepted");
    case ReplayCache::Result::kFull:
      break;
  }
  return Verdict::Refused(
      RefusalReason::kReplayCacheFull,
      "too many requests within the window to rule out a replay; raise "
      "replay_cache_size");
}

}  // namespace signet
