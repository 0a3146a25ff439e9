#ifndef SIGNET_UPSTREAM_SIGNER_H_
#define SIGNET_UPSTREAM_SIGNER_H_

#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "http/http_types.h"

namespace signet {

// Signing happens inside a profile's transport chain: SigningHttpClient
// calls Sign before it sends, and DiscardRejected on the answer.
using SignCallback = absl::AnyInvocable<void(absl::StatusOr<HttpRequest>) &&>;

// Attaches an upstream's credentials to an outbound request. One
// implementation per upstream scheme; a new scheme is a new Signer and a
// config kind, not a change to the gateway.
class Signer {
 public:
  virtual ~Signer() = default;

  // The header names this signer sets. Callers may not give them: a
  // request that does is refused before signing.
  virtual absl::Span<const absl::string_view> ReservedHeaders() const = 0;

  // Signs `request` and passes it to `done`, exactly once: inline when the
  // signature needs nothing remote, later (on a transport thread) when a
  // token must be fetched first. Errors are those of the token source
  // (UNAVAILABLE, DEADLINE_EXCEEDED, FAILED_PRECONDITION).
  virtual void Sign(HttpRequest request, SignCallback done) = 0;

  // The upstream answered `answer` to `signed_request`. Returns true when
  // the answer refused the credential it carried -- by this scheme's rule
  // (HTTP 401, a body code) -- and signing again may succeed, having
  // discarded that credential (a cached bearer token). False when the
  // answer is no refusal, or a retry would send the same thing.
  virtual bool DiscardRejected(const HttpRequest& signed_request,
                               const HttpResponse& answer) {
    return false;
  }
};

// Sets `name` to `value`, replacing any header of that name (any case).
void SetHeader(std::vector<HttpHeader>* headers, absl::string_view name,
               absl::string_view value);

}  // namespace signet

#endif  // SIGNET_UPSTREAM_SIGNER_H_
