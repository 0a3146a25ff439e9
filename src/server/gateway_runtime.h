#ifndef SIGNET_SERVER_GATEWAY_RUNTIME_H_
#define SIGNET_SERVER_GATEWAY_RUNTIME_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "auth/caller_authorizer.h"
#include "config/settings.h"
#include "inbound/verifier_registry.h"
#include "server/gateway_env.h"
#include "server/profile_registry.h"

namespace signet {

// Everything built from one configuration: the outbound profiles, the
// inbound verifiers and the callers. A reload builds a new one, taking
// over every unchanged profile's state from the old, and swaps it in
// whole. An RPC holds the runtime it started with until it completes; the
// work it started holds the profiles it uses (see OpenApiProfile), so
// nothing here needs to outlive its last user.
struct GatewayRuntime {
  GatewayRuntime(GatewaySettings settings, const GatewayEnv& env,
                 const GatewayRuntime* previous);

  ProfileRegistry profiles;
  VerifierRegistry inbound;
  CallerAuthorizer callers;
};

// The current GatewayRuntime: a shared_ptr swapped atomically.
class RuntimeHolder {
 public:
  std::shared_ptr<GatewayRuntime> Get() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return current_;
  }

  // Returns the runtime replaced, which its last user frees.
  std::shared_ptr<GatewayRuntime> Set(std::shared_ptr<GatewayRuntime> runtime)
      ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    current_.swap(runtime);
    return runtime;
  }

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<GatewayRuntime> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_RUNTIME_H_
