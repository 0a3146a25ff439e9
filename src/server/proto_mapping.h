#ifndef SIGNET_SERVER_PROTO_MAPPING_H_
#define SIGNET_SERVER_PROTO_MAPPING_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "apsdai/license_request.h"
#include "google/protobuf/timestamp.pb.h"
#include "http/http_types.h"
#include "inbound/inbound_request.h"
#include "openapi/openapi_profile.h"
#include "openapi/token_cache.h"
#include "signet/v1/gateway.pb.h"
#include "upstream/forward_request.h"

namespace signet {

// Between the Gateway API's messages and the types the profiles take: the
// only place that knows both.

// A CallInnoPaaSRequest or CallOpenAPIRequest, before any check.
template <typename Request>
ForwardInput ToForwardInput(const Request& request) {
  ForwardInput input;
  input.method = request.method();
  input.path = request.path();
  input.query.insert(request.query().begin(), request.query().end());
  input.headers.reserve(request.headers_size());
  for (const v1::Header& header : request.headers()) {
    input.headers.push_back({header.name(), header.value()});
  }
  input.body = request.body();
  return input;
}

InboundRequest ToInboundRequest(const v1::VerifyInboundRequest& request);

// Moves the upstream's answer into the API's HttpResponse.
void ToProto(HttpResponse answer, v1::HttpResponse* out);

void ToProto(absl::Time time, google::protobuf::Timestamp* out);

void ToProto(const TokenCache::Result& token, absl::string_view app_id,
             v1::GetTokenResponse* out);
void ToProto(const OpenApiProfile::Verification& verification,
             v1::VerifyResponse* out);
void ToProto(LicenseAnswer licenses, v1::FetchLicensesResponse* out);

}  // namespace signet

#endif  // SIGNET_SERVER_PROTO_MAPPING_H_
