#include "upstream/signing_http_client.h"

#include <utility>

namespace signet {

// One request across its (at most two) attempts.
struct SigningHttpClient::Call {
  HttpRequest unsigned_request;  // kept to sign again on a retry
  HttpCallback on_done;
};

void SigningHttpClient::Send(HttpRequest request, HttpCallback on_done) {
  Attempt(std::make_shared<Call>(Call{std::move(request), std::move(on_done)}),
          /*may_retry=*/true);
}

void SigningHttpClient::Attempt(std::shared_ptr<Call> call, bool may_retry) {
  HttpRequest request =
      may_retry ? call->unsigned_request : std::move(call->unsigned_request);
  signer_->Sign(std::move(request),
                [self = shared_from_this(), call, may_retry](
                    absl::StatusOr<HttpRequest> signed_request) mutable {
                  if (!signed_request.ok()) {
                    std::move(call->on_done)(signed_request.status());
                    return;
                  }
                  // The credential headers are what DiscardRejected needs; the
                  // body goes to the transport without a copy. Held as an
                  // HttpRequest, which cleanses its header values when it dies.
                  HttpRequest sent;
                  if (may_retry) sent.headers = signed_request->headers;
                  self->inner_->Send(
                      *std::move(signed_request),
                      [self, call, may_retry, sent = std::move(sent)](
                          absl::StatusOr<HttpResponse> answer) mutable {
                        if (may_retry && answer.ok() &&
                            self->signer_->DiscardRejected(sent, *answer)) {
                          self->Attempt(std::move(call), /*may_retry=*/false);
                          return;
                        }
                        std::move(call->on_done)(std::move(answer));
                      });
                });
}

}  // namespace signet
