#ifndef SIGNET_SERVER_READINESS_H_
#define SIGNET_SERVER_READINESS_H_

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "common/clock.h"
#include "common/repeating_task.h"
#include "common/scheduler.h"
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
  // The current profiles, re-read on every check (a reload swaps them).
  using RegistrySource =
      std::function<std::shared_ptr<const ProfileRegistry>()>;

  // `clock` must outlive the check.
  ReadinessCheck(RegistrySource profiles, const Clock* clock)
      : profiles_(std::move(profiles)), clock_(*clock) {}

  // Fetches the token of every prewarm profile (single-flight, so shared
  // with any caller) and waits until all fetches ended or `bound` passed.
  // Returns the profiles still without a usable token.
  std::vector<std::string> Prewarm(absl::Duration bound);

  // The prewarm profiles without a usable token now; for each, a fetch is
  // started (or joined), so a recovered upstream makes the profile ready.
  std::vector<std::string> Unready();

 private:
  const RegistrySource profiles_;
  const Clock& clock_;
};

// Re-checks readiness every `interval` and reports each change to
// `on_change` (the health service, the admin /readyz, a log line).
class ReadinessLoop {
 public:
  using OnChange = std::function<void(const std::vector<std::string>& unready)>;

  // `check` must outlive the loop; `scheduler` (the process's timer) runs
  // the checks.
  ReadinessLoop(ReadinessCheck* check, bool ready_now, Scheduler* scheduler,
                absl::Duration interval, OnChange on_change)
      : check_(*check),
        on_change_(std::move(on_change)),
        ready_(ready_now),
        // Stopped (a check in progress awaited) before the members it
        // uses go: task_ is declared last.
        task_(scheduler, interval, [this] { Tick(); }) {}

 private:
  void Tick();

  ReadinessCheck& check_;
  const OnChange on_change_;
  bool ready_;          // only touched by the task's runs, which never overlap
  RepeatingTask task_;  // last: stopped before the rest is destroyed
};

}  // namespace signet

#endif  // SIGNET_SERVER_READINESS_H_
