#include "server/profile_registry.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/caller_text.h"
#include "apsdai/apsdai_signer.h"
#include "openapi/bearer_token_signer.h"
#include "innopaas/static_header_signer.h"

namespace signet {
namespace {

constexpr absl::string_view kDefaultProfile = "default";

absl::string_view ProfileName(absl::string_view name) {
  return name.empty() ? kDefaultProfile : name;
}

// Whether a reloaded OpenAPI profile may keep its runtime (and cached
// token): everything that shapes the token request or its lifetime equal.
bool SameSettings(const OpenApiSettings& a, const OpenApiSettings& b) {
  return a.base_url.text == b.base_url.text && a.app_id == b.app_id &&
         a.app_secret.Equals(b.app_secret.Reveal()) &&
         a.expire_time_zone_name == b.expire_time_zone_name &&
         a.max_ttl == b.max_ttl && a.refresh_before == b.refresh_before &&
         a.token_timeout == b.token_timeout &&
         a.min_refresh_interval == b.min_refresh_interval &&
         a.app_id_field == b.app_id_field &&
         a.token_invalid_codes == b.token_invalid_codes &&
         a.prewarm == b.prewarm && a.upstream == b.upstream;
}

template <typename Map>
bool Contains(const Map& map, absl::string_view name) {
  return map.find(std::string(name)) != map.end();
}

// The profile's transport chain; `http` is its forward() end.
template <typename Runtime>
void AttachUpstream(Runtime& runtime, const std::string& name,
                    const GatewayEnv& env) {
  runtime.upstream =
      std::make_unique<UpstreamTransport>(name, runtime.settings.upstream, env);
  runtime.http = runtime.upstream->forward();
}

}  // namespace

ProfileRegistry::ProfileRegistry(GatewaySettings settings,
                                 const GatewayEnv& env,
                                 const ProfileRegistry* previous)
    : settings_(std::move(settings)) {
  for (const auto& [name, profile] : settings_.openapi) {
    if (previous != nullptr) {
      const auto old = previous->openapi_.find(name);
      if (old != previous->openapi_.end() &&
          SameSettings(old->second->settings, profile)) {
        openapi_.emplace(name, old->second);
        continue;
      }
    }
    auto runtime = std::make_shared<OpenApiProfileRuntime>();
    runtime->settings = profile;
    AttachUpstream(*runtime, name, env);
    runtime->source = std::make_unique<OpenApiTokenSource>(
        &runtime->settings, runtime->upstream->token(), env.clock);
    TokenCache::Options options;
    options.refresh_before = profile.refresh_before;
    options.min_refresh_interval = profile.min_refresh_interval;
    options.observer = env.observers.tokens;
    options.profile = name;
    runtime->cache = std::make_unique<TokenCache>(
        runtime->source.get(), env.clock, std::move(options));
    runtime->signer = std::make_unique<BearerTokenSigner>(
        runtime->cache.get(), runtime->settings.app_id);
    openapi_.emplace(name, std::move(runtime));
  }
  for (const auto& [name, profile] : settings_.innopaas) {
    auto runtime = std::make_shared<InnoPaasProfileRuntime>();
    runtime->settings = profile;
    AttachUpstream(*runtime, name, env);
    runtime->signer = std::make_unique<StaticHeaderSigner>(
        runtime->settings.app_key, runtime->settings.authorization);
    innopaas_.emplace(name, std::move(runtime));
  }
  for (const auto& [name, profile] : settings_.licenses) {
    auto runtime = std::make_shared<LicenseProfileRuntime>();
    runtime->settings = profile;
    AttachUpstream(*runtime, name, env);
    runtime->signer = std::make_unique<ApsdaiSigner>(
        runtime->settings.verification, runtime->settings.secret, env.clock);
    licenses_.emplace(name, std::move(runtime));
  }
}

std::vector<std::pair<std::string, double>> ProfileRegistry::TokenExpiries(
    absl::Time now) const {
  std::vector<std::pair<std::string, double>> expiries;
  for (const auto& [name, runtime] : openapi_) {
    const std::optional<absl::Time> expires_at = runtime->cache->ExpiresAt();
    if (expires_at.has_value()) {
      expiries.emplace_back(name, absl::ToDoubleSeconds(*expires_at - now));
    }
  }
  return expiries;
}

absl::Status ProfileRegistry::Missing(absl::string_view wanted,
                                      absl::string_view name) const {
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

absl::StatusOr<OpenApiProfileRuntime*> ProfileRegistry::FindOpenApi(
    absl::string_view name) const {
  name = ProfileName(name);
  auto it = openapi_.find(name);
  if (it == openapi_.end()) return Missing("openapi", name);
  return it->second.get();
}

absl::StatusOr<InnoPaasProfileRuntime*> ProfileRegistry::FindInnoPaas(
    absl::string_view name) const {
  name = ProfileName(name);
  auto it = innopaas_.find(name);
  if (it == innopaas_.end()) return Missing("innopaas", name);
  return it->second.get();
}

absl::StatusOr<LicenseProfileRuntime*> ProfileRegistry::FindLicense(
    absl::string_view name) const {
  name = ProfileName(name);
  auto it = licenses_.find(name);
  if (it == licenses_.end()) return Missing("licenses", name);
  return it->second.get();
}

}  // namespace signet
