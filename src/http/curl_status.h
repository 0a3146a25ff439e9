#ifndef SIGNET_HTTP_CURL_STATUS_H_
#define SIGNET_HTTP_CURL_STATUS_H_

#include <curl/curl.h>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace signet {

// The one place where libcurl error codes become canonical codes (the table
// in DESIGN.md). The message is "<where>: <curl_easy_strerror> (curl error
// N)"; `where` must never carry request headers or bodies, they hold secrets.
//
//   CURLE_OK                                  OK
//   CURLE_OPERATION_TIMEDOUT                  DEADLINE_EXCEEDED
//   CURLE_FILESIZE_EXCEEDED                   RESOURCE_EXHAUSTED
//   CURLE_URL_MALFORMAT, _UNSUPPORTED_PROTOCOL INVALID_ARGUMENT
//   anything else (connect, resolve, TLS, reset, malformed reply, ...)
//                                             UNAVAILABLE
//
// A transfer aborted by the write callback because the body limit was hit is
// reported by curl as CURLE_WRITE_ERROR; the caller knows why it aborted and
// passes CURLE_FILESIZE_EXCEEDED instead.
absl::Status CurlCodeToStatus(CURLcode code, absl::string_view where);

// Multi-handle errors: CURLM_OUT_OF_MEMORY is RESOURCE_EXHAUSTED, misuse of
// the API (bad handle, recursive call, unknown option) is INTERNAL, anything
// else UNAVAILABLE.
absl::Status CurlMultiCodeToStatus(CURLMcode code, absl::string_view where);

// Share-handle errors: out of memory is RESOURCE_EXHAUSTED, anything else
// INTERNAL (they only happen at setup, through misuse or a stripped libcurl).
absl::Status CurlShareCodeToStatus(CURLSHcode code, absl::string_view where);

}  // namespace signet

#endif  // SIGNET_HTTP_CURL_STATUS_H_
