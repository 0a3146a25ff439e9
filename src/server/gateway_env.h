#ifndef SIGNET_SERVER_GATEWAY_ENV_H_
#define SIGNET_SERVER_GATEWAY_ENV_H_

#include "common/clock.h"
#include "common/random.h"
#include "common/scheduler.h"
#include "http/http_client.h"
#include "server/gateway_observers.h"

namespace signet {

// What every runtime is built on: the shared transport, time, a scheduler
// for retry backoff, randomness for its jitter, and where it reports. All
// injected, all must outlive the gateway; only the observers may be null.
struct GatewayEnv {
  HttpClient* http = nullptr;
  const Clock* clock = nullptr;
  Scheduler* scheduler = nullptr;
  Random* random = nullptr;
  GatewayObservers observers;
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_ENV_H_
