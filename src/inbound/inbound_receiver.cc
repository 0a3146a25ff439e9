#include "inbound/inbound_receiver.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "http/request_validation.h"
#include "log/log.h"

namespace signet {

absl::StatusOr<std::unique_ptr<InboundReceiver>> InboundReceiver::Start(
    Options options, VerifierSource verifiers, HttpClient* http,
    const Clock* clock) {
  HttpServerOptions server_options;
  server_options.address = options.address;
  server_options.max_body_bytes = options.routing.max_body_bytes;
  server_options.head_timeout = options.head_timeout;
  server_options.connection_limit = options.max_connections;
  server_options.per_client_connection_limit =
      options.max_connections_per_client;
  std::unique_ptr<InboundReceiver> receiver(new InboundReceiver(
      std::move(options.routing), std::move(verifiers), http, clock));
  // The receiver owns server_, declared last so that it is destroyed --
  // and stopped, no handler running after -- before the members the
  // handlers use. (A forward in flight holds only its responder.)
  const InboundReceiver* self = receiver.get();
  server_options.head_check = [self](const ServerRequest& head) {
    return self->CheckHead(head);
  };
  absl::StatusOr<std::unique_ptr<HttpServer>> server =
      HttpServer::Start(std::move(server_options),
                        [self](ServerRequest request, ServerResponder respond) {
                          self->Handle(std::move(request), std::move(respond));
                        });
  if (!server.ok()) return server.status();
  receiver->server_ = *std::move(server);
  return receiver;
}

bool operator==(const InboundReceiver::Routing& a,
                const InboundReceiver::Routing& b) {
  return a.routes == b.routes && a.max_body_bytes == b.max_body_bytes &&
         a.forward_timeout == b.forward_timeout;
}

void InboundReceiver::Reconfigure(Routing routing) {
  const size_t max_body_bytes = routing.max_body_bytes;
  {
    absl::MutexLock lock(&mu_);
    routing_ = std::make_shared<const Routing>(std::move(routing));
  }
  server_->SetMaxBodyBytes(max_body_bytes);
}

const InboundRouteSettings* InboundReceiver::FindRoute(const Routing& routing,
                                                       absl::string_view path) {
  for (const InboundRouteSettings& route : routing.routes) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

// Refuses an inauthentic request (logged, at most once per interval).
std::optional<HttpResponse> InboundReceiver::Refusal(
    const InboundRouteSettings& route,
    const absl::StatusOr<VerifierRegistry::Outcome>& outcome) const {
  if (!outcome.ok()) {  // the resolver checked the route's profile exists
    return PlainTextResponse(500, "inbound route misconfigured");
  }
  if (outcome->verdict.authentic()) return std::nullopt;
  const absl::string_view reason = RefusalLabel(outcome->verdict.reason);
  refusal_log_.Warning("inbound request refused",
                       {{"profile", route.profile},
                        {"path", route.path},
                        {"reason", std::string(reason)}});
  return PlainTextResponse(401, absl::StrCat("unauthenticated: ", reason));
}

std::optional<HttpResponse> InboundReceiver::CheckHead(
    const ServerRequest& head) const {
  const std::shared_ptr<const Routing> routing = this->routing();
  const InboundRouteSettings* route = FindRoute(*routing, head.path);
  if (route == nullptr) {
    return PlainTextResponse(404, "no inbound route for this path");
  }
  // The verifiers read headers only (verifier.h); the body is not here
  // yet, and may never come: Check takes no replay slot.
  const InboundRequest inbound{head.method, head.path, head.headers, ""};
  return Refusal(*route, verifiers_()->Check(route->profile, inbound));
}

void InboundReceiver::Handle(ServerRequest request,
                             ServerResponder respond) const {
  // CheckHead let only routed requests with valid credentials through;
  // now that the whole request is in, Verify decides (and remembers an
  // APSDAI token, so the same hook is not accepted twice). A reload since
  // the head was checked applies to the whole request from here on.
  const std::shared_ptr<const Routing> routing = this->routing();
  const InboundRouteSettings* route = FindRoute(*routing, request.path);
  if (route == nullptr) {
    std::move(respond)(
        PlainTextResponse(404, "no inbound route for this path"));
    return;
  }
  InboundRequest inbound{std::move(request.method), std::move(request.path),
                         std::move(request.headers), std::move(request.body)};
  if (std::optional<HttpResponse> refusal =
          Refusal(*route, verifiers_()->Verify(route->profile, inbound))) {
    std::move(respond)(*std::move(refusal));
    return;
  }

  HttpRequest forward;
  forward.method = std::move(inbound.method);
  forward.url = route->target.text;
  if (!request.query.empty()) absl::StrAppend(&forward.url, "?", request.query);
  // The connection's own headers, and those its Connection header names,
  // stay behind (RFC 9110 7.6.1); the transport sets its own.
  forward.headers = EndToEndHeaders(std::move(inbound.headers));
  forward.body = std::move(inbound.body);
  forward.deadline = clock_.Now() + routing->forward_timeout;
  forward.max_response_bytes = routing->max_body_bytes;
  const std::string profile = route->profile;
  http_.Send(std::move(forward),
             [respond = std::move(respond),
              profile](absl::StatusOr<HttpResponse> answer) mutable {
               if (answer.ok()) {
                 std::move(respond)(*std::move(answer));
                 return;
               }
               LogWarning("inbound target failed",
                          {{"profile", profile},
                           {"error", std::string(answer.status().message())}});
               const bool slow = answer.status().code() ==
                                 absl::StatusCode::kDeadlineExceeded;
               std::move(respond)(PlainTextResponse(
                   slow ? 504 : 502, slow ? "target did not answer in time"
                                          : "target unavailable"));
             });
}

}  // namespace signet
