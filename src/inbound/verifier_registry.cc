#include "inbound/verifier_registry.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "apsdai/apsdai_verifier.h"
#include "common/caller_text.h"
#include "innopaas/webhook_verifier.h"

namespace signet {

VerifierRegistry::VerifierRegistry(
    const std::map<std::string, InboundSettings>& settings, const Clock* clock,
    InboundObserver* observer, const VerifierRegistry* previous)
    : observer_(observer) {
  for (const auto& [name, profile] : settings) {
    const Entry* old = nullptr;
    if (previous != nullptr) {
      const auto it = previous->verifiers_.find(name);
      if (it != previous->verifiers_.end()) old = &it->second;
    }
    if (old != nullptr && old->settings == profile) {
      verifiers_.emplace(name, *old);
      continue;
    }
    // The resolver guarantees exactly one scheme per profile.
    if (profile.innopaas_webhook.has_value()) {
      verifiers_.emplace(name, Entry{profile,
                                     std::make_shared<InnoPaasWebhookVerifier>(
                                         *profile.innopaas_webhook),
                                     nullptr});
    } else if (profile.apsdai.has_value()) {
      const ApsdaiInboundSettings& apsdai = *profile.apsdai;
      std::shared_ptr<ReplayCache> seen;
      if (old != nullptr && old->replay_cache != nullptr) {
        seen = old->replay_cache;
        seen->Reconfigure(apsdai.replay_cache_size, apsdai.window);
      } else {
        seen = std::make_shared<ReplayCache>(apsdai.replay_cache_size);
      }
      verifiers_.emplace(
          name,
          Entry{profile, std::make_shared<ApsdaiVerifier>(apsdai, clock, seen),
                seen});
    }
  }
}

absl::StatusOr<Verifier*> VerifierRegistry::Find(
    absl::string_view profile) const {
  const auto it = verifiers_.find(profile);
  if (it == verifiers_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "inbound profile \"", CallerText(profile), "\" is not configured"));
  }
  return it->second.verifier.get();
}

absl::StatusOr<VerifierRegistry::Outcome> VerifierRegistry::Verify(
    absl::string_view profile, const InboundRequest& request) const {
  absl::StatusOr<Verifier*> verifier = Find(profile);
  if (!verifier.ok()) return verifier.status();
  Outcome outcome{(*verifier)->Verify(request), (*verifier)->scheme()};
  Count(profile, outcome);
  return outcome;
}

absl::StatusOr<VerifierRegistry::Outcome> VerifierRegistry::Check(
    absl::string_view profile, const InboundRequest& request) const {
  absl::StatusOr<Verifier*> verifier = Find(profile);
  if (!verifier.ok()) return verifier.status();
  Outcome outcome{(*verifier)->Check(request), (*verifier)->scheme()};
  if (!outcome.verdict.authentic()) Count(profile, outcome);
  return outcome;
}

void VerifierRegistry::Count(absl::string_view profile,
                             const Outcome& outcome) const {
  if (observer_ == nullptr) return;
  if (outcome.verdict.authentic()) {
    observer_->Verified(profile, outcome.scheme);
  } else {
    observer_->Refused(profile, outcome.scheme,
                       RefusalLabel(outcome.verdict.reason));
  }
}

}  // namespace signet
