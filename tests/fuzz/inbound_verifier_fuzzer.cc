// Inbound verification: APSDAI license hooks (ApsdaiVerifier) and InnoPaaS
// webhook pushes (InnoPaasWebhookVerifier), over a sequence of requests
// against one verifier pair, so the replay cache carries state between them.
//
// Input layout (FuzzedDataProvider): integers come from the end (the mode,
// window and cache size, then each step's kind and numbers), strings from
// the start (header names and values of made-up requests). A step is a
// made-up request, a genuine hook or push (correctly signed, with its
// timestamp at a fuzzed distance from now, names lower-cased or a header
// duplicated at will), or the clock moving on.
//
// Checks: no crash or sanitizer report; every verdict is exactly what the
// documented rules (apsdai_verifier.h, innopaas_webhook_verifier.h) give,
// recomputed here with a model of the replay cache; no refusal's detail
// holds a secret or the expected token.

#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_signer.h"
#include "apsdai/apsdai_verifier.h"
#include "common/clock.h"
#include "config/settings.h"
#include "fuzz_check.h"
#include "inbound/inbound_request.h"
#include "innopaas/webhook_verifier.h"

namespace signet {
namespace {

constexpr char kHookSecret[] = "fuzz-hook-secret-0c4a";
constexpr char kUserName[] = "fuzz-user-71b2";
constexpr char kAuthorization[] = "fuzz-authorization-9e3d";

class SteppedClock final : public Clock {
 public:
  absl::Time Now() const override { return now_; }
  void Advance(absl::Duration d) { now_ += d; }

 private:
  absl::Time now_ = absl::FromUnixSeconds(1700000000);
};

// The one value of `name`, or the refusal FindSingleHeader gives.
RefusalReason SingleHeader(const InboundRequest& request,
                           absl::string_view name, std::string* value) {
  int seen = 0;
  for (const HttpHeader& header : request.headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) {
      ++seen;
      *value = header.value;
    }
  }
  if (seen == 0) return RefusalReason::kMissingHeader;
  if (seen > 1) return RefusalReason::kDuplicateHeader;
  return RefusalReason::kNone;
}

// ApsdaiVerifier as apsdai_verifier.h describes it.
class ApsdaiModel {
 public:
  ApsdaiModel(const ApsdaiInboundSettings& settings, const Clock* clock)
      : settings_(settings), clock_(*clock) {}

  RefusalReason Expect(const InboundRequest& request,
                       std::string* expected_token) {
    std::string user_agent, timestamp, token;
    for (auto [name, value] :
         {std::pair<absl::string_view, std::string*>{"User-Agent", &user_agent},
          {"X-Apsdai-Timestamp", &timestamp},
          {"X-Apsdai-Token", &token}}) {
      if (RefusalReason r = SingleHeader(request, name, value);
          r != RefusalReason::kNone) {
        return r;
      }
    }
    if (user_agent != "apsdai-hook") return RefusalReason::kWrongUserAgent;
    int64_t timestamp_ms = 0;
    if (timestamp.size() != 13 ||
        !std::all_of(timestamp.begin(), timestamp.end(),
                     [](char c) { return c >= '0' && c <= '9'; }) ||
        !absl::SimpleAtoi(timestamp, &timestamp_ms)) {
      return RefusalReason::kBadTimestamp;
    }
    const absl::Time now = clock_.Now();
    const absl::Time sent = absl::FromUnixMillis(timestamp_ms);
    if (now - sent > settings_.window) return RefusalReason::kStale;
    if (sent - now > settings_.window) return RefusalReason::kFuture;
    *expected_token = settings_.verification == LicenseVerification::kPassword
                          ? std::string(settings_.secret.Reveal())
                          : ApsdaiSignature(timestamp_ms, settings_.secret);
    if (token != *expected_token) return RefusalReason::kWrongCredentials;
    if (settings_.verification == LicenseVerification::kPassword) {
      return RefusalReason::kNone;
    }
    for (auto it = seen_.begin(); it != seen_.end();) {
      it = it->second < now ? seen_.erase(it) : std::next(it);
    }
    if (seen_.count(token) > 0) return RefusalReason::kReplayed;
    if (seen_.size() >= settings_.replay_cache_size) {
      return RefusalReason::kReplayCacheFull;
    }
    seen_[token] = sent + settings_.window;
    return RefusalReason::kNone;
  }

