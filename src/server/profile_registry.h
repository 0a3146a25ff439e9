#ifndef SIGNET_SERVER_PROFILE_REGISTRY_H_
#define SIGNET_SERVER_PROFILE_REGISTRY_H_

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "common/clock.h"
#include "config/settings.h"
#include "http/http_client.h"
#include "server/gateway_env.h"
#include "upstream/upstream_transport.h"
#include "upstream/signer.h"
#include "openapi/openapi_token_source.h"
#include "openapi/token_cache.h"

namespace signet {

// An OpenAPI profile at run time: its settings, its token cache and the
// signer that attaches the cached token to forwarded calls. Heap-allocated
// and shared, so a config reload that leaves the profile unchanged keeps
// its cached token.
struct OpenApiProfileRuntime {
  OpenApiSettings settings;
  std::unique_ptr<UpstreamTransport> upstream;
  // Verifies and forwarded calls go through this (upstream->forward()).
  HttpClient* http = nullptr;
  std::unique_ptr<OpenApiTokenSource> source;
  std::unique_ptr<TokenCache> cache;
  std::unique_ptr<Signer> signer;
};

struct InnoPaasProfileRuntime {
  InnoPaasSettings settings;
  std::unique_ptr<UpstreamTransport> upstream;
  HttpClient* http = nullptr;  // upstream->forward()
  std::unique_ptr<Signer> signer;
};

struct LicenseProfileRuntime {
  LicenseSettings settings;
  std::unique_ptr<UpstreamTransport> upstream;
  HttpClient* http = nullptr;  // upstream->forward()
  std::unique_ptr<Signer> signer;
};

// Owns the settings and per-profile state of one configuration and answers
// "which profile does this call mean": an empty name means "default"; a
// name configured under another kind is INVALID_ARGUMENT, a name configured
// nowhere NOT_FOUND. Immutable after construction (the profiles' own state
// is internally synchronized), so RPCs share it freely.
class ProfileRegistry {
 public:
  // What `env` points to must outlive the registry. Profiles
  // whose settings equal those in `previous` (may be null) are taken over
  // from it, token cache included; the others start afresh.
  ProfileRegistry(GatewaySettings settings, const GatewayEnv& env,
                  const ProfileRegistry* previous = nullptr);

  const GatewaySettings& settings() const { return settings_; }

  absl::StatusOr<OpenApiProfileRuntime*> FindOpenApi(
      absl::string_view name) const;
  absl::StatusOr<InnoPaasProfileRuntime*> FindInnoPaas(
      absl::string_view name) const;
  absl::StatusOr<LicenseProfileRuntime*> FindLicense(
      absl::string_view name) const;

  // Seconds until each OpenAPI profile's cached token expires (negative
  // once expired); profiles without a token yet are left out.
  std::vector<std::pair<std::string, double>> TokenExpiries(
      absl::Time now) const;

  // Calls `visit` for each OpenAPI profile, in name order.
  void ForEachOpenApi(
      const std::function<void(const OpenApiProfileRuntime&)>& visit) const {
    for (const auto& [name, runtime] : openapi_) visit(*runtime);
  }

 private:
  // NOT_FOUND or INVALID_ARGUMENT for `name`, which `wanted` does not have.
  absl::Status Missing(absl::string_view wanted, absl::string_view name) const;

  const GatewaySettings settings_;
  std::map<std::string, std::shared_ptr<OpenApiProfileRuntime>, std::less<>>
      openapi_;
  std::map<std::string, std::shared_ptr<InnoPaasProfileRuntime>, std::less<>>
      innopaas_;
  std::map<std::string, std::shared_ptr<LicenseProfileRuntime>, std::less<>>
      licenses_;
};

}  // namespace signet

#endif  // SIGNET_SERVER_PROFILE_REGISTRY_H_
