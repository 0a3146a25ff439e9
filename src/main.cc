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
#include "admin/admin_server.h"
#include "admin/metrics.h"
#include "common/clock.h"
#include "common/system_random.h"
#include "common/timer_thread.h"
#include "config/config_resolver.h"
#include "http/curl_multi_client.h"
#include "inbound/inbound_receiver.h"
#include "log/log.h"
#include "server/config_reloader.h"
#include "server/gateway_server.h"
#include "server/readiness.h"

#ifndef SIGNET_VERSION
#define SIGNET_VERSION "dev"
#endif

namespace signet {
namespace {

// How often readiness is re-checked after start-up (and a missing token
// fetched again).
constexpr absl::Duration kReadinessInterval = absl::Seconds(2);

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
  GatewaySettings* settings = &loaded->settings;

  // Signals are taken by sigwait() on this thread; every thread created
  // from here on inherits the mask, so none of them is interrupted.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // Retry backoffs wait here (created after the signal mask, like every
  // thread, so SIGTERM reaches sigwait below).
  TimerThread timer;
  SystemRandom random;
  CurlMultiClient::Options http_options;
  http_options.connect_timeout = settings->connect_timeout;
  http_options.max_transfers = static_cast<long>(  // NOLINT(runtime/int)
      settings->max_in_flight);
  absl::StatusOr<std::unique_ptr<CurlMultiClient>> http =
      CurlMultiClient::Create(http_options, SystemClock::Get());
  if (!http.ok()) {
    LogError("cannot start the HTTP client",
             {{"error", std::string(http.status().message())}});
    return 1;
  }
  const size_t profile_count =
      settings->openapi.size() + settings->innopaas.size() +
      settings->licenses.size() + settings->inbound.size();
  const std::string admin_listen = settings->admin_listen;
  const absl::Duration prewarm_timeout = settings->prewarm_timeout;
  const absl::Duration watch_interval = settings->watch_interval;
  InboundReceiver::Options receiver_options;
  receiver_options.address = settings->inbound_listen;
  receiver_options.routes = settings->inbound_routes;
  receiver_options.max_body_bytes = settings->max_body_bytes;
  receiver_options.forward_timeout = settings->default_deadline;
  receiver_options.head_timeout = settings->inbound_head_timeout;
  receiver_options.max_connections = settings->inbound_max_connections;
  receiver_options.max_connections_per_client =
      settings->inbound_max_connections_per_client;

  Metrics metrics;
  std::unique_ptr<AdminServer> admin;
  if (!admin_listen.empty()) {
    absl::StatusOr<std::unique_ptr<AdminServer>> started =
        AdminServer::Start(admin_listen, &metrics);
    if (!started.ok()) {
      LogError("cannot start the admin listener",
               {{"error", std::string(started.status().message())}});
      return 1;
    }
    admin = *std::move(started);
  }
  GatewayEnv env;
  env.upstream.transport = http->get();
  env.upstream.clock = SystemClock::Get();
  env.upstream.scheduler = &timer;
  env.upstream.random = &random;
  env.upstream.upstream_observer = &metrics;
  env.upstream.circuit_observer = &metrics;
  env.rpc_observer = &metrics;
  env.token_observer = &metrics;
  env.inbound_observer = &metrics;
  absl::StatusOr<std::unique_ptr<GatewayServer>> server =
      GatewayServer::Start(*std::move(settings), env);
  if (!server.ok()) {
    LogError("cannot start the gRPC server",
             {{"error", std::string(server.status().message())}});
    return 1;
  }
  std::unique_ptr<InboundReceiver> receiver;
  if (!receiver_options.address.empty()) {
    absl::StatusOr<std::unique_ptr<InboundReceiver>> started =
        InboundReceiver::Start(std::move(receiver_options),
                               [gateway = server->get()] {
                                 std::shared_ptr<GatewayRuntime> runtime =
                                     gateway->runtime();
                                 return std::shared_ptr<const VerifierRegistry>(
                                     runtime, &runtime->inbound);
                               },
                               http->get(),
                               SystemClock::Get());
    if (!started.ok()) {
      LogError("cannot start the inbound receiver",
               {{"error", std::string(started.status().message())}});
      return 1;
    }
    receiver = *std::move(started);
  }
  CurlMultiClient* transport = http->get();
  metrics.SetConnectionsOpenedReader(
      [transport] { return transport->connections_opened(); });
  GatewayServer* gateway = server->get();
  const ReadinessCheck::RegistrySource current_profiles = [gateway] {
    std::shared_ptr<GatewayRuntime> runtime = gateway->runtime();
    return std::shared_ptr<const ProfileRegistry>(runtime, &runtime->profiles);
  };
  metrics.SetTokenExpiryReader([current_profiles] {
    return current_profiles()->TokenExpiries(absl::Now());
  });
  LogInfo("listening",
          {{"address", (*server)->address()},
           {"admin_address", admin ? admin->address() : std::string("off")},
           {"inbound_address",
            receiver ? receiver->address() : std::string("off")},
           {"unix_address", gateway->unix_address()},
           {"health_address", gateway->health_address()},
           {"profiles", static_cast<int64_t>(profile_count)},
           {"version", SIGNET_VERSION}});

