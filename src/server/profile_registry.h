#ifndef SIGNET_SERVER_PROFILE_REGISTRY_H_
#define SIGNET_SERVER_PROFILE_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "apsdai/license_profile.h"
#include "config/settings.h"
#include "innopaas/innopaas_profile.h"
#include "openapi/openapi_profile.h"
#include "openapi/token_observer.h"
#include "upstream/upstream_env.h"

namespace signet {

// The outbound profiles of one configuration, by kind and name, answering
// "which profile does this call mean": an empty name means "default"; a
// name configured under another kind is INVALID_ARGUMENT, a name
// configured nowhere NOT_FOUND. Immutable after construction (each
// profile's own state is internally synchronized), so RPCs share it.
class ProfileRegistry {
 public:
  // Each profile is built by its kind from its settings. A profile whose
  // settings equal those in `previous` (may be null) is taken over from it,
  // with its state: an OpenAPI profile's cached token, any profile's
  // circuit breaker.
  ProfileRegistry(GatewaySettings settings, const UpstreamEnv& env,
                  TokenObserver* tokens,
                  const ProfileRegistry* previous = nullptr);

  const GatewaySettings& settings() const { return settings_; }

  absl::StatusOr<std::shared_ptr<OpenApiProfile>> FindOpenApi(
      absl::string_view name) const;
  absl::StatusOr<std::shared_ptr<InnoPaasProfile>> FindInnoPaas(
      absl::string_view name) const;
  absl::StatusOr<std::shared_ptr<LicenseProfile>> FindLicense(
      absl::string_view name) const;

  // Seconds until each OpenAPI profile's cached token expires (negative
  // once expired); profiles without a token yet are left out.
  std::vector<std::pair<std::string, double>> TokenExpiries(
      absl::Time now) const;

  // The OpenAPI profiles, in name order.
  std::vector<std::shared_ptr<OpenApiProfile>> OpenApiProfiles() const;

 private:
  template <typename Profile>
  using ByName = std::map<std::string, std::shared_ptr<Profile>, std::less<>>;

  // The profile of `previous` under `name` if its settings equal
  // `settings`, else null.
  template <typename Profile, typename Settings>
  static std::shared_ptr<Profile> Unchanged(
      const ProfileRegistry* previous, ByName<Profile> ProfileRegistry::*kind,
      const std::string& name, const Settings& settings);

  template <typename Profile>
  absl::StatusOr<std::shared_ptr<Profile>> Find(const ByName<Profile>& kind,
                                                absl::string_view wanted,
                                                absl::string_view name) const;

  const GatewaySettings settings_;
  ByName<OpenApiProfile> openapi_;
  ByName<InnoPaasProfile> innopaas_;
  ByName<LicenseProfile> licenses_;
};

}  // namespace signet

#endif  // SIGNET_SERVER_PROFILE_REGISTRY_H_