 private:
  const ApsdaiInboundSettings& settings_;
  const Clock& clock_;
  std::map<std::string, absl::Time> seen_;
};

RefusalReason ExpectInnoPaas(const InboundRequest& request) {
  std::string user_name, authorization;
  if (RefusalReason r = SingleHeader(request, "UserName", &user_name);
      r != RefusalReason::kNone) {
    return r;
  }
  if (RefusalReason r = SingleHeader(request, "Authorization", &authorization);
      r != RefusalReason::kNone) {
    return r;
  }
  return user_name == kUserName && authorization == kAuthorization
             ? RefusalReason::kNone
             : RefusalReason::kWrongCredentials;
}

void CheckDetail(const Verdict& verdict, absl::string_view expected_token) {
  SIGNET_FUZZ_CHECK(verdict.authentic() == verdict.detail.empty());
  for (absl::string_view secret :
       {absl::string_view(kHookSecret), absl::string_view(kUserName),
        absl::string_view(kAuthorization), expected_token}) {
    SIGNET_FUZZ_CHECK(secret.empty() ||
                      !absl::StrContains(verdict.detail, secret));
  }
}

InboundRequest MadeUpRequest(FuzzedDataProvider& provider) {
  static constexpr absl::string_view kNames[] = {
      "User-Agent",    "X-Apsdai-Timestamp", "X-Apsdai-Token", "UserName",
      "Authorization", "x-apsdai-token",     "USERNAME"};
  InboundRequest request;
  const int count = provider.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < count; ++i) {
    const size_t pick = provider.ConsumeIntegralInRange<size_t>(0, 7);
    std::string name = pick < 7 ? std::string(kNames[pick])
                                : provider.ConsumeRandomLengthString(32);
    request.headers.push_back(
        {std::move(name), provider.ConsumeRandomLengthString(64)});
  }
  return request;
}

// Lower-cases every name and/or repeats one header, as the input says.
void Vary(FuzzedDataProvider& provider, InboundRequest* request) {
  if (provider.ConsumeBool()) {
    for (HttpHeader& header : request->headers) {
      header.name = absl::AsciiStrToLower(header.name);
    }
  }
  const size_t repeat =
      provider.ConsumeIntegralInRange<size_t>(0, request->headers.size());
  if (repeat < request->headers.size()) {
    request->headers.push_back(request->headers[repeat]);
  }
}

}  // namespace
}  // namespace signet

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace signet;
  FuzzedDataProvider provider(data, size);
  ApsdaiInboundSettings apsdai_settings;
  apsdai_settings.verification = provider.ConsumeBool()
                                     ? LicenseVerification::kPassword
                                     : LicenseVerification::kSignature;
  apsdai_settings.secret = Secret(kHookSecret);
  apsdai_settings.window =
      absl::Seconds(provider.ConsumeIntegralInRange<int64_t>(1, 600));
  apsdai_settings.replay_cache_size =
      provider.ConsumeIntegralInRange<size_t>(1, 4);
  SteppedClock clock;
  ApsdaiVerifier apsdai(apsdai_settings, &clock);
  ApsdaiModel apsdai_model(apsdai_settings, &clock);
  InnoPaasWebhookVerifier innopaas(
      InnoPaasWebhookSettings{Secret(kUserName), Secret(kAuthorization)});
  const int64_t window_ms = absl::ToInt64Milliseconds(apsdai_settings.window);

  for (int step = 0; step < 32 && provider.remaining_bytes() > 0; ++step) {
    InboundRequest request;
    switch (provider.ConsumeIntegralInRange(0, 3)) {
      case 0:
        request = MadeUpRequest(provider);
        break;
      case 1: {
        const int64_t timestamp_ms = absl::ToUnixMillis(clock.Now()) +
                                     provider.ConsumeIntegralInRange<int64_t>(
                                         -2 * window_ms, 2 * window_ms);
        request.headers = {
            {"Content-Type", "application/json"},
            {"User-Agent", "apsdai-hook"},
            {"X-Apsdai-Timestamp", absl::StrCat(timestamp_ms)},
            {"X-Apsdai-Token",
             apsdai_settings.verification == LicenseVerification::kPassword
                 ? std::string(kHookSecret)
                 : ApsdaiSignature(timestamp_ms, apsdai_settings.secret)}};
        Vary(provider, &request);
        break;
      }
      case 2:
        request.headers = {{"UserName", kUserName},
                           {"Authorization", kAuthorization}};
        Vary(provider, &request);
        break;
      default:
        clock.Advance(absl::Milliseconds(
            provider.ConsumeIntegralInRange<int64_t>(0, 2 * window_ms)));
        continue;
    }
    std::string expected_token;
    const RefusalReason expected =
        apsdai_model.Expect(request, &expected_token);
    const Verdict apsdai_verdict = apsdai.Verify(request);
    SIGNET_FUZZ_CHECK(apsdai_verdict.reason == expected);
    CheckDetail(apsdai_verdict, expected_token);

    const Verdict innopaas_verdict = innopaas.Verify(request);
    SIGNET_FUZZ_CHECK(innopaas_verdict.reason == ExpectInnoPaas(request));
    CheckDetail(innopaas_verdict, "");
  }
  return 0;
}
