#include "inbound/inbound_verifiers.h"

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "inbound/apsdai_verifier.h"
#include "inbound/innopaas_webhook_verifier.h"

namespace signet {

InboundVerifiers::InboundVerifiers(
    const std::map<std::string, InboundSettings>& settings, const Clock* clock,
    InboundObserver* observer)
    : observer_(observer) {
  for (const auto& [name, profile] : settings) {
    // The resolver guarantees exactly one scheme per profile.
    if (profile.innopaas_webhook.has_value()) {
      verifiers_.emplace(name, std::make_unique<InnoPaasWebhookVerifier>(
                                   *profile.innopaas_webhook));
    } else if (profile.apsdai.has_value()) {
      verifiers_.emplace(
          name, std::make_unique<ApsdaiVerifier>(*profile.apsdai, clock));
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
  Verifier& verifier = *it->second;
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
