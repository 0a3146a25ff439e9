#include "server/observed_call.h"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"
#include "log/log.h"
#include "server/grpc_status.h"

namespace signet {
namespace {

constexpr size_t kMaxRequestIdLength = 128;

// The caller's id if it is a sane token (it reaches upstream headers and
// logs), otherwise none.
std::string CallerRequestId(const grpc::CallbackServerContext& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find("x-request-id");
  if (it == metadata.end()) return "";
  const absl::string_view id(it->second.data(), it->second.size());
  if (id.empty() || id.size() > kMaxRequestIdLength) return "";
  for (char c : id) {
    if (!absl::ascii_isgraph(static_cast<unsigned char>(c))) return "";
  }
  return std::string(id);
}

std::string NewRequestId() {
  // Correlation ids need uniqueness, not secrecy.
  thread_local absl::BitGen random;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(random),
                         absl::Uniform<uint64_t>(random));
}

}  // namespace

std::shared_ptr<ObservedCall> ObservedCall::Start(
    grpc::CallbackServerContext* context, absl::string_view method,
    RpcObserver* observer, const Clock* clock, RateLimitedLog* refusal_log) {
  // Not make_shared: a weak deadline timer must not pin the whole object.
  return std::shared_ptr<ObservedCall>(
      new ObservedCall(context, method, observer, clock, refusal_log));
}

ObservedCall::ObservedCall(grpc::CallbackServerContext* context,
                           absl::string_view method, RpcObserver* observer,
                           const Clock* clock, RateLimitedLog* refusal_log)
    : reactor_(context->DefaultReactor()),
      method_(method),
      observer_(observer),
      clock_(*clock),
      refusal_log_(*refusal_log),
      start_(clock->Now()),
      request_id_(CallerRequestId(*context)) {
  if (request_id_.empty()) request_id_ = NewRequestId();
  if (observer_ != nullptr) observer_->RpcStarted(method_);
}

void ObservedCall::Complete(const absl::Status& status) {
  if (limiter_ != nullptr) limiter_->Release();
  const absl::Duration elapsed = clock_.Now() - start_;
  if (observer_ != nullptr) {
    observer_->RpcFinished(method_, profile_, status.code(), elapsed);
  }
  if (MinLogLevel() <= LogLevel::kInfo) {
    const std::string code = absl::StatusCodeToString(status.code());
    const std::initializer_list<LogField> fields = {
        {"method", method_},
        {"profile", profile_},
        {"caller", caller_},
        {"code", code},
        {"duration_ms", absl::ToDoubleMilliseconds(elapsed)},
        {"upstream_status", upstream_status_},
        {"request_id", request_id_},
        {"error", status.message()}};
    if (status.code() == absl::StatusCode::kUnauthenticated ||
        status.code() == absl::StatusCode::kPermissionDenied) {
      refusal_log_.Log(LogLevel::kInfo, "rpc", fields, code);
    } else {
      LogInfo("rpc", fields);
    }
  }
  reactor_->Finish(ToGrpcStatus(status));
}

}  // namespace signet
