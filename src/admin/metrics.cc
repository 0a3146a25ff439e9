#include "admin/metrics.h"

#include <prometheus/text_serializer.h>

namespace signet {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      inbound_verified_(
          prometheus::BuildCounter()
              .Name("signet_inbound_verified_total")
              .Help("Inbound requests found authentic, by inbound profile.")
              .Register(*registry_)),
      inbound_refused_(
          prometheus::BuildCounter()
              .Name("signet_inbound_refused_total")
              .Help("Inbound requests refused, by inbound profile and reason.")
              .Register(*registry_)) {}

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

std::string Metrics::Serialize() const {
  return prometheus::TextSerializer().Serialize(registry_->Collect());
}

}  // namespace signet
