#ifndef SIGNET_EMULATOR_EMULATOR_OPTIONS_H_
#define SIGNET_EMULATOR_EMULATOR_OPTIONS_H_

#include <string>

#include "absl/time/time.h"

namespace signet::emulator {

// Settings /__config may change while the emulator runs.
struct RuntimeConfig {
  absl::Duration token_ttl = absl::Hours(2);
  bool send_date_header = true;
  // OpenAPI's expire_time and time carry no zone (seed 002); this is the zone
  // the emulator writes them in, so tests can make them disagree with UTC.
  std::string expire_time_zone_name = "UTC";
  absl::TimeZone expire_time_zone = absl::UTCTimeZone();
};

struct OpenApiOptions {
  std::string app_id = "app-123";
  std::string app_secret = "emulator-openapi-secret";
  // Seed 002's parameter table names the field user_id; its curl and Python
  // examples send app_id.
  std::string app_id_field = "app_id";
};

struct InnopaasOptions {
  std::string app_key = "emulator-app-key";
  std::string authorization = "emulator-authorization";
};

enum class LicenseVerification { kSignature, kPassword };

struct LicenseOptions {
  LicenseVerification verification = LicenseVerification::kSignature;
  std::string secret = "emulator-license-secret";
  absl::Duration window = absl::Minutes(5);
};

// What the fixed (non-/__config) parts of the routes need.
struct UpstreamOptions {
  OpenApiOptions openapi;
  InnopaasOptions innopaas;
  LicenseOptions license;
};

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_EMULATOR_OPTIONS_H_
