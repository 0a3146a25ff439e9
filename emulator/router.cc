#include "emulator/router.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "emulator/fault_injection.h"

namespace signet::emulator {
namespace {

constexpr size_t kMaxLoggedPathBytes = 256;

// The methods routes may name. Anything else (CONNECT, TRACE, ...) is 405
// whatever the path.
bool IsRoutableMethod(absl::string_view method) {
  return method == "GET" || method == "HEAD" || method == "POST" ||
         method == "PUT" || method == "PATCH" || method == "DELETE" ||
         method == "OPTIONS";
}

// IMF-fixdate (RFC 9110 section 5.6.7), e.g. "Sun, 06 Nov 1994 08:49:37 GMT",
// the form of the Date response header. Day and month names are fixed
// English, independent of the locale.
std::string FormatImfFixdate(absl::Time t) {
  static constexpr const char* kDays[] = {"Mon", "Tue", "Wed", "Thu",
                                          "Fri", "Sat", "Sun"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  const absl::CivilSecond cs = absl::ToCivilSecond(t, absl::UTCTimeZone());
  // absl::Weekday runs Monday = 0 .. Sunday = 6.
  const int weekday = static_cast<int>(absl::GetWeekday(cs));
  char buf[64];
  const int n = std::snprintf(
      buf, sizeof(buf), "%s, %02d %s %04lld %02d:%02d:%02d GMT", kDays[weekday],
      cs.day(), kMonths[cs.month() - 1], static_cast<long long>(cs.year()),
      cs.hour(), cs.minute(), cs.second());
  if (n < 0) return std::string();
  return std::string(buf, static_cast<size_t>(n) < sizeof(buf)
                              ? static_cast<size_t>(n)
                              : sizeof(buf) - 1);
}

// The log shows the path only: never headers, never the query (which may
// carry fields), and no control bytes.
std::string LoggablePath(absl::string_view path) {
  std::string out(path.substr(0, kMaxLoggedPathBytes));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7f) c = '?';
  }
  return out;
}

}  // namespace

absl::optional<Route> ClassifyPath(absl::string_view path) {
  if (absl::StartsWith(path, "/__") || path == "/healthz") {
    return absl::nullopt;
  }
  if (path == kTokenPath) return Route::kToken;
  if (path == kVerifyPath) return Route::kVerify;
  if (absl::StartsWith(path, kInnopaasPrefix)) return Route::kInnopaas;
  if (path == kLicensesPath) return Route::kLicenses;
  return Route::kOther;
}

void Router::Add(std::vector<std::string> methods, std::string path,
                 Match match, Handler handler, absl::optional<Route> faulted) {
  entries_.push_back(Entry{std::move(methods), std::move(path), match,
                           std::move(handler), faulted});
}

const Router::Entry* Router::Find(absl::string_view method,
                                  absl::string_view path) const {
  if (method == "HEAD") method = "GET";
  for (const Entry& entry : entries_) {
    const bool path_matches = entry.match == Match::kExact
                                  ? path == entry.path
                                  : absl::StartsWith(path, entry.path);
    if (path_matches && std::find(entry.methods.begin(), entry.methods.end(),
                                  method) != entry.methods.end()) {
      return &entry;
    }
  }
  return nullptr;
}

absl::optional<Hold> Router::Handle(const HttpRequest& req,
                                    HttpResponse& res) const {
  const absl::optional<Route> route = ClassifyPath(req.path);
  if (route.has_value() && !req.resumed) {
    state_.CountRequest(*route, req.remote_addr, req.remote_port);
  }
  const Entry* entry =
      IsRoutableMethod(req.method) ? Find(req.method, req.path) : nullptr;
  if (entry == nullptr) {
    NotFound(req, res);
  } else if (entry->faulted.has_value() && !req.resumed) {
    FaultEffect effect = ApplyFault(state_, *entry->faulted, res);
    if (effect.hold.has_value()) return std::move(effect.hold);
    if (!effect.answered) entry->handler(req, res);
  } else {
    entry->handler(req, res);
  }
  Finish(req, res);
  return absl::nullopt;
}

void Router::NotFound(const HttpRequest& req, HttpResponse& res) const {
  const absl::optional<Route> route = ClassifyPath(req.path);
  if (route.has_value()) state_.CountRejected(*route);
  if (!IsRoutableMethod(req.method)) {
    return ReplyJson(res, 405, {{"code", 405}, {"msg", "method not allowed"}});
  }
  if (!route.has_value()) {
    return ReplyJson(res, 404,
                     {{"code", 404}, {"msg", "no such control endpoint"}});
  }
  if (*route == Route::kOther) {
    return ReplyJson(res, 404, {{"code", 404}, {"msg", "no such path"}});
  }
  ReplyJson(res, 405, {{"code", 405}, {"msg", "method not allowed"}});
}

void Router::Finish(const HttpRequest& req, HttpResponse& res) const {
  if (ClassifyPath(req.path).has_value() && state_.Config().send_date_header &&
      !res.HasHeader("Date")) {
    res.SetHeader("Date", FormatImfFixdate(absl::Now()));
  }
  const std::string line = absl::StrCat(req.method, " ", LoggablePath(req.path),
                                        " ", res.status, "\n");
  // One write(2) per line keeps lines whole when pool threads interleave.
  const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

}  // namespace signet::emulator
