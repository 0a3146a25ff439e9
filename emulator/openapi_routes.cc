// OpenAPI v5 authentication (seed 002): POST token, GET verify.

#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/types/optional.h"
#include "emulator/emulator_crypto.h"
#include "emulator/http_message.h"
#include "emulator/router.h"
#include "nlohmann/json.hpp"

namespace signet::emulator {
namespace {

using json = nlohmann::ordered_json;

constexpr int kCodeBadRequest = 40001;
constexpr int kCodeSignatureMismatch = 40101;
constexpr int kCodeTokenInvalid = 40102;
// Random bytes in a token: 32 hex digits.
constexpr size_t kTokenBytes = 16;
// The seed says time_stamp "can also be any arbitrary random number, as long
// as it's long enough"; a string of digits up to this length is accepted.
constexpr size_t kMaxTimeStampDigits = 64;

// "2023-11-10T18:43:23.232093": expire_time and time (seed 002), six
// fraction digits and no zone designator, written in `zone`.
std::string FormatZonelessMicros(absl::Time t, absl::TimeZone zone) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E6S", t, zone);
}

bool IsLowerHex(absl::string_view s) {
  for (const char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// The decimal text the client signed: a JSON integer as printed, or a string
// of digits exactly as sent (the seed's Python signs str(int(time.time()))).
absl::optional<std::string> TimeStampText(const json& value) {
  if (value.is_number_unsigned()) {
    return std::to_string(value.get<uint64_t>());
  }
  if (value.is_number_integer()) {
    const int64_t v = value.get<int64_t>();
    if (v < 0) return absl::nullopt;
    return std::to_string(v);
  }
  if (value.is_string()) {
    const std::string& s = value.get_ref<const std::string&>();
    if (s.empty() || s.size() > kMaxTimeStampDigits) return absl::nullopt;
    for (const char c : s) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) {
        return absl::nullopt;
      }
    }
    return s;
  }
  return absl::nullopt;
}

class OpenApiHandlers {
 public:
  OpenApiHandlers(EmulatorState& state, const OpenApiOptions& options)
      : state_(state), options_(options) {}

  void Token(const HttpRequest& req, HttpResponse& res) const {
    const SingleHeader content_type = GetSingleHeader(req, "Content-Type");
    if (content_type.state != SingleHeader::State::kPresent ||
        MediaTypeOf(content_type.value) != "application/json") {
      return BadRequest(res, "Content-Type must be application/json");
    }
    // A client that puts the secret on the wire defeats the signature.
    if (absl::StrContains(req.body, options_.app_secret)) {
      return BadRequest(res, "request body contains the app secret");
    }
    const json body =
        json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (!body.is_object()) {
      return BadRequest(res, "body must be a JSON object");
    }
    const auto app_id = body.find(options_.app_id_field);
    if (app_id == body.end() || !app_id->is_string()) {
      return BadRequest(
          res, absl::StrCat(options_.app_id_field, " must be a string"));
    }
    const auto time_stamp = body.find("time_stamp");
    if (time_stamp == body.end()) {
      return BadRequest(res, "missing time_stamp");
    }
    const absl::optional<std::string> time_stamp_text =
        TimeStampText(*time_stamp);
    if (!time_stamp_text.has_value()) {
      return BadRequest(res,
                        "time_stamp must be an integer or a string of digits");
    }
    const auto signature = body.find("signature");
    if (signature == body.end() || !signature->is_string()) {
      return BadRequest(res, "signature must be a string");
    }
    const std::string& signature_text =
        signature->get_ref<const std::string&>();
    if (signature_text.size() != 64 || !IsLowerHex(signature_text)) {
      return BadRequest(res, "signature must be 64 lowercase hex digits");
    }

    const std::string& app_id_text = app_id->get_ref<const std::string&>();
    absl::StatusOr<std::string> expected = Sha256Hex(
        absl::StrCat(options_.app_id, *time_stamp_text, options_.app_secret));
    if (!expected.ok()) return InternalError(res);
    // Both comparisons always run, so timing does not tell which failed.
    const bool app_id_ok = ConstantTimeEquals(app_id_text, options_.app_id);
    const bool signature_ok = ConstantTimeEquals(signature_text, *expected);
    if (!app_id_ok || !signature_ok) {
      state_.CountRejected(Route::kToken);
      return ReplyJson(
          res, 401,
          {{"code", kCodeSignatureMismatch}, {"msg", "signature mismatch"}});
    }

    absl::StatusOr<std::string> token = RandomHex(kTokenBytes);
    if (!token.ok()) return InternalError(res);
    const RuntimeConfig config = state_.Config();
    const absl::Time now = absl::Now();
    const absl::Time expiry = now + config.token_ttl;
    state_.AddToken(*token, app_id_text, expiry);
    ReplyJson(res, 200,
              {{"code", 0},
               {"msg", "success."},
               {"data",
                {{"token", *token},
                 {"expire_time",
                  FormatZonelessMicros(expiry, config.expire_time_zone)}}}});
  }

