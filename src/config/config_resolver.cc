#include "config/config_resolver.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "config/access_resolver.h"
#include "config/config_loader.h"
#include "config/resolve_context.h"
#include "config/upstream_resolver.h"
#include "http/base_url.h"
#include "http/request_validation.h"

namespace signet {
namespace {

using config::v1::SecretRef;
using config_internal::AtPath;
using config_internal::ResolveSecret;

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

absl::StatusOr<LicenseVerification> ParseVerification(absl::string_view text,
                                                      absl::string_view path) {
  const std::string verification = absl::AsciiStrToLower(text);
  if (verification.empty() || verification == "signature") {
    return LicenseVerification::kSignature;
  }
  if (verification == "password") return LicenseVerification::kPassword;
  return absl::InvalidArgumentError(absl::StrCat(
      path, ".verification: must be \"signature\" or \"password\""));
}

// "UTC", "Asia/Shanghai", "Etc/GMT+8", "America/Argentina/Buenos_Aires".
bool LooksLikeZoneName(absl::string_view name) {
  if (name.empty() || name.front() == '/' || absl::StrContains(name, "..")) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '/' ||
           c == '_' || c == '-' || c == '+';
  });
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
  // absl::LoadTimeZone also opens absolute and relative file paths (and
  // "file:" names); a zone name is never one, and /dev/stdin would block.
  if (!LooksLikeZoneName(settings.expire_time_zone_name)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".expire_time_zone: \"", settings.expire_time_zone_name,
        "\" is not an IANA zone name (such as UTC or Asia/Shanghai)"));
  }
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
  SIGNET_ASSIGN_OR_RETURN(
      settings.min_refresh_interval,
      AtPath(path + ".min_refresh_interval",
             ParseConfigDuration(profile.min_refresh_interval(),
                                 absl::Seconds(30))));
  if (settings.refresh_before >= settings.max_ttl) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".refresh_before: must be shorter than max_ttl (",
                     absl::FormatDuration(settings.max_ttl), ")"));
  }
  settings.token_invalid_codes.assign(profile.token_invalid_codes().begin(),
                                      profile.token_invalid_codes().end());
  if (!profile.app_id_field().empty()) {
    settings.app_id_field = profile.app_id_field();
  }
  if (profile.has_prewarm()) settings.prewarm = profile.prewarm();
  SIGNET_ASSIGN_OR_RETURN(settings.upstream,
                          ResolveUpstream(profile.upstream(), settings.base_url,
                                          path + ".upstream"));
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
  SIGNET_ASSIGN_OR_RETURN(settings.upstream,
                          ResolveUpstream(profile.upstream(), settings.base_url,
                                          path + ".upstream"));
  return settings;
}

absl::StatusOr<LicenseSettings> ResolveLicense(
    const std::string& name, const config::v1::LicenseProfile& profile) {
  const std::string path = absl::StrCat("licenses.", name);
  LicenseSettings settings;
  settings.name = name;
  SIGNET_ASSIGN_OR_RETURN(
      settings.url,
      AtPath(path + ".url",
             ParseBaseUrl(profile.url(), profile.allow_insecure_http())));
  const std::string method = absl::AsciiStrToUpper(profile.method());
  if (!method.empty()) {
    if (method != "GET" && method != "POST") {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".method: must be GET or POST"));
    }
    settings.method = method;
  }
  SIGNET_ASSIGN_OR_RETURN(settings.verification,
                          ParseVerification(profile.verification(), path));
  SIGNET_ASSIGN_OR_RETURN(settings.secret,
                          ResolveSecret(profile.secret(), path + ".secret"));
  std::vector<HttpHeader> headers;
  for (const auto& [name, value] : profile.headers()) {
    headers.push_back({name, value});
  }
  SIGNET_RETURN_IF_ERROR(
      AtPath(path, ValidateCallerHeaders(headers, kApsdaiSignedHeaders)));
  settings.headers.insert(profile.headers().begin(), profile.headers().end());
  settings.body.insert(profile.body().begin(), profile.body().end());
  SIGNET_ASSIGN_OR_RETURN(
      settings.upstream,
      ResolveUpstream(profile.upstream(), settings.url, path + ".upstream"));
  return settings;
}

