// Config text (YAML or JSON) -> proto -> GatewaySettings, the path of
// --check-config, start-up and every reload.
//
// Checks: no crash, exception or sanitizer report; an error never carries
// a secret value; settings that resolve are sane (positive durations,
// refresh_before < max_ttl, checked URLs and headers, non-empty secrets,
// exactly one scheme per inbound profile, inbound_listen and routes
// together).
//
// The fuzzer must neither read files nor block, so two things are rewritten
// between parsing and resolving: every {file: PATH} secret becomes an inline
// value (ResolveConfig reads files itself; src/secrets/ has no reader to
// inject), and an expire_time_zone that is not IANA-shaped becomes "UTC"
// (absl::LoadTimeZone opens any path it is given, "/dev/stdin" or
// "file:/proc/self/mem" included). {env: NAME} is left alone: getenv only.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/string_view.h"
#include "config/config_loader.h"
#include "config/config_resolver.h"
#include "config/settings.h"
#include "fuzz_check.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/reflection.h"
#include "signet/config/v1/config.pb.h"

namespace signet {
namespace {

using config::v1::SecretRef;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// Every resolvable secret gets this value, so an error that echoes a secret
// is seen.
constexpr char kCanary[] = "fuzz-canary-3f9c2a7e";

// Walks the message like SecretFilePaths does, so new profile kinds are
// covered without being listed. Empty stays empty: that error path is kept.
void NeutralizeSecrets(Message* message) {
  if (message->GetDescriptor() == SecretRef::descriptor()) {
    auto* ref = static_cast<SecretRef*>(message);
    if (ref->source_case() == SecretRef::kFile) {
      ref->set_value(ref->file().empty() ? "" : kCanary);
    } else if (ref->source_case() == SecretRef::kValue &&
               !ref->value().empty()) {
      ref->set_value(kCanary);
    }
    return;
  }
  const Reflection& reflection = *message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    if (field->is_repeated()) {
      for (int i = 0; i < reflection.FieldSize(*message, field); ++i) {
        NeutralizeSecrets(reflection.MutableRepeatedMessage(message, field, i));
      }
    } else {
      NeutralizeSecrets(reflection.MutableMessage(message, field));
    }
  }
}

// "UTC", "Asia/Shanghai", "Etc/GMT+8": relative to the zoneinfo directory,
// with no way out of it.
bool IsIanaShaped(absl::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] == '/' ||
      absl::StrContains(name, "..")) {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '/' &&
        c != '_' && c != '-' && c != '+') {
      return false;
    }
  }
  return true;
}

bool IsPositiveFinite(absl::Duration d) {
  return d > absl::ZeroDuration() && d != absl::InfiniteDuration();
}

void CheckUrl(const BaseUrl& url) {
  SIGNET_FUZZ_CHECK(url.scheme == "https" || url.scheme == "http");
  SIGNET_FUZZ_CHECK(!url.host.empty());
  SIGNET_FUZZ_CHECK(absl::StartsWith(url.text, url.scheme + "://"));
  SIGNET_FUZZ_CHECK(!absl::EndsWith(url.text, "/"));
  for (unsigned char c : url.text) SIGNET_FUZZ_CHECK(c > 0x20 && c != 0x7f);
}

