#ifndef SIGNET_SERVER_SIGNET_PROCESS_H_
#define SIGNET_SERVER_SIGNET_PROCESS_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "admin/admin_server.h"
#include "admin/metrics.h"
#include "common/system_random.h"
#include "common/timer_thread.h"
#include "config/config_resolver.h"
#include "http/curl_multi_client.h"
#include "inbound/inbound_receiver.h"
#include "server/config_reloader.h"
#include "server/gateway_server.h"
#include "server/readiness.h"

namespace signet {

// The running sidecar: every long-lived part, built by Start from one
// configuration and owned here. The members are declared in dependency
// order -- each uses only those above it -- so the language destroys them
// in the right order, as Envoy's InstanceImpl does; nothing relies on a
// comment about what to tear down first.
//
// Threads: the caller's (Start, Reload, Shutdown; main's signal loop), the
// transport's I/O thread, the timer, gRPC's and the listeners' own.
class SignetProcess {
 public:
  // Starts every listener of `loaded`, prewarms the tokens (readiness
  // waits for them) and begins watching `config_path` and its secret
  // files. Errors name the part that could not start.
  static absl::StatusOr<std::unique_ptr<SignetProcess>> Start(
      std::string config_path, LoadedConfig loaded);

  ~SignetProcess();

  SignetProcess(const SignetProcess&) = delete;
  SignetProcess& operator=(const SignetProcess&) = delete;

  // Re-reads the configuration now (SIGHUP); `reason` goes into the log.
  void Reload(absl::string_view reason);

  // Reports not ready, stops the listeners -- letting calls in flight
  // finish within `grace` -- and fails what still waits on the network.
  // Idempotent; the destructor calls it with no grace.
  void Shutdown(absl::Duration grace);

 private:
  SignetProcess() = default;

  // Swaps in `settings` (validated): the runtime, and the inbound
  // receiver's routes, body limit and forward timeout.
  void Apply(GatewaySettings settings);
  void ReportReadiness(const std::vector<std::string>& unready);

  Metrics metrics_;
  TimerThread timer_;
  SystemRandom random_;
  std::unique_ptr<CurlMultiClient> transport_;
  std::unique_ptr<AdminServer> admin_;
  std::unique_ptr<GatewayServer> gateway_;
  std::unique_ptr<InboundReceiver> receiver_;
  std::unique_ptr<ReadinessCheck> readiness_;
  std::unique_ptr<ConfigReloader> reloader_;
  std::unique_ptr<ReadinessLoop> readiness_loop_;
  bool shut_down_ = false;
};

}  // namespace signet

#endif  // SIGNET_SERVER_SIGNET_PROCESS_H_
