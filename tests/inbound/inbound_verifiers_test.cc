#include "inbound/inbound_verifiers.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
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
    events.push_back(absl::StrCat("refused ", profile, " ", scheme, " ", reason));
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

TEST(InboundVerifiersTest, DispatchesByProfileAndCountsEachOutcome) {
  // Verify each profile uses its scheme and every verdict reaches the observer.
  FakeClock clock;
  RecordingObserver observer;
  InboundVerifiers verifiers(Profiles(), &clock, &observer);
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

TEST(InboundVerifiersTest, UnknownProfileIsNotFound) {
  // Verify an unconfigured profile is NOT_FOUND naming it, and not counted.
  FakeClock clock;
  RecordingObserver observer;
  InboundVerifiers verifiers(Profiles(), &clock, &observer);
  EXPECT_THAT(verifiers.Verify("nope", InboundRequest()),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("\"nope\"")));
  EXPECT_TRUE(observer.events.empty());
}

}  // namespace
}  // namespace signet
