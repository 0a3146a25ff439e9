#include "openapi/token_request.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>
#include <utility>

#include "absl/cleanup/cleanup.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "crypto/digest.h"
#include "log/log.h"

namespace signet {
namespace {

using nlohmann::json;

constexpr absl::string_view kTokenPath = "/api/v5/authentication/token";
constexpr absl::string_view kVerifyPath = "/api/v5/authentication/verify";
// The seed's curl examples send this exact value (with the space).
constexpr absl::string_view kJsonContentType =
    "application/json; charset=utf-8";
// Upstream messages are copied into errors; keep them to a readable size.
constexpr size_t kMaxUpstreamMessage = 256;

absl::Status Malformed(absl::string_view endpoint, absl::string_view why) {
  return absl::UnavailableError(
      absl::StrCat("malformed answer from upstream ", endpoint, ": ", why));
}

// The answer's "code" as a number: the seed shows 0, some deployments send
// "0".
std::optional<int64_t> ReadCode(const json& body) {
  const auto it = body.find("code");
  if (it == body.end()) return std::nullopt;
  if (it->is_number_integer()) return it->get<int64_t>();
  int64_t code = 0;
  if (it->is_string() && absl::SimpleAtoi(it->get<std::string>(), &code)) {
    return code;
  }
  return std::nullopt;
}

std::string ReadString(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return "";
  return it->get<std::string>();
}

std::string UpstreamMessage(const json& body) {
  std::string message = ReadString(body, "msg");
  if (message.size() > kMaxUpstreamMessage) message.resize(kMaxUpstreamMessage);
  return message;
}

// Cleanses every string in `value` (keys aside): the token answer's JSON
// holds the token, and nlohmann frees its strings without cleansing.
void CleanseStrings(json& value) {
  if (value.is_string()) {
    std::string& text = value.get_ref<std::string&>();
    if (!text.empty()) OPENSSL_cleanse(text.data(), text.size());
  } else if (value.is_structured()) {
    for (json& element : value) CleanseStrings(element);
  }
}

json ParseJson(absl::string_view text) {
  return json::parse(text.begin(), text.end(), nullptr,
                     /*allow_exceptions=*/false);
}

// A non-2xx answer as a status: 4xx means the upstream refused us in a
// documented way, anything else that it is not working.
absl::Status RefusalStatus(absl::string_view what, const HttpResponse& response,
                           const json& body) {
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

}  // namespace

std::string OpenApiTokenSignature(absl::string_view app_id, int64_t time_stamp,
                                  const Secret& app_secret) {
  std::string signed_text =
      absl::StrCat(app_id, time_stamp, app_secret.Reveal());
  std::string signature = Sha256Hex(signed_text);
  OPENSSL_cleanse(signed_text.data(), signed_text.size());
  return signature;
}

HttpRequest BuildTokenRequest(const OpenApiSettings& settings, absl::Time now,
                              absl::Time deadline) {
  const int64_t time_stamp = absl::ToUnixSeconds(now);
  HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat(settings.base_url.text, kTokenPath);
  request.headers.push_back({"Content-Type", std::string(kJsonContentType)});
  request.headers.push_back({"Accept", "application/json"});
  // The field order and types of the seed's Python example: app_id a
  // string, time_stamp an integer.
  std::string body = "{";
  AppendJsonString(settings.app_id_field, &body);
  body += ":";
  AppendJsonString(settings.app_id, &body);
  absl::StrAppend(&body, ",\"time_stamp\":", time_stamp, ",\"signature\":\"",
                  OpenApiTokenSignature(settings.app_id, time_stamp,
                                        settings.app_secret),
                  "\"}");
  request.body = std::move(body);
  request.body_is_secret = true;  // the signature
  request.deadline = deadline;
  return request;
}

absl::StatusOr<TokenAnswer> ParseTokenAnswer(const HttpResponse& response) {
  constexpr absl::string_view kWhat = "token endpoint";
  json body = ParseJson(response.body);
  const absl::Cleanup cleanse_body = [&body] { CleanseStrings(body); };
  if (response.status < 200 || response.status > 299) {
    return RefusalStatus(kWhat, response, body.is_object() ? body : json{});
  }
  if (!body.is_object()) return Malformed(kWhat, "body is not a JSON object");
  const std::optional<int64_t> code = ReadCode(body);
  if (!code.has_value()) return Malformed(kWhat, "no numeric \"code\"");
  if (*code != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("token endpoint refused (code ", *code,
                     "): ", UpstreamMessage(body)));
  }
  const auto data = body.find("data");
  if (data == body.end() || !data->is_object()) {
    return Malformed(kWhat, "no \"data\" object");
  }
  TokenAnswer answer;
  answer.token = Secret(ReadString(*data, "token"));
  answer.expire_time = ReadString(*data, "expire_time");
  if (answer.token.empty()) return Malformed(kWhat, "no data.token");
  if (answer.expire_time.empty()) return Malformed(kWhat, "no data.expire_time");
  return answer;
}

HttpRequest BuildVerifyRequest(const OpenApiSettings& settings,
                               absl::string_view token, absl::Time deadline) {
  HttpRequest request;
  request.method = "GET";
  request.url = absl::StrCat(settings.base_url.text, kVerifyPath);
  request.headers.push_back({"Content-Type", std::string(kJsonContentType)});
  request.headers.push_back({"Accept", "application/json"});
  request.headers.push_back({"Authorization", absl::StrCat("Bearer ", token)});
  request.headers.push_back({"X-APP-ID", settings.app_id});
  request.deadline = deadline;
  return request;
}

absl::StatusOr<VerifyAnswer> ParseVerifyAnswer(const HttpResponse& response) {
  constexpr absl::string_view kWhat = "verify endpoint";
  const json body = ParseJson(response.body);
  const bool is_object = body.is_object();
  if (response.status >= 500 || response.status < 200 ||
      (response.status >= 300 && response.status < 400)) {
    return RefusalStatus(kWhat, response, is_object ? body : json{});
  }
  VerifyAnswer answer;
  if (response.status >= 400) {
    // 4xx: the upstream says no. With a JSON body we pass its msg on.
    answer.valid = false;
    answer.message = is_object ? UpstreamMessage(body) : "";
    if (answer.message.empty()) {
      answer.message = absl::StrCat("HTTP ", response.status);
    }
    return answer;
  }
  if (!is_object) return Malformed(kWhat, "body is not a JSON object");
  const std::optional<int64_t> code = ReadCode(body);
  if (!code.has_value()) return Malformed(kWhat, "no numeric \"code\"");
  answer.message = UpstreamMessage(body);
  if (*code != 0) {
    answer.valid = false;
    return answer;
  }
  const auto data = body.find("data");
  if (data == body.end() || !data->is_object()) {
    return Malformed(kWhat, "no \"data\" object");
  }
  answer.app_id = ReadString(*data, "app_id");
  answer.result = ReadString(*data, "result");
  answer.time = ReadString(*data, "time");
  answer.valid = answer.result == "success";
  return answer;
}

}  // namespace signet
