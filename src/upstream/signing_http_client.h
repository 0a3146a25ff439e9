#ifndef SIGNET_UPSTREAM_SIGNING_HTTP_CLIENT_H_
#define SIGNET_UPSTREAM_SIGNING_HTTP_CLIENT_H_

#include <memory>

#include "http/http_client.h"
#include "upstream/signer.h"

namespace signet {

// The signer as a link of a profile's transport chain, the way
// google-cloud-cpp's *_auth_decorator wraps a stub: Send signs the request
// with `signer`, sends it through `inner` and passes the answer on. If the
// signer says the answer refused the credential and it discarded it (a
// cached bearer token), the request is signed again -- with a fresh token,
// obtained single-flight -- and sent once more under the same deadline;
// the second answer is final, whatever it is. Signing errors are passed on
// as they are.
//
// Holds the signer and `inner`; every request in flight holds this client.
class SigningHttpClient final
    : public HttpClient,
      public std::enable_shared_from_this<SigningHttpClient> {
 public:
  SigningHttpClient(std::shared_ptr<Signer> signer,
                    std::shared_ptr<HttpClient> inner)
      : signer_(std::move(signer)), inner_(std::move(inner)) {}

  void Send(HttpRequest request, HttpCallback on_done) override;

 private:
  struct Call;
  void Attempt(std::shared_ptr<Call> call, bool may_retry);

  const std::shared_ptr<Signer> signer_;
  const std::shared_ptr<HttpClient> inner_;
};

}  // namespace signet

#endif  // SIGNET_UPSTREAM_SIGNING_HTTP_CLIENT_H_
