// signet-emulator: a strict double of signet's three upstream contracts
// (OpenAPI v5, InnoPaaS, APSDAI licenses) on one loopback port, for the
// README's run command and the integration tests.

#include <dirent.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "emulator/emulator_flags.h"
#include "emulator/emulator_options.h"
#include "emulator/emulator_state.h"
#include "emulator/routes.h"
#include "httplib.h"

namespace signet::emulator {
namespace {

// Lets clients reuse connections across a whole test or load run.
constexpr size_t kKeepAliveMaxCount = 100000;
constexpr time_t kKeepAliveTimeoutSeconds = 30;
// How often shutdown re-closes connections while workers finish.
constexpr absl::Duration kShutdownPoll = absl::Milliseconds(100);

// httplib 0.11 waits up to the keep-alive timeout on each idle connection
// before its workers notice the server stopped. Shutting down every
// connected TCP socket of this process (all of them are accepted client
// connections; the emulator dials nothing) wakes them at once.
void ShutdownConnectedSockets() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return;
  const int dir_fd = dirfd(dir);
  while (const dirent* entry = readdir(dir)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry->d_name, &fd) || fd == dir_fd) continue;
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode)) continue;
    // Only TCP connections: stdout or stderr may be a socket too (a
    // journal stream).
    int domain = 0;
    socklen_t len = sizeof(domain);
    if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0 ||
        (domain != AF_INET && domain != AF_INET6)) {
      continue;
    }
    int listening = 0;
    len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 &&
        listening == 0) {
      shutdown(fd, SHUT_RDWR);
    }
  }
  closedir(dir);
}

int Run() {
  ListenOptions listen;
  UpstreamOptions upstream;
  RuntimeConfig runtime;
  if (const absl::Status status = ReadFlags(listen, upstream, runtime);
      !status.ok()) {
    std::fprintf(stderr, "signet-emulator: %s\n",
                 std::string(status.message()).c_str());
    return 2;
  }

  // A client that goes away mid-response must not kill the emulator.
  signal(SIGPIPE, SIG_IGN);
  // Termination signals are taken by sigwait below, so block them before
  // any thread starts; every thread inherits the mask.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  if (pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr) != 0) {
    std::fprintf(stderr, "signet-emulator: pthread_sigmask failed\n");
    return 1;
  }

  EmulatorState state(runtime);
  httplib::Server server;
  const size_t threads = static_cast<size_t>(listen.threads);
  server.new_task_queue = [threads] {
    return new httplib::ThreadPool(threads);
  };
  server.set_keep_alive_max_count(kKeepAliveMaxCount);
  server.set_keep_alive_timeout(kKeepAliveTimeoutSeconds);
  // httplib writes a response's head and body separately; without
  // TCP_NODELAY, Nagle holds the body until the client's delayed ACK, which
  // added ~40 ms to every keep-alive exchange.
  server.set_tcp_nodelay(true);
  // httplib's default sets SO_REUSEPORT, which would let a second emulator
  // bind the same fixed port and silently take half the connections.
  server.set_socket_options([](socket_t sock) {
    const int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  RegisterControlRoutes(server, state);
  RegisterOpenApiRoutes(server, state, upstream.openapi);
  RegisterInnopaasRoutes(server, state, upstream.innopaas);
  RegisterLicenseRoutes(server, state, upstream.license);
  RegisterFallbackRoutes(server, state);

  int port = listen.port;
  if (port == 0) {
    port = server.bind_to_any_port(listen.host);
  } else if (!server.bind_to_port(listen.host, port)) {
    port = -1;
  }
  if (port <= 0) {
    std::fprintf(stderr, "signet-emulator: cannot listen on %s:%d\n",
                 listen.host.c_str(), listen.port);
    return 1;
  }
  const std::string shown_host = listen.host.find(':') == std::string::npos
                                     ? listen.host
                                     : absl::StrCat("[", listen.host, "]");
  std::printf("signet-emulator listening on %s:%d\n", shown_host.c_str(), port);
  std::fflush(stdout);

  absl::Notification listener_done;
  bool listen_ok = false;
  std::thread listener([&] {
    listen_ok = server.listen_after_bind();
    listener_done.Notify();
    // Wake the sigwait below if the server stopped on its own.
    kill(getpid(), SIGTERM);
  });

  int signo = 0;
  sigwait(&stop_signals, &signo);
  state.Stop();
  bool stop_sent = false;
  do {
    // stop() asserts a live listening socket, so call it exactly once and
    // only after listen_after_bind() has started running.
    if (!stop_sent && server.is_running()) {
      server.stop();
      stop_sent = true;
    }
    if (stop_sent) ShutdownConnectedSockets();
  } while (!listener_done.WaitForNotificationWithTimeout(kShutdownPoll));
  listener.join();
  if (!stop_sent) {
    std::fprintf(stderr, "signet-emulator: server stopped unexpectedly\n");
    return 1;
  }
  return listen_ok ? 0 : 1;
}

}  // namespace
}  // namespace signet::emulator

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "A strict double of signet's upstreams (OpenAPI v5 token/verify, "
      "InnoPaaS, APSDAI licenses) on one loopback port.\n"
      "Usage: signet-emulator [--port=8080] [--flag=value ...]");
  // Abseil's --help lists only flags of a file named after the program;
  // this binary's flags live in emulator/emulator_flags.cc.
  absl::FlagsUsageConfig usage_config;
  usage_config.contains_help_flags = [](absl::string_view file) {
    return absl::StrContains(file, "emulator/");
  };
  usage_config.contains_helpshort_flags = usage_config.contains_help_flags;
  absl::SetFlagsUsageConfig(usage_config);
  absl::ParseCommandLine(argc, argv);
  return signet::emulator::Run();
}