  // Health stays NOT_SERVING until the prewarmed tokens are in, so an app
  // started after the sidecar is ready never waits for a first token.
  ReadinessCheck readiness(current_profiles, SystemClock::Get());
  AdminServer* admin_server = admin.get();
  auto report = [gateway, admin_server](const std::vector<std::string>& unready) {
    const bool ready = unready.empty();
    gateway->SetServing(ready);
    if (admin_server != nullptr) admin_server->SetReady(ready);
    if (ready) {
      LogInfo("ready");
    } else {
      LogWarning("not ready",
                 {{"reason", "no usable token"},
                  {"profiles", absl::StrJoin(unready, ",")}});
    }
  };
  // Watching starts before readiness is reported: a config or secret
  // change made once signet says "ready" must not be missed.
  auto reloader = std::make_unique<ConfigReloader>(
      config_path, std::move(loaded->sources), gateway, watch_interval);
  const std::vector<std::string> unready = readiness.Prewarm(prewarm_timeout);
  report(unready);
  auto readiness_loop = std::make_unique<ReadinessLoop>(
      &readiness, unready.empty(), kReadinessInterval, report);

  int signo = 0;
  while (sigwait(&signals, &signo) == 0 && signo == SIGHUP) {
    reloader->Reload("SIGHUP");
  }
  LogInfo("shutting down", {{"signal", strsignal(signo)},
                            {"grace", absl::FormatDuration(shutdown_grace)}});
  reloader.reset();
  readiness_loop.reset();
  if (admin != nullptr) admin->SetReady(false);
  // The receiver first (its forwards use the HTTP client and its verdicts
  // the server's verifiers); both let calls in flight finish within the
  // grace, one after the other -- the receiver's usually have none.
  if (receiver != nullptr) receiver->Stop(shutdown_grace);
  (*server)->Shutdown(shutdown_grace);
  receiver.reset();
  metrics.SetTokenExpiryReader(nullptr);
  metrics.SetConnectionsOpenedReader(nullptr);
  // Backoffs end now: their retries go out (and fail fast below); later
  // ones run at once instead of waiting.
  timer.Shutdown();
  // The transport before the server: its shutdown fails the transfers still
  // running (token fetches nobody waits for, e.g. a readiness retry), whose
  // callbacks reach into the token caches the server owns.
  http->reset();
  server->reset();
  if (admin != nullptr) admin->Stop();
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
    std::fprintf(stderr, "signet: --log-level must be debug, info, warning or "
                         "error\n");
    return 2;
  }
  SetMinLogLevel(level);
  absl::Duration grace;
  if (!absl::ParseDuration(flags->shutdown_grace, &grace) ||
      grace < absl::ZeroDuration()) {
    std::fprintf(stderr, "signet: --shutdown-grace must be a duration such as "
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
