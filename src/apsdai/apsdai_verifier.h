#ifndef SIGNET_APSDAI_APSDAI_VERIFIER_H_
#define SIGNET_APSDAI_APSDAI_VERIFIER_H_

#include <memory>
#include <utility>

#include "apsdai/apsdai_settings.h"
#include "apsdai/replay_cache.h"
#include "common/clock.h"
#include "inbound/verifier.h"

namespace signet {

// APSDAI license hooks (seed 003), as a customer's license server receives
// them. Authentic means, in this order:
//   - User-Agent is exactly "apsdai-hook";
//   - X-Apsdai-Timestamp is 13 digits of milliseconds within `window` of
//     now, either way;
//   - X-Apsdai-Token equals the password (password mode) or the seed's
//     urlencode(base64(HMAC-SHA256(secret, timestamp + "\n" + secret)))
//     recomputed from that timestamp (signature mode), in constant time;
//   - in signature mode, the token was not accepted before. It binds the
//     timestamp (and the secret), so it is remembered until it leaves the
//     window; keying by (timestamp, token) would add nothing. Two genuine
//     hooks signed in the same millisecond carry the same token and are
//     indistinguishable from a replay (the seed signs nothing else), so
//     the second is refused. Password mode has no per-request value to
//     remember (the token is always the password and the timestamp is not
//     signed), so it does not refuse repeats at all; prefer signature mode.
// Each header must appear exactly once.
class ApsdaiVerifier final : public Verifier {
 public:
  // `clock` must outlive the verifier. `seen` (not null) is the replay
  // cache, which a reload hands on to the profile's next verifier; it is
  // used as it is, so the caller sizes it.
  ApsdaiVerifier(ApsdaiInboundSettings settings, const Clock* clock,
                 std::shared_ptr<ReplayCache> seen)
      : settings_(std::move(settings)),
        clock_(*clock),
        seen_(std::move(seen)) {}
  // With a new replay cache of settings.replay_cache_size.
  ApsdaiVerifier(ApsdaiInboundSettings settings, const Clock* clock)
      : ApsdaiVerifier(
            settings, clock,
            std::make_shared<ReplayCache>(settings.replay_cache_size)) {}

  absl::string_view scheme() const override { return "apsdai"; }
  Verdict Verify(const InboundRequest& request) override;
  Verdict Check(const InboundRequest& request) override;

  const std::shared_ptr<ReplayCache>& replay_cache() const { return seen_; }

 private:
  // Verify with `remember`; Check without (a known replay is still
  // refused, but nothing new is recorded).
  Verdict Decide(const InboundRequest& request, bool remember);

  const ApsdaiInboundSettings settings_;
  const Clock& clock_;
  const std::shared_ptr<ReplayCache> seen_;
};

}  // namespace signet

#endif  // SIGNET_APSDAI_APSDAI_VERIFIER_H_
