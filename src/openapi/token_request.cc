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
#include "openapi/answer_json.h"

namespace signet {
namespace {

using nlohmann::json;
using namespace openapi_json;  // NOLINT(build/namespaces): this module's own

constexpr absl::string_view kTokenPath = "/api/v5/authentication/token";
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
  absl::StrAppend(
      &body, ",\"time_stamp\":", time_stamp, ",\"signature\":\"",
      OpenApiTokenSignature(settings.app_id, time_stamp, settings.app_secret),
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
    return absl::FailedPreconditionError(absl::StrCat(
        "token endpoint refused (code ", *code, "): ", UpstreamMessage(body)));
  }
  const auto data = body.find("data");
  if (data == body.end() || !data->is_object()) {
    return Malformed(kWhat, "no \"data\" object");
  }
  TokenAnswer answer;
  answer.token = Secret(ReadString(*data, "token"));
  answer.expire_time = ReadString(*data, "expire_time");
  if (answer.token.empty()) return Malformed(kWhat, "no data.token");
  if (answer.expire_time.empty())
    return Malformed(kWhat, "no data.expire_time");
  return answer;
}

}  // namespace signet
