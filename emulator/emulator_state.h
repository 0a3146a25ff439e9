#ifndef SIGNET_EMULATOR_EMULATOR_STATE_H_
#define SIGNET_EMULATOR_EMULATOR_STATE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/optional.h"
#include "emulator/emulator_options.h"

namespace signet::emulator {

// The upstream contract a request belongs to; the unit of /__stats counters
// and of /__faults targeting.
enum class Route { kToken, kVerify, kInnopaas, kLicenses, kOther };

inline constexpr Route kAllRoutes[] = {Route::kToken, Route::kVerify,
                                       Route::kInnopaas, Route::kLicenses,
                                       Route::kOther};

// "token", "verify", "innopaas", "licenses", "other": the JSON keys of
// /__stats and the route names of /__faults.
absl::string_view RouteName(Route route);

// Parses a RouteName(); nullopt for anything else.
absl::optional<Route> ParseRouteName(absl::string_view name);

enum class FaultMode { kNone, kSlow, kError, kMalformed, kDrop, kHang };

// Parses the /__faults "mode" names: none, slow, error, malformed, drop, hang.
absl::optional<FaultMode> ParseFaultMode(absl::string_view name);

struct Fault {
  FaultMode mode = FaultMode::kNone;
  absl::optional<Route> route;  // nullopt: every upstream route but "other"
  absl::Duration delay = absl::ZeroDuration();
  int status = 500;
  int64_t count = 0;  // matching requests still to affect; 0: until cleared
};

// A fault taken for one request, with the generation of the /__faults
// setting it came from: a hung request is held until that generation ends.
struct TakenFault {
  Fault fault;
  uint64_t generation = 0;
};

struct RouteCounters {
  int64_t token = 0;
  int64_t verify = 0;
  int64_t innopaas = 0;
  int64_t licenses = 0;
  int64_t other = 0;

  int64_t& For(Route route);
  int64_t Total() const { return token + verify + innopaas + licenses + other; }
};

struct StatsSnapshot {
  RouteCounters requests;
  RouteCounters rejected;
  int64_t tokens_issued = 0;
  int64_t connections = 0;
};

enum class TokenStatus { kValid, kUnknown, kRevoked, kExpired, kWrongAppId };

// Everything the emulator's handlers share: counters, issued OpenAPI tokens,
// the injected fault and the runtime config. Handlers run on the server's
// pool threads, so all of it sits under one mutex; nothing blocks while
// holding it.
class EmulatorState {
 public:
  explicit EmulatorState(RuntimeConfig initial_config);

  EmulatorState(const EmulatorState&) = delete;
  EmulatorState& operator=(const EmulatorState&) = delete;

  // Counts one upstream request and the connection it came on (a distinct
  // remote address and port stands for one TCP connection).
  void CountRequest(Route route, absl::string_view remote_addr, int remote_port)
      ABSL_LOCKS_EXCLUDED(mu_);
  void CountRejected(Route route) ABSL_LOCKS_EXCLUDED(mu_);
  StatsSnapshot Stats() const ABSL_LOCKS_EXCLUDED(mu_);

  void AddToken(std::string token, std::string app_id, absl::Time expiry)
      ABSL_LOCKS_EXCLUDED(mu_);
  TokenStatus CheckToken(absl::string_view token, absl::string_view app_id,
                         absl::Time now) const ABSL_LOCKS_EXCLUDED(mu_);
  // Returns how many tokens were revoked (0 or 1).
  int64_t RevokeToken(absl::string_view token) ABSL_LOCKS_EXCLUDED(mu_);
  int64_t RevokeAllTokens() ABSL_LOCKS_EXCLUDED(mu_);

  void SetFault(const Fault& fault) ABSL_LOCKS_EXCLUDED(mu_);
  // Returns the fault that applies to one request on `route`, consuming one
  // of its count; nullopt when none applies.
  absl::optional<TakenFault> TakeFault(Route route) ABSL_LOCKS_EXCLUDED(mu_);
  // True once the fault of `generation` was replaced or cleared, or Stop()
  // was called: a request hung by it may go on.
  bool FaultChangedSince(uint64_t generation) const ABSL_LOCKS_EXCLUDED(mu_);
  bool Stopping() const ABSL_LOCKS_EXCLUDED(mu_);
  // Called, outside the lock, after anything that may end a hold: /__faults,
  // /__reset, Stop(). Set before requests arrive.
  void SetFaultChangeListener(std::function<void()> listener)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The last license request that passed authentication, as JSON
  // ({"method","target","headers","fields"}), for GET /__last/licenses:
  // license answers only carry keys, so tests read what arrived here.
  void RecordLicenseRequest(std::string json) ABSL_LOCKS_EXCLUDED(mu_);
  std::string LastLicenseRequest() const ABSL_LOCKS_EXCLUDED(mu_);

  RuntimeConfig Config() const ABSL_LOCKS_EXCLUDED(mu_);
  void SetConfig(RuntimeConfig config) ABSL_LOCKS_EXCLUDED(mu_);

  // Zeroes counters, forgets connections and tokens, clears the fault and
  // restores the config the emulator started with.
  void Reset() ABSL_LOCKS_EXCLUDED(mu_);
  // Wakes every waiting request; the server is shutting down.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct TokenRecord {
    std::string app_id;
    absl::Time expiry;
    bool revoked = false;
  };

  void ClearFaultLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void NotifyFaultChange() ABSL_LOCKS_EXCLUDED(mu_);

  const RuntimeConfig initial_config_;

  mutable absl::Mutex mu_;
  RouteCounters requests_ ABSL_GUARDED_BY(mu_);
  RouteCounters rejected_ ABSL_GUARDED_BY(mu_);
  int64_t tokens_issued_ ABSL_GUARDED_BY(mu_) = 0;
  absl::flat_hash_set<std::pair<std::string, int>> connections_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, TokenRecord> tokens_ ABSL_GUARDED_BY(mu_);
  absl::optional<Fault> fault_ ABSL_GUARDED_BY(mu_);
  uint64_t fault_generation_ ABSL_GUARDED_BY(mu_) = 0;
  RuntimeConfig config_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::string last_license_request_ ABSL_GUARDED_BY(mu_);
  std::function<void()> fault_change_listener_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_EMULATOR_STATE_H_
