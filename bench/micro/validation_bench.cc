// Microbenchmarks of the checks every forwarded call goes through before it
// is signed: method, path, caller headers, and BuildForwardRequest end to end.

#include <cstddef>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "benchmark/benchmark.h"
#include "http/base_url.h"
#include "http/http_types.h"
#include "http/request_validation.h"
#include "upstream/forward_request.h"

namespace signet {
namespace {

// The headers the OpenAPI profile's signer (BearerTokenSigner) reserves.
constexpr absl::string_view kReserved[] = {"Authorization", "X-APP-ID"};

constexpr size_t kMaxBodyBytes = 8 << 20;

// Runs ValidateForwardPath on `path` once per iteration.
void RunValidatePath(benchmark::State& state, absl::string_view path) {
  if (!ValidateForwardPath(path).ok()) {
    state.SkipWithError("the benchmark path is not valid");
    return;
  }
  for (auto _ : state) {
    benchmark::DoNotOptimize(path);
    absl::Status status = ValidateForwardPath(path);
    benchmark::DoNotOptimize(status);
  }
}

// ValidateForwardPath on a typical plain path (5 segments, no escapes).
void BM_ValidateForwardPath_Plain(benchmark::State& state) {
  RunValidatePath(state, "/api/v2/orders/12345/items");
}
BENCHMARK(BM_ValidateForwardPath_Plain);

// ValidateForwardPath on a path whose segments carry %XX escapes (UTF-8 and
// spaces), which are decoded to look for hidden "." / ".." segments.
void BM_ValidateForwardPath_PercentEncoded(benchmark::State& state) {
  RunValidatePath(state,
                  "/api/v2/catalog/caf%C3%A9%20au%20lait/report%202024%2DQ1");
}
BENCHMARK(BM_ValidateForwardPath_PercentEncoded);

// ValidateCallerHeaders on 5 ordinary headers against 2 reserved names.
void BM_ValidateCallerHeaders_5(benchmark::State& state) {
  const std::vector<HttpHeader> headers = {
      {"Accept", "application/json"},
      {"Content-Type", "application/json"},
      {"X-Request-Id", "7f3c2a9e-4b1d-4e8a-9c6f-2d5b8e1a0c47"},
      {"Accept-Language", "en-US,en;q=0.9"},
      {"User-Agent", "orders-service/1.4.2 (python-grpc)"},
  };
  if (!ValidateCallerHeaders(headers, kReserved).ok()) {
    state.SkipWithError("the benchmark headers are not valid");
    return;
  }
  for (auto _ : state) {
    absl::Status status = ValidateCallerHeaders(headers, kReserved);
    benchmark::DoNotOptimize(status);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ValidateCallerHeaders_5);

// NormalizeForwardMethod on a lowercase method (uppercased and matched).
void BM_NormalizeForwardMethod(benchmark::State& state) {
  absl::string_view method = "post";
  for (auto _ : state) {
    benchmark::DoNotOptimize(method);
    absl::StatusOr<std::string> normalized = NormalizeForwardMethod(method);
    benchmark::DoNotOptimize(normalized);
  }
}
BENCHMARK(BM_NormalizeForwardMethod);

ForwardInput RealisticInput() {
  ForwardInput input;
  input.method = "post";
  input.path = "/api/v2/orders/12345/items";
  input.query = {{"lang", "en"}, {"page", "1"}};
  input.headers = {
      {"Accept", "application/json"},
      {"X-Request-Id", "7f3c2a9e-4b1d-4e8a-9c6f-2d5b8e1a0c47"},
      {"Accept-Language", "en-US,en;q=0.9"},
  };
  input.body =
      R"({"order_id":12345,"customer":{"id":"c-98765","name":"Ada Lovelace",)"
      R"("email":"ada@example.com"},"items":[{"sku":"SKU-001","qty":2,)"
      R"("price":"19.99"},{"sku":"SKU-042","qty":1,"price":"5.00"}],)"
      R"("currency":"EUR","note":"leave at door"})";
  return input;
}

// Copying the ForwardInput: the part of BM_BuildForwardRequest that is not
// the function itself (it takes its input by value).
void BM_ForwardInput_Copy(benchmark::State& state) {
  const ForwardInput prototype = RealisticInput();
  for (auto _ : state) {
    ForwardInput copy(prototype);
    benchmark::DoNotOptimize(copy.body.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ForwardInput_Copy);

// BuildForwardRequest end to end: a POST with 2 query parameters, 3 headers
// and a ~200-byte body, including the copy of its input.
void BM_BuildForwardRequest(benchmark::State& state) {
  const absl::StatusOr<BaseUrl> base =
      ParseBaseUrl("https://api.example.com/gateway", false);
  if (!base.ok()) {
    state.SkipWithError("ParseBaseUrl failed");
    return;
  }
  const ForwardInput prototype = RealisticInput();
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  bool failed = false;
  for (auto _ : state) {
    absl::StatusOr<HttpRequest> request = BuildForwardRequest(
        *base, ForwardInput(prototype), kReserved, kMaxBodyBytes, deadline);
    failed |= !request.ok();
    benchmark::DoNotOptimize(request);
  }
  if (failed) state.SkipWithError("BuildForwardRequest failed");
}
BENCHMARK(BM_BuildForwardRequest);

}  // namespace
}  // namespace signet
