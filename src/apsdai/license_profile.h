#ifndef SIGNET_APSDAI_LICENSE_PROFILE_H_
#define SIGNET_APSDAI_LICENSE_PROFILE_H_

#include <map>
#include <memory>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_settings.h"
#include "apsdai/license_request.h"
#include "http/http_client.h"
#include "upstream/upstream_env.h"

namespace signet {

// One APSDAI license profile at run time (seed 003): its settings and its
// transport chain with the APSDAI signer in it. Shared-owned (Create); a
// fetch in flight holds the chain it was sent into.
class LicenseProfile {
 public:
  // The keys, or why not; and the HTTP status of the upstream's answer (0
  // when there was none), for the access log.
  using FetchCallback =
      absl::AnyInvocable<void(absl::StatusOr<LicenseAnswer>, int) &&>;

  static std::shared_ptr<LicenseProfile> Create(LicenseSettings settings,
                                                const UpstreamEnv& env);

  const LicenseSettings& settings() const { return settings_; }

  // Asks for the license keys with the caller's `fields` (validated) added
  // to the profile's body; answers of more than `max_response_bytes` are
  // refused. `request_id` goes out as X-Request-Id. Seed 003's success
  // rule decides what is an error (ParseLicenseAnswer).
  void Fetch(const std::map<std::string, std::string>& fields,
             absl::Time deadline, size_t max_response_bytes,
             const std::string& request_id, FetchCallback on_done);

 private:
  LicenseProfile(LicenseSettings settings, const UpstreamEnv& env);

  const LicenseSettings settings_;
  std::shared_ptr<HttpClient> signed_;
};

}  // namespace signet

#endif  // SIGNET_APSDAI_LICENSE_PROFILE_H_
