#include "server/config_reloader.h"

#include <utility>

#include "config/config_resolver.h"
#include "log/log.h"

namespace signet {

ConfigReloader::ConfigReloader(std::string config_path,
                               std::vector<std::string> sources, Apply apply,
                               Scheduler* scheduler,
                               absl::Duration poll_interval)
    : config_path_(std::move(config_path)),
      apply_(std::move(apply)),
      watcher_(std::move(sources)),
      // The task is stopped (and a poll in progress awaited) before the
      // members it uses go: poll_ is declared last.
      poll_(scheduler, poll_interval, [this] { Poll(); }) {}

void ConfigReloader::Reload(absl::string_view reason) {
  absl::MutexLock lock(&mu_);
  ReloadLocked(reason);
}

void ConfigReloader::Poll() {
  absl::MutexLock lock(&mu_);
  if (watcher_.Changed()) ReloadLocked("file changed");
}

void ConfigReloader::ReloadLocked(absl::string_view reason) {
  absl::StatusOr<LoadedConfig> loaded = LoadConfigWithSources(config_path_);
  if (!loaded.ok()) {
    // Keep watching what we watched: fixing the file triggers a retry.
    LogError("config reload refused; the previous config keeps serving",
             {{"reason", reason},
              {"error", std::string(loaded.status().message())}});
    return;
  }
  watcher_.Reset(std::move(loaded->sources));
  apply_(std::move(loaded->settings));
  LogInfo("config reloaded", {{"reason", reason}});
}

}  // namespace signet
