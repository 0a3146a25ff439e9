#ifndef SIGNET_ADMIN_METRICS_H_
#define SIGNET_ADMIN_METRICS_H_

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include "inbound/inbound_observer.h"

namespace signet {

// signet's Prometheus metrics, declared once here (prometheus-cpp from
// Debian: its registry and text format, without its civetweb exposer; the
// admin listener serves the text). Thread-safe.
class Metrics final : public InboundObserver {
 public:
  Metrics();

  // signet_inbound_verified_total{profile,scheme}
  void Verified(absl::string_view profile, absl::string_view scheme) override;
  // signet_inbound_refused_total{profile,scheme,reason}
  void Refused(absl::string_view profile, absl::string_view scheme,
               absl::string_view reason) override;

  // The Prometheus text exposition format (version 0.0.4).
  std::string Serialize() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& inbound_verified_;
  prometheus::Family<prometheus::Counter>& inbound_refused_;
};

}  // namespace signet

#endif  // SIGNET_ADMIN_METRICS_H_
