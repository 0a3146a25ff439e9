#ifndef SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_
#define SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_

#include <memory>
#include <string>

#include "upstream/upstream_settings.h"
#include "http/http_client.h"
#include "server/gateway_env.h"

namespace signet {

// How one profile reaches its upstream: decorators around the shared
// transport, built from the profile's `upstream` settings. Outermost
// first:
//   token()    retries (any method) -> the chain below
//   forward()  retries idempotent calls if the profile enables it -> ...
//   TLS identity (the profile's CA bundle and client certificate)
//   -> circuit breaker -> metrics (each attempt counted) -> env.http
// One per profile, so a failing upstream opens only its own circuit.
class UpstreamTransport {
 public:
  UpstreamTransport(const std::string& profile,
                    const UpstreamSettings& settings, const GatewayEnv& env);
  ~UpstreamTransport();

  UpstreamTransport(const UpstreamTransport&) = delete;
  UpstreamTransport& operator=(const UpstreamTransport&) = delete;

  // For token fetches: transport errors and 5xx are retried.
  HttpClient* token() const { return token_; }
  // For forwarded calls and verifies.
  HttpClient* forward() const { return forward_; }

 private:
  std::unique_ptr<HttpClient> observed_;
  std::unique_ptr<HttpClient> breaker_;
  std::unique_ptr<HttpClient> tls_;
  std::unique_ptr<HttpClient> token_retry_;
  std::unique_ptr<HttpClient> forward_retry_;
  HttpClient* token_ = nullptr;
  HttpClient* forward_ = nullptr;
};

}  // namespace signet

#endif  // SIGNET_UPSTREAM_UPSTREAM_TRANSPORT_H_
