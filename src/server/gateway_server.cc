#include "server/gateway_server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/impl/server_builder_option.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "grpc/health/v1/health.pb.h"
#include "log/log.h"

namespace signet {
namespace {

// Health service name that reports the process alive (for liveness
// probes), as opposed to "" which reports readiness.
constexpr absl::string_view kLivenessService = "liveness";

// Headroom over the body limit for the rest of a request message.
constexpr int kMessageOverheadBytes = 64 * 1024;

// "127.0.0.1:0" with the port the kernel chose.
std::string BoundAddress(const std::string& listen, int selected_port) {
  if (absl::StartsWith(listen, "unix:") || selected_port <= 0) return listen;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return listen;
  return absl::StrCat(listen.substr(0, colon + 1), selected_port);
}

// Gives the socket file its configured mode and owner. The socket was
// created under umask 0177 (owner only), so until this runs nobody else can
// connect.
absl::Status SecureUnixSocket(const UnixListenerSettings& unix_listen) {
  const char* path = unix_listen.path.c_str();
  if (unix_listen.uid.has_value() || unix_listen.gid.has_value()) {
    const uid_t uid = unix_listen.uid.has_value()
                          ? static_cast<uid_t>(*unix_listen.uid)
                          : static_cast<uid_t>(-1);
    const gid_t gid = unix_listen.gid.has_value()
                          ? static_cast<gid_t>(*unix_listen.gid)
                          : static_cast<gid_t>(-1);
    if (chown(path, uid, gid) != 0) {
      return absl::PermissionDeniedError(
          absl::StrCat("unix_listen: cannot set the owner of ",
                       unix_listen.path, ": ", std::strerror(errno)));
    }
  }
  if (chmod(path, static_cast<mode_t>(unix_listen.mode)) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("unix_listen: cannot set the mode of ", unix_listen.path,
                     ": ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

// Takes every plugin off a ServerBuilder. gRPC gives each builder in the
// process the plugins registered globally, and server reflection registers
// itself as soon as libgrpc++_reflection is loaded; the probe listener,
// reachable from the pod network, must serve the health service alone.
class NoPluginsOption final : public grpc::ServerBuilderOption {
 public:
  void UpdateArguments(grpc::ChannelArguments* /*args*/) override {}
  void UpdatePlugins(std::vector<std::unique_ptr<grpc::ServerBuilderPlugin>>*
                         plugins) override {
    plugins->clear();
  }
};

}  // namespace

GatewayServer::GatewayServer(const GatewayEnv& env)
    : env_(env),
      service_(&runtime_, env.rpc_observer, env.upstream.clock,
               env.upstream.scheduler) {}

absl::StatusOr<std::unique_ptr<GatewayServer>> GatewayServer::Start(
    GatewaySettings settings, const GatewayEnv& env) {
  const std::string listen = settings.listen;
  const UnixListenerSettings unix_listen = settings.unix_listen;
  const std::string health_listen = settings.health_listen;
  const size_t max_body = settings.max_body_bytes;
  std::unique_ptr<GatewayServer> gateway(new GatewayServer(env));
  gateway->runtime_.Set(
      std::make_shared<GatewayRuntime>(std::move(settings), env, nullptr));

  // Debian's libgrpc++ serves grpc.health.v1.Health itself; touching the
  // compiled descriptor links it in so that reflection can describe it too.
  grpc::health::v1::HealthCheckRequest::descriptor();
  grpc::EnableDefaultHealthCheckService(true);
  // Global: every builder gets reflection unless it opts out, as the
  // health listener's does.
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  grpc::ServerBuilder builder;
  int selected_port = 0;
  if (!listen.empty()) {
    builder.AddListeningPort(listen, grpc::InsecureServerCredentials(),
                             &selected_port);
  }
  const std::string unix_address = absl::StrCat("unix:", unix_listen.path);
  if (!unix_listen.path.empty()) {
    builder.AddListeningPort(unix_address, grpc::InsecureServerCredentials());
  }
  builder.RegisterService(&gateway->service_);
  builder.SetMaxReceiveMessageSize(static_cast<int>(
      std::min<size_t>(max_body + kMessageOverheadBytes, INT32_MAX)));
  builder.SetMaxSendMessageSize(static_cast<int>(
      std::min<size_t>(max_body + kMessageOverheadBytes, INT32_MAX)));
  // The socket file is born owner-only; SecureUnixSocket then opens it to
  // the configured mode. (umask is process-wide, but nothing else creates
  // files while the server starts.)
  const mode_t old_umask = umask(0177);
  gateway->server_ = builder.BuildAndStart();
  umask(old_umask);
  const std::string addresses = absl::StrCat(
      listen, listen.empty() || unix_listen.path.empty() ? "" : " and ",
      unix_listen.path.empty() ? "" : unix_address);
  if (gateway->server_ == nullptr) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", addresses,
                     " (address in use, bad address, or no permission)"));
  }
  if (!listen.empty() && !absl::StartsWith(listen, "unix:") &&
      selected_port == 0) {
    return absl::UnavailableError(absl::StrCat("cannot listen on ", listen));
  }
  if (!unix_listen.path.empty()) {
    if (absl::Status secured = SecureUnixSocket(unix_listen); !secured.ok()) {
      return secured;
    }
  }
  gateway->address_ =
      listen.empty() ? unix_address : BoundAddress(listen, selected_port);
  gateway->unix_address_ = unix_listen.path.empty() ? "off" : unix_address;

