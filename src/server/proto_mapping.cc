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

void ToProto(const TokenCache::Result& token, absl::string_view app_id,
             v1::GetTokenResponse* out) {
  out->set_token(std::string(token.token.value.Reveal()));
  ToProto(token.token.expires_at, out->mutable_expire_time());
  out->set_app_id(std::string(app_id));
  out->set_from_cache(token.from_cache);
}

void ToProto(const OpenApiProfile::Verification& verification,
             v1::VerifyResponse* out) {
  out->set_valid(verification.answer.valid);
  out->set_app_id(verification.answer.app_id);
  out->set_result(verification.answer.result);
  out->set_message(verification.answer.message);
  if (verification.time.has_value()) {
    ToProto(*verification.time, out->mutable_time());
  }
}

void ToProto(LicenseAnswer licenses, v1::FetchLicensesResponse* out) {
  for (std::string& key : licenses.keys) out->add_keys(std::move(key));
  out->set_code(std::move(licenses.code));
  out->set_message(std::move(licenses.message));
}

}  // namespace signet
