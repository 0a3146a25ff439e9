// Control endpoints for tests. They are not upstream traffic: never counted,
// never faulted.

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "emulator/emulator_state.h"
#include "emulator/http_message.h"
#include "emulator/router.h"
#include "nlohmann/json.hpp"

namespace signet::emulator {
namespace {

using json = nlohmann::ordered_json;

json CountersJson(RouteCounters counters) {
  json out = json::object();
  for (const Route route : kAllRoutes) {
    out[std::string(RouteName(route))] = counters.For(route);
  }
  out["total"] = counters.Total();
  return out;
}

// An empty body reads as {}.
bool ParseControlBody(const HttpRequest& req, json& out) {
  if (req.body.empty()) {
    out = json::object();
    return true;
  }
  out = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  return out.is_object();
}

void BadControl(HttpResponse& res, absl::string_view message) {
  ReplyJson(res, 400, {{"error", message}});
}

json ConfigJson(const RuntimeConfig& config) {
  return {{"token_ttl_seconds", absl::ToInt64Seconds(config.token_ttl)},
          {"send_date_header", config.send_date_header},
          {"expire_time_zone", config.expire_time_zone_name}};
}

void Stats(EmulatorState& state, HttpResponse& res) {
  const StatsSnapshot stats = state.Stats();
  ReplyJson(res, 200,
            {{"requests", CountersJson(stats.requests)},
             {"rejected", CountersJson(stats.rejected)},
             {"tokens_issued", stats.tokens_issued},
             {"connections", stats.connections}});
}

void Revoke(EmulatorState& state, const HttpRequest& req, HttpResponse& res) {
  json body;
  if (!ParseControlBody(req, body)) {
    return BadControl(res, "body must be a JSON object");
  }
  const auto token = body.find("token");
  if (token == body.end()) {
    return ReplyJson(res, 200, {{"revoked", state.RevokeAllTokens()}});
  }
  if (!token->is_string()) return BadControl(res, "token must be a string");
  ReplyJson(
      res, 200,
      {{"revoked", state.RevokeToken(token->get_ref<const std::string&>())}});
}

void Faults(EmulatorState& state, const HttpRequest& req, HttpResponse& res) {
  json body;
  if (!ParseControlBody(req, body)) {
    return BadControl(res, "body must be a JSON object");
  }
  Fault fault;
  const auto mode = body.find("mode");
  if (mode == body.end() || !mode->is_string()) {
    return BadControl(res, "mode must be a string");
  }
  const absl::optional<FaultMode> parsed_mode =
      ParseFaultMode(mode->get_ref<const std::string&>());
  if (!parsed_mode.has_value()) {
    return BadControl(
        res, "mode must be none, slow, error, malformed, drop or hang");
  }
  fault.mode = *parsed_mode;
  if (const auto route = body.find("route"); route != body.end()) {
    if (!route->is_string()) return BadControl(res, "route must be a string");
    const std::string& name = route->get_ref<const std::string&>();
    if (name != "all") {
      fault.route = ParseRouteName(name);
      if (!fault.route.has_value() || *fault.route == Route::kOther) {
        return BadControl(
            res, "route must be token, verify, innopaas, licenses or all");
      }
    }
  }
  if (const auto delay = body.find("delay_ms"); delay != body.end()) {
    if (!delay->is_number_integer() || delay->get<int64_t>() < 0) {
      return BadControl(res, "delay_ms must be a non-negative integer");
    }
    fault.delay = absl::Milliseconds(delay->get<int64_t>());
  }
  if (const auto status = body.find("status"); status != body.end()) {
    if (!status->is_number_integer() || status->get<int64_t>() < 200 ||
        status->get<int64_t>() > 599) {
      return BadControl(res, "status must be an integer 200..599");
    }
    fault.status = status->get<int>();
  }
  if (const auto count = body.find("count"); count != body.end()) {
    if (!count->is_number_integer() || count->get<int64_t>() < 0) {
      return BadControl(res, "count must be a non-negative integer");
    }
    fault.count = count->get<int64_t>();
  }
  state.SetFault(fault);
  ReplyJson(res, 200, {{"ok", true}});
}

void Config(EmulatorState& state, const HttpRequest& req, HttpResponse& res) {
  json body;
  if (!ParseControlBody(req, body)) {
    return BadControl(res, "body must be a JSON object");
  }
  RuntimeConfig config = state.Config();
  if (const auto ttl = body.find("token_ttl_seconds"); ttl != body.end()) {
    if (!ttl->is_number_integer()) {
      return BadControl(res, "token_ttl_seconds must be an integer");
    }
    config.token_ttl = absl::Seconds(ttl->get<int64_t>());
  }
  if (const auto date = body.find("send_date_header"); date != body.end()) {
    if (!date->is_boolean()) {
      return BadControl(res, "send_date_header must be a boolean");
    }
    config.send_date_header = date->get<bool>();
  }
  if (const auto zone = body.find("expire_time_zone"); zone != body.end()) {
    if (!zone->is_string()) {
      return BadControl(res, "expire_time_zone must be a string");
    }
    const std::string& name = zone->get_ref<const std::string&>();
    if (!absl::LoadTimeZone(name, &config.expire_time_zone)) {
      return BadControl(res, absl::StrCat("unknown time zone ", name));
    }
    config.expire_time_zone_name = name;
  }
  state.SetConfig(config);
  ReplyJson(res, 200, ConfigJson(config));
}

}  // namespace

void RegisterControlRoutes(Router& router, EmulatorState& state) {
  using Match = Router::Match;
  router.Add(
      {"GET"}, "/__stats", Match::kExact,
      [&state](const HttpRequest&, HttpResponse& res) { Stats(state, res); });
  router.Add({"GET"}, "/__last/licenses", Match::kExact,
             [&state](const HttpRequest&, HttpResponse& res) {
               const std::string last = state.LastLicenseRequest();
               if (last.empty()) {
                 res.status = 404;
                 res.SetContent("{}", "application/json");
                 return;
               }
               res.SetContent(last, "application/json");
             });
  router.Add({"POST"}, "/__revoke", Match::kExact,
             [&state](const HttpRequest& req, HttpResponse& res) {
               Revoke(state, req, res);
             });
  router.Add({"POST"}, "/__faults", Match::kExact,
             [&state](const HttpRequest& req, HttpResponse& res) {
               Faults(state, req, res);
             });
  router.Add({"POST"}, "/__config", Match::kExact,
             [&state](const HttpRequest& req, HttpResponse& res) {
               Config(state, req, res);
             });
  router.Add({"POST"}, "/__reset", Match::kExact,
             [&state](const HttpRequest&, HttpResponse& res) {
               state.Reset();
               ReplyJson(res, 200, {{"ok", true}});
             });
  router.Add({"GET"}, "/healthz", Match::kExact,
             [](const HttpRequest&, HttpResponse& res) {
               res.status = 200;
               res.SetContent("ok", "text/plain");
             });
}

}  // namespace signet::emulator
