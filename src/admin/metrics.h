#ifndef SIGNET_ADMIN_METRICS_H_
#define SIGNET_ADMIN_METRICS_H_

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "admin/series_cache.h"
#include "http/circuit_breaker_http_client.h"
#include "http/observed_http_client.h"
#include "inbound/inbound_observer.h"
#include "openapi/token_observer.h"
#include "server/rpc_observer.h"

namespace signet {

// signet's Prometheus metrics, all declared here (prometheus-cpp from
// Debian: its registry and text format; the admin listener serves the
// text, so its civetweb exposer is not used). Every observer interface of
// the gateway lands here. Thread-safe.
//
//   signet_rpc_duration_seconds{method,profile,code}       histogram
//   signet_rpc_in_flight                                    gauge
//   signet_upstream_request_duration_seconds{profile,status} histogram
//   signet_upstream_connections_opened_total                counter
//   signet_token_cache_hits_total{profile}, _misses_total   counters
//   signet_token_refreshes_total{profile}                   counter
//   signet_token_refresh_failures_total{profile}            counter
//   signet_token_expiry_seconds{profile}                    gauge: profiles
//                                                  holding a token
//   signet_token_rejections_total{profile,outcome}          counter: refreshed,
//                                                  stale, suppressed
//   signet_inbound_verified_total{profile,scheme}           counter
//   signet_inbound_refused_total{profile,scheme,reason}     counter
//   signet_upstream_circuit_state{profile}                  gauge: 0 closed,
//                                                  1 open, 2 half-open
//   signet_upstream_circuit_rejections_total{profile}       counter
class Metrics final : public RpcObserver,
                      public CircuitObserver,
                      public UpstreamObserver,
                      public TokenObserver,
                      public InboundObserver {
 public:
  Metrics();

  void RpcStarted(absl::string_view method) override;
  void RpcFinished(absl::string_view method, absl::string_view profile,
                   absl::StatusCode code, absl::Duration elapsed) override;
  void UpstreamDone(absl::string_view profile, absl::string_view outcome,
                    absl::Duration elapsed) override;
  void TokenLookup(absl::string_view profile, bool hit) override;
  void TokenFetched(absl::string_view profile, bool ok) override;
  void TokenRejected(absl::string_view profile,
                     absl::string_view outcome) override;
  void Verified(absl::string_view profile, absl::string_view scheme) override;
  void Refused(absl::string_view profile, absl::string_view scheme,
               absl::string_view reason) override;
  void CircuitStateChanged(absl::string_view profile,
                           CircuitState state) override;
  void CircuitRejected(absl::string_view profile) override;

  // Values read at scrape time from the components that own them.
  using ExpiryReader =
      std::function<std::vector<std::pair<std::string, double>>()>;
  void SetTokenExpiryReader(ExpiryReader reader) ABSL_LOCKS_EXCLUDED(mu_);
  void SetConnectionsOpenedReader(std::function<uint64_t()> reader)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The Prometheus text exposition format (version 0.0.4).
  std::string Serialize() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void RefreshReadValues() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Histogram>& rpc_duration_;
  prometheus::Gauge& rpc_in_flight_;
  prometheus::Family<prometheus::Histogram>& upstream_duration_;
  prometheus::Counter& connections_opened_;
  prometheus::Family<prometheus::Counter>& token_hits_;
  prometheus::Family<prometheus::Counter>& token_misses_;
  prometheus::Family<prometheus::Counter>& token_refreshes_;
  prometheus::Family<prometheus::Counter>& token_refresh_failures_;
  prometheus::Family<prometheus::Gauge>& token_expiry_;
  prometheus::Family<prometheus::Counter>& token_rejections_;
  prometheus::Family<prometheus::Counter>& inbound_verified_;
  prometheus::Family<prometheus::Counter>& inbound_refused_;
  prometheus::Family<prometheus::Gauge>& circuit_state_;
  prometheus::Family<prometheus::Counter>& circuit_rejections_;
  // The series updated on every call, by label values (see SeriesCache).
  SeriesCache<prometheus::Histogram> rpc_series_;       // method, profile, code
  SeriesCache<prometheus::Histogram> upstream_series_;  // profile, status
  SeriesCache<prometheus::Counter> token_lookup_series_;  // profile, hit

  absl::Mutex mu_;
  ExpiryReader expiry_reader_ ABSL_GUARDED_BY(mu_);
  std::function<uint64_t()> connections_reader_ ABSL_GUARDED_BY(mu_);
  uint64_t connections_seen_ ABSL_GUARDED_BY(mu_) = 0;
  // The expiry series exported at the last scrape, by profile.
  std::map<std::string, prometheus::Gauge*> expiry_series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_ADMIN_METRICS_H_
