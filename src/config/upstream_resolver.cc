#include "config/upstream_resolver.h"

#include <unistd.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "config/config_resolver.h"
#include "config/resolve_context.h"
#include "http/base_url.h"

namespace signet {
namespace {

using config_internal::AtPath;
using config_internal::ResolveSecret;

absl::Status CheckReadableFile(const std::string& file,
                               absl::string_view path) {
  if (access(file.c_str(), R_OK) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read \"", file, "\""));
  }
  return absl::OkStatus();
}

absl::StatusOr<CircuitBreakerSettings> ResolveCircuitBreaker(
    const config::v1::CircuitBreaker& options, absl::string_view path) {
  CircuitBreakerSettings settings;
  settings.enabled = !options.disabled();
  if (options.failure_threshold() != 0) {
    settings.failure_threshold = static_cast<int>(
        std::min<uint32_t>(options.failure_threshold(), 1000000));
  }
  SIGNET_ASSIGN_OR_RETURN(
      settings.cool_down,
      AtPath(absl::StrCat(path, ".cool_down"),
             ParseConfigDuration(options.cool_down(), settings.cool_down)));
  return settings;
}

absl::StatusOr<RetrySettings> ResolveRetry(const config::v1::Retry& options,
                                           absl::string_view path) {
  RetrySettings settings;
  if (options.max_attempts() != 0) {
    if (options.max_attempts() > 10) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".max_attempts: at most 10"));
    }
    settings.max_attempts = static_cast<int>(options.max_attempts());
  }
  SIGNET_ASSIGN_OR_RETURN(
      settings.initial_backoff,
      AtPath(absl::StrCat(path, ".initial_backoff"),
             ParseConfigDuration(options.initial_backoff(),
                                 settings.initial_backoff)));
  SIGNET_ASSIGN_OR_RETURN(
      settings.max_backoff,
      AtPath(absl::StrCat(path, ".max_backoff"),
             ParseConfigDuration(options.max_backoff(), settings.max_backoff)));
  if (settings.max_backoff < settings.initial_backoff) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ".max_backoff: must not be shorter than initial_backoff"));
  }
  settings.idempotent_calls = options.idempotent_calls();
  return settings;
}

// An upstream's proxy: "http://host:port" and nothing more, for an https
// upstream. The proxy only relays the TLS tunnel; in front of a plain-http
// upstream it would read every signed request.
absl::StatusOr<std::string> ResolveProxy(const std::string& proxy,
                                         const BaseUrl& upstream,
                                         absl::string_view path) {
  const std::string at = absl::StrCat(path, ".proxy");
  constexpr absl::string_view kForm =
      "must be http://host:port (an HTTP CONNECT proxy";
  if (!absl::StartsWithIgnoreCase(proxy, "http://")) {
    // Not echoed: a proxy URL may carry credentials.
    return absl::InvalidArgumentError(absl::StrCat(
        at, ": ", kForm, "; socks and https:// proxies are not supported)"));
  }
  SIGNET_ASSIGN_OR_RETURN(
      const BaseUrl parsed,
      AtPath(at, ParseBaseUrl(proxy, /*allow_insecure_http=*/true)));
  if (!parsed.path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": ", kForm, ", without a path)"));
  }
  // curl would pick port 1080 for a proxy without one; make it explicit.
  if (parsed.text == absl::StrCat("http://", parsed.host)) {
    return absl::InvalidArgumentError(
        absl::StrCat(at, ": ", kForm, ", with the port)"));
  }
  if (upstream.scheme != "https") {
    return absl::InvalidArgumentError(absl::StrCat(
        at, ": only for https:// upstreams; this profile's upstream is ",
        upstream.scheme, "://, whose calls the proxy could read"));
  }
  return parsed.text;
}

}  // namespace

absl::StatusOr<UpstreamSettings> ResolveUpstream(
    const config::v1::UpstreamOptions& options, const BaseUrl& url,
    absl::string_view path) {
  const std::string base(path);
  UpstreamSettings settings;
  if (!options.ca_bundle().empty()) {
    SIGNET_RETURN_IF_ERROR(
        CheckReadableFile(options.ca_bundle(), base + ".ca_bundle"));
    settings.ca_bundle = options.ca_bundle();
  }
  if (options.client_cert().empty() != !options.has_client_key()) {
    return absl::InvalidArgumentError(
        absl::StrCat(base, ": client_cert and client_key go together"));
  }
  if (!options.client_cert().empty()) {
    SIGNET_RETURN_IF_ERROR(
        CheckReadableFile(options.client_cert(), base + ".client_cert"));
    settings.client_cert = options.client_cert();
    SIGNET_ASSIGN_OR_RETURN(
        settings.client_key,
        ResolveSecret(options.client_key(), base + ".client_key"));
  }
  SIGNET_ASSIGN_OR_RETURN(settings.circuit_breaker,
                          ResolveCircuitBreaker(options.circuit_breaker(),
                                                base + ".circuit_breaker"));
  SIGNET_ASSIGN_OR_RETURN(settings.retry,
                          ResolveRetry(options.retry(), base + ".retry"));
  if (!options.proxy().empty()) {
    SIGNET_ASSIGN_OR_RETURN(settings.proxy,
                            ResolveProxy(options.proxy(), url, base));
  }
  return settings;
}

}  // namespace signet
