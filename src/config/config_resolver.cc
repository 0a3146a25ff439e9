#include "config/config_resolver.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "config/config_loader.h"
#include "http/request_validation.h"
#include "secrets/secret_reader.h"

namespace signet {
namespace {

using config::v1::SecretRef;

// Prefixes an error with the config path it concerns.
absl::Status AtPath(absl::string_view path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

template <typename T>
absl::StatusOr<T> AtPath(absl::string_view path, absl::StatusOr<T> value) {
  if (!value.ok()) return AtPath(path, value.status());
  return value;
}

absl::StatusOr<Secret> ResolveSecret(const SecretRef& ref,
                                     absl::string_view path) {
  switch (ref.source_case()) {
    case SecretRef::kFile:
      return AtPath(path, ReadSecretFile(ref.file()));
    case SecretRef::kEnv:
      return AtPath(path, ReadSecretEnv(ref.env()));
    case SecretRef::kValue:
      if (ref.value().empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, ": value is empty"));
      }
      return Secret(ref.value());
    case SecretRef::SOURCE_NOT_SET:
      break;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": missing; give {file: PATH}, {env: NAME} or {value: ...}"));
}

absl::Status CheckProfileName(absl::string_view section,
                              absl::string_view name) {
  if (name.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(section, ": a profile name is empty"));
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' &&
        c != '_' && c != '.') {
      return absl::InvalidArgumentError(absl::StrCat(
          section, ".", name,
          ": profile names may use letters, digits, '-', '_' and '.'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<OpenApiSettings> ResolveOpenApi(
    const std::string& name, const config::v1::OpenApiProfile& profile) {
  const std::string path = absl::StrCat("openapi.", name);
  OpenApiSettings settings;
  settings.name = name;
  SIGNET_ASSIGN_OR_RETURN(
      settings.base_url,
      AtPath(path + ".base_url",
             ParseBaseUrl(profile.base_url(), profile.allow_insecure_http())));
  if (profile.app_id().empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ".app_id: missing"));
  }
  settings.app_id = profile.app_id();
  SIGNET_ASSIGN_OR_RETURN(
      settings.app_secret,
      ResolveSecret(profile.app_secret(), path + ".app_secret"));
  settings.expire_time_zone_name =
      profile.expire_time_zone().empty() ? "UTC" : profile.expire_time_zone();
  if (!absl::LoadTimeZone(settings.expire_time_zone_name,
                          &settings.expire_time_zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".expire_time_zone: unknown time zone \"",
                     settings.expire_time_zone_name,
                     "\" (an IANA name such as UTC or Asia/Shanghai; is "
                     "tzdata installed?)"));
  }
  SIGNET_ASSIGN_OR_RETURN(
      settings.max_ttl,
      AtPath(path + ".max_ttl",
             ParseConfigDuration(profile.max_ttl(), absl::Hours(2))));
  SIGNET_ASSIGN_OR_RETURN(
      settings.refresh_before,
      AtPath(path + ".refresh_before",
             ParseConfigDuration(profile.refresh_before(), absl::Minutes(5))));
  SIGNET_ASSIGN_OR_RETURN(
      settings.token_timeout,
      AtPath(path + ".token_timeout",
             ParseConfigDuration(profile.token_timeout(), absl::Seconds(10))));
  if (settings.refresh_before >= settings.max_ttl) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".refresh_before: must be shorter than max_ttl (",
        absl::FormatDuration(settings.max_ttl), ")"));
  }
  settings.token_invalid_codes.assign(profile.token_invalid_codes().begin(),
                                      profile.token_invalid_codes().end());
  if (!profile.app_id_field().empty()) {
    settings.app_id_field = profile.app_id_field();
  }
  return settings;
}

absl::StatusOr<InnoPaasSettings> ResolveInnoPaas(
    const std::string& name, const config::v1::InnoPaasProfile& profile) {
  const std::string path = absl::StrCat("innopaas.", name);
  InnoPaasSettings settings;
  settings.name = name;
  SIGNET_ASSIGN_OR_RETURN(
      settings.base_url,
      AtPath(path + ".base_url",
             ParseBaseUrl(profile.base_url(), profile.allow_insecure_http())));
  SIGNET_ASSIGN_OR_RETURN(settings.app_key,
                          ResolveSecret(profile.app_key(), path + ".app_key"));
  SIGNET_ASSIGN_OR_RETURN(
      settings.authorization,
      ResolveSecret(profile.authorization(), path + ".authorization"));
  return settings;
}

