#include "http/curl_wrappers.h"

#include <openssl/crypto.h>

#include <cstring>
#include <mutex>  // NOLINT(build/c++11): std::call_once

namespace signet {

void CurlHeaderListDeleter::operator()(curl_slist* list) const {
  for (curl_slist* node = list; node != nullptr; node = node->next) {
    if (node->data != nullptr) {
      OPENSSL_cleanse(node->data, std::strlen(node->data));
    }
  }
  curl_slist_free_all(list);
}

absl::Status InitCurlOnce() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return CurlCodeToStatus(code, "curl_global_init");
}

}  // namespace signet
