#ifndef SIGNET_INNOPAAS_WEBHOOK_VERIFIER_H_
#define SIGNET_INNOPAAS_WEBHOOK_VERIFIER_H_

#include "inbound/verifier.h"
#include "innopaas/innopaas_settings.h"

namespace signet {

// InnoPaaS webhook pushes (seeds 000/001): the customer configures a
// UserName and an Authorization value in the console and InnoPaaS sends
// both as headers with every push. Authentic means both headers are present
// once and equal the configured secrets, compared in constant time. The
// refusal does not say which of the two differed.
class InnoPaasWebhookVerifier final : public Verifier {
 public:
  explicit InnoPaasWebhookVerifier(InnoPaasWebhookSettings settings)
      : settings_(std::move(settings)) {}

  absl::string_view scheme() const override { return "innopaas_webhook"; }
  Verdict Verify(const InboundRequest& request) override;

 private:
  const InnoPaasWebhookSettings settings_;
};

}  // namespace signet

#endif  // SIGNET_INNOPAAS_WEBHOOK_VERIFIER_H_
