#ifndef SIGNET_HTTP_CURL_TRANSFER_H_
#define SIGNET_HTTP_CURL_TRANSFER_H_

#include <curl/curl.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "http/curl_wrappers.h"
#include "http/http_client.h"
#include "http/http_types.h"

namespace signet {

// The transport's own check of a request, made before anything reaches
// curl: a supported method, no body on HEAD, an absolute http(s) URL, and
// header lines curl can send verbatim. Framing is the transport's job, so
// Transfer-Encoding, Expect and a Content-Length other than the body's size
// are refused (a disagreeing Content-Length would let the body smuggle a
// second request onto a kept-alive connection). INVALID_ARGUMENT; messages
// never quote a header value or the URL, which may carry credentials.
absl::Status ValidateForCurl(const HttpRequest& request);

// What every easy handle is set to besides its request: the client's
// options and the connection pools' shared pieces.
struct CurlTransferSettings {
  absl::Duration connect_timeout;
  bool verify_tls = true;
  std::string ca_bundle_path;  // empty: curl's default
  CURLSH* share = nullptr;
  curl_closesocket_callback close_socket = nullptr;
  void* close_socket_data = nullptr;
};

// What curl's header and body callbacks write into.
struct CurlResponseSink {
  HttpResponse response;
  size_t max_body = 0;
  bool body_limit_exceeded = false;
};

// One request's life in curl: the easy-handle configuration that sends it
// exactly as given (no redirects, no headers of curl's own, the profile's
// proxy or none, TLS as the profile says) and the mapping of curl's outcome
// back to a response or a Status. It knows nothing of threads or multi
// handles; CurlMultiClient moves it between its queue, a connection pool
// and the completion of `on_done`.
struct CurlTransfer {
  CurlTransfer(HttpRequest r, HttpCallback cb)
      : request(std::move(r)), on_done(std::move(cb)) {
    sink.max_body = request.max_response_bytes;
  }

  // Checks the deadline against `now` and builds the header list, before
  // an easy handle is spent on the request.
  absl::Status Prepare(absl::Time now);
  // Takes `handle` (new, or reused after curl_easy_reset) and sets every
  // option the prepared request needs. On failure the handle stays in
  // `easy`, to be reused.
  absl::Status Configure(CurlEasyPtr handle,
                         const CurlTransferSettings& settings);
  // The outcome once curl reported the transfer done with `result`. `clock`
  // tells a connect timeout from the caller's deadline.
  absl::StatusOr<HttpResponse> Finish(CURLcode result, const Clock& clock);

  // Declared before `easy`, which points into them, so they outlive it.
  HttpRequest request;
  HttpCallback on_done;
  CurlResponseSink sink;
  CurlHeaderListPtr header_list;
  char error[CURL_ERROR_SIZE] = {};
  // Time left before the deadline when prepared.
  absl::Duration remaining = absl::InfiniteDuration();
  // The connect timeout, not the deadline, was the nearer limit.
  bool connect_timeout_first = false;
  // The connection pool the handle was added to; kNoPool while not added.
  static constexpr uint32_t kNoPool = UINT32_MAX;
  uint32_t pool = kNoPool;
  CurlEasyPtr easy;
};

}  // namespace signet

#endif  // SIGNET_HTTP_CURL_TRANSFER_H_
