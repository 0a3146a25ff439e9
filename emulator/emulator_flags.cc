#include "emulator/emulator_flags.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

ABSL_FLAG(std::string, host, "127.0.0.1",
          "Address to listen on; only loopback addresses are accepted.");
ABSL_FLAG(int, port, 8080, "Port to listen on; 0 picks an ephemeral port.");
ABSL_FLAG(int, threads, 64,
          "Threads polling connections; each serves many, and requests held "
          "by a slow or hang fault hold none.");
ABSL_FLAG(std::string, openapi_app_id, "app-123", "OpenAPI v5 app id.");
ABSL_FLAG(std::string, openapi_app_secret, "emulator-openapi-secret",
          "OpenAPI v5 app secret.");
ABSL_FLAG(std::string, app_id_field, "app_id",
          "JSON field of the token request that carries the app id (seed 002's "
          "table says user_id, its examples send app_id).");
ABSL_FLAG(absl::Duration, token_ttl, absl::Hours(2),
          "Lifetime of issued OpenAPI tokens.");
ABSL_FLAG(std::string, expire_time_zone, "UTC",
          "IANA zone in which the zone-less expire_time and time are written.");
ABSL_FLAG(bool, send_date_header, true,
          "Send a Date header on upstream responses.");
ABSL_FLAG(std::string, innopaas_app_key, "emulator-app-key",
          "Expected InnoPaaS AppKey header.");
ABSL_FLAG(std::string, innopaas_authorization, "emulator-authorization",
          "Expected InnoPaaS Authorization header.");
ABSL_FLAG(std::string, license_verification, "signature",
          "APSDAI X-Apsdai-Token check: signature or password.");
ABSL_FLAG(std::string, license_secret, "emulator-license-secret",
          "APSDAI password or signing key.");
ABSL_FLAG(absl::Duration, license_window, absl::Minutes(5),
          "Allowed distance between X-Apsdai-Timestamp and now.");

namespace signet::emulator {
namespace {

bool IsLoopback(const std::string& host) {
  in_addr v4;
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) {
    return (ntohl(v4.s_addr) >> 24) == 127;
  }
  in6_addr v6;
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) {
    return IN6_IS_ADDR_LOOPBACK(&v6);
  }
  return false;
}

}  // namespace

absl::Status ReadFlags(ListenOptions& listen, UpstreamOptions& upstream,
                       RuntimeConfig& runtime) {
  listen.host = absl::GetFlag(FLAGS_host);
  if (listen.host == "localhost") listen.host = "127.0.0.1";
  if (!IsLoopback(listen.host)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--host must be a loopback address (127.0.0.0/8 or ::1), got ",
        listen.host));
  }
  listen.port = absl::GetFlag(FLAGS_port);
  if (listen.port < 0 || listen.port > 65535) {
    return absl::InvalidArgumentError("--port must be 0..65535");
  }
  listen.threads = absl::GetFlag(FLAGS_threads);
  if (listen.threads < 1 || listen.threads > 4096) {
    return absl::InvalidArgumentError("--threads must be 1..4096");
  }

  upstream.openapi.app_id = absl::GetFlag(FLAGS_openapi_app_id);
  upstream.openapi.app_secret = absl::GetFlag(FLAGS_openapi_app_secret);
  upstream.openapi.app_id_field = absl::GetFlag(FLAGS_app_id_field);
  upstream.innopaas.app_key = absl::GetFlag(FLAGS_innopaas_app_key);
  upstream.innopaas.authorization = absl::GetFlag(FLAGS_innopaas_authorization);
  upstream.license.secret = absl::GetFlag(FLAGS_license_secret);
  upstream.license.window = absl::GetFlag(FLAGS_license_window);
  if (upstream.openapi.app_id.empty() || upstream.openapi.app_secret.empty() ||
      upstream.openapi.app_id_field.empty() ||
      upstream.innopaas.app_key.empty() ||
      upstream.innopaas.authorization.empty() ||
      upstream.license.secret.empty()) {
    return absl::InvalidArgumentError(
        "ids, secrets and field names must not be empty");
  }
  if (upstream.license.window < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--license_window must not be negative");
  }
  const std::string verification = absl::GetFlag(FLAGS_license_verification);
  if (verification == "signature") {
    upstream.license.verification = LicenseVerification::kSignature;
  } else if (verification == "password") {
    upstream.license.verification = LicenseVerification::kPassword;
  } else {
    return absl::InvalidArgumentError(
        "--license_verification must be signature or password");
  }

  runtime.token_ttl = absl::GetFlag(FLAGS_token_ttl);
  runtime.send_date_header = absl::GetFlag(FLAGS_send_date_header);
  runtime.expire_time_zone_name = absl::GetFlag(FLAGS_expire_time_zone);
  if (!absl::LoadTimeZone(runtime.expire_time_zone_name,
                          &runtime.expire_time_zone)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--expire_time_zone: unknown zone ", runtime.expire_time_zone_name));
  }
  return absl::OkStatus();
}

}  // namespace signet::emulator
