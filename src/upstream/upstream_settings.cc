#include "upstream/upstream_settings.h"

namespace signet {

bool operator==(const UpstreamSettings& a, const UpstreamSettings& b) {
  const bool same_key = a.client_key.empty()
                            ? b.client_key.empty()
                            : a.client_key.Equals(b.client_key.Reveal());
  return a.ca_bundle == b.ca_bundle && a.client_cert == b.client_cert &&
         same_key && a.circuit_breaker.enabled == b.circuit_breaker.enabled &&
         a.circuit_breaker.failure_threshold ==
             b.circuit_breaker.failure_threshold &&
         a.circuit_breaker.cool_down == b.circuit_breaker.cool_down &&
         a.retry.max_attempts == b.retry.max_attempts &&
         a.retry.initial_backoff == b.retry.initial_backoff &&
         a.retry.max_backoff == b.retry.max_backoff &&
         a.retry.idempotent_calls == b.retry.idempotent_calls &&
         a.proxy == b.proxy;
}

}  // namespace signet
