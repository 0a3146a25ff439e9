// Microbenchmarks of the three signers, as the gateway calls them: a signed
// request is made from an unsigned one for every call, so each iteration
// copies a prototype request (BM_HttpRequest_Copy measures that copy alone)
// and signs it; the callback runs inline because nothing remote is needed.

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_signer.h"
#include "benchmark/benchmark.h"
#include "common/clock.h"
#include "common/system_random.h"
#include "config/settings.h"
#include "http/http_types.h"
#include "innopaas/static_header_signer.h"
#include "openapi/bearer_token_signer.h"
#include "openapi/token.h"
#include "openapi/token_cache.h"
#include "openapi/token_source.h"
#include "secrets/secret.h"
#include "upstream/signer.h"

namespace signet {
namespace {

// A POST as a service would forward it: ~200-byte JSON body, 3 caller
// headers, none of them a signer's.
HttpRequest RealisticRequest() {
  HttpRequest request;
  request.method = "POST";
  request.url = "https://api.example.com/api/v2/orders/12345/items?lang=en";
  request.headers = {
      {"Accept", "application/json"},
      {"X-Request-Id", "7f3c2a9e-4b1d-4e8a-9c6f-2d5b8e1a0c47"},
      {"Accept-Language", "en-US,en;q=0.9"},
  };
  request.body =
      R"({"order_id":12345,"customer":{"id":"c-98765","name":"Ada Lovelace",)"
      R"("email":"ada@example.com"},"items":[{"sku":"SKU-001","qty":2,)"
      R"("price":"19.99"},{"sku":"SKU-042","qty":1,"price":"5.00"}],)"
      R"("currency":"EUR","note":"leave at door"})";
  request.deadline = absl::Now() + absl::Seconds(30);
  return request;
}

constexpr char kAppId[] = "app-123";
// 32 hex digits, the shape of the emulator's OpenAPI tokens.
constexpr char kToken[] = "9f86d081884c7d659a2feaa0c55ad015";
constexpr char kApsdaiSecret[] = "s3cr3t-apsdai-hook-key-0123456789abcdef";

// Answers every Fetch inline with a token valid for a year, so a cache that
// has been warmed once never fetches again.
class InlineTokenSource final : public TokenSource {
 public:
  explicit InlineTokenSource(const Clock* clock) : clock_(*clock) {}

  void Fetch(TokenCallback on_done) override {
    ++fetches_;
    std::move(on_done)(
        Token{Secret(kToken), clock_.Now() + absl::Hours(24 * 365)});
  }

  int fetches() const { return fetches_; }

 private:
  const Clock& clock_;
  int fetches_ = 0;
};

// Signs a copy of `prototype` with `signer` once per iteration; reports an
// error if signing ever fails or does not complete inline.
void RunSignLoop(benchmark::State& state, Signer& signer,
                 const HttpRequest& prototype) {
  size_t signed_headers = 0;
  bool failed = false;
  for (auto _ : state) {
    bool done = false;
    signer.Sign(
        HttpRequest(prototype),
        [&done, &failed, &signed_headers](absl::StatusOr<HttpRequest> result) {
          done = true;
          if (!result.ok()) {
            failed = true;
            return;
          }
          signed_headers = result->headers.size();
          benchmark::DoNotOptimize(result->headers.data());
        });
    benchmark::DoNotOptimize(signed_headers);
    if (!done || failed) {
      state.SkipWithError("signing failed or did not complete inline");
      break;
    }
  }
}

// Copying the realistic request: the part of every Sign benchmark below that
// is not signing.
void BM_HttpRequest_Copy(benchmark::State& state) {
  const HttpRequest prototype = RealisticRequest();
  for (auto _ : state) {
    HttpRequest copy(prototype);
    benchmark::DoNotOptimize(copy.headers.data());
    benchmark::DoNotOptimize(copy.body.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_HttpRequest_Copy);

// StaticHeaderSigner (InnoPaaS): three SetHeader calls, inline callback.
void BM_StaticHeaderSigner_Sign(benchmark::State& state) {
  StaticHeaderSigner signer(Secret("innopaas-app-key-0123456789"),
                            Secret("innopaas-authorization-token-abcdef"));
  RunSignLoop(state, signer, RealisticRequest());
}
BENCHMARK(BM_StaticHeaderSigner_Sign);

// ApsdaiSigner in signature mode: clock read, HMAC-SHA256, base64,
// PHP urlencode, four SetHeader calls.
void BM_ApsdaiSigner_Sign(benchmark::State& state) {
  ApsdaiSigner signer(LicenseVerification::kSignature, Secret(kApsdaiSecret),
                      SystemClock::Get());
  RunSignLoop(state, signer, RealisticRequest());
}
BENCHMARK(BM_ApsdaiSigner_Sign);

// ApsdaiSigner in password mode: as above without the HMAC.
void BM_ApsdaiSigner_SignPasswordMode(benchmark::State& state) {
  ApsdaiSigner signer(LicenseVerification::kPassword, Secret(kApsdaiSecret),
                      SystemClock::Get());
  RunSignLoop(state, signer, RealisticRequest());
}
BENCHMARK(BM_ApsdaiSigner_SignPasswordMode);

// ApsdaiSignature alone: urlencode(base64(HMAC-SHA256(secret, ts\nsecret))).
void BM_ApsdaiSignature(benchmark::State& state) {
  const Secret secret(kApsdaiSecret);
  int64_t timestamp_ms = 1700000000000;
  for (auto _ : state) {
    benchmark::DoNotOptimize(timestamp_ms);
    std::string signature = ApsdaiSignature(timestamp_ms, secret);
    benchmark::DoNotOptimize(signature.data());
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_ApsdaiSignature);

// TokenCache::Get on a warm cache: mutex, clock read, token copy, callback.
void BM_TokenCache_GetWarm(benchmark::State& state) {
  auto shared_source = std::make_shared<InlineTokenSource>(SystemClock::Get());
  InlineTokenSource& source = *shared_source;
  SystemRandom random;
  auto shared_cache = std::make_shared<TokenCache>(
      shared_source, SystemClock::Get(), &random, TokenCache::Options());
  TokenCache& cache = *shared_cache;
  cache.Get([](absl::StatusOr<TokenCache::Result>) {});  // warm it
  bool all_hits = true;
  for (auto _ : state) {
    cache.Get([&all_hits](absl::StatusOr<TokenCache::Result> result) {
      all_hits &= result.ok() && result->from_cache;
      benchmark::DoNotOptimize(result);
    });
  }
  if (!all_hits || source.fetches() != 1) {
    state.SkipWithError("expected every Get to be a cache hit");
  }
}
BENCHMARK(BM_TokenCache_GetWarm);

// BearerTokenSigner (OpenAPI) with a warm TokenCache: cache hit, then the
// Authorization and X-APP-ID headers.
void BM_BearerTokenSigner_Sign(benchmark::State& state) {
  auto shared_source = std::make_shared<InlineTokenSource>(SystemClock::Get());
  InlineTokenSource& source = *shared_source;
  SystemRandom random;
  auto cache = std::make_shared<TokenCache>(shared_source, SystemClock::Get(),
                                            &random, TokenCache::Options());
  cache->Get([](absl::StatusOr<TokenCache::Result>) {});  // warm it
  BearerTokenSigner signer(cache, kAppId);
  RunSignLoop(state, signer, RealisticRequest());
  if (source.fetches() != 1) {
    state.SkipWithError("the warm cache fetched again");
  }
}
BENCHMARK(BM_BearerTokenSigner_Sign);

}  // namespace
}  // namespace signet
