#ifndef SIGNET_EMULATOR_HTTP_MESSAGE_H_
#define SIGNET_EMULATOR_HTTP_MESSAGE_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "nlohmann/json.hpp"

// Requests as the emulator reads them and responses as it writes them.
// Header values are kept exactly as they came on the wire: a strict double
// must tell X-Apsdai-Token "...%2B...%3D" from a client that forgot PHP's
// urlencode and sent "...+...=" (seed 003).
namespace signet::emulator {

struct HttpRequest {
  std::string method;
  // The request-target as sent, without a "#fragment".
  std::string target;
  // The target's path percent-decoded ('+' stays '+'): what routes match.
  std::string path;
  // The target's path and query exactly as sent.
  std::string raw_path;
  std::string raw_query;
  // Query parameters decoded as form fields ('+' is a space), sorted by
  // name; a repeated name keeps every value in the order sent.
  std::multimap<std::string, std::string> params;
  // In wire order, repeats included; names as sent, values without
  // surrounding whitespace and otherwise byte-for-byte.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string remote_addr;
  int remote_port = 0;
  // True when the request is handed over again after a hold (a slow or
  // hang fault): it was already counted and its fault already taken.
  bool resumed = false;
};

struct HttpResponse {
  int status = 200;
  // In the order sent; a name may repeat.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The Content-Length to announce when it differs from the body's: larger
  // means the connection is closed after `body`, a response dropped midway.
  absl::optional<size_t> declared_length;

  bool HasHeader(absl::string_view name) const;
  // Replaces every header called `name` (case-insensitively).
  void SetHeader(absl::string_view name, absl::string_view value);
  void SetContent(std::string body, absl::string_view content_type);
};

// Splits `target` into HttpRequest's target, path, raw_path, raw_query and
// params.
void ParseTarget(absl::string_view target, HttpRequest& request);

// The request headers in wire order as JSON: [[name, value], ...].
nlohmann::ordered_json HeadersAsJson(const HttpRequest& request);

// The value of a header that must appear exactly once; names match
// case-insensitively (RFC 9110 section 5.1).
struct SingleHeader {
  enum class State { kMissing, kRepeated, kPresent };
  State state = State::kMissing;
  std::string value;
};
SingleHeader GetSingleHeader(const HttpRequest& request,
                             absl::string_view name);

// The media type of a Content-Type value, lowercased and without parameters
// or surrounding whitespace: "Application/JSON; charset=utf-8" gives
// "application/json" (RFC 9110 section 8.3.1: type and subtype are
// case-insensitive).
std::string MediaTypeOf(absl::string_view content_type);

// A Content-Type value lowercased with the whitespace around each ';'
// removed: "application/json; charset=UTF-8" gives
// "application/json;charset=utf-8". InnoPaaS (seed 000) names one exact value,
// so the emulator compares this form, not only the media type.
std::string NormalizedContentType(absl::string_view content_type);

// Sets `status` and a JSON body. ordered_json keeps members in the order
// written, which is the order of the seeds' examples. Invalid UTF-8 (e.g.
// echoed header bytes) is replaced rather than thrown on.
void ReplyJson(HttpResponse& res, int status,
               const nlohmann::ordered_json& body);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_HTTP_MESSAGE_H_
