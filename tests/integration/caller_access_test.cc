// Who may call: caller authorization with bearer credentials from secret
// files, and the unix socket listener, through real signet and emulator
// processes.
#include <grpcpp/grpcpp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::EmulatorConfig;
using ::signet::testing::IsOk;
using ::signet::testing::WriteTempFile;
using ::testing::HasSubstr;

constexpr char kBillingCredential[] = "billing-caller-credential-3f9a";
constexpr char kOpsCredential[] = "ops-caller-credential-77c1";

class CallerAccessTest : public testing::GatewayFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StartEmulator());
    billing_credential_path_ = WriteTempFile(
        "billing-credential", absl::StrCat(kBillingCredential, "\n"));
    socket_path_ = absl::StrCat(::testing::TempDir(), "/signet-access-",
                                getpid(), ".sock");
    // As root, hand the socket to "nobody" to see the owner applied;
    // otherwise to ourselves.
    owner_uid_ = geteuid() == 0 ? 65534 : geteuid();
    owner_gid_ = geteuid() == 0 ? 65534 : getegid();
    const std::string config = absl::StrCat(EmulatorConfig(emulator_.port), R"(
watch_interval: 100ms
callers:
  billing:
    credential: {file: )",
                                            billing_credential_path_, R"(}
    allow:
      - {rpcs: [CallInnoPaaS], profiles: [default]}
  ops:
    credential: {env: SIGNET_TEST_OPS_KEY}
    allow: [{rpcs: ["*"]}]
unix_listen:
  path: )",
                                            socket_path_, R"(
  mode: "0600"
  owner: ")",
                                            owner_uid_, ":", owner_gid_, R"("
)");
    // The env name ends in _KEY, so the log scan looks for it too.
    ASSERT_NO_FATAL_FAILURE(
        StartGateway(config, {{"SIGNET_TEST_OPS_KEY", kOpsCredential}}));
    signet_.secrets.push_back(kBillingCredential);
  }

  // A context carrying `credential` (none when empty) and a deadline.
  static std::unique_ptr<grpc::ClientContext> As(absl::string_view credential) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(10)));
    if (!credential.empty()) {
      context->AddMetadata("authorization",
                           absl::StrCat("Bearer ", credential));
    }
    return context;
  }

  grpc::Status CallInnoPaaS(absl::string_view credential,
                            const std::string& profile = "") {
    v1::CallInnoPaaSRequest request;
    request.set_profile(profile);
    request.set_method("GET");
    request.set_path("/v1/items");
    v1::HttpResponse response;
    return stub_->CallInnoPaaS(As(credential).get(), request, &response);
  }

  grpc::Status GetToken(absl::string_view credential) {
    v1::GetTokenRequest request;
    v1::GetTokenResponse response;
    return stub_->GetToken(As(credential).get(), request, &response);
  }

  std::string billing_credential_path_;
  std::string socket_path_;
  uid_t owner_uid_ = 0;
  gid_t owner_gid_ = 0;
};

TEST_F(CallerAccessTest, AGrantedCallReachesTheUpstream) {
  const grpc::Status status = CallInnoPaaS(kBillingCredential);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(Stats().innopaas, 1);
  EXPECT_TRUE(GetToken(kOpsCredential).ok());  // "*" grants every RPC
}