  void Verify(const HttpRequest& req, HttpResponse& res) const {
    const SingleHeader authorization = GetSingleHeader(req, "Authorization");
    if (authorization.state != SingleHeader::State::kPresent) {
      return Unauthorized(res, "missing Authorization: Bearer token");
    }
    // RFC 9110 section 11.1: the auth-scheme is case-insensitive.
    constexpr absl::string_view kBearer = "bearer ";
    const absl::string_view value = authorization.value;
    if (value.size() <= kBearer.size() ||
        !absl::StartsWithIgnoreCase(value, kBearer)) {
      return Unauthorized(res, "Authorization must be Bearer <token>");
    }
    const absl::string_view token = value.substr(kBearer.size());
    const SingleHeader app_id = GetSingleHeader(req, "X-APP-ID");
    if (app_id.state != SingleHeader::State::kPresent) {
      return Unauthorized(res, "missing X-APP-ID");
    }
    const absl::Time now = absl::Now();
    switch (state_.CheckToken(token, app_id.value, now)) {
      case TokenStatus::kValid:
        break;
      case TokenStatus::kWrongAppId:
        return Unauthorized(res, "X-APP-ID does not match the token");
      case TokenStatus::kUnknown:
      case TokenStatus::kRevoked:
      case TokenStatus::kExpired:
        return Unauthorized(res, "token invalid or expired");
    }
    const RuntimeConfig config = state_.Config();
    ReplyJson(
        res, 200,
        {{"code", 0},
         {"msg", "success."},
         {"data",
          {{"app_id", app_id.value},
           {"result", "success"},
           {"time", FormatZonelessMicros(now, config.expire_time_zone)}}}});
  }

 private:
  void BadRequest(HttpResponse& res, absl::string_view msg) const {
    state_.CountRejected(Route::kToken);
    ReplyJson(res, 400, {{"code", kCodeBadRequest}, {"msg", msg}});
  }
  void Unauthorized(HttpResponse& res, absl::string_view msg) const {
    state_.CountRejected(Route::kVerify);
    ReplyJson(res, 401, {{"code", kCodeTokenInvalid}, {"msg", msg}});
  }
  static void InternalError(HttpResponse& res) {
    ReplyJson(res, 500, {{"code", 500}, {"msg", "emulator crypto failure"}});
  }

  EmulatorState& state_;
  const OpenApiOptions& options_;
};

}  // namespace

void RegisterOpenApiRoutes(Router& router, EmulatorState& state,
                           const OpenApiOptions& options) {
  auto handlers = std::make_shared<OpenApiHandlers>(state, options);
  router.Add(
      {"POST"}, std::string(kTokenPath), Router::Match::kExact,
      [handlers](const HttpRequest& req, HttpResponse& res) {
        handlers->Token(req, res);
      },
      Route::kToken);
  router.Add(
      {"GET"}, std::string(kVerifyPath), Router::Match::kExact,
      [handlers](const HttpRequest& req, HttpResponse& res) {
        handlers->Verify(req, res);
      },
      Route::kVerify);
}

}  // namespace signet::emulator
