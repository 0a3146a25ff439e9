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
  TlsIdentityClient(HttpClient* inner, std::shared_ptr<const TlsOptions> tls)
      : inner_(*inner), tls_(std::move(tls)) {}

  void Send(HttpRequest request, HttpCallback on_done) override {
    request.tls = tls_;
    inner_.Send(std::move(request), std::move(on_done));
  }

 private:
  HttpClient& inner_;
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

UpstreamTransport::UpstreamTransport(const std::string& profile,
                                     const UpstreamSettings& settings,
                                     const GatewayEnv& env) {
  HttpClient* chain = env.http;
  if (env.observers.upstream != nullptr) {
    observed_ = std::make_unique<ObservedHttpClient>(
        chain, profile, env.observers.upstream, env.clock);
    chain = observed_.get();
  }
  if (settings.circuit_breaker.enabled) {
    CircuitBreakerHttpClient::Options options;
    options.failure_threshold = settings.circuit_breaker.failure_threshold;
    options.cool_down = settings.circuit_breaker.cool_down;
    breaker_ = std::make_unique<CircuitBreakerHttpClient>(
        chain, profile, options, env.clock, env.observers.circuits);
    chain = breaker_.get();
  }
  if (!settings.ca_bundle.empty() || !settings.client_cert.empty() ||
      !settings.proxy.empty()) {
    auto tls = std::make_shared<TlsOptions>();
    tls->ca_bundle = settings.ca_bundle;
    tls->client_cert = settings.client_cert;
    tls->client_key = settings.client_key;
    tls->proxy = settings.proxy;
    tls_ = std::make_unique<TlsIdentityClient>(chain, std::move(tls));
    chain = tls_.get();
  }
  token_ = forward_ = chain;
  if (settings.retry.max_attempts > 1) {
    token_retry_ = std::make_unique<RetryingHttpClient>(
        chain, RetryPolicy(settings.retry, /*idempotent_only=*/false),
        env.clock, env.scheduler, env.random);
    token_ = token_retry_.get();
    if (settings.retry.idempotent_calls) {
      forward_retry_ = std::make_unique<RetryingHttpClient>(
          chain, RetryPolicy(settings.retry, /*idempotent_only=*/true),
          env.clock, env.scheduler, env.random);
      forward_ = forward_retry_.get();
    }
  }
}

UpstreamTransport::~UpstreamTransport() = default;

}  // namespace signet