void CheckSettings(const GatewaySettings& settings) {
  SIGNET_FUZZ_CHECK(!settings.listen.empty());
  SIGNET_FUZZ_CHECK(IsPositiveFinite(settings.default_deadline));
  SIGNET_FUZZ_CHECK(IsPositiveFinite(settings.connect_timeout));
  SIGNET_FUZZ_CHECK(IsPositiveFinite(settings.prewarm_timeout));
  SIGNET_FUZZ_CHECK(IsPositiveFinite(settings.watch_interval));
  SIGNET_FUZZ_CHECK(settings.max_body_bytes > 0);
  SIGNET_FUZZ_CHECK(settings.max_in_flight > 0);
  SIGNET_FUZZ_CHECK(!settings.openapi.empty() || !settings.innopaas.empty() ||
                    !settings.licenses.empty() || !settings.inbound.empty());
  for (const auto& [name, openapi] : settings.openapi) {
    SIGNET_FUZZ_CHECK(openapi.name == name);
    CheckUrl(openapi.base_url);
    SIGNET_FUZZ_CHECK(!openapi.app_id.empty());
    SIGNET_FUZZ_CHECK(!openapi.app_secret.empty());
    SIGNET_FUZZ_CHECK(!openapi.app_id_field.empty());
    SIGNET_FUZZ_CHECK(IsPositiveFinite(openapi.max_ttl));
    SIGNET_FUZZ_CHECK(IsPositiveFinite(openapi.refresh_before));
    SIGNET_FUZZ_CHECK(openapi.refresh_before < openapi.max_ttl);
    SIGNET_FUZZ_CHECK(IsPositiveFinite(openapi.token_timeout));
  }
  for (const auto& [name, innopaas] : settings.innopaas) {
    CheckUrl(innopaas.base_url);
    SIGNET_FUZZ_CHECK(!innopaas.app_key.empty());
    SIGNET_FUZZ_CHECK(!innopaas.authorization.empty());
  }
  for (const auto& [name, license] : settings.licenses) {
    CheckUrl(license.url);
    SIGNET_FUZZ_CHECK(license.method == "GET" || license.method == "POST");
    SIGNET_FUZZ_CHECK(!license.secret.empty());
    for (const auto& [header, value] : license.headers) {
      SIGNET_FUZZ_CHECK(!header.empty());
      SIGNET_FUZZ_CHECK(header.find_first_of(":\r\n\0 ", 0, 5) ==
                        std::string::npos);
      SIGNET_FUZZ_CHECK(value.find_first_of("\r\n\0", 0, 3) ==
                        std::string::npos);
      for (absl::string_view reserved : kApsdaiSignedHeaders) {
        SIGNET_FUZZ_CHECK(!absl::EqualsIgnoreCase(header, reserved));
      }
    }
  }
  for (const auto& [name, inbound] : settings.inbound) {
    SIGNET_FUZZ_CHECK(inbound.innopaas_webhook.has_value() !=
                      inbound.apsdai.has_value());
    if (inbound.innopaas_webhook.has_value()) {
      SIGNET_FUZZ_CHECK(!inbound.innopaas_webhook->user_name.empty());
      SIGNET_FUZZ_CHECK(!inbound.innopaas_webhook->authorization.empty());
    } else {
      SIGNET_FUZZ_CHECK(!inbound.apsdai->secret.empty());
      SIGNET_FUZZ_CHECK(IsPositiveFinite(inbound.apsdai->window));
      SIGNET_FUZZ_CHECK(inbound.apsdai->replay_cache_size > 0);
    }
  }
  SIGNET_FUZZ_CHECK(settings.inbound_listen.empty() ==
                    settings.inbound_routes.empty());
  for (const InboundRouteSettings& route : settings.inbound_routes) {
    SIGNET_FUZZ_CHECK(absl::StartsWith(route.path, "/"));
    SIGNET_FUZZ_CHECK(!absl::StrContains(route.path, "?"));
    SIGNET_FUZZ_CHECK(settings.inbound.count(route.profile) == 1);
    CheckUrl(route.target);
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<config::v1::Config> config = ParseConfigText(text);
  if (!config.ok()) return 0;
  // Unless the input spelled the canary out itself (in a URL, say, which
  // errors do quote), an error holding it got it from a secret.
  const bool input_has_canary =
      absl::StrContains(config->ShortDebugString(), kCanary);

  NeutralizeSecrets(&*config);
  for (auto& [name, profile] : *config->mutable_openapi()) {
    if (!profile.expire_time_zone().empty() &&
        !IsIanaShaped(profile.expire_time_zone())) {
      profile.set_expire_time_zone("UTC");
    }
  }

  absl::StatusOr<GatewaySettings> settings = ResolveConfig(*config);
  if (!settings.ok()) {
    SIGNET_FUZZ_CHECK(input_has_canary ||
                      !absl::StrContains(settings.status().message(), kCanary));
    return 0;
  }
  CheckSettings(*settings);
  return 0;
}