absl::StatusOr<InboundSettings> ResolveInbound(
    const std::string& name, const config::v1::InboundProfile& profile) {
  const std::string path = absl::StrCat("inbound.", name);
  InboundSettings settings;
  settings.name = name;
  if (profile.has_innopaas_webhook() == profile.has_apsdai()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": give exactly one of innopaas_webhook, apsdai"));
  }
  if (profile.has_innopaas_webhook()) {
    const auto& webhook = profile.innopaas_webhook();
    InnoPaasWebhookSettings resolved;
    SIGNET_ASSIGN_OR_RETURN(
        resolved.user_name,
        ResolveSecret(webhook.user_name(),
                      path + ".innopaas_webhook.user_name"));
    SIGNET_ASSIGN_OR_RETURN(
        resolved.authorization,
        ResolveSecret(webhook.authorization(),
                      path + ".innopaas_webhook.authorization"));
    settings.innopaas_webhook = std::move(resolved);
    return settings;
  }
  const auto& apsdai = profile.apsdai();
  const std::string apsdai_path = path + ".apsdai";
  ApsdaiInboundSettings resolved;
  SIGNET_ASSIGN_OR_RETURN(
      resolved.verification,
      ParseVerification(apsdai.verification(), apsdai_path));
  SIGNET_ASSIGN_OR_RETURN(
      resolved.secret, ResolveSecret(apsdai.secret(), apsdai_path + ".secret"));
  SIGNET_ASSIGN_OR_RETURN(
      resolved.window,
      AtPath(apsdai_path + ".window",
             ParseConfigDuration(apsdai.window(), absl::Minutes(5))));
  if (apsdai.replay_cache_size() != 0) {
    resolved.replay_cache_size = apsdai.replay_cache_size();
  }
  settings.apsdai = std::move(resolved);
  return settings;
}

absl::StatusOr<InboundRouteSettings> ResolveInboundRoute(
    int index, const config::v1::InboundRoute& route,
    const std::map<std::string, InboundSettings>& inbound) {
  const std::string path = absl::StrCat("inbound_routes[", index, "]");
  InboundRouteSettings settings;
  if (!absl::StartsWith(route.path(), "/") ||
      absl::StrContains(route.path(), "?")) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".path: must start with '/' and have no query"));
  }
  settings.path = route.path();
  if (inbound.count(route.profile()) == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ".profile: \"", route.profile(),
                     "\" is not a profile under inbound"));
  }
  settings.profile = route.profile();
  SIGNET_ASSIGN_OR_RETURN(
      settings.target,
      AtPath(path + ".target",
             ParseBaseUrl(route.target(), /*allow_insecure_http=*/true)));
  if (settings.target.scheme == "http" &&
      !IsLoopbackHost(settings.target.host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        path,
        ".target: http:// is accepted for loopback targets only; use "
        "https:// for \"",
        settings.target.host, "\""));
  }
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
  if (duration <= absl::ZeroDuration() ||
      duration == absl::InfiniteDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", text, "\" must be positive and finite"));
  }
  return duration;
}

