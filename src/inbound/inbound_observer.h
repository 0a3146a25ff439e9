#ifndef SIGNET_INBOUND_INBOUND_OBSERVER_H_
#define SIGNET_INBOUND_INBOUND_OBSERVER_H_

#include "absl/strings/string_view.h"

namespace signet {

// Where inbound outcomes are counted (the admin listener's metrics), kept
// as an interface so verification does not depend on a metrics library.
class InboundObserver {
 public:
  virtual ~InboundObserver() = default;
  virtual void Verified(absl::string_view profile,
                        absl::string_view scheme) = 0;
  // `reason` is a RefusalLabel.
  virtual void Refused(absl::string_view profile, absl::string_view scheme,
                       absl::string_view reason) = 0;
};

}  // namespace signet

#endif  // SIGNET_INBOUND_INBOUND_OBSERVER_H_
