#include "openapi/verify_request.h"

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "openapi/answer_json.h"

namespace signet {
namespace {

using nlohmann::json;
using namespace openapi_json;  // NOLINT(build/namespaces): this module's own

constexpr absl::string_view kVerifyPath = "/api/v5/authentication/verify";

}  // namespace

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
