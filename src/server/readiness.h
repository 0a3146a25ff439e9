#ifndef SIGNET_SERVER_READINESS_H_
#define SIGNET_SERVER_READINESS_H_

#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "server/profile_registry.h"

namespace signet {

// Readiness means every OpenAPI profile that prewarms holds a token that
// has not expired: an app started behind signet (Kubernetes native-sidecar
// ordering waits for readiness) then never waits for a first token or
// meets a credential signet cannot get. Profiles may opt out with
// `prewarm: false`; InnoPaaS and license profiles have static secrets and
// are always ready.
class ReadinessCheck {
 public:
  // Both must outlive the check.
  ReadinessCheck(ProfileRegistry* profiles, const Clock* clock)
      : profiles_(*profiles), clock_(*clock) {}

  // Fetches the token of every prewarm profile (single-flight, so shared
  // with any caller) and waits until all fetches ended or `bound` passed.
  // Returns the profiles still without a usable token.
  std::vector<std::string> Prewarm(absl::Duration bound);

  // The prewarm profiles without a usable token now; for each, a fetch is
  // started (or joined), so a recovered upstream makes the profile ready.
  std::vector<std::string> Unready();

 private:
  ProfileRegistry& profiles_;
  const Clock& clock_;
};

// Re-checks readiness every `interval` on its own thread and reports each
// change to `on_change` (the health service, the admin /readyz, a log
// line). Stops in its destructor.
class ReadinessLoop {
 public:
  using OnChange = std::function<void(const std::vector<std::string>& unready)>;

  ReadinessLoop(ReadinessCheck* check, bool ready_now, absl::Duration interval,
                OnChange on_change);
  ~ReadinessLoop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Run() ABSL_LOCKS_EXCLUDED(mu_);

  ReadinessCheck& check_;
  const absl::Duration interval_;
  const OnChange on_change_;
  bool ready_;
  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace signet

#endif  // SIGNET_SERVER_READINESS_H_
