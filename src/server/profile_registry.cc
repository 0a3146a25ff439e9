#include "server/profile_registry.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "signers/apsdai_signer.h"
#include "signers/bearer_token_signer.h"
#include "signers/static_header_signer.h"

namespace signet {
namespace {

constexpr absl::string_view kDefaultProfile = "default";

absl::string_view ProfileName(absl::string_view name) {
  return name.empty() ? kDefaultProfile : name;
}

template <typename Map>
bool Contains(const Map& map, absl::string_view name) {
  return map.find(std::string(name)) != map.end();
}

}  // namespace

ProfileRegistry::ProfileRegistry(GatewaySettings settings, HttpClient* http,
                                 const Clock* clock)
    : settings_(std::move(settings)) {
  for (const auto& [name, profile] : settings_.openapi) {
    OpenApiProfileRuntime runtime;
    runtime.settings = &profile;
    runtime.source = std::make_unique<OpenApiTokenSource>(&profile, http, clock);
    TokenCache::Options options;
    options.refresh_before = profile.refresh_before;
    runtime.cache = std::make_unique<TokenCache>(runtime.source.get(), clock,
                                                 std::move(options));
    runtime.signer = std::make_unique<BearerTokenSigner>(runtime.cache.get(),
                                                         profile.app_id);
    openapi_.emplace(name, std::move(runtime));
  }
  for (const auto& [name, profile] : settings_.innopaas) {
    innopaas_.emplace(
        name, InnoPaasProfileRuntime{&profile, std::make_unique<StaticHeaderSigner>(
                                                   profile.app_key,
                                                   profile.authorization)});
  }
  for (const auto& [name, profile] : settings_.licenses) {
    licenses_.emplace(
        name, LicenseProfileRuntime{&profile, std::make_unique<ApsdaiSigner>(
                                                  profile.verification,
                                                  profile.secret, clock)});
  }
}

absl::Status ProfileRegistry::Missing(absl::string_view wanted,
                                      absl::string_view name) const {
  std::vector<absl::string_view> kinds;
  if (Contains(settings_.openapi, name)) kinds.push_back("openapi");
  if (Contains(settings_.innopaas, name)) kinds.push_back("innopaas");
  if (Contains(settings_.licenses, name)) kinds.push_back("licenses");
  if (kinds.empty()) {
    return absl::NotFoundError(absl::StrCat("profile \"", name,
                                            "\" is not configured"));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "profile \"", name, "\" is configured only under ",
      absl::StrJoin(kinds, ", "), "; this call needs one under ", wanted));
}

absl::StatusOr<OpenApiProfileRuntime*> ProfileRegistry::FindOpenApi(
    absl::string_view name) {
  name = ProfileName(name);
  auto it = openapi_.find(name);
  if (it == openapi_.end()) return Missing("openapi", name);
  return &it->second;
}

absl::StatusOr<InnoPaasProfileRuntime*> ProfileRegistry::FindInnoPaas(
    absl::string_view name) {
  name = ProfileName(name);
  auto it = innopaas_.find(name);
  if (it == innopaas_.end()) return Missing("innopaas", name);
  return &it->second;
}

absl::StatusOr<LicenseProfileRuntime*> ProfileRegistry::FindLicense(
    absl::string_view name) {
  name = ProfileName(name);
  auto it = licenses_.find(name);
  if (it == licenses_.end()) return Missing("licenses", name);
  return &it->second;
}

}  // namespace signet
