#include "inbound/verifier_registry.h"

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class RecordingObserver final : public InboundObserver {
 public:
  void Verified(absl::string_view profile, absl::string_view scheme) override {
    events.push_back(absl::StrCat("verified ", profile, " ", scheme));
  }
  void Refused(absl::string_view profile, absl::string_view scheme,
               absl::string_view reason) override {
    events.push_back(
        absl::StrCat("refused ", profile, " ", scheme, " ", reason));
  }
  std::vector<std::string> events;
};

std::map<std::string, InboundSettings> Profiles() {
  InboundSettings hooks;
  hooks.name = "hooks";
  hooks.innopaas_webhook = InnoPaasWebhookSettings{Secret("u"), Secret("a")};
  InboundSettings licenses;
  licenses.name = "licenses";
  licenses.apsdai = ApsdaiInboundSettings{};
  licenses.apsdai->secret = Secret("s");
  std::map<std::string, InboundSettings> profiles;
  profiles.emplace("hooks", std::move(hooks));
  profiles.emplace("licenses", std::move(licenses));
  return profiles;
}

TEST(VerifierRegistryTest, DispatchesByProfileAndCountsEachOutcome) {
  // Verify each profile uses its scheme and every verdict reaches the observer.
  FakeClock clock;
  RecordingObserver observer;
  VerifierRegistry verifiers(Profiles(), &clock, &observer);
  InboundRequest good;
  good.headers = {{"UserName", "u"}, {"Authorization", "a"}};
  auto outcome = verifiers.Verify("hooks", good);
  ASSERT_THAT(outcome, IsOk());
  EXPECT_TRUE(outcome->verdict.authentic());
  EXPECT_EQ(outcome->scheme, "innopaas_webhook");

  outcome = verifiers.Verify("licenses", good);
  ASSERT_THAT(outcome, IsOk());
  EXPECT_EQ(outcome->scheme, "apsdai");
  EXPECT_EQ(outcome->verdict.reason, RefusalReason::kMissingHeader);

  EXPECT_THAT(observer.events,
              ElementsAre("verified hooks innopaas_webhook",
                          "refused licenses apsdai missing_header"));
}

TEST(VerifierRegistryTest, UnknownProfileIsNotFound) {
  // Verify an unconfigured profile is NOT_FOUND naming it, and not counted.
  FakeClock clock;
  RecordingObserver observer;
  VerifierRegistry verifiers(Profiles(), &clock, &observer);
  EXPECT_THAT(verifiers.Verify("nope", InboundRequest()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"nope\"")));
  EXPECT_TRUE(observer.events.empty());
}

TEST(VerifierRegistryTest, UnknownProfileEchoesAtMost64BytesOfIt) {
  // Verify a long caller-chosen profile name is cut in NOT_FOUND.
  FakeClock clock;
  VerifierRegistry verifiers(Profiles(), &clock, nullptr);
  const absl::Status status =
      verifiers.Verify(std::string(10000, 'p'), InboundRequest()).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_LT(status.message().size(), 200u);
}

InboundRequest SignedHook(absl::Time sent, const std::string& secret) {
  const int64_t timestamp_ms = absl::ToUnixMillis(sent);
  InboundRequest request;
  request.method = "POST";
  request.path = "/hooks/licenses";
  request.headers = {
      {"User-Agent", "apsdai-hook"},
      {"X-Apsdai-Timestamp", absl::StrCat(timestamp_ms)},
      {"X-Apsdai-Token", ApsdaiSignature(timestamp_ms, Secret(secret))}};
  return request;
}

// The refusal label ("replayed", ...), "" when authentic.
std::string VerifyLicenses(const VerifierRegistry& verifiers,
                           const InboundRequest& request) {
  auto outcome = verifiers.Verify("licenses", request);
  EXPECT_THAT(outcome, IsOk());
  return outcome.ok() ? std::string(RefusalLabel(outcome->verdict.reason))
                      : "not found";
}

