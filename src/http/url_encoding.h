#ifndef SIGNET_HTTP_URL_ENCODING_H_
#define SIGNET_HTTP_URL_ENCODING_H_

#include <map>
#include <string>

#include "absl/strings/string_view.h"

namespace signet {

// PHP's urlencode(): A-Z a-z 0-9 - _ . kept, space as '+', every other byte
// as %XX with uppercase hex. Seed 003's signature is defined through it.
std::string PhpUrlEncode(absl::string_view text);

// RFC 3986 percent-encoding for a query component: only unreserved
// characters (A-Z a-z 0-9 - . _ ~) are kept.
std::string PercentEncode(absl::string_view text);

// "a=1&b=x%20y" from `pairs`, keys in sorted order, both sides encoded with
// PercentEncode.
std::string EncodeQuery(const std::map<std::string, std::string>& pairs);

}  // namespace signet

#endif  // SIGNET_HTTP_URL_ENCODING_H_
