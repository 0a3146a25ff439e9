#ifndef SIGNET_OPENAPI_ANSWER_JSON_H_
#define SIGNET_OPENAPI_ANSWER_JSON_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "http/http_types.h"

// Reading seed 002's answer envelope -- {"code":…,"msg":…,"data":{…}} --
// the same way for the token and the verify endpoints.
namespace signet::openapi_json {

// The Content-Type of both requests: the seed's curl examples send this
// exact value (with the space).
inline constexpr absl::string_view kJsonContentType =
    "application/json; charset=utf-8";

// UNAVAILABLE "malformed answer from upstream <endpoint>: <why>".
absl::Status Malformed(absl::string_view endpoint, absl::string_view why);

// The answer's "code" as a number: the seed shows 0, some deployments send
// "0".
std::optional<int64_t> ReadCode(const nlohmann::json& body);

// object[key] when it is a string, else "".
std::string ReadString(const nlohmann::json& object, const char* key);

// The upstream's "msg", cut to a readable size (it is copied into errors).
std::string UpstreamMessage(const nlohmann::json& body);

// Cleanses every string in `value` (keys aside): the token answer's JSON
// holds the token, and nlohmann frees its strings without cleansing.
void CleanseStrings(nlohmann::json& value);

// The parsed body, or a discarded value when it is not JSON.
nlohmann::json ParseJson(absl::string_view text);

// A non-2xx answer as a status: 4xx means the upstream refused us in a
// documented way, anything else that it is not working.
absl::Status RefusalStatus(absl::string_view what, const HttpResponse& response,
                           const nlohmann::json& body);

}  // namespace signet::openapi_json

#endif  // SIGNET_OPENAPI_ANSWER_JSON_H_
