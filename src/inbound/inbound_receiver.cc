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
  server_options.max_body_bytes = options.max_body_bytes;
  std::unique_ptr<InboundReceiver> receiver(
      new InboundReceiver(std::move(options), std::move(verifiers), http, clock));
  const InboundReceiver* self = receiver.get();
  absl::StatusOr<std::unique_ptr<HttpServer>> server = HttpServer::Start(
      std::move(server_options),
      [self](ServerRequest request, ServerResponder respond) {
        self->Handle(std::move(request), std::move(respond));
      });
  if (!server.ok()) return server.status();
  receiver->server_ = *std::move(server);
  return receiver;
}

void InboundReceiver::Handle(ServerRequest request,
                             ServerResponder respond) const {
  const InboundRouteSettings* route = nullptr;
  for (const InboundRouteSettings& candidate : options_.routes) {
    if (candidate.path == request.path) route = &candidate;
  }
  if (route == nullptr) {
    std::move(respond)(PlainTextResponse(404, "no inbound route for this path"));
    return;
  }

  InboundRequest inbound{request.method, request.path,
                         std::move(request.headers), std::move(request.body)};
  absl::StatusOr<InboundVerifiers::Outcome> outcome =
      verifiers_()->Verify(route->profile, inbound);
  if (!outcome.ok()) {  // the resolver checked the route's profile exists
    std::move(respond)(PlainTextResponse(500, "inbound route misconfigured"));
    return;
  }
  if (!outcome->verdict.authentic()) {
    refusal_log_.Warning(
        "inbound request refused",
        {{"profile", route->profile},
         {"path", route->path},
         {"reason", std::string(RefusalLabel(outcome->verdict.reason))}});
    std::move(respond)(
        PlainTextResponse(401, absl::StrCat("unauthenticated: ",
                               RefusalLabel(outcome->verdict.reason))));
    return;
  }

  HttpRequest forward;
  forward.method = std::move(inbound.method);
  forward.url = route->target.text;
  if (!request.query.empty()) absl::StrAppend(&forward.url, "?", request.query);
  for (HttpHeader& header : inbound.headers) {
    // The connection's own headers stay behind (RFC 9110 7.6.1); the
    // transport sets its own.
    if (!IsTransportHeader(header.name)) {
      forward.headers.push_back(std::move(header));
    }
  }
  forward.body = std::move(inbound.body);
  forward.deadline = clock_.Now() + options_.forward_timeout;
  forward.max_response_bytes = options_.max_body_bytes;
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
               std::move(respond)(PlainTextResponse(slow ? 504 : 502,
                                       slow ? "target did not answer in time"
                                            : "target unavailable"));
             });
}

}  // namespace signet
