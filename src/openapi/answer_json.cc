#include "openapi/answer_json.h"

#include <openssl/crypto.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace signet::openapi_json {
namespace {

// Upstream messages are copied into errors; keep them to a readable size.
constexpr size_t kMaxUpstreamMessage = 256;

}  // namespace

absl::Status Malformed(absl::string_view endpoint, absl::string_view why) {
  return absl::UnavailableError(
      absl::StrCat("malformed answer from upstream ", endpoint, ": ", why));
}

// The answer's "code" as a number: the seed shows 0, some deployments send
// "0".
std::optional<int64_t> ReadCode(const nlohmann::json& body) {
  const auto it = body.find("code");
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  int64_t code = 0;
  if (it->is_string() && absl::SimpleAtoi(it->get<std::string>(), &code)) {
    return code;
  }
  return std::nullopt;
}

std::string ReadString(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string UpstreamMessage(const nlohmann::json& body) {
  std::string message = ReadString(body, "msg");
  if (message.size() > kMaxUpstreamMessage) message.resize(kMaxUpstreamMessage);
  return message;
}

// Cleanses every string in `value` (keys aside): the token answer's JSON
// holds the token, and nlohmann frees its strings without cleansing.
void CleanseStrings(nlohmann::json& value) {
  if (value.is_string()) {
    std::string& text = value.get_ref<std::string&>();
    if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  } else if (value.is_structured()) {
    for (nlohmann::json& element : value) CleanseStrings(element);
  }
}

nlohmann::json ParseJson(absl::string_view text) {
  return nlohmann::json::parse(text.begin(), text.end(), nullptr,
                               /*allow_exceptions=*/false);
}

// A non-2xx answer as a status: 4xx means the upstream refused us in a
// documented way, anything else that it is not working.
absl::Status RefusalStatus(absl::string_view what, const HttpResponse& response,
                           const nlohmann::json& body) {
  std::string detail = absl::StrCat(what, " answered HTTP ", response.status);
  if (auto code = ReadCode(body); code.has_value()) {
    absl::StrAppend(&detail, ", code ", *code);
  }
  if (std::string message = UpstreamMessage(body); !message.empty()) {
    absl::StrAppend(&detail, ": ", message);
  }
  if (response.status >= 400 && response.status < 500) {
    return absl::FailedPreconditionError(detail);
  }
  return absl::UnavailableError(detail);
}

}  // namespace signet::openapi_json
