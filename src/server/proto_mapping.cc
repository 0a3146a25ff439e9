#include "server/proto_mapping.h"

#include <cstdint>
#include <string>
#include <utility>

namespace signet {

InboundRequest ToInboundRequest(const v1::VerifyInboundRequest& request) {
  InboundRequest inbound;
  inbound.method = request.method();
  inbound.path = request.path();
  inbound.headers.reserve(request.headers_size());
  for (const v1::Header& header : request.headers()) {
    inbound.headers.push_back({header.name(), header.value()});
  }
  inbound.body = request.body();
  return inbound;
}

void ToProto(HttpResponse answer, v1::HttpResponse* out) {
  out->set_status(answer.status);
  for (HttpHeader& header : answer.headers) {
    v1::Header* added = out->add_headers();
    added->set_name(std::move(header.name));
    added->set_value(std::move(header.value));
  }
  out->set_body(std::move(answer.body));
}

void ToProto(absl::Time time, google::protobuf::Timestamp* out) {
  const absl::Duration since_epoch = time - absl::UnixEpoch();
  const int64_t seconds = absl::ToInt64Seconds(since_epoch);
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(since_epoch - absl::Seconds(seconds))));
}

}  // namespace signet