TEST_F(CallerAccessTest, ACallOutsideTheGrantsIsDeniedAndNothingIsSent) {
  const grpc::Status token = GetToken(kBillingCredential);
  EXPECT_EQ(token.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(token.error_message(),
              HasSubstr("caller \"billing\" may not call GetToken"));
  // The grant names the default profile only; the check comes before the
  // profile lookup, so an unknown profile is denied, not reported missing.
  EXPECT_EQ(CallInnoPaaS(kBillingCredential, "nosuch").error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  v1::FetchLicensesRequest licenses;
  licenses.set_profile("shop");
  v1::FetchLicensesResponse keys;
  EXPECT_EQ(stub_->FetchLicenses(As(kBillingCredential).get(), licenses, &keys)
                .error_code(),
            grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(Stats().total, 0);
}

TEST_F(CallerAccessTest, AMissingOrWrongCredentialIsUnauthenticated) {
  for (const std::string& credential :
       {std::string(), std::string("not-a-caller"),
        absl::StrCat(kBillingCredential, "x"),
        std::string(kBillingCredential).substr(1)}) {
    SCOPED_TRACE(credential);
    const grpc::Status status = CallInnoPaaS(credential);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::UNAUTHENTICATED);
    if (!credential.empty()) {
      EXPECT_THAT(status.error_message(),
                  ::testing::Not(HasSubstr(credential)));
    }
  }
  EXPECT_EQ(Stats().total, 0);
}

TEST_F(CallerAccessTest, HealthNeedsNoCredential) {
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext context;
  context.set_deadline(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  ASSERT_TRUE(health->Check(&context, request, &response).ok());
  EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

TEST_F(CallerAccessTest, ARotatedCallerCredentialReplacesTheOldOne) {
  ASSERT_TRUE(CallInnoPaaS(kBillingCredential).ok());
  constexpr char kRotated[] = "billing-caller-credential-rotated-b2e8";
  signet_.secrets.push_back(kRotated);
  {
    // Written aside and renamed in, as a Secret volume update lands.
    const std::string staged = billing_credential_path_ + ".new";
    std::ofstream(staged, std::ios::trunc) << kRotated << "\n";
    ASSERT_EQ(rename(staged.c_str(), billing_credential_path_.c_str()), 0);
  }
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  while (CallInnoPaaS(kRotated).error_code() != grpc::StatusCode::OK) {
    ASSERT_LT(absl::Now(), give_up) << "the rotated credential never worked";
    absl::SleepFor(absl::Milliseconds(50));  // the watcher polls every 100ms
  }
  EXPECT_EQ(CallInnoPaaS(kBillingCredential).error_code(),
            grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CallerAccessTest, TheUnixSocketHasItsModeAndOwnerAndServes) {
  struct stat info {};
  ASSERT_EQ(stat(socket_path_.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 07777, 0600u);
  EXPECT_EQ(info.st_uid, owner_uid_);
  EXPECT_EQ(info.st_gid, owner_gid_);

  auto unix_stub = v1::Gateway::NewStub(grpc::CreateChannel(
      absl::StrCat("unix:", socket_path_), grpc::InsecureChannelCredentials()));
  v1::CallInnoPaaSRequest request;
  request.set_method("GET");
  request.set_path("/v1/items");
  v1::HttpResponse response;
  const grpc::Status status =
      unix_stub->CallInnoPaaS(As(kOpsCredential).get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.status(), 200);
  // The same authorization applies on the socket.
  EXPECT_EQ(
      unix_stub->CallInnoPaaS(As("").get(), request, &response).error_code(),
      grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(CallerAccessTest, AFloodOfRefusedCallsWritesFewShortLogLines) {
  // Verify refused calls are logged once per kind per interval, not once
  // each, and a huge caller-chosen profile is not copied into the log.
  const std::string huge_profile(10000, 'p');
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(CallInnoPaaS("not-a-caller").error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
    const grpc::Status denied = CallInnoPaaS(kBillingCredential, huge_profile);
    EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
    EXPECT_LT(denied.error_message().size(), 300u);
  }
  // A granted call's line, written after all of those, marks the end.
  auto marked = As(kOpsCredential);
  marked->AddMetadata("x-request-id", "flood-over");
  v1::GetTokenResponse token;
  ASSERT_TRUE(
      stub_->GetToken(marked.get(), v1::GetTokenRequest(), &token).ok());
  ASSERT_THAT(signet_.process->WaitForLine("flood-over", absl::Seconds(10)),
              IsOk());
  int unauthenticated = 0;
  int denied = 0;
  for (absl::string_view line :
       absl::StrSplit(signet_.process->Output(), '\n')) {
    EXPECT_LT(line.size(), 1024u);
    if (absl::StrContains(line, "\"code\":\"UNAUTHENTICATED\"")) {
      ++unauthenticated;
    }
    if (absl::StrContains(line, "\"code\":\"PERMISSION_DENIED\"")) ++denied;
  }
  // One each, or a second carrying "suppressed" on a very slow machine.
  EXPECT_GE(unauthenticated, 1);
  EXPECT_LE(unauthenticated, 3);
  EXPECT_GE(denied, 1);
  EXPECT_LE(denied, 3);
}

}  // namespace
}  // namespace signet
