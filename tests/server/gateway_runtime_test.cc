#include "server/gateway_runtime.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/gateway_service_fixture.h"

namespace signet {
namespace {

using ::signet::testing::Answer;
using ::signet::testing::kTokenPath;
using ::signet::testing::ThreeProfiles;
using ::signet::testing::TokenAnswer;
using ::signet::testing::Url;

class GatewayRuntimeTest : public testing::GatewayServiceFixture {
 protected:
  std::shared_ptr<OpenApiProfile> OpenApi(const GatewayRuntime& runtime) {
    absl::StatusOr<std::shared_ptr<OpenApiProfile>> profile =
        runtime.profiles.FindOpenApi("default");
    EXPECT_TRUE(profile.ok()) << profile.status();
    return profile.ok() ? *profile : nullptr;
  }

  // The profile's token, fetched (and answered with `token`) if need be.
  absl::StatusOr<TokenCache::Result> GetToken(OpenApiProfile& profile,
                                              absl::string_view token) {
    std::optional<absl::StatusOr<TokenCache::Result>> result;
    profile.GetToken(
        /*force_refresh=*/false,
        [&](absl::StatusOr<TokenCache::Result> r) { result = std::move(r); });
    if (!result.has_value() && http_.pending() == 1) {
      http_.Complete(TokenAnswer(token, clock_.Now()));
    }
    EXPECT_TRUE(result.has_value());
    return result.has_value() ? *std::move(result)
                              : absl::InternalError("no answer");
  }
};

TEST_F(GatewayRuntimeTest, UnchangedOpenApiProfileIsTakenOverWithItsToken) {
  // Verify a runtime built from equal settings keeps the same profile
  // object, whose cached token answers without a second fetch.
  const auto first = NewRuntime(ThreeProfiles());
  const std::shared_ptr<OpenApiProfile> profile = OpenApi(*first);
  ASSERT_TRUE(GetToken(*profile, "tok-1").ok());
  EXPECT_EQ(http_.sent(), 1);

  const auto second = NewRuntime(ThreeProfiles(), first.get());
  EXPECT_EQ(OpenApi(*second), profile);
  absl::StatusOr<TokenCache::Result> again = GetToken(*OpenApi(*second), "");
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->from_cache);
  EXPECT_EQ(again->token.value.Reveal(), "tok-1");
  EXPECT_EQ(http_.sent(), 1);
}

TEST_F(GatewayRuntimeTest, ChangedOpenApiProfileStartsAnew) {
  // Verify a change of any setting that shapes the token or its calls
  // builds a new profile with an empty cache.
  const auto first = NewRuntime(ThreeProfiles());
  ASSERT_TRUE(GetToken(*OpenApi(*first), "tok-1").ok());
  const std::vector<std::function<void(OpenApiSettings&)>> changes = {
      [](OpenApiSettings& s) { s.app_secret = Secret(std::string("new")); },
      [](OpenApiSettings& s) { s.app_id = "app-2"; },
      [](OpenApiSettings& s) { s.base_url = Url("http://other.test"); },
      [](OpenApiSettings& s) { s.refresh_before = absl::Minutes(1); },
      [](OpenApiSettings& s) { s.upstream.retry.max_attempts = 2; },
  };
  for (size_t i = 0; i < changes.size(); ++i) {
    GatewaySettings settings = ThreeProfiles();
    changes[i](settings.openapi.at("default"));
    const auto second = NewRuntime(settings, first.get());
    const std::shared_ptr<OpenApiProfile> profile = OpenApi(*second);
    EXPECT_NE(profile, OpenApi(*first)) << "change " << i;
    EXPECT_TRUE(profile->TokenMayWait(clock_.Now())) << "change " << i;
    EXPECT_FALSE(OpenApi(*first)->TokenMayWait(clock_.Now()));
  }
  EXPECT_EQ(http_.sent(), 1);
}

TEST_F(GatewayRuntimeTest, InnoPaasAndLicenseProfilesAreTakenOverWhenEqual) {
  // Verify the other kinds follow the same rule (their circuit breakers
  // survive a reload that leaves them alone), and a changed secret or
  // header builds anew.
  const auto first = NewRuntime(ThreeProfiles());
  const auto inno = [](const GatewayRuntime& runtime) {
    return *runtime.profiles.FindInnoPaas("inno");
  };
  const auto lic = [](const GatewayRuntime& runtime) {
    return *runtime.profiles.FindLicense("lic");
  };
  const auto same = NewRuntime(ThreeProfiles(), first.get());
  EXPECT_EQ(inno(*same), inno(*first));
  EXPECT_EQ(lic(*same), lic(*first));

  GatewaySettings changed = ThreeProfiles();
  changed.innopaas.at("inno").app_key = Secret(std::string("rotated"));
  changed.licenses.at("lic").headers["X-Tenant"] = "b";
  const auto second = NewRuntime(changed, first.get());
  EXPECT_NE(inno(*second), inno(*first));
  EXPECT_NE(lic(*second), lic(*first));
}

TEST_F(GatewayRuntimeTest, TakeOverIsByNameAndKind) {
  // Verify a profile that is new in the reload gets its own object, and a
  // runtime built without `previous` takes over nothing.
  const auto first = NewRuntime(ThreeProfiles());
  GatewaySettings settings = ThreeProfiles();
  OpenApiSettings second_profile = settings.openapi.at("default");
  second_profile.name = "second";
  settings.openapi.emplace("second", second_profile);
  const auto second = NewRuntime(settings, first.get());
  EXPECT_EQ(OpenApi(*second), OpenApi(*first));
  absl::StatusOr<std::shared_ptr<OpenApiProfile>> added =
      second->profiles.FindOpenApi("second");
  ASSERT_TRUE(added.ok());
  EXPECT_NE(*added, OpenApi(*first));
  EXPECT_NE(OpenApi(*NewRuntime(ThreeProfiles())), OpenApi(*first));
}

TEST_F(GatewayRuntimeTest, CallStartedBeforeASwapCompletesOnItsRuntime) {
  // Verify a call waiting for its token when a reload replaces its profile
  // completes with the old profile -- held by the call alone once the
  // holder has let go -- while a new call uses the new one.
  StartServer(ThreeProfiles());
  std::weak_ptr<GatewayRuntime> old_runtime = runtime_.Get();
  v1::CallOpenAPIRequest request;
  request.set_method("GET");
  request.set_path("/api/v5/users");
  auto* before = StartCallOpenApi(request);
  ASSERT_TRUE(http_.WaitForPending(1));
  ASSERT_EQ(http_.PeekRequest().url,
            absl::StrCat("http://openapi.test", kTokenPath));

  GatewaySettings settings = ThreeProfiles();
  settings.openapi.at("default").base_url = Url("http://new.test");
  runtime_.Set(NewRuntime(settings, runtime_.Get().get()));
  EXPECT_FALSE(old_runtime.expired());  // the call holds it

  http_.Complete(TokenAnswer("tok-old", clock_.Now()));
  ASSERT_EQ(http_.pending(), 1);
  EXPECT_EQ(http_.PeekRequest().url, "http://openapi.test/api/v5/users");
  http_.Complete(Answer(200, "old"));
  ASSERT_TRUE(before->Wait());
  ASSERT_TRUE(before->status.ok()) << before->status.error_message();
  EXPECT_EQ(before->response.body(), "old");

  auto* after = StartCallOpenApi(request);
  ASSERT_TRUE(http_.WaitForPending(1));
  EXPECT_EQ(http_.PeekRequest().url,
            absl::StrCat("http://new.test", kTokenPath));
  http_.Complete(TokenAnswer("tok-new", clock_.Now()));
  ASSERT_EQ(http_.pending(), 1);
  EXPECT_EQ(http_.PeekRequest().url, "http://new.test/api/v5/users");
  http_.Complete(Answer(200, "new"));
  ASSERT_TRUE(after->Wait());
  EXPECT_EQ(after->response.body(), "new");

  // Once every call is done, nothing keeps the old runtime.
  scheduler_.RunPending();
  server_->Shutdown();
  EXPECT_TRUE(old_runtime.expired());
}

}  // namespace
}  // namespace signet
