#include "server/gateway_runtime.h"

#include <utility>

namespace signet {

GatewayRuntime::GatewayRuntime(GatewaySettings settings, const GatewayEnv& env,
                               const GatewayRuntime* previous)
    : profiles(std::move(settings), env.upstream, env.token_observer,
               previous != nullptr ? &previous->profiles : nullptr),
      inbound(profiles.settings().inbound, env.upstream.clock,
              env.inbound_observer,
              previous != nullptr ? &previous->inbound : nullptr),
      callers(&profiles.settings().callers) {}

}  // namespace signet
