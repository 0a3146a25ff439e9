// APSDAI license-key hook (seed 003): GET or POST /licenses/keys with
// User-Agent apsdai-hook, a millisecond X-Apsdai-Timestamp and an
// X-Apsdai-Token that is the password or the signature of the timestamp.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
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

constexpr int kDefaultKeyCount = 3;
constexpr int kMaxKeyCount = 100;
// "1576754827988": the seed's 13-digit millisecond timestamp.
constexpr size_t kTimestampDigits = 13;

bool AllDigits(absl::string_view s) {
  for (const char c : s) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// A field as text: strings as they are, anything else as its JSON.
std::string FieldText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

// `count` as a JSON integer or a string of digits, 0..kMaxKeyCount.
absl::optional<int> KeyCount(const json& fields) {
  const auto it = fields.find("count");
  if (it == fields.end()) return kDefaultKeyCount;
  int64_t count = -1;
  if (it->is_number_integer()) {
    count = it->get<int64_t>();
  } else if (it->is_string()) {
    const std::string& text = it->get_ref<const std::string&>();
    if (!AllDigits(text) || !absl::SimpleAtoi(text, &count)) {
      return absl::nullopt;
    }
  }
  if (count < 0 || count > kMaxKeyCount) return absl::nullopt;
  return static_cast<int>(count);
}

class LicenseHandler {
 public:
  LicenseHandler(EmulatorState& state, const LicenseOptions& options)
      : state_(state), options_(options) {}

  void operator()(const HttpRequest& req, HttpResponse& res) const {
    if (!Authenticate(req, res)) return;

    json fields = json::object();
    if (req.method == "POST") {
      fields = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
      if (!fields.is_object()) {
        return Fail(res, 400, "body must be a JSON object");
      }
    } else {
      for (const auto& [key, value] : req.params) {
        if (!fields.contains(key)) fields[key] = value;
      }
    }
    state_.RecordLicenseRequest(json{
        {"method", req.method},
        {"target", req.target},
        {"headers", HeadersAsJson(req)},
        {"fields", fields}}.dump());

    const absl::optional<int> count = KeyCount(fields);
    if (!count.has_value()) {
      return Fail(res, 400,
                  absl::StrCat("count must be an integer 0..", kMaxKeyCount));
    }
    std::string simulate;
    if (const auto it = fields.find("simulate"); it != fields.end()) {
      simulate = FieldText(*it);
    }
    if (simulate == "fail") {
      return ReplyJson(res, 200,
                       {{"code", "FAIL"}, {"message", "out of stock"}});
    }
    if (simulate == "empty") {
      res.status = 204;
      return;
    }
    if (simulate == "forbidden") {
      return ReplyJson(
          res, 403, {{"code", "FAIL"}, {"message", "forbidden by upstream"}});
    }
    if (simulate == "malformed") {
      res.status = 200;
      res.SetContent("not json{", "application/json");
      return;
    }
    if (simulate == "missing_keys") {
      return ReplyJson(res, 200, {{"code", "SUCCESS"}, {"message", "Success"}});
    }
    if (!simulate.empty()) {
      return Fail(res, 400,
                  "simulate must be fail, empty, forbidden, malformed or "
                  "missing_keys");
    }

    std::string product = "none";
    if (const auto it = fields.find("product"); it != fields.end()) {
      product = FieldText(*it);
    }
    json keys = json::array();
    for (int i = 1; i <= *count; ++i) {
      keys.push_back(absl::StrCat("KEY-", i, "-", product));
    }
    ReplyJson(
        res, 200,
        {{"code", "SUCCESS"},
         {"message", "Success"},
         {"data", {{"key", keys}}},
         {"received", {{"headers", HeadersAsJson(req)}, {"fields", fields}}}});
  }

 private:
  // Returns false after answering 403 when a required header is missing or
  // wrong. Messages never carry the secret or the expected token.
  bool Authenticate(const HttpRequest& req, HttpResponse& res) const {
    const SingleHeader user_agent = GetSingleHeader(req, "User-Agent");
    if (user_agent.state != SingleHeader::State::kPresent ||
        user_agent.value != "apsdai-hook") {
      Fail(res, 403, "User-Agent must be apsdai-hook");
      return false;
    }
    const SingleHeader content_type = GetSingleHeader(req, "Content-Type");
    if (content_type.state != SingleHeader::State::kPresent ||
        MediaTypeOf(content_type.value) != "application/json") {
      Fail(res, 403, "Content-Type must be application/json");
      return false;
    }
    const SingleHeader timestamp = GetSingleHeader(req, "X-Apsdai-Timestamp");
    if (timestamp.state != SingleHeader::State::kPresent) {
      Fail(res, 403, "missing X-Apsdai-Timestamp");
      return false;
    }
    int64_t timestamp_ms = 0;
    if (timestamp.value.size() != kTimestampDigits ||
        !AllDigits(timestamp.value) ||
        !absl::SimpleAtoi(timestamp.value, &timestamp_ms)) {
      Fail(res, 403, "X-Apsdai-Timestamp must be 13 digits (milliseconds)");
      return false;
    }
    const int64_t now_ms = absl::ToUnixMillis(absl::Now());
    if (std::llabs(now_ms - timestamp_ms) >
        absl::ToInt64Milliseconds(options_.window)) {
      Fail(res, 403, "X-Apsdai-Timestamp outside the allowed window");
      return false;
    }
    const SingleHeader token = GetSingleHeader(req, "X-Apsdai-Token");
    if (token.state != SingleHeader::State::kPresent) {
      Fail(res, 403, "missing X-Apsdai-Token");
      return false;
    }
    if (options_.verification == LicenseVerification::kPassword) {
      if (!ConstantTimeEquals(token.value, options_.secret)) {
        Fail(res, 403, "X-Apsdai-Token does not match the password");
        return false;
      }
      return true;
    }
    // Seed 003: in signature mode the key "is not exposed during network
    // transmission"; a client that sends it anyway is wrong.
    if (SecretOnTheWire(req)) {
      Fail(res, 403, "the signing key must not be sent");
      return false;
    }
    absl::StatusOr<std::string> expected =
        ApsdaiSignature(timestamp.value, options_.secret);
    if (!expected.ok()) {
      ReplyJson(res, 500,
                {{"code", "FAIL"}, {"message", "emulator crypto failure"}});
      return false;
    }
    if (!ConstantTimeEquals(token.value, *expected)) {
      Fail(res, 403, "X-Apsdai-Token signature mismatch");
      return false;
    }
    return true;
  }

  bool SecretOnTheWire(const HttpRequest& req) const {
    if (absl::StrContains(req.target, options_.secret) ||
        absl::StrContains(req.body, options_.secret)) {
      return true;
    }
    for (const auto& [name, value] : req.headers) {
      if (absl::StrContains(value, options_.secret)) return true;
    }
    return false;
  }

  void Fail(HttpResponse& res, int status, absl::string_view message) const {
    state_.CountRejected(Route::kLicenses);
    ReplyJson(res, status, {{"code", "FAIL"}, {"message", message}});
  }

  EmulatorState& state_;
  const LicenseOptions& options_;
};

}  // namespace

void RegisterLicenseRoutes(Router& router, EmulatorState& state,
                           const LicenseOptions& options) {
  router.Add({"GET", "POST"}, std::string(kLicensesPath), Router::Match::kExact,
             LicenseHandler(state, options), Route::kLicenses);
}

}  // namespace signet::emulator
