// InnoPaaS (seeds 000/001): every API call carries Content-Type
// application/json;charset=utf-8, AppKey and Authorization. The emulator
// checks those and echoes the request back so tests can see what arrived.

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "emulator/emulator_crypto.h"
#include "emulator/http_message.h"
#include "emulator/router.h"
#include "nlohmann/json.hpp"

namespace signet::emulator {
namespace {

using json = nlohmann::ordered_json;

constexpr absl::string_view kRequiredContentType =
    "application/json;charset=utf-8";
constexpr absl::string_view kStatusPrefix = "/innopaas/status/";

class InnopaasHandler {
 public:
  InnopaasHandler(EmulatorState& state, const InnopaasOptions& options)
      : state_(state), options_(options) {}

  void operator()(const HttpRequest& req, HttpResponse& res) const {
    const SingleHeader content_type = GetSingleHeader(req, "Content-Type");
    if (content_type.state == SingleHeader::State::kMissing) {
      return Reject(res, "missing Content-Type header");
    }
    if (content_type.state == SingleHeader::State::kRepeated) {
      return Reject(res, "Content-Type header is repeated");
    }
    if (NormalizedContentType(content_type.value) != kRequiredContentType) {
      return Reject(
          res, absl::StrCat("Content-Type must be ", kRequiredContentType));
    }
    if (!CheckSecretHeader(req, res, "AppKey", options_.app_key)) return;
    if (!CheckSecretHeader(req, res, "Authorization", options_.authorization)) {
      return;
    }

    int status = 200;
    const absl::string_view path = req.path;
    if (absl::StartsWith(path, kStatusPrefix)) {
      const absl::string_view code = path.substr(kStatusPrefix.size());
      if (code.size() != 3 || !absl::SimpleAtoi(code, &status) ||
          status < 200 || status > 599) {
        state_.CountRejected(Route::kInnopaas);
        return ReplyJson(res, 400,
                         {{"code", 400},
                          {"msg",
                           "status path must be /innopaas/status/NNN "
                           "with NNN in 200..599"}});
      }
    }

    json query = json::object();
    for (const auto& [key, value] : req.params) {
      // A repeated key keeps its first value.
      if (!query.contains(key)) query[key] = value;
    }
    const json echo = {{"method", req.method},
                       {"path", req.raw_path},
                       {"raw_query", req.raw_query},
                       {"query", query},
                       {"headers", HeadersAsJson(req)},
                       {"body_base64", Base64Encode(req.body)}};
    res.headers.emplace_back("X-Echo-Repeat", "a");
    res.headers.emplace_back("X-Echo-Repeat", "b");
    if (status == 204 || status == 304) {
      res.status = status;  // These statuses carry no body (RFC 9110).
      return;
    }
    ReplyJson(res, status, echo);
  }

 private:
  // Returns false after answering 401 when the header is missing, repeated
  // or wrong. The message names the header, never a value.
  bool CheckSecretHeader(const HttpRequest& req, HttpResponse& res,
                         const std::string& name,
                         const std::string& expected) const {
    const SingleHeader header = GetSingleHeader(req, name);
    switch (header.state) {
      case SingleHeader::State::kMissing:
        Reject(res, absl::StrCat("missing ", name, " header"));
        return false;
      case SingleHeader::State::kRepeated:
        Reject(res, absl::StrCat(name, " header is repeated"));
        return false;
      case SingleHeader::State::kPresent:
        break;
    }
    if (!ConstantTimeEquals(header.value, expected)) {
      Reject(res, absl::StrCat(name, " is wrong"));
      return false;
    }
    return true;
  }

  void Reject(HttpResponse& res, absl::string_view msg) const {
    state_.CountRejected(Route::kInnopaas);
    ReplyJson(res, 401, {{"code", 401}, {"msg", msg}});
  }

  EmulatorState& state_;
  const InnopaasOptions& options_;
};

}  // namespace

void RegisterInnopaasRoutes(Router& router, EmulatorState& state,
                            const InnopaasOptions& options) {
  router.Add({"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"},
             std::string(kInnopaasPrefix), Router::Match::kPrefix,
             InnopaasHandler(state, options), Route::kInnopaas);
}

}  // namespace signet::emulator