absl::StatusOr<LicenseSettings> ResolveLicense(
    const std::string& name, const config::v1::LicenseProfile& profile) {
  const std::string path = absl::StrCat("licenses.", name);
  LicenseSettings settings;
  settings.name = name;
  SIGNET_ASSIGN_OR_RETURN(
      settings.url, AtPath(path + ".url", ParseBaseUrl(profile.url(),
                                                       profile.allow_insecure_http())));
  const std::string method = absl::AsciiStrToUpper(profile.method());
  if (!method.empty()) {
    if (method != "GET" && method != "POST") {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".method: must be GET or POST"));
    }
    settings.method = method;
  }
  const std::string verification =
      absl::AsciiStrToLower(profile.verification());
  if (verification.empty() || verification == "signature") {
    settings.verification = LicenseVerification::kSignature;
  } else if (verification == "password") {
    settings.verification = LicenseVerification::kPassword;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".verification: must be \"signature\" or \"password\""));
  }
  SIGNET_ASSIGN_OR_RETURN(settings.secret,
                          ResolveSecret(profile.secret(), path + ".secret"));
  std::vector<HttpHeader> headers;
  for (const auto& [name, value] : profile.headers()) {
    headers.push_back({name, value});
  }
  SIGNET_RETURN_IF_ERROR(AtPath(
      path, ValidateCallerHeaders(headers, kApsdaiSignedHeaders)));
  settings.headers.insert(profile.headers().begin(), profile.headers().end());
  settings.body.insert(profile.body().begin(), profile.body().end());
  return settings;
}

}  // namespace

absl::StatusOr<absl::Duration> ParseConfigDuration(
    absl::string_view text, absl::Duration default_value) {
  if (text.empty()) return default_value;
  absl::Duration duration;
  if (!absl::ParseDuration(text, &duration)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", text, "\" is not a duration (examples: 250ms, 30s, 5m, 2h)"));
  }
  if (duration <= absl::ZeroDuration() || duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" must be positive and finite"));
  }
  return duration;
}

absl::StatusOr<GatewaySettings> ResolveConfig(
    const config::v1::Config& config) {
  GatewaySettings settings;
  if (!config.listen().empty()) settings.listen = config.listen();
  SIGNET_ASSIGN_OR_RETURN(
      settings.default_deadline,
      AtPath("default_deadline",
             ParseConfigDuration(config.default_deadline(), absl::Seconds(30))));
  SIGNET_ASSIGN_OR_RETURN(
      settings.connect_timeout,
      AtPath("connect_timeout",
             ParseConfigDuration(config.connect_timeout(), absl::Seconds(5))));
  if (config.max_body_bytes() != 0) {
    settings.max_body_bytes = config.max_body_bytes();
  }
  for (const auto& [name, profile] : config.openapi()) {
    SIGNET_RETURN_IF_ERROR(CheckProfileName("openapi", name));
    SIGNET_ASSIGN_OR_RETURN(OpenApiSettings resolved,
                            ResolveOpenApi(name, profile));
    settings.openapi.emplace(name, std::move(resolved));
  }
  for (const auto& [name, profile] : config.innopaas()) {
    SIGNET_RETURN_IF_ERROR(CheckProfileName("innopaas", name));
    SIGNET_ASSIGN_OR_RETURN(InnoPaasSettings resolved,
                            ResolveInnoPaas(name, profile));
    settings.innopaas.emplace(name, std::move(resolved));
  }
  for (const auto& [name, profile] : config.licenses()) {
    SIGNET_RETURN_IF_ERROR(CheckProfileName("licenses", name));
    SIGNET_ASSIGN_OR_RETURN(LicenseSettings resolved,
                            ResolveLicense(name, profile));
    settings.licenses.emplace(name, std::move(resolved));
  }
  if (settings.openapi.empty() && settings.innopaas.empty() &&
      settings.licenses.empty()) {
    return absl::InvalidArgumentError(
        "no profiles: configure at least one of openapi, innopaas, licenses");
  }
  return settings;
}

absl::StatusOr<GatewaySettings> LoadSettings(absl::string_view path) {
  SIGNET_ASSIGN_OR_RETURN(config::v1::Config config, LoadConfigFile(path));
  auto settings = ResolveConfig(config);
  if (!settings.ok()) {
    return absl::Status(settings.status().code(),
                        absl::StrCat(path, ": ", settings.status().message()));
  }
  return settings;
}

}  // namespace signet
