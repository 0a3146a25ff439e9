#include "innopaas/webhook_verifier.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace signet {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kUser[] = "hook-user";
constexpr char kAuthorization[] = "Basic aG9vay11c2VyOnMzY3JldA==";

InnoPaasWebhookVerifier MakeVerifier() {
  InnoPaasWebhookSettings settings;
  settings.user_name = Secret(kUser);
  settings.authorization = Secret(kAuthorization);
  return InnoPaasWebhookVerifier(std::move(settings));
}

InboundRequest Push(std::vector<HttpHeader> headers) {
  InboundRequest request;
  request.method = "POST";
  request.path = "/hooks/innopaas";
  request.headers = std::move(headers);
  request.body = R"({"event":"uplink"})";
  return request;
}

TEST(InnoPaasWebhookVerifierTest, MatchingHeadersAreAuthentic) {
  // Verify the configured UserName and Authorization pass, names in any case.
  InnoPaasWebhookVerifier verifier = MakeVerifier();
  EXPECT_TRUE(verifier
                  .Verify(Push({{"Content-Type", "application/json"},
                                {"username", kUser},
                                {"AUTHORIZATION", kAuthorization}}))
                  .authentic());
  EXPECT_EQ(verifier.scheme(), "innopaas_webhook");
}

TEST(InnoPaasWebhookVerifierTest, WrongValuesAreRefusedWithoutSayingWhich) {
  // Verify either wrong value refuses, and the reason echoes neither.
  InnoPaasWebhookVerifier verifier = MakeVerifier();
  for (const auto& headers : std::vector<std::vector<HttpHeader>>{
           {{"UserName", "hook-usex"}, {"Authorization", kAuthorization}},
           {{"UserName", kUser}, {"Authorization", "Basic x"}},
           {{"UserName", kUser}, {"Authorization", ""}},
           {{"UserName", std::string(kUser) + " "},
            {"Authorization", kAuthorization}}}) {
    const Verdict verdict = verifier.Verify(Push(headers));
    EXPECT_EQ(verdict.reason, RefusalReason::kWrongCredentials);
    EXPECT_THAT(verdict.Describe(), Not(HasSubstr(kUser)));
    EXPECT_THAT(verdict.Describe(), Not(HasSubstr("aG9v")));
  }
}

TEST(InnoPaasWebhookVerifierTest, MissingHeaderIsNamed) {
  // Verify a missing header is refused naming the header.
  InnoPaasWebhookVerifier verifier = MakeVerifier();
  Verdict verdict = verifier.Verify(Push({{"Authorization", kAuthorization}}));
  EXPECT_EQ(verdict.reason, RefusalReason::kMissingHeader);
  EXPECT_THAT(verdict.detail, HasSubstr("UserName"));
  verdict = verifier.Verify(Push({{"UserName", kUser}}));
  EXPECT_EQ(verdict.reason, RefusalReason::kMissingHeader);
  EXPECT_THAT(verdict.detail, HasSubstr("Authorization"));
}

TEST(InnoPaasWebhookVerifierTest, DuplicatedHeaderIsRefusedEvenIfOneMatches) {
  // Verify two values of a header refuse, whichever order they come in.
  InnoPaasWebhookVerifier verifier = MakeVerifier();
  const Verdict verdict =
      verifier.Verify(Push({{"UserName", kUser},
                            {"Authorization", kAuthorization},
                            {"authorization", "other"}}));
  EXPECT_EQ(verdict.reason, RefusalReason::kDuplicateHeader);
  EXPECT_EQ(verifier
                .Verify(Push({{"UserName", "x"},
                              {"UserName", kUser},
                              {"Authorization", kAuthorization}}))
                .reason,
            RefusalReason::kDuplicateHeader);
}

}  // namespace
}  // namespace signet
