#ifndef SIGNET_INBOUND_INBOUND_REQUEST_H_
#define SIGNET_INBOUND_INBOUND_REQUEST_H_

#include <string>
#include <vector>

#include "http/http_types.h"

namespace signet {

// A request that arrived at a service behind signet (a webhook push, a
// license hook), as the receiver or a VerifyInbound caller saw it. Headers
// keep every occurrence: a header given twice must be seen to be refused.
struct InboundRequest {
  std::string method;
  std::string path;
  std::vector<HttpHeader> headers;
  std::string body;
};

}  // namespace signet

#endif  // SIGNET_INBOUND_INBOUND_REQUEST_H_
