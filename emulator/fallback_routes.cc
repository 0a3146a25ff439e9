// Cross-cutting wiring: request accounting, the Date header, the request log
// and answers for whatever no route matched.

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "emulator/json_reply.h"
#include "emulator/raw_request_tap.h"
#include "emulator/route_kind.h"
#include "emulator/routes.h"
#include "emulator/time_format.h"

namespace signet::emulator {
namespace {

constexpr size_t kMaxLoggedPathBytes = 256;

// Methods httplib can route to a handler (HEAD goes to GET handlers).
bool IsRoutableMethod(absl::string_view method) {
  return method == "GET" || method == "HEAD" || method == "POST" ||
         method == "PUT" || method == "PATCH" || method == "DELETE" ||
         method == "OPTIONS";
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

void LogRequest(const httplib::Request& req, const httplib::Response& res) {
  const std::string line = absl::StrCat(req.method, " ", LoggablePath(req.path),
                                        " ", res.status, "\n");
  // One write(2) per line keeps lines whole when handler threads interleave.
  const ssize_t ignored = ::write(STDERR_FILENO, line.data(), line.size());
  (void)ignored;
}

void NotFound(EmulatorState& state, const httplib::Request& req,
              httplib::Response& res) {
  const absl::optional<Route> route = ClassifyPath(req.path);
  if (!route.has_value()) {
    return ReplyJson(res, 404,
                     {{"code", 404}, {"msg", "no such control endpoint"}});
  }
  state.CountRejected(*route);
  if (*route == Route::kOther) {
    return ReplyJson(res, 404, {{"code", 404}, {"msg", "no such path"}});
  }
  ReplyJson(res, 405, {{"code", 405}, {"msg", "method not allowed"}});
}

}  // namespace

void RegisterFallbackRoutes(httplib::Server& server, EmulatorState& state) {
  server.set_pre_routing_handler(
      [&state](const httplib::Request& req, httplib::Response& res) {
        const absl::optional<Route> route = ClassifyPath(req.path);
        const bool have_raw_head = BeginRawRequest(req.method, req.target);
        if (route.has_value()) {
          state.CountRequest(*route, req.remote_addr, req.remote_port);
          if (!have_raw_head) {
            // Checking decoded header values would let encoding bugs pass.
            ReplyJson(res, 500,
                      {{"code", 500},
                       {"msg", "emulator cannot see the raw request head"}});
            return httplib::Server::HandlerResponse::Handled;
          }
        }
        if (IsRoutableMethod(req.method)) {
          return httplib::Server::HandlerResponse::Unhandled;
        }
        // CONNECT, TRACE, PRI: httplib has no handlers for them. Answering
        // here happens before httplib reads a body; these methods carry none.
        if (route.has_value()) state.CountRejected(*route);
        ReplyJson(res, 405, {{"code", 405}, {"msg", "method not allowed"}});
        return httplib::Server::HandlerResponse::Handled;
      });

  server.set_post_routing_handler(
      [&state](const httplib::Request& req, httplib::Response& res) {
        if (!ClassifyPath(req.path).has_value()) return;
        if (!state.Config().send_date_header || res.has_header("Date")) return;
        res.set_header("Date", FormatImfFixdate(absl::Now()));
      });

  server.set_logger(LogRequest);

  const httplib::Server::Handler not_found =
      [&state](const httplib::Request& req, httplib::Response& res) {
        NotFound(state, req, res);
      };
  server.Get(".*", not_found);
  server.Post(".*", not_found);
  server.Put(".*", not_found);
  server.Patch(".*", not_found);
  server.Delete(".*", not_found);
  server.Options(".*", not_found);
}

}  // namespace signet::emulator
