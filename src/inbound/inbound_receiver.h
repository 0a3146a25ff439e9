#ifndef SIGNET_INBOUND_INBOUND_RECEIVER_H_
#define SIGNET_INBOUND_INBOUND_RECEIVER_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "http/http_client.h"
#include "http/http_server.h"
#include "inbound/inbound_settings.h"
#include "inbound/verifier_registry.h"
#include "log/rate_limited_log.h"

namespace signet {

// The verifying receiver (inbound_listen): for each configured route it
// verifies the request with the route's inbound profile and forwards an
// authentic one -- method, headers and body as received, query included --
// to the route's target, answering with the target's answer. Both inbound
// schemes are decided by headers alone, so verification runs on the
// request head: an inauthentic or unrouted request is answered (401, 404)
// before its body is read, and its connection closed, so a client without
// credentials cannot make signet buffer anything. That look records
// nothing: the complete request is verified again (and an APSDAI token
// remembered) only once its body is in, so a hook whose upload broke off
// can be retried. The forward reuses the
// gateway's asynchronous curl client, so a slow target holds no thread.
//
//   404  no route for the path          413  body over max_body_bytes
//   401  not authentic                  502  target unreachable or failed
//   504  target too slow (forward_timeout)
class InboundReceiver {
 public:
  // What a config reload may change while the receiver runs.
  struct Routing {
    std::vector<InboundRouteSettings> routes;
    size_t max_body_bytes = 8 << 20;
    absl::Duration forward_timeout = absl::Seconds(30);

    friend bool operator==(const Routing& a, const Routing& b);
    friend bool operator!=(const Routing& a, const Routing& b) {
      return !(a == b);
    }
  };

  struct Options {
    std::string address;
    Routing routing;
    // Fixed for the listener's life. See HttpServerOptions.
    absl::Duration head_timeout = absl::Seconds(10);
    unsigned max_connections = 1024;
    unsigned max_connections_per_client = 32;
  };

  // The current verifiers, read per request (a config reload swaps them).
  using VerifierSource =
      std::function<std::shared_ptr<const VerifierRegistry>()>;

  // `http` and `clock` must outlive the receiver.
  static absl::StatusOr<std::unique_ptr<InboundReceiver>> Start(
      Options options, VerifierSource verifiers, HttpClient* http,
      const Clock* clock);

  const std::string& address() const { return server_->address(); }
  void Stop(absl::Duration grace = absl::ZeroDuration()) {
    server_->Stop(grace);
  }

  // Requests whose head arrives from now on are routed, bounded and
  // forwarded by `routing`; those already in flight finish as they began.
  void Reconfigure(Routing routing) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  InboundReceiver(Routing routing, VerifierSource verifiers, HttpClient* http,
                  const Clock* clock)
      : verifiers_(std::move(verifiers)),
        http_(*http),
        clock_(*clock),
        routing_(std::make_shared<const Routing>(std::move(routing))) {}

  std::shared_ptr<const Routing> routing() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return routing_;
  }

  // The answer refusing a request from its head, or nothing when it is
  // routed and authentic.
  std::optional<HttpResponse> CheckHead(const ServerRequest& head) const;
  // The 401 (or 500) for an outcome that is not authentic; nothing if it
  // is.
  std::optional<HttpResponse> Refusal(
      const InboundRouteSettings& route,
      const absl::StatusOr<VerifierRegistry::Outcome>& outcome) const;
  // Verifies a request that passed CheckHead, body included, and forwards
  // it.
  void Handle(ServerRequest request, ServerResponder respond) const;
  static const InboundRouteSettings* FindRoute(const Routing& routing,
                                               absl::string_view path);

  const VerifierSource verifiers_;
  HttpClient& http_;
  const Clock& clock_;
  // Refusals can come as fast as anyone can send them.
  mutable RateLimitedLog refusal_log_{&clock_};
  mutable absl::Mutex mu_;
  std::shared_ptr<const Routing> routing_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<HttpServer> server_;
};

}  // namespace signet

#endif  // SIGNET_INBOUND_INBOUND_RECEIVER_H_
