#include "auth/caller_authorizer.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::StatusIs;
using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;

std::map<std::string, CallerSettings> TwoCallers() {
  CallerSettings billing;
  billing.name = "billing";
  billing.credential = Secret("billing-credential-0123456789");
  billing.grants.push_back({{"CallInnoPaaS"}, {"default"}});
  billing.grants.push_back({{"VerifyInbound"}, {}});
  CallerSettings admin;
  admin.name = "admin";
  admin.credential = Secret("admin-credential-9876543210");
  admin.grants.push_back({{"*"}, {"*"}});
  return {{"billing", billing}, {"admin", admin}};
}

TEST(CallerAuthorizerTest, NoCallersConfiguredAllowsEverything) {
  const std::map<std::string, CallerSettings> none;
  CallerAuthorizer authorizer(&none);
  EXPECT_FALSE(authorizer.enabled());
  EXPECT_EQ(*authorizer.Authorize(std::nullopt, "GetToken", ""), "");
}

TEST(CallerAuthorizerTest, GrantsMatchRpcAndProfile) {
  const auto callers = TwoCallers();
  CallerAuthorizer authorizer(&callers);
  const std::string billing = "Bearer billing-credential-0123456789";
  EXPECT_EQ(*authorizer.Authorize(billing, "CallInnoPaaS", "default"),
            "billing");
  // An empty profile is "default".
  EXPECT_EQ(*authorizer.Authorize(billing, "CallInnoPaaS", ""), "billing");
  // No profile list: any profile.
  EXPECT_EQ(*authorizer.Authorize(billing, "VerifyInbound", "hooks"),
            "billing");
  EXPECT_THAT(authorizer.Authorize(billing, "GetToken", "default").status(),
              StatusIs(absl::StatusCode::kPermissionDenied,
                       AllOf(HasSubstr("\"billing\""), HasSubstr("GetToken"),
                             HasSubstr("\"default\""))));
  EXPECT_THAT(authorizer.Authorize(billing, "CallInnoPaaS", "other").status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(*authorizer.Authorize("Bearer admin-credential-9876543210",
                                  "FetchLicenses", "anything"),
            "admin");
}

TEST(CallerAuthorizerTest,
     MissingMalformedOrUnknownCredentialIsUnauthenticated) {
  const auto callers = TwoCallers();
  CallerAuthorizer authorizer(&callers);
  EXPECT_THAT(authorizer.Authorize(std::nullopt, "GetToken", "").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(
      authorizer.Authorize("billing-credential-0123456789", "GetToken", "")
          .status(),
      StatusIs(absl::StatusCode::kUnauthenticated));  // no "Bearer "
  EXPECT_THAT(authorizer.Authorize("Bearer ", "GetToken", "").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  // A prefix or an extension of a real credential is not it.
  EXPECT_THAT(
      authorizer
          .Authorize("Bearer billing-credential-012345678", "CallInnoPaaS", "")
          .status(),
      StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(authorizer
                  .Authorize("Bearer billing-credential-0123456789x",
                             "CallInnoPaaS", "")
                  .status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST(CallerAuthorizerTest, TheSchemeIsCaseInsensitive) {
  const auto callers = TwoCallers();
  CallerAuthorizer authorizer(&callers);
  EXPECT_EQ(*authorizer.Authorize("bearer admin-credential-9876543210",
                                  "GetToken", ""),
            "admin");
}

TEST(CallerAuthorizerTest, ErrorsNeverContainThePresentedCredential) {
  const auto callers = TwoCallers();
  CallerAuthorizer authorizer(&callers);
  for (const char* presented :
       {"Bearer billing-credential-0123456789", "Bearer wrong-secret-value"}) {
    const absl::Status status =
        authorizer.Authorize(presented, "GetToken", "").status();
    ASSERT_FALSE(status.ok());
    EXPECT_THAT(std::string(status.message()),
                AllOf(Not(HasSubstr("credential-0123456789")),
                      Not(HasSubstr("wrong-secret-value"))));
  }
}

TEST(CallerAuthorizerTest, PermissionDeniedEchoesAtMost64BytesOfTheProfile) {
  // Verify the caller-chosen profile name is cut and escaped in the error.
  const auto callers = TwoCallers();
  CallerAuthorizer authorizer(&callers);
  const std::string profile = "p\n" + std::string(10000, 'x');
  const absl::StatusOr<std::string> caller = authorizer.Authorize(
      "Bearer billing-credential-0123456789", "CallInnoPaaS", profile);
  ASSERT_THAT(caller, StatusIs(absl::StatusCode::kPermissionDenied,
                               HasSubstr("\"p\\n")));
  EXPECT_LT(caller.status().message().size(), 200u);
  EXPECT_THAT(caller.status().message(), HasSubstr("(+9938 bytes)"));
}

}  // namespace
}  // namespace signet