TEST(VerifierRegistryTest, ReplayIsRefusedAcrossAReloadThatChangesTheProfile) {
  // Verify a hook accepted before a reload is still refused as a replay
  // after it, whichever APSDAI setting (window, cache size) the reload
  // changed.
  for (const auto& change :
       {std::function<void(ApsdaiInboundSettings*)>(
            [](ApsdaiInboundSettings* s) { s->window = absl::Minutes(6); }),
        std::function<void(ApsdaiInboundSettings*)>(
            [](ApsdaiInboundSettings* s) { s->replay_cache_size = 7; })}) {
    FakeClock clock;
    const auto before =
        std::make_unique<VerifierRegistry>(Profiles(), &clock,
                                           /*observer=*/nullptr);
    const InboundRequest hook = SignedHook(clock.Now(), "s");
    ASSERT_EQ(VerifyLicenses(*before, hook), "");

    std::map<std::string, InboundSettings> reloaded = Profiles();
    change(&*reloaded["licenses"].apsdai);
    const VerifierRegistry after(reloaded, &clock, nullptr, before.get());
    clock.Advance(absl::Seconds(10));
    EXPECT_EQ(VerifyLicenses(after, hook), "replayed");
    // The old verifiers may still be finishing requests: they see it too.
    EXPECT_EQ(VerifyLicenses(*before, hook), "replayed");
    // A new hook is still accepted.
    EXPECT_EQ(VerifyLicenses(after, SignedHook(clock.Now(), "s")), "");
  }
}

TEST(VerifierRegistryTest, RotatedSecretSameMillisecondIsNotAReplay) {
  // Verify the carried-over cache is keyed by the token, which binds the
  // timestamp and the secret: a hook signed with the rotated secret at the
  // very millisecond of one accepted before the reload is accepted.
  FakeClock clock;
  const VerifierRegistry before(Profiles(), &clock, nullptr);
  ASSERT_EQ(VerifyLicenses(before, SignedHook(clock.Now(), "s")), "");
  std::map<std::string, InboundSettings> rotated = Profiles();
  rotated["licenses"].apsdai->secret = Secret("s2");
  const VerifierRegistry after(rotated, &clock, nullptr, &before);
  EXPECT_EQ(VerifyLicenses(after, SignedHook(clock.Now(), "s2")), "");
  EXPECT_EQ(VerifyLicenses(after, SignedHook(clock.Now(), "s")),
            "wrong_credentials");
}

TEST(VerifierRegistryTest, WiderWindowAfterReloadKeepsOldEntriesLonger) {
  // Verify a hook accepted under a 1-minute window stays refused once a
  // reload widens the window to 10 minutes, past its first minute.
  FakeClock clock;
  std::map<std::string, InboundSettings> narrow = Profiles();
  narrow["licenses"].apsdai->window = absl::Minutes(1);
  const VerifierRegistry before(narrow, &clock, nullptr);
  const InboundRequest hook = SignedHook(clock.Now(), "s");
  ASSERT_EQ(VerifyLicenses(before, hook), "");

  std::map<std::string, InboundSettings> wide = Profiles();
  wide["licenses"].apsdai->window = absl::Minutes(10);
  const VerifierRegistry after(wide, &clock, nullptr, &before);
  clock.Advance(absl::Minutes(3));
  EXPECT_EQ(VerifyLicenses(after, hook), "replayed");
}

TEST(VerifierRegistryTest, SmallerReplayCacheAfterReloadKeepsLiveEntries) {
  // Verify shrinking replay_cache_size below the live entries forgets none
  // of them: they stay refused and new hooks fail closed until they expire.
  FakeClock clock;
  const VerifierRegistry before(Profiles(), &clock, nullptr);
  std::vector<InboundRequest> hooks;
  for (int i = 0; i < 3; ++i) {
    hooks.push_back(SignedHook(clock.Now() - absl::Milliseconds(i), "s"));
    ASSERT_EQ(VerifyLicenses(before, hooks.back()), "");
  }
  std::map<std::string, InboundSettings> small = Profiles();
  small["licenses"].apsdai->replay_cache_size = 1;
  const VerifierRegistry after(small, &clock, nullptr, &before);
  for (const InboundRequest& hook : hooks) {
    EXPECT_EQ(VerifyLicenses(after, hook), "replayed");
  }
  EXPECT_EQ(VerifyLicenses(
                after, SignedHook(clock.Now() + absl::Milliseconds(1), "s")),
            "replay_cache_full");
}

TEST(VerifierRegistryTest, ProfileThatChangesSchemeStartsAfresh) {
  // Verify a profile that was InnoPaaS and becomes APSDAI gets its own
  // replay cache sized by its settings (nothing to carry over).
  FakeClock clock;
  std::map<std::string, InboundSettings> innopaas = Profiles();
  innopaas["licenses"].apsdai.reset();
  innopaas["licenses"].innopaas_webhook =
      InnoPaasWebhookSettings{Secret("u"), Secret("a")};
  const VerifierRegistry before(innopaas, &clock, nullptr);
  const VerifierRegistry after(Profiles(), &clock, nullptr, &before);
  EXPECT_EQ(VerifyLicenses(after, SignedHook(clock.Now(), "s")), "");
}

}  // namespace
}  // namespace signet
