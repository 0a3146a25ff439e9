#include "server/signet_process.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_join.h"
#include "common/clock.h"
#include "log/log.h"

#ifndef SIGNET_VERSION
#define SIGNET_VERSION "dev"
#endif

namespace signet {
namespace {

// How often readiness is re-checked after start-up (and a missing token
// fetched again).
constexpr absl::Duration kReadinessInterval = absl::Seconds(2);

InboundReceiver::Routing ReceiverRouting(const GatewaySettings& settings) {
  InboundReceiver::Routing routing;
  routing.routes = settings.inbound_routes;
  routing.max_body_bytes = settings.max_body_bytes;
  routing.forward_timeout = settings.default_deadline;
  return routing;
}

// Logs why `part` could not start and passes the error on.
absl::Status CannotStart(absl::string_view part, const absl::Status& error) {
  LogError(absl::StrCat("cannot start the ", part),
           {{"error", std::string(error.message())}});
  return error;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SignetProcess>> SignetProcess::Start(
    std::string config_path, LoadedConfig loaded) {
  const GatewaySettings& settings = loaded.settings;
  std::unique_ptr<SignetProcess> process(new SignetProcess());

  CurlMultiClient::Options http_options;
  http_options.connect_timeout = settings.connect_timeout;
  http_options.max_transfers = static_cast<long>(  // NOLINT(runtime/int)
      settings.max_in_flight);
  absl::StatusOr<std::unique_ptr<CurlMultiClient>> transport =
      CurlMultiClient::Create(http_options, SystemClock::Get());
  if (!transport.ok()) return CannotStart("HTTP client", transport.status());
  process->transport_ = *std::move(transport);

  if (!settings.admin_listen.empty()) {
    absl::StatusOr<std::unique_ptr<AdminServer>> admin =
        AdminServer::Start(settings.admin_listen, &process->metrics_);
    if (!admin.ok()) return CannotStart("admin listener", admin.status());
    process->admin_ = *std::move(admin);
  }

  GatewayEnv env;
  env.upstream.transport = process->transport_.get();
  env.upstream.clock = SystemClock::Get();
  env.upstream.scheduler = &process->timer_;
  env.upstream.random = &process->random_;
  env.upstream.upstream_observer = &process->metrics_;
  env.upstream.circuit_observer = &process->metrics_;
  env.rpc_observer = &process->metrics_;
  env.token_observer = &process->metrics_;
  env.inbound_observer = &process->metrics_;
  const size_t profile_count =
      settings.openapi.size() + settings.innopaas.size() +
      settings.licenses.size() + settings.inbound.size();
  const absl::Duration prewarm_timeout = settings.prewarm_timeout;
  const absl::Duration watch_interval = settings.watch_interval;
  InboundReceiver::Options receiver_options;
  receiver_options.address = settings.inbound_listen;
  receiver_options.routing = ReceiverRouting(settings);
  receiver_options.head_timeout = settings.inbound_head_timeout;
  receiver_options.max_connections = settings.inbound_max_connections;
  receiver_options.max_connections_per_client =
      settings.inbound_max_connections_per_client;

  absl::StatusOr<std::unique_ptr<GatewayServer>> gateway =
      GatewayServer::Start(std::move(loaded.settings), env);
  if (!gateway.ok()) return CannotStart("gRPC server", gateway.status());
  process->gateway_ = *std::move(gateway);
  GatewayServer* const server = process->gateway_.get();

  // The receiver is declared after the gateway, so it stops first: its
  // verifier source may use `server` for as long as it runs.
  if (!receiver_options.address.empty()) {
    absl::StatusOr<std::unique_ptr<InboundReceiver>> receiver =
        InboundReceiver::Start(
            std::move(receiver_options),
            [server] {
              std::shared_ptr<GatewayRuntime> runtime = server->runtime();
              return std::shared_ptr<const VerifierRegistry>(runtime,
                                                             &runtime->inbound);
            },
            process->transport_.get(), SystemClock::Get());
    if (!receiver.ok())
      return CannotStart("inbound receiver", receiver.status());
    process->receiver_ = *std::move(receiver);
  }

  // Both readers are cleared in Shutdown, before what they read (the
  // transport, the gateway) goes.
  CurlMultiClient* const http = process->transport_.get();
  process->metrics_.SetConnectionsOpenedReader(
      [http] { return http->connections_opened(); });
  const ReadinessCheck::RegistrySource current_profiles = [server] {
    std::shared_ptr<GatewayRuntime> runtime = server->runtime();
    return std::shared_ptr<const ProfileRegistry>(runtime, &runtime->profiles);
  };
  process->metrics_.SetTokenExpiryReader([current_profiles] {
    return current_profiles()->TokenExpiries(absl::Now());
  });
  LogInfo(
      "listening",
      {{"address", server->address()},
       {"admin_address",
        process->admin_ ? process->admin_->address() : std::string("off")},
       {"inbound_address", process->receiver_ ? process->receiver_->address()
                                              : std::string("off")},
       {"unix_address", server->unix_address()},
       {"health_address", server->health_address()},
       {"profiles", static_cast<int64_t>(profile_count)},
       {"version", SIGNET_VERSION}});

  // Health stays NOT_SERVING until the prewarmed tokens are in, so an app
  // started after the sidecar is ready never waits for a first token.
  // Watching starts before readiness is reported: a config or secret change
  // made once signet says "ready" must not be missed.
  process->readiness_ =
      std::make_unique<ReadinessCheck>(current_profiles, SystemClock::Get());
  // The reloader and the readiness loop are members of the process and
  // stop (awaiting a run in progress) in Shutdown, before anything they
  // reach through `self` goes.
  SignetProcess* const self = process.get();
  process->reloader_ = std::make_unique<ConfigReloader>(
      std::move(config_path), std::move(loaded.sources),
      [self](GatewaySettings settings) { self->Apply(std::move(settings)); },
      &process->timer_, watch_interval);
  const std::vector<std::string> unready =
      process->readiness_->Prewarm(prewarm_timeout);
  process->ReportReadiness(unready);
  process->readiness_loop_ = std::make_unique<ReadinessLoop>(
      process->readiness_.get(), unready.empty(), &process->timer_,
      kReadinessInterval, [self](const std::vector<std::string>& unready) {
        self->ReportReadiness(unready);
      });
  return process;
}

void SignetProcess::ReportReadiness(const std::vector<std::string>& unready) {
  const bool ready = unready.empty();
  gateway_->SetServing(ready);
  if (admin_ != nullptr) admin_->SetReady(ready);
  if (ready) {
    LogInfo("ready");
  } else {
    LogWarning("not ready", {{"reason", "no usable token"},
                             {"profiles", absl::StrJoin(unready, ",")}});
  }
}

void SignetProcess::Reload(absl::string_view reason) {
  if (reloader_ != nullptr) reloader_->Reload(reason);
}

void SignetProcess::Apply(GatewaySettings settings) {
  if (receiver_ != nullptr) receiver_->Reconfigure(ReceiverRouting(settings));
  gateway_->Reload(std::move(settings));
}

void SignetProcess::Shutdown(absl::Duration grace) {
  if (shut_down_) return;
  shut_down_ = true;
  // No reload or readiness change from here on.
  reloader_.reset();
  readiness_loop_.reset();
  if (admin_ != nullptr) admin_->SetReady(false);
  // The receiver's calls usually are none; then the gRPC calls, each set
  // within the grace.
  if (receiver_ != nullptr) receiver_->Stop(grace);
  if (gateway_ != nullptr) gateway_->Shutdown(grace);
  metrics_.SetTokenExpiryReader(nullptr);
  metrics_.SetConnectionsOpenedReader(nullptr);
  // Backoffs end now: their retries go out and fail fast as the transport
  // closes; later ones run at once instead of waiting.
  timer_.Shutdown();
  if (admin_ != nullptr) admin_->Stop();
  // The members then go in reverse order: the gateway (and its runtime),
  // then the transport, which fails what is still in flight -- a token
  // refresh nobody waits for -- whose callbacks release the profiles they
  // hold.
}

SignetProcess::~SignetProcess() { Shutdown(absl::ZeroDuration()); }

}  // namespace signet
