#ifndef SIGNET_INBOUND_VERIFIER_H_
#define SIGNET_INBOUND_VERIFIER_H_

#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "http/http_types.h"
#include "inbound/inbound_request.h"
#include "inbound/verdict.h"

namespace signet {

// Decides whether an inbound request carries an upstream's credentials. One
// implementation per scheme; like Signer on the way out, a new scheme is a
// new Verifier and a config kind. Implementations are thread-safe.
class Verifier {
 public:
  virtual ~Verifier() = default;

  // "innopaas_webhook", "apsdai".
  virtual absl::string_view scheme() const = 0;

  // Never throws or fails: every problem with the request is a refusal.
  // Decides on the method, path and headers alone, never the body: the
  // receiver verifies a request's head before reading its body, so that a
  // caller without credentials cannot make signet buffer one.
  virtual Verdict Verify(const InboundRequest& request) = 0;

  // The same decision as Verify, without recording anything (no replay
  // slot is taken): for the receiver's look at a request head, whose body
  // may yet fail to arrive. Verify, once the request is complete, decides.
  virtual Verdict Check(const InboundRequest& request) {
    return Verify(request);
  }
};

using VerifierPtr = std::unique_ptr<Verifier>;

// Finds the one value of header `name` (any case). A missing header or one
// given more than once is a refusal: with two values, a proxy and the
// service could each pick a different one.
Verdict FindSingleHeader(const std::vector<HttpHeader>& headers,
                         absl::string_view name, absl::string_view* value);

}  // namespace signet

#endif  // SIGNET_INBOUND_VERIFIER_H_
