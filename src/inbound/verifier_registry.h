#ifndef SIGNET_INBOUND_VERIFIER_REGISTRY_H_
#define SIGNET_INBOUND_VERIFIER_REGISTRY_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "apsdai/replay_cache.h"
#include "common/clock.h"
#include "inbound/inbound_observer.h"
#include "inbound/inbound_settings.h"
#include "inbound/verifier.h"

namespace signet {

// The configured inbound profiles, one Verifier each. Both VerifyInbound
// and the verifying receiver go through Verify, so both are counted the
// same way. Thread-safe.
class VerifierRegistry {
 public:
  struct Outcome {
    Verdict verdict;
    absl::string_view scheme;
  };

  // `clock` and `observer` (may be null) must outlive this. Verifiers whose
  // settings equal those in `previous` (may be null) are taken over from
  // it. An APSDAI profile whose settings changed gets a new verifier but
  // keeps the same replay cache (shared with `previous`, which may still
  // be verifying), so no reload makes an accepted signature acceptable
  // again.
  VerifierRegistry(const std::map<std::string, InboundSettings>& settings,
                   const Clock* clock, InboundObserver* observer,
                   const VerifierRegistry* previous = nullptr);

  // NOT_FOUND naming `profile` when it is not configured.
  absl::StatusOr<Outcome> Verify(absl::string_view profile,
                                 const InboundRequest& request) const;

  // Verifier::Check for `profile`: records nothing, and counts only a
  // refusal (a request it lets through is counted by the Verify that
  // follows once its body is in).
  absl::StatusOr<Outcome> Check(absl::string_view profile,
                                const InboundRequest& request) const;

 private:
  absl::StatusOr<Verifier*> Find(absl::string_view profile) const;
  void Count(absl::string_view profile, const Outcome& outcome) const;

  struct Entry {
    InboundSettings settings;
    std::shared_ptr<Verifier> verifier;
    // APSDAI only; the verifier's, kept here to hand on at a reload.
    std::shared_ptr<ReplayCache> replay_cache;
  };
  std::map<std::string, Entry, std::less<>> verifiers_;
  InboundObserver* const observer_;
};

}  // namespace signet

#endif  // SIGNET_INBOUND_VERIFIER_REGISTRY_H_
