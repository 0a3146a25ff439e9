#include "http/curl_status.h"

#include "absl/strings/str_cat.h"

namespace signet {
namespace {

absl::StatusCode CanonicalCode(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return absl::StatusCode::kOk;
    case CURLE_OPERATION_TIMEDOUT:
      return absl::StatusCode::kDeadlineExceeded;
    case CURLE_FILESIZE_EXCEEDED:
      return absl::StatusCode::kResourceExhausted;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return absl::StatusCode::kInvalidArgument;
    default:
      return absl::StatusCode::kUnavailable;
  }
}

absl::StatusCode CanonicalCode(CURLMcode code) {
  switch (code) {
    case CURLM_OK:
      return absl::StatusCode::kOk;
    case CURLM_OUT_OF_MEMORY:
      return absl::StatusCode::kResourceExhausted;
    case CURLM_BAD_HANDLE:
    case CURLM_BAD_EASY_HANDLE:
    case CURLM_ADDED_ALREADY:
    case CURLM_RECURSIVE_API_CALL:
    case CURLM_UNKNOWN_OPTION:
    case CURLM_BAD_FUNCTION_ARGUMENT:
      return absl::StatusCode::kInternal;
    default:
      return absl::StatusCode::kUnavailable;
  }
}

}  // namespace

absl::Status CurlCodeToStatus(CURLcode code, absl::string_view where) {
  const absl::StatusCode canonical = CanonicalCode(code);
  if (canonical == absl::StatusCode::kOk) return absl::OkStatus();
  return absl::Status(
      canonical, absl::StrCat(where, ": ", curl_easy_strerror(code),
                              " (curl error ", static_cast<int>(code), ")"));
}

absl::Status CurlMultiCodeToStatus(CURLMcode code, absl::string_view where) {
  const absl::StatusCode canonical = CanonicalCode(code);
  if (canonical == absl::StatusCode::kOk) return absl::OkStatus();
  return absl::Status(
      canonical,
      absl::StrCat(where, ": ", curl_multi_strerror(code),
                   " (curl multi error ", static_cast<int>(code), ")"));
}

absl::Status CurlShareCodeToStatus(CURLSHcode code, absl::string_view where) {
  if (code == CURLSHE_OK) return absl::OkStatus();
  const absl::StatusCode canonical = code == CURLSHE_NOMEM
                                         ? absl::StatusCode::kResourceExhausted
                                         : absl::StatusCode::kInternal;
  return absl::Status(
      canonical,
      absl::StrCat(where, ": ", curl_share_strerror(code),
                   " (curl share error ", static_cast<int>(code), ")"));
}

}  // namespace signet
