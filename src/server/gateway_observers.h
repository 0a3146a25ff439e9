#ifndef SIGNET_SERVER_GATEWAY_OBSERVERS_H_
#define SIGNET_SERVER_GATEWAY_OBSERVERS_H_

#include "http/circuit_breaker_http_client.h"
#include "http/observed_http_client.h"
#include "inbound/inbound_observer.h"
#include "server/rpc_observer.h"
#include "openapi/token_observer.h"

namespace signet {

// Everything the gateway reports to; in production all point at Metrics.
// Any may be null (nothing is counted there).
struct GatewayObservers {
  RpcObserver* rpc = nullptr;
  UpstreamObserver* upstream = nullptr;
  TokenObserver* tokens = nullptr;
  InboundObserver* inbound = nullptr;
  CircuitObserver* circuits = nullptr;
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_OBSERVERS_H_
