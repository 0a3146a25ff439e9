#ifndef SIGNET_SERVER_GRPC_STATUS_H_
#define SIGNET_SERVER_GRPC_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace signet {

// The one place an absl::Status becomes a grpc::Status. The codes share
// their numbering (both are google.rpc.Code), so the code passes through and
// the message is kept; nothing else is attached.
grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace signet

#endif  // SIGNET_SERVER_GRPC_STATUS_H_
