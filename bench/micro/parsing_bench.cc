// Microbenchmarks of the JSON answer parsers, on answers shaped like those of
// seeds 002 (OpenAPI token and verify) and 003 (APSDAI licenses).

#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "apsdai/license_request.h"
#include "benchmark/benchmark.h"
#include "http/http_types.h"
#include "openapi/token_request.h"
#include "openapi/verify_request.h"

namespace signet {
namespace {

// A 200 answer with `body` and the headers an upstream typically sends.
HttpResponse JsonAnswer(std::string body) {
  HttpResponse response;
  response.status = 200;
  response.headers = {
      {"Content-Type", "application/json"},
      {"Date", "Fri, 10 Nov 2023 16:43:23 GMT"},
      {"Content-Length", std::to_string(body.size())},
  };
  response.body = std::move(body);
  return response;
}

// ParseTokenAnswer on a successful token answer (code 0, token, expire_time).
void BM_ParseTokenAnswer(benchmark::State& state) {
  const HttpResponse response =
      JsonAnswer(R"({"code":0,"msg":"success.","data":{)"
                 R"("token":"9f86d081884c7d659a2feaa0c55ad015",)"
                 R"("expire_time":"2023-11-10T18:43:23.232093"}})");
  if (!ParseTokenAnswer(response).ok()) {
    state.SkipWithError("the benchmark answer does not parse");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<TokenAnswer> answer = ParseTokenAnswer(response);
    benchmark::DoNotOptimize(answer);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ParseTokenAnswer);

// ParseVerifyAnswer on a successful verify answer (app_id, result, time).
void BM_ParseVerifyAnswer(benchmark::State& state) {
  const HttpResponse response =
      JsonAnswer(R"({"code":0,"msg":"success.","data":{"app_id":"app-123",)"
                 R"("result":"success","time":"2023-10-25T16:01:25.950224"}})");
  const absl::StatusOr<VerifyAnswer> check = ParseVerifyAnswer(response);
  if (!check.ok() || !check->valid) {
    state.SkipWithError("the benchmark answer does not parse as valid");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<VerifyAnswer> answer = ParseVerifyAnswer(response);
    benchmark::DoNotOptimize(answer);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ParseVerifyAnswer);

// ParseLicenseAnswer on a SUCCESS answer carrying 3 license keys.
void BM_ParseLicenseAnswer(benchmark::State& state) {
  const HttpResponse response =
      JsonAnswer(R"({"code":"SUCCESS","message":"Success","data":{"key":[)"
                 R"("XXXXX-LicenseKey1-7Q2M9-K4D8P-ZR6WN",)"
                 R"("XXXXX-LicenseKey2-B3T7F-H1X5C-LJ9VE",)"
                 R"("XXXXX-LicenseKey3-N8G2S-W6Y4A-QU0MD"]}})");
  const absl::StatusOr<LicenseAnswer> check = ParseLicenseAnswer(response);
  if (!check.ok() || check->keys.size() != 3) {
    state.SkipWithError("the benchmark answer does not parse to 3 keys");
    return;
  }
  for (auto _ : state) {
    absl::StatusOr<LicenseAnswer> answer = ParseLicenseAnswer(response);
    benchmark::DoNotOptimize(answer);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ParseLicenseAnswer);

}  // namespace
}  // namespace signet
