#include "admin/metrics.h"

#include <prometheus/text_serializer.h>

#include "absl/strings/ascii.h"

namespace signet {
namespace {

using prometheus::Histogram;

// From a cached-token answer (tens of microseconds) to a slow upstream.
const Histogram::BucketBoundaries& LatencyBuckets() {
  static const auto* const buckets = new Histogram::BucketBoundaries{
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5,    10};
  return *buckets;
}

std::string Label(absl::string_view value) {
  return value.empty() ? std::string("none") : std::string(value);
}

}  // namespace

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      rpc_duration_(prometheus::BuildHistogram()
                        .Name("signet_rpc_duration_seconds")
                        .Help("Gateway RPCs by method, profile and gRPC code.")
                        .Register(*registry_)),
      rpc_in_flight_(prometheus::BuildGauge()
                         .Name("signet_rpc_in_flight")
                         .Help("Gateway RPCs started and not yet finished.")
                         .Register(*registry_)
                         .Add({})),
      upstream_duration_(
          prometheus::BuildHistogram()
              .Name("signet_upstream_request_duration_seconds")
              .Help("Upstream HTTP requests by profile and HTTP status (or "
                    "the error when there was no answer).")
              .Register(*registry_)),
      connections_opened_(
          prometheus::BuildCounter()
              .Name("signet_upstream_connections_opened_total")
              .Help("New upstream connections (TCP+TLS handshakes).")
              .Register(*registry_)
              .Add({})),
      token_hits_(prometheus::BuildCounter()
                      .Name("signet_token_cache_hits_total")
                      .Help("Token lookups answered from memory.")
                      .Register(*registry_)),
      token_misses_(prometheus::BuildCounter()
                        .Name("signet_token_cache_misses_total")
                        .Help("Token lookups that waited for a fetch.")
                        .Register(*registry_)),
      token_refreshes_(prometheus::BuildCounter()
                           .Name("signet_token_refreshes_total")
                           .Help("Token fetches upstream.")
                           .Register(*registry_)),
      token_refresh_failures_(prometheus::BuildCounter()
                                  .Name("signet_token_refresh_failures_total")
                                  .Help("Token fetches upstream that failed.")
                                  .Register(*registry_)),
      token_expiry_(prometheus::BuildGauge()
                        .Name("signet_token_expiry_seconds")
                        .Help("Seconds until the cached token expires.")
                        .Register(*registry_)),
      token_rejections_(
          prometheus::BuildCounter()
              .Name("signet_token_rejections_total")
              .Help("Tokens an upstream refused, by what the cache did: "
                    "refreshed, stale (already replaced) or suppressed "
                    "(within min_refresh_interval of the last refresh).")
              .Register(*registry_)),
      inbound_verified_(
          prometheus::BuildCounter()
              .Name("signet_inbound_verified_total")
              .Help("Inbound requests found authentic, by inbound profile.")
              .Register(*registry_)),
      inbound_refused_(
          prometheus::BuildCounter()
              .Name("signet_inbound_refused_total")
              .Help("Inbound requests refused, by inbound profile and reason.")
              .Register(*registry_)),
      circuit_state_(prometheus::BuildGauge()
                         .Name("signet_upstream_circuit_state")
                         .Help("Circuit breaker per upstream profile: 0 "
                               "closed, 1 open, 2 half-open.")
                         .Register(*registry_)),
      circuit_rejections_(
          prometheus::BuildCounter()
              .Name("signet_upstream_circuit_rejections_total")
              .Help("Calls failed fast because the upstream's circuit was "
                    "open.")
              .Register(*registry_)) {}

void Metrics::RpcStarted(absl::string_view /*method*/) {
  rpc_in_flight_.Increment();
}

void Metrics::RpcFinished(absl::string_view method, absl::string_view profile,
                          absl::StatusCode code, absl::Duration elapsed) {
  rpc_in_flight_.Decrement();
  rpc_series_
      .Get(method, profile, static_cast<int>(code),
           [&]() -> Histogram& {
             return rpc_duration_.Add(
                 {{"method", std::string(method)},
                  {"profile", Label(profile)},
                  {"code", absl::StatusCodeToString(code)}},
                 LatencyBuckets());
           })
      .Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::UpstreamDone(absl::string_view profile, absl::string_view outcome,
                           absl::Duration elapsed) {
  upstream_series_
      .Get(profile, outcome, 0,
           [&]() -> Histogram& {
             return upstream_duration_.Add({{"profile", Label(profile)},
                                            {"status", std::string(outcome)}},
                                           LatencyBuckets());
           })
      .Observe(absl::ToDoubleSeconds(elapsed));
}

void Metrics::TokenLookup(absl::string_view profile, bool hit) {
  token_lookup_series_
      .Get(profile, "", hit ? 1 : 0,
           [&]() -> prometheus::Counter& {
             return (hit ? token_hits_ : token_misses_)
                 .Add({{"profile", Label(profile)}});
           })
      .Increment();
}

void Metrics::TokenFetched(absl::string_view profile, bool ok) {
  token_refreshes_.Add({{"profile", Label(profile)}}).Increment();
  if (!ok)
    token_refresh_failures_.Add({{"profile", Label(profile)}}).Increment();
}

void Metrics::TokenRejected(absl::string_view profile,
                            absl::string_view outcome) {
  token_rejections_
      .Add({{"profile", Label(profile)}, {"outcome", std::string(outcome)}})
      .Increment();
}

void Metrics::Verified(absl::string_view profile, absl::string_view scheme) {
  inbound_verified_
      .Add({{"profile", std::string(profile)}, {"scheme", std::string(scheme)}})
      .Increment();
}

void Metrics::Refused(absl::string_view profile, absl::string_view scheme,
                      absl::string_view reason) {
  inbound_refused_
      .Add({{"profile", std::string(profile)},
            {"scheme", std::string(scheme)},
            {"reason", std::string(reason)}})
      .Increment();
}

void Metrics::CircuitStateChanged(absl::string_view profile,
                                  CircuitState state) {
  circuit_state_.Add({{"profile", Label(profile)}})
      .Set(static_cast<double>(state));
}

void Metrics::CircuitRejected(absl::string_view profile) {
  circuit_rejections_.Add({{"profile", Label(profile)}}).Increment();
}

void Metrics::SetTokenExpiryReader(ExpiryReader reader) {
  absl::MutexLock lock(&mu_);
  expiry_reader_ = std::move(reader);
}

void Metrics::SetConnectionsOpenedReader(std::function<uint64_t()> reader) {
  absl::MutexLock lock(&mu_);
  connections_reader_ = std::move(reader);
}

void Metrics::RefreshReadValues() {
  if (expiry_reader_) {
    // A profile the reader leaves out (removed by a reload, or replaced by
    // one without a token yet) loses its series: its last value would
    // describe a token that is gone.
    std::map<std::string, prometheus::Gauge*> series;
    for (const auto& [profile, seconds] : expiry_reader_()) {
      prometheus::Gauge& gauge = token_expiry_.Add({{"profile", profile}});
      gauge.Set(seconds);
      series.emplace(profile, &gauge);
    }
    for (const auto& [profile, gauge] : expiry_series_) {
      if (series.find(profile) == series.end()) token_expiry_.Remove(gauge);
    }
    expiry_series_ = std::move(series);
  }
  if (connections_reader_) {
    const uint64_t now = connections_reader_();
    if (now > connections_seen_) {
      connections_opened_.Increment(
          static_cast<double>(now - connections_seen_));
      connections_seen_ = now;
    }
  }
}

std::string Metrics::Serialize() {
  absl::MutexLock lock(&mu_);
  RefreshReadValues();
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace signet
