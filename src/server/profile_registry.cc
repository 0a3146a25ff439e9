#include "server/profile_registry.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/caller_text.h"

namespace signet {
namespace {

template <typename Map>
bool Contains(const Map& map, absl::string_view name) {
  return map.find(std::string(name)) != map.end();
}

}  // namespace

template <typename Profile, typename Settings>
std::shared_ptr<Profile> ProfileRegistry::Unchanged(
    const ProfileRegistry* previous, ByName<Profile> ProfileRegistry::*kind,
    const std::string& name, const Settings& settings) {
  if (previous == nullptr) return nullptr;
  const auto old = (previous->*kind).find(name);
  if (old == (previous->*kind).end() || old->second->settings() != settings) {
    return nullptr;
  }
  return old->second;
}

ProfileRegistry::ProfileRegistry(GatewaySettings settings,
                                 const UpstreamEnv& env, TokenObserver* tokens,
                                 const ProfileRegistry* previous)
    : settings_(std::move(settings)) {
  for (const auto& [name, profile] : settings_.openapi) {
    auto kept = Unchanged(previous, &ProfileRegistry::openapi_, name, profile);
    openapi_.emplace(name, kept != nullptr
                               ? std::move(kept)
                               : OpenApiProfile::Create(profile, env, tokens));
  }
  for (const auto& [name, profile] : settings_.innopaas) {
    auto kept = Unchanged(previous, &ProfileRegistry::innopaas_, name, profile);
    innopaas_.emplace(name, kept != nullptr
                                ? std::move(kept)
                                : InnoPaasProfile::Create(profile, env));
  }
  for (const auto& [name, profile] : settings_.licenses) {
    auto kept = Unchanged(previous, &ProfileRegistry::licenses_, name, profile);
    licenses_.emplace(name, kept != nullptr
                                ? std::move(kept)
                                : LicenseProfile::Create(profile, env));
  }
}

std::vector<std::pair<std::string, double>> ProfileRegistry::TokenExpiries(
    absl::Time now) const {
  std::vector<std::pair<std::string, double>> expiries;
  for (const auto& [name, profile] : openapi_) {
    const std::optional<absl::Time> expires_at = profile->TokenExpiresAt();
    if (expires_at.has_value()) {
      expiries.emplace_back(name, absl::ToDoubleSeconds(*expires_at - now));
    }
  }
  return expiries;
}

std::vector<std::shared_ptr<OpenApiProfile>> ProfileRegistry::OpenApiProfiles()
    const {
  std::vector<std::shared_ptr<OpenApiProfile>> profiles;
  profiles.reserve(openapi_.size());
  for (const auto& [name, profile] : openapi_) profiles.push_back(profile);
  return profiles;
}

template <typename Profile>
absl::StatusOr<std::shared_ptr<Profile>> ProfileRegistry::Find(
    const ByName<Profile>& kind, absl::string_view wanted,
    absl::string_view name) const {
  if (name.empty()) name = kDefaultProfile;
  const auto it = kind.find(name);
  if (it != kind.end()) return it->second;
  std::vector<absl::string_view> kinds;
  if (Contains(settings_.openapi, name)) kinds.push_back("openapi");
  if (Contains(settings_.innopaas, name)) kinds.push_back("innopaas");
  if (Contains(settings_.licenses, name)) kinds.push_back("licenses");
  if (kinds.empty()) {
    return absl::NotFoundError(
        absl::StrCat("profile \"", CallerText(name), "\" is not configured"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "profile \"", CallerText(name), "\" is configured only under ",
      absl::StrJoin(kinds, ", "), "; this call needs one under ", wanted));
}

absl::StatusOr<std::shared_ptr<OpenApiProfile>> ProfileRegistry::FindOpenApi(
    absl::string_view name) const {
  return Find(openapi_, "openapi", name);
}

absl::StatusOr<std::shared_ptr<InnoPaasProfile>> ProfileRegistry::FindInnoPaas(
    absl::string_view name) const {
  return Find(innopaas_, "innopaas", name);
}

absl::StatusOr<std::shared_ptr<LicenseProfile>> ProfileRegistry::FindLicense(
    absl::string_view name) const {
  return Find(licenses_, "licenses", name);
}

}  // namespace signet
