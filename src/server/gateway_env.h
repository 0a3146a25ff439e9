#ifndef SIGNET_SERVER_GATEWAY_ENV_H_
#define SIGNET_SERVER_GATEWAY_ENV_H_

#include "inbound/inbound_observer.h"
#include "openapi/token_observer.h"
#include "server/rpc_observer.h"
#include "upstream/upstream_env.h"

namespace signet {

// What every runtime is built on: what the profiles need (UpstreamEnv,
// which also says who owns it all), and where RPCs, tokens and inbound
// verdicts report; in production every observer is Metrics, and any may
// be null.
struct GatewayEnv {
  UpstreamEnv upstream;
  RpcObserver* rpc_observer = nullptr;
  TokenObserver* token_observer = nullptr;
  InboundObserver* inbound_observer = nullptr;
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_ENV_H_
