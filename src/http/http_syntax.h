#ifndef SIGNET_HTTP_HTTP_SYNTAX_H_
#define SIGNET_HTTP_HTTP_SYNTAX_H_

#include "absl/strings/string_view.h"

namespace signet {

// The pieces of HTTP grammar that both the checks on a caller's request
// (request_validation.h) and the transport's last check before sending
// (curl_transfer.h) apply. They live here once so that the two layers can
// never disagree on what a header name or a method is.

// RFC 9110 5.6.2 tchar: a letter, a digit or one of !#$%&'*+-.^_`|~.
bool IsTokenChar(char c);

// A non-empty run of tchar: what a field name (RFC 9110 5.1) must be.
bool IsToken(absl::string_view text);

// The methods signet forwards and sends: exactly GET, POST, PUT, PATCH,
// DELETE or HEAD. Method names are case-sensitive (RFC 9110 9.1), so "get"
// is not one; callers that accept any case uppercase first.
bool IsSupportedMethod(absl::string_view method);

}  // namespace signet

#endif  // SIGNET_HTTP_HTTP_SYNTAX_H_