absl::StatusOr<GatewaySettings> ResolveConfig(
    const config::v1::Config& config) {
  GatewaySettings settings;
  if (config.listen() == "off") {
    settings.listen.clear();
  } else if (!config.listen().empty()) {
    settings.listen = config.listen();
  }
  SIGNET_ASSIGN_OR_RETURN(settings.unix_listen,
                          ResolveUnixListener(config.unix_listen()));
  if (settings.listen.empty() && settings.unix_listen.path.empty()) {
    return absl::InvalidArgumentError(
        "listen: \"off\" needs unix_listen, or nothing could call signet");
  }
  if (config.max_headers() != 0) settings.max_headers = config.max_headers();
  if (config.max_header_bytes() != 0) {
    settings.max_header_bytes = config.max_header_bytes();
  }
  SIGNET_ASSIGN_OR_RETURN(
      settings.default_deadline,
      AtPath("default_deadline", ParseConfigDuration(config.default_deadline(),
                                                     absl::Seconds(30))));
  SIGNET_ASSIGN_OR_RETURN(
      settings.connect_timeout,
      AtPath("connect_timeout",
             ParseConfigDuration(config.connect_timeout(), absl::Seconds(5))));
  SIGNET_ASSIGN_OR_RETURN(
      settings.prewarm_timeout,
      AtPath("prewarm_timeout",
             ParseConfigDuration(config.prewarm_timeout(), absl::Seconds(10))));
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
  for (const auto& [name, profile] : config.inbound()) {
    SIGNET_RETURN_IF_ERROR(CheckProfileName("inbound", name));
    SIGNET_ASSIGN_OR_RETURN(InboundSettings resolved,
                            ResolveInbound(name, profile));
    settings.inbound.emplace(name, std::move(resolved));
  }
  settings.inbound_listen = config.inbound_listen();
  for (int i = 0; i < config.inbound_routes_size(); ++i) {
    SIGNET_ASSIGN_OR_RETURN(
        InboundRouteSettings route,
        ResolveInboundRoute(i, config.inbound_routes(i), settings.inbound));
    for (const InboundRouteSettings& earlier : settings.inbound_routes) {
      if (earlier.path == route.path) {
        return absl::InvalidArgumentError(absl::StrCat("inbound_routes[", i,
                                                       "].path: \"", route.path,
                                                       "\" is routed twice"));
      }
    }
    settings.inbound_routes.push_back(std::move(route));
  }
  if (settings.inbound_listen.empty() != settings.inbound_routes.empty()) {
    return absl::InvalidArgumentError(
        "inbound_listen and inbound_routes go together: the receiver needs "
        "an address and at least one route");
  }
  SIGNET_ASSIGN_OR_RETURN(
      settings.inbound_head_timeout,
      AtPath("inbound_head_timeout",
             ParseConfigDuration(config.inbound_head_timeout(),
                                 absl::Seconds(10))));
  if (config.inbound_max_connections() != 0) {
    settings.inbound_max_connections = config.inbound_max_connections();
  }
  if (config.inbound_max_connections_per_client() != 0) {
    settings.inbound_max_connections_per_client =
        config.inbound_max_connections_per_client();
  }
  if (settings.inbound_max_connections_per_client >
      settings.inbound_max_connections) {
    return absl::InvalidArgumentError(
        "inbound_max_connections_per_client: more than "
        "inbound_max_connections");
  }
  settings.health_listen = config.health_listen();
  if (config.max_in_flight() != 0)
    settings.max_in_flight = config.max_in_flight();
  SIGNET_ASSIGN_OR_RETURN(
      settings.watch_interval,
      AtPath("watch_interval",
             ParseConfigDuration(config.watch_interval(), absl::Seconds(2))));
  if (config.admin_listen() == "off") {
    settings.admin_listen.clear();
  } else if (!config.admin_listen().empty()) {
    settings.admin_listen = config.admin_listen();
  }
  SIGNET_ASSIGN_OR_RETURN(settings.callers,
                          ResolveCallers(config.callers(), settings));
  if (settings.openapi.empty() && settings.innopaas.empty() &&
      settings.licenses.empty() && settings.inbound.empty()) {
    return absl::InvalidArgumentError(
        "no profiles: configure at least one of openapi, innopaas, licenses, "
        "inbound");
  }
  return settings;
}

namespace {

void CollectSecretFiles(const google::protobuf::Message& message,
                        std::vector<std::string>* paths) {
  if (message.GetDescriptor() == SecretRef::descriptor()) {
    const auto& ref = static_cast<const SecretRef&>(message);
    if (ref.source_case() == SecretRef::kFile) paths->push_back(ref.file());
    return;
  }
  const google::protobuf::Reflection& reflection = *message.GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (field->cpp_type() !=
        google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (field->is_repeated()) {  // maps are repeated entry messages
      for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
        CollectSecretFiles(reflection.GetRepeatedMessage(message, field, i),
                           paths);
      }
    } else {
      CollectSecretFiles(reflection.GetMessage(message, field), paths);
    }
  }
}

}  // namespace

std::vector<std::string> SecretFilePaths(
    const google::protobuf::Message& config) {
  std::vector<std::string> paths;
  CollectSecretFiles(config, &paths);
  return paths;
}

absl::StatusOr<LoadedConfig> LoadConfigWithSources(absl::string_view path) {
  SIGNET_ASSIGN_OR_RETURN(config::v1::Config config, LoadConfigFile(path));
  auto settings = ResolveConfig(config);
  if (!settings.ok()) {
    return absl::Status(settings.status().code(),
                        absl::StrCat(path, ": ", settings.status().message()));
  }
  LoadedConfig loaded{*std::move(settings), {std::string(path)}};
  for (std::string& file : SecretFilePaths(config)) {
    loaded.sources.push_back(std::move(file));
  }
  return loaded;
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
