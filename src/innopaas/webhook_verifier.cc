#include "innopaas/webhook_verifier.h"

namespace signet {

Verdict InnoPaasWebhookVerifier::Verify(const InboundRequest& request) {
  absl::string_view user_name;
  absl::string_view authorization;
  Verdict verdict = FindSingleHeader(request.headers, "UserName", &user_name);
  if (!verdict.authentic()) return verdict;
  verdict = FindSingleHeader(request.headers, "Authorization", &authorization);
  if (!verdict.authentic()) return verdict;
  // Both comparisons always run, so timing does not tell which one failed.
  const bool user_ok = settings_.user_name.Equals(user_name);
  const bool authorization_ok = settings_.authorization.Equals(authorization);
  if (!(user_ok & authorization_ok)) {
    return Verdict::Refused(RefusalReason::kWrongCredentials,
                            "UserName or Authorization does not match");
  }
  return Verdict::Authentic();
}

}  // namespace signet
