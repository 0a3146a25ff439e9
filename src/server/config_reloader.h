#ifndef SIGNET_SERVER_CONFIG_RELOADER_H_
#define SIGNET_SERVER_CONFIG_RELOADER_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/repeating_task.h"
#include "common/scheduler.h"
#include "config/file_watcher.h"
#include "config/settings.h"

namespace signet {

// Applies configuration changes without a restart. Reload (on SIGHUP) and
// a poll of the config file and every secret file (so a rotated Kubernetes
// Secret is picked up) both re-read and validate the whole config; a valid
// one is swapped into the server -- profiles whose settings are unchanged
// keep their cached tokens, a profile whose secret changed starts with an
// empty cache -- and an invalid one is refused with the reason logged while
// the old one keeps serving. Calls in flight finish on the config they
// started with, so none fails because of the swap.
class ConfigReloader {
 public:
  // Each valid config read is handed to `apply`. `sources` are the files
  // the current config was read from; they are polled every
  // `poll_interval` on `scheduler` (the process's timer, which outlives
  // the reloader). A poll reads a few small files: short enough for the
  // timer thread.
  using Apply = std::function<void(GatewaySettings)>;
  ConfigReloader(std::string config_path, std::vector<std::string> sources,
                 Apply apply, Scheduler* scheduler,
                 absl::Duration poll_interval);

  // Thread-safe; `reason` goes into the log line ("SIGHUP", "file changed").
  void Reload(absl::string_view reason) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Poll() ABSL_LOCKS_EXCLUDED(mu_);
  void ReloadLocked(absl::string_view reason)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const std::string config_path_;
  const Apply apply_;
  absl::Mutex mu_;
  FileWatcher watcher_ ABSL_GUARDED_BY(mu_);
  RepeatingTask poll_;  // last: stopped before the rest is destroyed
};

}  // namespace signet

#endif  // SIGNET_SERVER_CONFIG_RELOADER_H_
