#include "inbound/inbound_verifiers.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "inbound/apsdai_verifier.h"
#include "inbound/innopaas_webhook_verifier.h"

namespace signet {

namespace {

bool SameSettings(const InboundSettings& a, const InboundSettings& b) {
  if (a.innopaas_webhook.has_value() != b.innopaas_webhook.has_value() ||
      a.apsdai.has_value() != b.apsdai.has_value()) {
    return false;
  }
  if (a.innopaas_webhook.has_value()) {
    return a.innopaas_webhook->user_name.Equals(
               b.innopaas_webhook->user_name.Reveal()) &&
           a.innopaas_webhook->authorization.Equals(
               b.innopaas_webhook->authorization.Reveal());
  }
  return a.apsdai->verification == b.apsdai->verification &&
         a.apsdai->secret.Equals(b.apsdai->secret.Reveal()) &&
         a.apsdai->window == b.apsdai->window &&
         a.apsdai->replay_cache_size == b.apsdai->replay_cache_size;
}

}  // namespace

InboundVerifiers::InboundVerifiers(
    const std::map<std::string, InboundSettings>& settings, const Clock* clock,
    InboundObserver* observer, const InboundVerifiers* previous)
    : observer_(observer) {
  for (const auto& [name, profile] : settings) {
    if (previous != nullptr) {
      const auto old = previous->verifiers_.find(name);
      if (old != previous->verifiers_.end() &&
          SameSettings(old->second.settings, profile)) {
        verifiers_.emplace(name, old->second);
        continue;
      }
    }
    // The resolver guarantees exactly one scheme per profile.
    std::shared_ptr<Verifier> verifier;
    if (profile.innopaas_webhook.has_value()) {
      verifier =
          std::make_shared<InnoPaasWebhookVerifier>(*profile.innopaas_webhook);
    } else if (profile.apsdai.has_value()) {
      verifier = std::make_shared<ApsdaiVerifier>(*profile.apsdai, clock);
    }
    if (verifier != nullptr) {
      verifiers_.emplace(name, Entry{profile, std::move(verifier)});
    }
  }
}

absl::StatusOr<InboundVerifiers::Outcome> InboundVerifiers::Verify(
    absl::string_view profile, const InboundRequest& request) const {
  const auto it = verifiers_.find(profile);
  if (it == verifiers_.end()) {
    return absl::NotFoundError(absl::StrCat(
        "inbound profile \"", profile, "\" is not configured"));
  }
  Verifier& verifier = *it->second.verifier;
  Outcome outcome{verifier.Verify(request), verifier.scheme()};
  if (observer_ != nullptr) {
    if (outcome.verdict.authentic()) {
      observer_->Verified(profile, outcome.scheme);
    } else {
      observer_->Refused(profile, outcome.scheme,
                         RefusalLabel(outcome.verdict.reason));
    }
  }
  return outcome;
}

}  // namespace signet
