#ifndef SIGNET_OPENAPI_OPENAPI_PROFILE_H_
#define SIGNET_OPENAPI_OPENAPI_PROFILE_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "http/http_client.h"
#include "openapi/openapi_settings.h"
#include "openapi/token_cache.h"
#include "openapi/token_observer.h"
#include "openapi/verify_request.h"
#include "upstream/upstream_env.h"

namespace signet {

// One OpenAPI v5 profile at run time (seed 002): its settings, its token
// cache, and its transport chain with the bearer-token signer in it. What
// the gateway asks of an OpenAPI upstream goes through here.
//
// Shared-owned (Create). Every operation's work in flight holds what it
// uses -- the callbacks below hold the profile, the signer and the cache
// hold themselves while they wait -- so a profile replaced by a reload
// lives exactly as long as the last call or refresh that still needs it.
class OpenApiProfile : public std::enable_shared_from_this<OpenApiProfile> {
 public:
  // The verify endpoint's answer, with its zone-less time read in the
  // profile's zone when it has one.
  struct Verification {
    VerifyAnswer answer;
    std::optional<absl::Time> time;
  };
  // The verification, or why there is none; and the HTTP status of the
  // upstream's answer (0 when there was none), for the access log.
  using VerifyCallback =
      absl::AnyInvocable<void(absl::StatusOr<Verification>, int) &&>;

  // `tokens` (may be null) counts cache hits, fetches and rejections.
  static std::shared_ptr<OpenApiProfile> Create(OpenApiSettings settings,
                                                const UpstreamEnv& env,
                                                TokenObserver* tokens);

  const OpenApiSettings& settings() const { return settings_; }

  // The headers the signer sets, which a forwarded call may not carry.
  static absl::Span<const absl::string_view> ReservedHeaders();

  // The cached token, or one fetched single-flight; with `force_refresh`,
  // one obtained after this call.
  void GetToken(bool force_refresh, TokenCache::Callback on_done);

  // Whether getting a token may mean waiting for a fetch (none valid is
  // cached at `now`): only then is a caller's deadline timer worth arming.
  bool TokenMayWait(absl::Time now) const;
  std::optional<absl::Time> TokenExpiresAt() const;

  // Asks the upstream whether `token` is valid; an empty `token` means the
  // profile's current one. `request_id` goes out as X-Request-Id.
  void Verify(std::string token, absl::Time deadline, std::string request_id,
              VerifyCallback on_done);

  // Signs `request` (already validated, for base_url) with the cached token
  // and sends it; a token the upstream refuses is replaced and the call
  // sent once more (BearerTokenSigner, SigningHttpClient).
  void Forward(HttpRequest request, HttpCallback on_done);

 private:
  OpenApiProfile(OpenApiSettings settings, const UpstreamEnv& env,
                 TokenObserver* tokens);

  void SendVerify(std::string token, absl::Time deadline,
                  std::string request_id, VerifyCallback on_done);

  const OpenApiSettings settings_;
  std::shared_ptr<TokenCache> cache_;
  // Verifies go out unsigned (they carry the token being verified).
  std::shared_ptr<HttpClient> unsigned_;
  std::shared_ptr<HttpClient> signed_;
};

}  // namespace signet

#endif  // SIGNET_OPENAPI_OPENAPI_PROFILE_H_
