#include "upstream/signed_sender.h"

#include <memory>
#include <utility>

namespace signet {
namespace {

// One forwarded call across its (at most two) attempts.
struct SignedCall {
  Signer& signer;
  HttpClient& http;
  HttpRequest unsigned_request;  // kept to sign again on a retry
  RejectionTest is_rejection;
  HttpCallback on_done;
};

void Attempt(std::shared_ptr<SignedCall> call, bool may_retry) {
  HttpRequest request =
      may_retry && call->is_rejection ? call->unsigned_request
                                      : std::move(call->unsigned_request);
  call->signer.Sign(
      std::move(request),
      [call, may_retry](absl::StatusOr<HttpRequest> signed_request) mutable {
        if (!signed_request.ok()) {
          std::move(call->on_done)(signed_request.status());
          return;
        }
        // The credential headers are what DiscardRejected needs; the body
        // goes to the transport without a copy. Held as an HttpRequest,
        // which cleanses its header values when it dies.
        HttpRequest sent;
        const bool can_retry = may_retry && call->is_rejection;
        if (can_retry) sent.headers = signed_request->headers;
        call->http.Send(*std::move(signed_request),
                        [call, can_retry, sent = std::move(sent)](
                            absl::StatusOr<HttpResponse> response) mutable {
                          if (can_retry && response.ok() &&
                              call->is_rejection(*response) &&
                              call->signer.DiscardRejected(sent)) {
                            Attempt(std::move(call), /*may_retry=*/false);
                            return;
                          }
                          std::move(call->on_done)(std::move(response));
                        });
      });
}

}  // namespace

void SendSigned(Signer* signer, HttpClient* http, HttpRequest request,
                RejectionTest is_rejection, HttpCallback on_done) {
  auto call = std::make_shared<SignedCall>(
      SignedCall{*signer, *http, std::move(request), std::move(is_rejection),
                 std::move(on_done)});
  Attempt(std::move(call), /*may_retry=*/true);
}

}  // namespace signet
