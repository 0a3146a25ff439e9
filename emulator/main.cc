// signet-emulator: a strict double of signet's three upstream contracts
// (OpenAPI v5, InnoPaaS, APSDAI licenses) on one loopback port, for the
// README's run command and the integration tests.

#include <signal.h>

#include <cstdio>
#include <memory>
#include <string>

#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "emulator/emulator_flags.h"
#include "emulator/emulator_options.h"
#include "emulator/emulator_server.h"
#include "emulator/emulator_state.h"
#include "emulator/router.h"

namespace signet::emulator {
namespace {

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
  Router router(state);
  RegisterControlRoutes(router, state);
  RegisterOpenApiRoutes(router, state, upstream.openapi);
  RegisterInnopaasRoutes(router, state, upstream.innopaas);
  RegisterLicenseRoutes(router, state, upstream.license);

  absl::StatusOr<std::unique_ptr<EmulatorServer>> server =
      EmulatorServer::Start(
          listen.host, listen.port, listen.threads,
          [&router](const HttpRequest& req, HttpResponse& res) {
            return router.Handle(req, res);
          });
  if (!server.ok()) {
    std::fprintf(stderr, "signet-emulator: %s\n",
                 std::string(server.status().message()).c_str());
    return 1;
  }
  // A hung request ends when its fault is replaced or the emulator stops.
  state.SetFaultChangeListener(
      [server = server->get()] { server->RecheckHolds(); });
  const std::string shown_host = listen.host.find(':') == std::string::npos
                                     ? listen.host
                                     : absl::StrCat("[", listen.host, "]");
  std::printf("signet-emulator listening on %s:%d\n", shown_host.c_str(),
              (*server)->port());
  std::fflush(stdout);

  int signo = 0;
  sigwait(&stop_signals, &signo);
  state.Stop();
  (*server)->Stop();
  return 0;
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
