#ifndef SIGNET_UPSTREAM_SIGNED_SENDER_H_
#define SIGNET_UPSTREAM_SIGNED_SENDER_H_

#include <functional>

#include "http/http_client.h"
#include "upstream/signer.h"

namespace signet {

// Whether an answer means "your credential was refused" (HTTP 401, or a
// body code the profile names).
using RejectionTest = std::function<bool(const HttpResponse&)>;

// Signs `request` with `signer`, sends it with `http` and passes the answer
// to `on_done`. If `is_rejection` says the answer refused the credential
// and the signer could discard it (a cached bearer token), the request is
// signed again -- with a fresh token, obtained single-flight -- and sent
// once more, under the same deadline; the second answer is final, whatever
// it is. Signing errors reach `on_done` as they are. `signer` and `http`
// must outlive the call.
void SendSigned(Signer* signer, HttpClient* http, HttpRequest request,
                RejectionTest is_rejection, HttpCallback on_done);

}  // namespace signet

#endif  // SIGNET_UPSTREAM_SIGNED_SENDER_H_
