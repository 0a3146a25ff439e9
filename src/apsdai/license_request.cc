#include "apsdai/license_request.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/url_encoding.h"

namespace signet {
namespace {

using nlohmann::json;

// Upstream messages are copied into errors; keep them readable.
constexpr size_t kMaxUpstreamMessage = 256;

absl::Status Malformed(absl::string_view why) {
  return absl::UnavailableError(
      absl::StrCat("malformed answer from upstream license endpoint: ", why));
}

std::string Message(const json& body) {
  if (!body.is_object()) return "";
  const auto it = body.find("message");
  if (it == body.end() || !it->is_string()) return "";
  std::string message = it->get<std::string>();
  if (message.size() > kMaxUpstreamMessage) message.resize(kMaxUpstreamMessage);
  return message;
}

}  // namespace

HttpRequest BuildLicenseRequest(
    const LicenseSettings& settings,
    const std::map<std::string, std::string>& fields, absl::Time deadline) {
  std::map<std::string, std::string> merged = settings.body;
  for (const auto& [key, value] : fields) merged[key] = value;

  HttpRequest request;
  request.method = settings.method;
  request.url = settings.url.text;
  for (const auto& [name, value] : settings.headers) {
    request.headers.push_back({name, value});
  }
  if (settings.method == "GET") {
    if (!merged.empty())
      absl::StrAppend(&request.url, "?", EncodeQuery(merged));
  } else {
    // Invalid UTF-8 cannot arrive through proto3 strings or YAML; should it
    // anyway, it is replaced rather than thrown on.
    request.body =
        json(merged).dump(-1, ' ', false, json::error_handler_t::replace);
  }
  request.deadline = deadline;
  return request;
}

absl::StatusOr<LicenseAnswer> ParseLicenseAnswer(const HttpResponse& response) {
  if (response.status == 204) return LicenseAnswer{};
  const json body = json::parse(response.body, nullptr,
                                /*allow_exceptions=*/false);
  if (response.status != 200) {
    const std::string detail = Message(body);
    std::string text =
        absl::StrCat("license endpoint answered HTTP ", response.status);
    if (!detail.empty()) absl::StrAppend(&text, ": ", detail);
    if (response.status >= 500) return absl::UnavailableError(text);
    return absl::FailedPreconditionError(text);
  }
  if (!body.is_object()) return Malformed("body is not a JSON object");
  const auto code = body.find("code");
  if (code == body.end() || !code->is_string()) {
    return Malformed("no string \"code\"");
  }
  LicenseAnswer answer;
  answer.code = code->get<std::string>();
  answer.message = Message(body);
  if (answer.code != "SUCCESS") {
    return absl::FailedPreconditionError(absl::StrCat(
        "license endpoint refused (",
        absl::string_view(answer.code).substr(0, kMaxUpstreamMessage),
        "): ", answer.message.empty() ? "no message" : answer.message));
  }
  const auto data = body.find("data");
  const bool has_keys = data != body.end() && data->is_object() &&
                        data->contains("key") && (*data)["key"].is_array();
  if (!has_keys) return Malformed("SUCCESS without a data.key list");
  const json& keys = (*data)["key"];
  for (const json& key : keys) {
    if (!key.is_string()) return Malformed("data.key holds a non-string");
    answer.keys.push_back(key.get<std::string>());
  }
  return answer;
}

}  // namespace signet