  if (!health_listen.empty()) {
    // A second server with no service of ours and no plugin (so no
    // reflection): only the default health service. Kubernetes gRPC probes
    // connect to the pod IP, and this keeps the API on loopback.
    grpc::ServerBuilder health_builder;
    health_builder.SetOption(std::make_unique<NoPluginsOption>());
    // The UNIMPLEMENTED a server without the method would give anyway, but
    // gRPC starts no server that has no method of its own to poll for.
    health_builder.RegisterCallbackGenericService(&gateway->health_fallback_);
    int health_port = 0;
    health_builder.AddListeningPort(
        health_listen, grpc::InsecureServerCredentials(), &health_port);
    gateway->health_server_ = health_builder.BuildAndStart();
    if (gateway->health_server_ == nullptr || health_port == 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot listen on health_listen ", health_listen));
    }
    gateway->health_address_ = BoundAddress(health_listen, health_port);
  }
  gateway->SetHealth("", false);
  gateway->SetHealth(std::string(kLivenessService), true);
  return gateway;
}

void GatewayServer::SetHealth(const std::string& service, bool serving) {
  for (grpc::Server* server : {server_.get(), health_server_.get()}) {
    if (server != nullptr) {
      server->GetHealthCheckService()->SetServingStatus(service, serving);
    }
  }
}

void GatewayServer::SetServing(bool serving) {
  if (shut_down_ || server_ == nullptr) return;
  SetHealth("", serving);
}

void GatewayServer::Reload(GatewaySettings settings) {
  std::shared_ptr<GatewayRuntime> current = runtime_.Get();
  const GatewaySettings& old = current->profiles.settings();
  // What the listeners and the receiver took at start-up; a change is
  // named, not silently ignored.
  std::vector<absl::string_view> need_restart;
  const auto note = [&need_restart](bool changed, absl::string_view name) {
    if (changed) need_restart.push_back(name);
  };
  note(settings.listen != old.listen, "listen");
  note(settings.unix_listen.path != old.unix_listen.path ||
           settings.unix_listen.mode != old.unix_listen.mode ||
           settings.unix_listen.uid != old.unix_listen.uid ||
           settings.unix_listen.gid != old.unix_listen.gid,
       "unix_listen");
  note(settings.health_listen != old.health_listen, "health_listen");
  note(settings.admin_listen != old.admin_listen, "admin_listen");
  note(settings.connect_timeout != old.connect_timeout, "connect_timeout");
  note(settings.inbound_listen != old.inbound_listen, "inbound_listen");
  note(settings.inbound_head_timeout != old.inbound_head_timeout,
       "inbound_head_timeout");
  note(settings.inbound_max_connections != old.inbound_max_connections ||
           settings.inbound_max_connections_per_client !=
               old.inbound_max_connections_per_client,
       "inbound_max_connections");
  if (!need_restart.empty()) {
    LogWarning("config reload: some changes take effect at the next restart",
               {{"settings", absl::StrJoin(need_restart, ", ")}});
  }
  runtime_.Set(std::make_shared<GatewayRuntime>(std::move(settings), env_,
                                                current.get()));
}

void GatewayServer::Shutdown(absl::Duration grace) {
  if (shut_down_ || server_ == nullptr) return;
  shut_down_ = true;
  SetHealth("", false);
  SetHealth(std::string(kLivenessService), false);
  server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
  server_->Wait();
  if (health_server_ != nullptr) {
    health_server_->Shutdown(absl::ToChronoTime(absl::Now()));
    health_server_->Wait();
  }
}

GatewayServer::~GatewayServer() { Shutdown(absl::ZeroDuration()); }

}  // namespace signet
