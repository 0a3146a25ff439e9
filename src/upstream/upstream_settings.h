#ifndef SIGNET_UPSTREAM_UPSTREAM_SETTINGS_H_
#define SIGNET_UPSTREAM_UPSTREAM_SETTINGS_H_

#include <string>

#include "absl/time/time.h"
#include "secrets/secret.h"

namespace signet {

// How one upstream is reached and how its failures are handled.
struct CircuitBreakerSettings {
  bool enabled = true;
  int failure_threshold = 5;
  absl::Duration cool_down = absl::Seconds(10);
};

struct RetrySettings {
  int max_attempts = 3;  // the first attempt included
  absl::Duration initial_backoff = absl::Milliseconds(100);
  absl::Duration max_backoff = absl::Seconds(2);
  bool idempotent_calls = false;  // forwarded GET/HEAD/PUT/DELETE too
};

struct UpstreamSettings {
  std::string ca_bundle;    // empty: the system store
  std::string client_cert;  // empty: no client certificate
  Secret client_key;        // set exactly when client_cert is
  CircuitBreakerSettings circuit_breaker;
  RetrySettings retry;
  // "http://host:port" of a CONNECT proxy for an https upstream; empty: no
  // proxy at all, whatever the environment says.
  std::string proxy;

  friend bool operator==(const UpstreamSettings& a, const UpstreamSettings& b);
};

}  // namespace signet

#endif  // SIGNET_UPSTREAM_UPSTREAM_SETTINGS_H_
