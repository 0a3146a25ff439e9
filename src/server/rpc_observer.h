#ifndef SIGNET_SERVER_RPC_OBSERVER_H_
#define SIGNET_SERVER_RPC_OBSERVER_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signet {

// Where gateway RPCs are counted (the admin listener's metrics).
class RpcObserver {
 public:
  virtual ~RpcObserver() = default;
  virtual void RpcStarted(absl::string_view method) = 0;
  // `profile` is the resolved profile, or "" when the call failed before
  // one was found (unknown names are not labels: callers choose them).
  virtual void RpcFinished(absl::string_view method, absl::string_view profile,
                           absl::StatusCode code, absl::Duration elapsed) = 0;
};

}  // namespace signet

#endif  // SIGNET_SERVER_RPC_OBSERVER_H_
