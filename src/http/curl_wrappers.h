#ifndef SIGNET_HTTP_CURL_WRAPPERS_H_
#define SIGNET_HTTP_CURL_WRAPPERS_H_

#include <curl/curl.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/curl_status.h"

namespace signet {

// libcurl's handles owned by std::unique_ptr with libcurl's own free
// function as the deleter, so no path (an early error return included) can
// leak one or free it twice. The cleanup functions' results are dropped: at
// destruction there is nobody left to report a failure to.
struct CurlEasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct CurlMultiDeleter {
  void operator()(CURLM* multi) const { (void)curl_multi_cleanup(multi); }
};
struct CurlShareDeleter {
  void operator()(CURLSH* share) const { (void)curl_share_cleanup(share); }
};
// A request's header list holds the signed header lines: every line is
// cleansed before curl frees it.
struct CurlHeaderListDeleter {
  void operator()(curl_slist* list) const;
};
using CurlEasyPtr = std::unique_ptr<CURL, CurlEasyDeleter>;
using CurlMultiPtr = std::unique_ptr<CURLM, CurlMultiDeleter>;
using CurlSharePtr = std::unique_ptr<CURLSH, CurlShareDeleter>;
using CurlHeaderListPtr = std::unique_ptr<curl_slist, CurlHeaderListDeleter>;

// curl_global_init, once per process, whoever comes first (it is not
// thread-safe); later calls return the first one's result.
absl::Status InitCurlOnce();

// curl_easy_setopt, its failure named after the option.
template <typename T>
absl::Status SetEasyOption(CURL* easy, CURLoption option, T value) {
  const CURLcode code = curl_easy_setopt(easy, option, value);
  if (code == CURLE_OK) return absl::OkStatus();
  const curl_easyoption* info = curl_easy_option_by_id(option);
  return CurlCodeToStatus(
      code, absl::StrCat("curl_easy_setopt(CURLOPT_",
                         info != nullptr ? info->name : "?", ")"));
}

}  // namespace signet

#endif  // SIGNET_HTTP_CURL_WRAPPERS_H_
