// Microbenchmarks of the crypto primitives a call may use: the OpenAPI token
// signature (Sha256Hex), the APSDAI signature (HmacSha256), and the
// constant-time secret comparison (Secret::Equals).

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "crypto/digest.h"
#include "secrets/secret.h"

namespace signet {
namespace {

constexpr char kOpenApiSecret[] = "0123456789abcdef0123456789abcdef";
constexpr char kApsdaiSecret[] = "s3cr3t-apsdai-hook-key-0123456789abcdef";

// `size` bytes of filler, for the size sweeps.
std::string Filler(int64_t size) {
  return std::string(static_cast<size_t>(size), 'x');
}

// Sha256Hex on the OpenAPI signed text app_id + time_stamp + secret
// (49 bytes): one EVP_Digest plus hex encoding.
void BM_Sha256Hex(benchmark::State& state) {
  const std::string data = absl::StrCat("app-123", 1700000000, kOpenApiSecret);
  for (auto _ : state) {
    benchmark::DoNotOptimize(data.data());
    std::string hex = Sha256Hex(data);
    benchmark::DoNotOptimize(hex.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(data.size()));
}
BENCHMARK(BM_Sha256Hex);

// Sha256Hex over 1 KiB, to separate the per-call overhead from hashing.
void BM_Sha256Hex_Size(benchmark::State& state) {
  const std::string data = Filler(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(data.data());
    std::string hex = Sha256Hex(data);
    benchmark::DoNotOptimize(hex.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_Sha256Hex_Size)->Arg(1024);

// HmacSha256 as the APSDAI signature uses it: key = secret (39 bytes),
// message = timestamp_ms + "\n" + secret (53 bytes).
void BM_HmacSha256(benchmark::State& state) {
  const std::string key = kApsdaiSecret;
  const std::string message = absl::StrCat(1700000000000, "\n", kApsdaiSecret);
  for (auto _ : state) {
    benchmark::DoNotOptimize(key.data());
    benchmark::DoNotOptimize(message.data());
    std::string mac = HmacSha256(key, message);
    benchmark::DoNotOptimize(mac.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() *
                          static_cast<int64_t>(message.size()));
}
BENCHMARK(BM_HmacSha256);

// HmacSha256 over a 1 KiB message, to separate the per-call overhead.
void BM_HmacSha256_Size(benchmark::State& state) {
  const std::string key = kApsdaiSecret;
  const std::string message = Filler(state.range(0));
  for (auto _ : state) {
    benchmark::DoNotOptimize(message.data());
    std::string mac = HmacSha256(key, message);
    benchmark::DoNotOptimize(mac.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_HmacSha256_Size)->Arg(1024);

// Secret::Equals with the right 32-byte value: two SHA-256 and CRYPTO_memcmp.
void BM_SecretEquals_Match(benchmark::State& state) {
  const Secret secret(kOpenApiSecret);
  const std::string candidate = kOpenApiSecret;
  bool equal = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(candidate.data());
    equal = secret.Equals(candidate);
    benchmark::DoNotOptimize(equal);
  }
  if (!equal) state.SkipWithError("Equals said no to the same value");
}
BENCHMARK(BM_SecretEquals_Match);

// Secret::Equals with a wrong value differing in the first byte; should cost
// the same as a match (constant time).
void BM_SecretEquals_Mismatch(benchmark::State& state) {
  const Secret secret(kOpenApiSecret);
  std::string candidate = kOpenApiSecret;
  candidate[0] = 'X';
  bool equal = true;
  for (auto _ : state) {
    benchmark::DoNotOptimize(candidate.data());
    equal = secret.Equals(candidate);
    benchmark::DoNotOptimize(equal);
  }
  if (equal) state.SkipWithError("Equals said yes to a different value");
}
BENCHMARK(BM_SecretEquals_Mismatch);

}  // namespace
}  // namespace signet
