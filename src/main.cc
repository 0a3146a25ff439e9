// signet: the gRPC sidecar that signs outbound API calls for its pod.
//
//   signet --config FILE          serve
//   signet --check-config FILE    validate FILE (secrets included) and exit
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "config/config_resolver.h"
#include "log/log.h"
#include "server/signet_process.h"

#ifndef SIGNET_VERSION
#define SIGNET_VERSION "dev"
#endif

namespace signet {
namespace {

constexpr char kUsage[] =
    R"(signet: a gRPC sidecar that signs outbound API calls for its pod.

Usage:
  signet --config FILE [--log-level LEVEL] [--shutdown-grace DURATION]
                [--allow-core-dumps]
  signet --check-config FILE [--allow-core-dumps]
  signet --help | --version

Options:
  --config FILE             YAML or JSON configuration to serve with.
  --check-config FILE       Validate FILE (syntax, schema, URLs, durations,
                            time zones, secrets readable) and exit: 0 if
                            valid, 1 with the problem on stderr otherwise.
  --log-level LEVEL         debug, info (default), warning or error.
  --shutdown-grace DURATION How long SIGTERM/SIGINT wait for calls in
                            flight (default 20s).
  --allow-core-dumps        Keep the inherited core file limit and stay
                            dumpable. By default signet turns both off
                            before reading any secret, since a core file
                            would hold every one of them.
  --help                    Show this help.
  --version                 Print the version.

Signals: SIGTERM/SIGINT stop gracefully; SIGHUP reloads the configuration
(secret files and the config file are also watched and reloaded when they
change). Logs are JSON lines on stderr. See README.md for the configuration
reference.
)";

struct Flags {
  std::string config;
  std::string check_config;
  std::string log_level = "info";
  std::string shutdown_grace = "20s";
  bool allow_core_dumps = false;
  bool help = false;
  bool version = false;
};

// Parses "--name VALUE" and "--name=VALUE". absl flags cannot spell the
// dashed names users expect (--check-config), so this is done by hand.
std::optional<Flags> ParseFlags(int argc, char** argv, std::string* error) {
  Flags flags;
  struct ValueFlag {
    const char* name;
    std::string* target;
  };
  const ValueFlag value_flags[] = {{"--config", &flags.config},
                                   {"--check-config", &flags.check_config},
                                   {"--log-level", &flags.log_level},
                                   {"--shutdown-grace", &flags.shutdown_grace}};
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      flags.help = true;
      continue;
    }
    if (arg == "--version") {
      flags.version = true;
      continue;
    }
    if (arg == "--allow-core-dumps") {
      flags.allow_core_dumps = true;
      continue;
    }
    bool matched = false;
    for (const ValueFlag& flag : value_flags) {
      if (arg == flag.name) {
        if (i + 1 >= argc) {
          *error = absl::StrCat(flag.name, " needs a value");
          return std::nullopt;
        }
        *flag.target = argv[++i];
        matched = true;
        break;
      }
      if (absl::StartsWith(arg, absl::StrCat(flag.name, "="))) {
        *flag.target = arg.substr(std::strlen(flag.name) + 1);
        matched = true;
        break;
      }
    }
    if (!matched) {
      *error = absl::StrCat("unknown argument \"", arg, "\"");
      return std::nullopt;
    }
  }
  return flags;
}

// Keeps secrets out of core files: RLIMIT_CORE 0 (soft and hard, so no
// later code can raise it) and not dumpable, which also stops cores that
// core_pattern pipes to a handler (those ignore RLIMIT_CORE) and keeps
// other processes of the same user from ptrace and /proc/<pid>/mem.
absl::Status DisableCoreDumps() {
  const auto failed = [](absl::string_view call) {
    const int error = errno;
    return absl::Status(absl::ErrnoToStatusCode(error),
                        absl::StrCat(call, ": ", std::strerror(error)));
  };
  if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
    return failed("prctl(PR_SET_DUMPABLE, 0)");
  }
  const rlimit none = {0, 0};
  if (setrlimit(RLIMIT_CORE, &none) != 0) {
    return failed("setrlimit(RLIMIT_CORE, 0)");
  }
  return absl::OkStatus();
}

