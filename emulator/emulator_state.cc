#include "emulator/emulator_state.h"

#include <utility>

namespace signet::emulator {
namespace {

// Issued tokens are kept until they expire; past this many, expired ones are
// dropped so a long load test does not grow the map without bound.
constexpr size_t kTokenPurgeThreshold = 100000;

}  // namespace

absl::string_view RouteName(Route route) {
  switch (route) {
    case Route::kToken:
      return "token";
    case Route::kVerify:
      return "verify";
    case Route::kInnopaas:
      return "innopaas";
    case Route::kLicenses:
      return "licenses";
    case Route::kOther:
      return "other";
  }
  return "other";
}

absl::optional<Route> ParseRouteName(absl::string_view name) {
  for (const Route route : kAllRoutes) {
    if (RouteName(route) == name) return route;
  }
  return absl::nullopt;
}

absl::optional<FaultMode> ParseFaultMode(absl::string_view name) {
  if (name == "none") return FaultMode::kNone;
  if (name == "slow") return FaultMode::kSlow;
  if (name == "error") return FaultMode::kError;
  if (name == "malformed") return FaultMode::kMalformed;
  if (name == "drop") return FaultMode::kDrop;
  if (name == "hang") return FaultMode::kHang;
  return absl::nullopt;
}

int64_t& RouteCounters::For(Route route) {
  switch (route) {
    case Route::kToken:
      return token;
    case Route::kVerify:
      return verify;
    case Route::kInnopaas:
      return innopaas;
    case Route::kLicenses:
      return licenses;
    case Route::kOther:
      return other;
  }
  return other;
}

EmulatorState::EmulatorState(RuntimeConfig initial_config)
    : initial_config_(initial_config), config_(std::move(initial_config)) {}

void EmulatorState::CountRequest(Route route, absl::string_view remote_addr,
                                 int remote_port) {
  absl::MutexLock lock(&mu_);
  ++requests_.For(route);
  connections_.emplace(std::string(remote_addr), remote_port);
}

void EmulatorState::CountRejected(Route route) {
  absl::MutexLock lock(&mu_);
  ++rejected_.For(route);
}

StatsSnapshot EmulatorState::Stats() const {
  absl::MutexLock lock(&mu_);
  StatsSnapshot stats;
  stats.requests = requests_;
  stats.rejected = rejected_;
  stats.tokens_issued = tokens_issued_;
  stats.connections = static_cast<int64_t>(connections_.size());
  return stats;
}

void EmulatorState::AddToken(std::string token, std::string app_id,
                             absl::Time expiry) {
  absl::MutexLock lock(&mu_);
  if (tokens_.size() >= kTokenPurgeThreshold) {
    const absl::Time now = absl::Now();
    absl::erase_if(tokens_, [now](const auto& entry) {
      return entry.second.expiry <= now;
    });
  }
  tokens_[std::move(token)] = TokenRecord{std::move(app_id), expiry, false};
  ++tokens_issued_;
}

TokenStatus EmulatorState::CheckToken(absl::string_view token,
                                      absl::string_view app_id,
                                      absl::Time now) const {
  absl::MutexLock lock(&mu_);
  const auto it = tokens_.find(token);
  if (it == tokens_.end()) return TokenStatus::kUnknown;
  const TokenRecord& record = it->second;
  if (record.revoked) return TokenStatus::kRevoked;
  if (now >= record.expiry) return TokenStatus::kExpired;
  if (record.app_id != app_id) return TokenStatus::kWrongAppId;
  return TokenStatus::kValid;
}

int64_t EmulatorState::RevokeToken(absl::string_view token) {
  absl::MutexLock lock(&mu_);
  const auto it = tokens_.find(token);
  if (it == tokens_.end() || it->second.revoked) return 0;
  it->second.revoked = true;
  return 1;
}

int64_t EmulatorState::RevokeAllTokens() {
  absl::MutexLock lock(&mu_);
  int64_t revoked = 0;
  for (auto& entry : tokens_) {
    if (!entry.second.revoked) {
      entry.second.revoked = true;
      ++revoked;
    }
  }
  return revoked;
}

void EmulatorState::SetFault(const Fault& fault) {
  {
    absl::MutexLock lock(&mu_);
    ClearFaultLocked();
    if (fault.mode != FaultMode::kNone) fault_ = fault;
  }
  NotifyFaultChange();
}

void EmulatorState::ClearFaultLocked() {
  fault_.reset();
  ++fault_generation_;
}

absl::optional<TakenFault> EmulatorState::TakeFault(Route route) {
  absl::MutexLock lock(&mu_);
  if (!fault_.has_value() || route == Route::kOther) return absl::nullopt;
  if (fault_->route.has_value() && *fault_->route != route) {
    return absl::nullopt;
  }
  TakenFault taken{*fault_, fault_generation_};
  if (fault_->count > 0 && --fault_->count == 0) {
    // Exhausted by this request. The generation stays, so a request hung by
    // the last count keeps hanging until the next /__faults or /__reset.
    fault_.reset();
  }
  return taken;
}

bool EmulatorState::FaultChangedSince(uint64_t generation) const {
  absl::MutexLock lock(&mu_);
  return stopping_ || fault_generation_ != generation;
}

bool EmulatorState::Stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void EmulatorState::SetFaultChangeListener(std::function<void()> listener) {
  absl::MutexLock lock(&mu_);
  fault_change_listener_ = std::move(listener);
}

void EmulatorState::NotifyFaultChange() {
  std::function<void()> listener;
  {
    absl::MutexLock lock(&mu_);
    listener = fault_change_listener_;
  }
  if (listener) listener();
}

RuntimeConfig EmulatorState::Config() const {
  absl::MutexLock lock(&mu_);
  return config_;
}

void EmulatorState::SetConfig(RuntimeConfig config) {
  absl::MutexLock lock(&mu_);
  config_ = std::move(config);
}

void EmulatorState::Reset() {
  {
    absl::MutexLock lock(&mu_);
    requests_ = RouteCounters();
    rejected_ = RouteCounters();
    tokens_issued_ = 0;
    connections_.clear();
    tokens_.clear();
    ClearFaultLocked();
    config_ = initial_config_;
    last_license_request_.clear();
  }
  NotifyFaultChange();
}

void EmulatorState::RecordLicenseRequest(std::string json) {
  absl::MutexLock lock(&mu_);
  last_license_request_ = std::move(json);
}

std::string EmulatorState::LastLicenseRequest() const {
  absl::MutexLock lock(&mu_);
  return last_license_request_;
}

void EmulatorState::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  NotifyFaultChange();
}

}  // namespace signet::emulator
