#include "upstream/upstream_transport.h"

#include <utility>

#include "http/circuit_breaker_http_client.h"
#include "http/observed_http_client.h"
#include "http/retrying_http_client.h"

namespace signet {
namespace {

// Gives every request the profile's TLS options (and proxy).
class TlsIdentityClient final : public HttpClient {
 public:
  TlsIdentityClient(std::shared_ptr<HttpClient> inner,
                    std::shared_ptr<const TlsOptions> tls)
      : inner_(std::move(inner)), tls_(std::move(tls)) {}

  void Send(HttpRequest request, HttpCallback on_done) override {
    request.tls = tls_;
    inner_->Send(std::move(request), std::move(on_done));
  }

 private:
  const std::shared_ptr<HttpClient> inner_;
  const std::shared_ptr<const TlsOptions> tls_;
};

RetryingHttpClient::Policy RetryPolicy(const RetrySettings& settings,
                                       bool idempotent_only) {
  RetryingHttpClient::Policy policy;
  policy.max_attempts = settings.max_attempts;
  policy.initial_backoff = settings.initial_backoff;
  policy.max_backoff = settings.max_backoff;
  policy.idempotent_only = idempotent_only;
  return policy;
}

}  // namespace

UpstreamTransport UpstreamTransport::Build(const std::string& profile,
                                           const UpstreamSettings& settings,
                                           const UpstreamEnv& env) {
  std::shared_ptr<HttpClient> chain = env.SharedTransport();
  if (env.upstream_observer != nullptr) {
    chain = std::make_shared<ObservedHttpClient>(
        std::move(chain), profile, env.upstream_observer, env.clock);
  }
  if (settings.circuit_breaker.enabled) {
    CircuitBreakerHttpClient::Options options;
    options.failure_threshold = settings.circuit_breaker.failure_threshold;
    options.cool_down = settings.circuit_breaker.cool_down;
    chain = std::make_shared<CircuitBreakerHttpClient>(
        std::move(chain), profile, options, env.clock, env.circuit_observer);
  }
  if (!settings.ca_bundle.empty() || !settings.client_cert.empty() ||
      !settings.proxy.empty()) {
    auto tls = std::make_shared<TlsOptions>();
    tls->ca_bundle = settings.ca_bundle;
    tls->client_cert = settings.client_cert;
    tls->client_key = settings.client_key;
    tls->proxy = settings.proxy;
    chain =
        std::make_shared<TlsIdentityClient>(std::move(chain), std::move(tls));
  }
  UpstreamTransport transport{chain, chain};
  if (settings.retry.max_attempts > 1) {
    transport.token = std::make_shared<RetryingHttpClient>(
        chain, RetryPolicy(settings.retry, /*idempotent_only=*/false),
        env.clock, env.scheduler, env.random);
    if (settings.retry.idempotent_calls) {
      transport.forward = std::make_shared<RetryingHttpClient>(
          chain, RetryPolicy(settings.retry, /*idempotent_only=*/true),
          env.clock, env.scheduler, env.random);
    }
  }
  return transport;
}

}  // namespace signet
