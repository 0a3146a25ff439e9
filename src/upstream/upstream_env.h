#ifndef SIGNET_UPSTREAM_UPSTREAM_ENV_H_
#define SIGNET_UPSTREAM_UPSTREAM_ENV_H_

#include <memory>

#include "common/clock.h"
#include "common/random.h"
#include "common/scheduler.h"
#include "http/circuit_breaker_http_client.h"
#include "http/http_client.h"
#include "http/observed_http_client.h"

namespace signet {

// What every profile is built on: the process's transport, time, the
// scheduler retries back off on, randomness for their jitter, and where
// transfers and circuits report (either observer may be null).
//
// Lifetimes: profiles are shared-owned and may outlive the runtime that
// built them (a call in flight, a background token refresh), but never the
// process. SignetProcess owns everything here and declares it before the
// runtime, so all of it is destroyed after every profile has let go --
// except requests still inside the transport, which its destructor
// completes (with UNAVAILABLE) before it returns, releasing whatever their
// callbacks held.
struct UpstreamEnv {
  HttpClient* transport = nullptr;
  const Clock* clock = nullptr;
  Scheduler* scheduler = nullptr;
  Random* random = nullptr;
  UpstreamObserver* upstream_observer = nullptr;
  CircuitObserver* circuit_observer = nullptr;

  // `transport` as the innermost link of a profile's chain. It does not
  // own the transport, which outlives every chain (see above).
  std::shared_ptr<HttpClient> SharedTransport() const {
    return std::shared_ptr<HttpClient>(std::shared_ptr<HttpClient>(),
                                       transport);
  }
};

}  // namespace signet

#endif  // SIGNET_UPSTREAM_UPSTREAM_ENV_H_
