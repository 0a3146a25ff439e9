#include "http/curl_transfer.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "http/curl_status.h"
#include "http/http_syntax.h"

namespace signet {
namespace {

// curl's default upload buffer is 64 KiB per transfer; at thousands of
// transfers in flight that dominated memory. 16 KiB is curl's minimum.
constexpr long kUploadBufferBytes = 16 * 1024;  // NOLINT(runtime/int)

// curl takes milliseconds as long; round up so a deadline is never cut short.
long ToCurlMillis(absl::Duration d) {  // NOLINT(runtime/int)
  const int64_t ms =
      absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
  return static_cast<long>(std::clamp<int64_t>(ms, 1, LONG_MAX));  // NOLINT
}

// Request values are never quoted in messages: they may be secrets.
absl::Status ValidateHeaders(const HttpRequest& request) {
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const HttpHeader& header = request.headers[i];
    if (!IsToken(header.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("request header #", i, " has an invalid name"));
    }
    if (header.value.find_first_of("\r\n\0", 0, 3) != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request header ", header.name, " contains CR, LF or NUL"));
    }
    if (absl::EqualsIgnoreCase(header.name, "Transfer-Encoding") ||
        absl::EqualsIgnoreCase(header.name, "Expect")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request header ", header.name, " is set by the transport"));
    }
    if (absl::EqualsIgnoreCase(header.name, "Content-Length") &&
        header.value != absl::StrCat(request.body.size())) {
      return absl::InvalidArgumentError(
          "request header Content-Length does not match the body size");
    }
  }
  return absl::OkStatus();
}

// POST, PUT and PATCH always carry a body, if empty then with
// Content-Length: 0; GET and DELETE only when given one.
bool SendsBody(const HttpRequest& request) {
  return !request.body.empty() || request.method == "POST" ||
         request.method == "PUT" || request.method == "PATCH";
}

absl::StatusOr<CurlHeaderListPtr> BuildHeaderList(const HttpRequest& request) {
  std::vector<std::string> lines;
  lines.reserve(request.headers.size() + 3);
  for (const HttpHeader& header : request.headers) {
    // "Name:" would tell curl to drop the header; "Name;" sends it empty.
    lines.push_back(header.value.empty()
                        ? absl::StrCat(header.name, ";")
                        : absl::StrCat(header.name, ": ", header.value));
  }
  // Keep curl from adding headers of its own: they are not covered by the
  // caller's signature, and Expect costs a round trip.
  lines.push_back("Expect:");
  if (!FindHeader(request.headers, "Accept")) lines.push_back("Accept:");
  if (SendsBody(request) && !FindHeader(request.headers, "Content-Type")) {
    lines.push_back("Content-Type:");
  }
  CurlHeaderListPtr list;
  absl::Status status;
  for (std::string& line : lines) {
    if (status.ok()) {
      curl_slist* head = curl_slist_append(list.get(), line.c_str());
      if (head == nullptr) {
        status = absl::ResourceExhaustedError("curl_slist_append failed");
      } else {
        (void)list.release();
        list.reset(head);
      }
    }
    // curl copied the line, signed header values included.
    OPENSSL_cleanse(line.data(), line.size());
  }
  if (!status.ok()) return status;
  return list;
}

size_t OnHeaderLine(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<CurlResponseSink*>(user);
  const size_t bytes = size * count;
  absl::string_view line(data, bytes);
  std::vector<HttpHeader>& headers = sink->response.headers;
  // A status line starts a response; only the final one's headers count
  // (a 1xx interim response comes first).
  if (absl::StartsWith(line, "HTTP/")) {
    headers.clear();
    return bytes;
  }
  line = absl::StripTrailingAsciiWhitespace(line);
  if (line.empty()) return bytes;
  if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
    // Obsolete line folding (RFC 9112 5.2): continues the previous value.
    absl::StrAppend(&headers.back().value, " ",
                    absl::StripLeadingAsciiWhitespace(line));
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  headers.push_back(HttpHeader{
      std::string(line.substr(0, colon)),
      std::string(absl::StripLeadingAsciiWhitespace(line.substr(colon + 1)))});
  return bytes;
}

size_t OnBodyBytes(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<CurlResponseSink*>(user);
  const size_t bytes = size * count;
  std::string& body = sink->response.body;
  if (bytes > sink->max_body - body.size()) {
    sink->body_limit_exceeded = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  body.append(data, bytes);
  return bytes;
}

}  // namespace

absl::Status ValidateForCurl(const HttpRequest& request) {
  if (!IsSupportedMethod(request.method)) {
    return absl::InvalidArgumentError(
        "unsupported HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD)");
  }
  if (request.method == "HEAD" && !request.body.empty()) {
    return absl::InvalidArgumentError("HEAD request with a body");
  }
  // curl would guess a scheme for "host/path"; the URL itself is not quoted
  // since its query may carry credentials.
  if (!absl::StartsWithIgnoreCase(request.url, "http://") &&
      !absl::StartsWithIgnoreCase(request.url, "https://")) {
    return absl::InvalidArgumentError(
        "request URL is not an absolute http:// or https:// URL");
  }
  return ValidateHeaders(request);
}

absl::Status CurlTransfer::Prepare(absl::Time now) {
  if (request.deadline <= now) {
    return absl::DeadlineExceededError(
        "deadline passed before the request was sent");
  }
  remaining = request.deadline - now;
  SIGNET_ASSIGN_OR_RETURN(header_list, BuildHeaderList(request));
  return absl::OkStatus();
}

absl::Status CurlTransfer::Configure(CurlEasyPtr handle,
                                     const CurlTransferSettings& settings) {
  easy = std::move(handle);
  CURL* const easy_handle = easy.get();
  const auto set = [easy_handle](CURLoption option, auto value) {
    return SetEasyOption(easy_handle, option, value);
  };
  connect_timeout_first = settings.connect_timeout < remaining;

  SIGNET_RETURN_IF_ERROR(set(CURLOPT_SHARE, settings.share));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_NOSIGNAL, 1L));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes));
  SIGNET_RETURN_IF_ERROR(
      set(CURLOPT_CLOSESOCKETFUNCTION, settings.close_socket));
  SIGNET_RETURN_IF_ERROR(
      set(CURLOPT_CLOSESOCKETDATA, settings.close_socket_data));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_ERRORBUFFER, error));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_URL, request.url.c_str()));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_PROTOCOLS_STR, "http,https"));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_FOLLOWLOCATION, 0L));
  // The profile's proxy, or "", which turns off the proxies curl would take
  // from http_proxy, https_proxy and ALL_PROXY: a signed call goes only
  // where its profile says.
  const TlsOptions* tls = request.tls.get();
  const std::string no_proxy;
  const std::string& proxy = tls != nullptr ? tls->proxy : no_proxy;
  if (!proxy.empty() && !absl::StartsWithIgnoreCase(request.url, "https://")) {
    // A proxy relays a TLS tunnel; it must not read a plain-http call.
    return absl::InvalidArgumentError("a proxy is for https:// URLs only");
  }
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_PROXY, proxy.c_str()));
  // And no_proxy/NO_PROXY must not send a call around the profile's proxy.
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_NOPROXY, ""));
  if (!proxy.empty()) {
    // An http:// proxy URL (config checks), asked to CONNECT a tunnel.
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_HTTPPROXYTUNNEL, 1L));
  }
  // A proxy's CONNECT reply is not the upstream's answer.
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L));
  if (request.deadline != absl::InfiniteFuture()) {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_TIMEOUT_MS, ToCurlMillis(remaining)));
  }
  SIGNET_RETURN_IF_ERROR(
      set(CURLOPT_CONNECTTIMEOUT_MS,
          ToCurlMillis(std::min(settings.connect_timeout, remaining))));

  if (absl::StartsWithIgnoreCase(request.url, "https://")) {
    // An https upstream may speak HTTP/2 (ALPN): wait for a connection still
    // being set up to tell, and multiplex on it, rather than open one per
    // transfer started meanwhile. Plain http is HTTP/1.1 here, where waiting
    // would only delay the next connection.
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_PIPEWAIT, 1L));
  }
  SIGNET_RETURN_IF_ERROR(
      set(CURLOPT_SSL_VERIFYPEER, settings.verify_tls ? 1L : 0L));
  SIGNET_RETURN_IF_ERROR(
      set(CURLOPT_SSL_VERIFYHOST, settings.verify_tls ? 2L : 0L));
  const std::string& ca_bundle = tls != nullptr && !tls->ca_bundle.empty()
                                     ? tls->ca_bundle
                                     : settings.ca_bundle_path;
  if (!ca_bundle.empty()) {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_CAINFO, ca_bundle.c_str()));
  }
  if (tls != nullptr && !tls->client_cert.empty()) {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_SSLCERT, tls->client_cert.c_str()));
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_SSLKEYTYPE, "PEM"));
    // The key stays in memory (a Secret), never in a file curl could be
    // pointed at; curl copies the blob for the transfer.
    const absl::string_view key = tls->client_key.Reveal();
    curl_blob blob{const_cast<char*>(key.data()), key.size(), CURL_BLOB_COPY};
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_SSLKEY_BLOB, &blob));
  }

  if (request.method == "HEAD") {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_NOBODY, 1L));
  } else if (SendsBody(request)) {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_POSTFIELDSIZE_LARGE,
                               static_cast<curl_off_t>(request.body.size())));
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_POSTFIELDS, request.body.data()));
  } else {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_HTTPGET, 1L));
  }
  if (request.method != "GET" && request.method != "HEAD" &&
      request.method != "POST") {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_CUSTOMREQUEST, request.method.c_str()));
  } else if (request.method == "GET" && SendsBody(request)) {
    SIGNET_RETURN_IF_ERROR(set(CURLOPT_CUSTOMREQUEST, "GET"));
  }
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_HTTPHEADER, header_list.get()));

  curl_write_callback on_header = &OnHeaderLine;
  curl_write_callback on_body = &OnBodyBytes;
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_HEADERFUNCTION, on_header));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_HEADERDATA, &sink));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_WRITEFUNCTION, on_body));
  SIGNET_RETURN_IF_ERROR(set(CURLOPT_WRITEDATA, &sink));
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> CurlTransfer::Finish(CURLcode result,
                                                  const Clock& clock) {
  if (result == CURLE_OK) {
    long status = 0;  // NOLINT(runtime/int): curl's type
    SIGNET_RETURN_IF_ERROR(CurlCodeToStatus(
        curl_easy_getinfo(easy.get(), CURLINFO_RESPONSE_CODE, &status),
        "curl_easy_getinfo(CURLINFO_RESPONSE_CODE)"));
    sink.response.status = static_cast<int>(status);
    return std::move(sink.response);
  }
  if (sink.body_limit_exceeded) {
    return CurlCodeToStatus(
        CURLE_FILESIZE_EXCEEDED,
        absl::StrCat("response body exceeds max_response_bytes (",
                     request.max_response_bytes, ")"));
  }
  CURLcode code = result;
  absl::string_view where = "http transfer";
  // ValidateForCurl admitted only http(s) URLs, so once the upstream was
  // reached an unsupported protocol is its reply (HTTP/0.9, unknown
  // version).
  const char* peer = nullptr;
  if (code == CURLE_UNSUPPORTED_PROTOCOL &&
      curl_easy_getinfo(easy.get(), CURLINFO_PRIMARY_IP, &peer) == CURLE_OK &&
      peer != nullptr && peer[0] != '\0') {
    code = CURLE_WEIRD_SERVER_REPLY;
    where = "malformed reply from upstream";
  }
  // curl reports both timeouts alike; an upstream that cannot be reached
  // before the connect timeout is unavailable, the caller's deadline has
  // not passed.
  if (code == CURLE_OPERATION_TIMEDOUT && connect_timeout_first &&
      clock.Now() < request.deadline) {
    code = CURLE_COULDNT_CONNECT;
    where = "connect timed out";
  }
  const absl::Status status = CurlCodeToStatus(code, where);
  if (error[0] == '\0') return status;
  // curl's detail names host and port, never headers or bodies.
  return absl::Status(status.code(),
                      absl::StrCat(status.message(), " [", error, "]"));
}

}  // namespace signet
