#include "server/readiness.h"

#include <memory>
#include <string>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/gateway_service_fixture.h"

namespace signet {
namespace {

using ::signet::testing::Answer;
using ::signet::testing::ThreeProfiles;
using ::signet::testing::TokenAnswer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ReadinessTest : public testing::GatewayEnvFixture {
 protected:
  ReadinessTest() {
    GatewaySettings settings = ThreeProfiles();
    OpenApiSettings lazy = settings.openapi.at("default");
    lazy.name = "lazy";
    lazy.prewarm = false;
    settings.openapi.emplace("lazy", lazy);
    runtime_ = NewRuntime(settings);
  }
  ~ReadinessTest() override { DrainTransport(); }

  ReadinessCheck Check() {
    return ReadinessCheck(
        [this] {
          return std::shared_ptr<const ProfileRegistry>(runtime_,
                                                        &runtime_->profiles);
        },
        &clock_);
  }

  std::shared_ptr<GatewayRuntime> runtime_;
};

TEST_F(ReadinessTest, UnreadyUntilThePrewarmProfileHasAToken) {
  // Verify only prewarm OpenAPI profiles count, each check starts (or
  // joins) one fetch, and a token makes the profile ready until it
  // expires.
  ReadinessCheck check = Check();
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
  EXPECT_EQ(http_.sent(), 1);  // single flight
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  EXPECT_THAT(check.Unready(), IsEmpty());
  EXPECT_EQ(http_.sent(), 1);

  clock_.Advance(absl::Hours(2));
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
  EXPECT_EQ(http_.sent(), 2);
}

TEST_F(ReadinessTest, FailedFetchStaysUnreadyAndIsTriedAgain) {
  // Verify a token endpoint that fails leaves the profile unready, and the
  // next check fetches again so a recovered upstream makes it ready.
  ReadinessCheck check = Check();
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
  http_.Complete(Answer(500, "down"));
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
  ASSERT_EQ(http_.pending(), 1);
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  EXPECT_THAT(check.Unready(), IsEmpty());
}

TEST_F(ReadinessTest, PrewarmReturnsOnceTheFetchesEnd) {
  // Verify Prewarm waits for the fetch it started, not for its bound.
  ReadinessCheck check = Check();
  std::thread upstream([this] {
    ASSERT_TRUE(http_.WaitForPending(1));
    http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  });
  const absl::Time start = absl::Now();
  EXPECT_THAT(check.Prewarm(absl::Seconds(30)), IsEmpty());
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  upstream.join();
  EXPECT_EQ(http_.sent(), 1);
}

TEST_F(ReadinessTest, PrewarmGivesUpAtItsBound) {
  // Verify a fetch still pending at the bound leaves the profile unready;
  // its completion afterwards is harmless and makes the profile ready.
  ReadinessCheck check = Check();
  EXPECT_THAT(check.Prewarm(absl::ZeroDuration()), ElementsAre("default"));
  ASSERT_EQ(http_.pending(), 1);
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  EXPECT_THAT(check.Unready(), IsEmpty());
}

TEST_F(ReadinessTest, ChecksTheCurrentRegistry) {
  // Verify each check reads the registry anew: a reload that takes over
  // the warm profile stays ready, one that replaces it is unready.
  ReadinessCheck check = Check();
  check.Unready();
  http_.Complete(TokenAnswer("tok-1", clock_.Now()));
  ASSERT_THAT(check.Unready(), IsEmpty());

  runtime_ = NewRuntime(runtime_->profiles.settings(), runtime_.get());
  EXPECT_THAT(check.Unready(), IsEmpty());
  GatewaySettings changed = runtime_->profiles.settings();
  changed.openapi.at("default").app_id = "app-2";
  runtime_ = NewRuntime(changed, runtime_.get());
  EXPECT_THAT(check.Unready(), ElementsAre("default"));
}

}  // namespace
}  // namespace signet
