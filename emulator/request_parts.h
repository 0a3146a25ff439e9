#ifndef SIGNET_EMULATOR_REQUEST_PARTS_H_
#define SIGNET_EMULATOR_REQUEST_PARTS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "emulator/raw_request_tap.h"
#include "httplib.h"
#include "nlohmann/json.hpp"

// Reading a request as it was sent. Header values come from the raw head
// (raw_request_tap.h), never from httplib::Request::headers, whose values
// httplib has percent-decoded.
namespace signet::emulator {

// The request headers as received, in wire order: [[name, value], ...].
nlohmann::ordered_json HeadersAsJson(const RawRequestHead& head);

// The value of a header that must appear exactly once; names match
// case-insensitively (RFC 9110 section 5.1).
struct SingleHeader {
  enum class State { kMissing, kRepeated, kPresent };
  State state = State::kMissing;
  std::string value;
};
SingleHeader GetSingleHeader(const RawRequestHead& head,
                             absl::string_view name);

// The request-target's path and query exactly as they came on the wire
// (httplib's req.path is percent-decoded).
absl::string_view RawPath(const httplib::Request& req);
absl::string_view RawQuery(const httplib::Request& req);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_REQUEST_PARTS_H_
