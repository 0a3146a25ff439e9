#ifndef SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_
#define SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_

#include <memory>
#include <string>

#include "http/http_client.h"
#include "upstream/upstream_env.h"
#include "upstream/upstream_settings.h"

namespace signet {

// How one profile reaches its upstream: decorators around the process's
// transport, built from the profile's `upstream` settings. Outermost first:
//   token()    retries (any method) -> the chain below
//   forward()  retries idempotent calls if the profile enables it -> ...
//   TLS identity (the profile's CA bundle, client certificate and proxy)
//   -> circuit breaker -> metrics (each attempt counted) -> env.transport
// One per profile, so a failing upstream opens only its own circuit. Each
// link holds the next, and every request in flight holds the link it is
// in, so a chain lives as long as its profile or its last request.
struct UpstreamTransport {
  static UpstreamTransport Build(const std::string& profile,
                                 const UpstreamSettings& settings,
                                 const UpstreamEnv& env);

  // For token fetches: transport errors and 5xx are retried.
  std::shared_ptr<HttpClient> token;
  // For forwarded calls and verifies.
  std::shared_ptr<HttpClient> forward;
};

}  // namespace signet

#endif  // SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_