int CheckConfig(const std::string& path) {
  absl::StatusOr<GatewaySettings> settings = LoadSettings(path);
  if (!settings.ok()) {
    std::fprintf(stderr, "signet: invalid config: %s\n",
                 std::string(settings.status().message()).c_str());
    return 1;
  }
  std::printf(
      "signet: %s is valid: %zu openapi, %zu innopaas, %zu licenses "
      "profile(s); listen %s\n",
      path.c_str(), settings->openapi.size(), settings->innopaas.size(),
      settings->licenses.size(), settings->listen.c_str());
  return 0;
}

int Serve(const std::string& config_path, absl::Duration shutdown_grace) {
  absl::StatusOr<LoadedConfig> loaded = LoadConfigWithSources(config_path);
  if (!loaded.ok()) {
    LogError("invalid config",
             {{"error", std::string(loaded.status().message())}});
    return 1;
  }
  // Signals are taken by sigwait() on this thread; every thread created
  // from here on inherits the mask, so none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<SignetProcess>> process =
      SignetProcess::Start(config_path, *std::move(loaded));
  if (!process.ok()) return 1;  // logged, naming the part that failed
  int signo = 0;
  while (sigwait(&signals, &signo) == 0 && signo == SIGHUP) {
    (*process)->Reload("SIGHUP");
  }
  LogInfo("shutting down", {{"signal", strsignal(signo)},
                            {"grace", absl::FormatDuration(shutdown_grace)}});
  (*process)->Shutdown(shutdown_grace);
  process->reset();
  LogInfo("stopped");
  return 0;
}

int Main(int argc, char** argv) {
  // A peer closing a socket must not kill the process; libcurl is told the
  // same with CURLOPT_NOSIGNAL.
  signal(SIGPIPE, SIG_IGN);
  // Debian's Abseil is built with mutex deadlock detection on, which keeps
  // a lock graph updated on every Lock (GraphCycles showed in profiles of
  // the forwarding path). The tests keep it; the server does not need it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  std::string error;
  std::optional<Flags> flags = ParseFlags(argc, argv, &error);
  if (!flags.has_value()) {
    std::fprintf(stderr, "signet: %s\nTry 'signet --help'.\n", error.c_str());
    return 2;
  }
  if (flags->help) {
    std::fputs(kUsage, stdout);
    return 0;
  }
  if (flags->version) {
    std::printf("signet %s\n", SIGNET_VERSION);
    return 0;
  }
  LogLevel level;
  if (!ParseLogLevel(flags->log_level, &level)) {
    std::fprintf(stderr,
                 "signet: --log-level must be debug, info, warning or "
                 "error\n");
    return 2;
  }
  SetMinLogLevel(level);
  absl::Duration grace;
  if (!absl::ParseDuration(flags->shutdown_grace, &grace) ||
      grace < absl::ZeroDuration()) {
    std::fprintf(stderr,
                 "signet: --shutdown-grace must be a duration such as "
                 "20s\n");
    return 2;
  }
  // Before anything reads a secret (--check-config reads them too). Both
  // calls only lower privileges, so a failure means something is wrong
  // with the sandbox; signet does not run with a guarantee it cannot give.
  if (!flags->allow_core_dumps) {
    if (absl::Status hardened = DisableCoreDumps(); !hardened.ok()) {
      LogError("cannot turn core dumps off; --allow-core-dumps runs anyway",
               {{"error", std::string(hardened.message())}});
      return 1;
    }
  }
  if (!flags->check_config.empty()) return CheckConfig(flags->check_config);
  if (flags->config.empty()) {
    std::fprintf(stderr,
                 "signet: --config FILE is required\nTry 'signet --help'.\n");
    return 2;
  }
  return Serve(flags->config, grace);
}

}  // namespace
}  // namespace signet

int main(int argc, char** argv) { return signet::Main(argc, argv); }
