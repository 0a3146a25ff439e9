#ifndef SIGNET_SERVER_GATEWAY_RUNTIME_H_
#define SIGNET_SERVER_GATEWAY_RUNTIME_H_

#include <deque>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "auth/caller_authorizer.h"
#include "common/clock.h"
#include "config/settings.h"
#include "http/http_client.h"
#include "inbound/verifier_registry.h"
#include "server/gateway_env.h"
#include "server/profile_registry.h"

namespace signet {

// Everything built from one configuration: the profiles (with their token
// caches) and the inbound verifiers (with their replay caches). A reload
// builds a new one, taking over every unchanged profile's state from the
// old, and swaps it in whole; an RPC keeps the runtime it started with
// until it completes.
struct GatewayRuntime {
  GatewayRuntime(GatewaySettings settings, const GatewayEnv& env,
                 const GatewayRuntime* previous);

  ProfileRegistry profiles;
  VerifierRegistry inbound;
  CallerAuthorizer callers;
};

// The current GatewayRuntime, swapped atomically. A replaced runtime is
// kept for a while even after the last RPC let go of it, because token
// fetches and transfers it started may still be unwinding on the I/O
// thread (they hold plain references); it is freed on a later swap once
// nothing has used it for kRetireAfter.
class RuntimeHolder {
 public:
  explicit RuntimeHolder(const Clock* clock) : clock_(*clock) {}

  std::shared_ptr<GatewayRuntime> Get() const ABSL_LOCKS_EXCLUDED(mu_);
  void Set(std::shared_ptr<GatewayRuntime> runtime) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  static constexpr absl::Duration kRetireAfter = absl::Minutes(2);

  struct Retired {
    std::shared_ptr<GatewayRuntime> runtime;
    absl::Time since;
  };

  const Clock& clock_;
  mutable absl::Mutex mu_;
  std::shared_ptr<GatewayRuntime> current_ ABSL_GUARDED_BY(mu_);
  std::deque<Retired> retired_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_SERVER_GATEWAY_RUNTIME_H_
