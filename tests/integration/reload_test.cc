// Configuration changes at run time against a real signet process: secret
// files rotated the way Kubernetes does it, SIGHUP, and a bad config
// refused while the old one keeps serving.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "apsdai/apsdai_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::EmulatorConfig;
using ::signet::testing::GetEmulatorStats;
using ::signet::testing::IsOk;
using ::signet::testing::WriteTempFile;

// A directory laid out like a Kubernetes Secret volume: each key is a
// symlink through ..data, and an update swaps ..data atomically.
class SecretVolume {
 public:
  SecretVolume() {
    dir_ = WriteTempFile("secret-volume", "");
    unlink(dir_.c_str());
    mkdir(dir_.c_str(), 0700);
  }

  // Writes a new version holding `key` = `value` and swaps it in.
  void Publish(const std::string& key, const std::string& value) {
    const std::string version = absl::StrCat("..v", ++versions_);
    mkdir(absl::StrCat(dir_, "/", version).c_str(), 0700);
    std::ofstream(absl::StrCat(dir_, "/", version, "/", key)) << value << "\n";
    const std::string staging = absl::StrCat(dir_, "/..data_tmp");
    ASSERT_EQ(symlink(version.c_str(), staging.c_str()), 0);
    ASSERT_EQ(rename(staging.c_str(), absl::StrCat(dir_, "/..data").c_str()),
              0);
    const std::string link = absl::StrCat(dir_, "/", key);
    if (access(link.c_str(), F_OK) != 0) {
      ASSERT_EQ(symlink(absl::StrCat("..data/", key).c_str(), link.c_str()), 0);
    }
  }

  std::string Path(const std::string& key) const {
    return absl::StrCat(dir_, "/", key);
  }

 private:
  std::string dir_;
  int versions_ = 0;
};

class ReloadTest : public testing::GatewayFixture {};

TEST_F(ReloadTest, RotatedInnoPaaSKeyIsPickedUpUnderLoadWithoutAFailedCall) {
  ASSERT_NO_FATAL_FAILURE(StartEmulator({"--innopaas_app_key=key-v2"}));
  SecretVolume volume;
  volume.Publish("app-key", "key-v1");
  const std::string config = absl::StrReplaceAll(
      EmulatorConfig(emulator_.port),
      {{"app_key: {env: SIGNET_TEST_APP_KEY}",
        absl::StrCat("app_key: {file: ", volume.Path("app-key"), "}")},
       {"default_deadline: 10s",
        "default_deadline: 10s\nwatch_interval: 100ms"}});
  ASSERT_NO_FATAL_FAILURE(
      StartGateway(config, {{"SIGNET_TEST_ROTATED_KEY", "key-v1"}}));

  // The OpenAPI profile is untouched by the rotation: its token survives.
  grpc::ClientContext token_context;
  v1::GetTokenResponse token;
  ASSERT_TRUE(stub_
                  ->GetToken(WithDeadline(&token_context),
                             v1::GetTokenRequest(), &token)
                  .ok());

  absl::Mutex mu;
  std::vector<int> http_statuses;
  std::vector<std::string> failures;
  std::atomic<bool> stop{false};
  std::thread load([&] {
    while (!stop.load()) {
      grpc::ClientContext context;
      v1::CallInnoPaaSRequest request;
      request.set_method("GET");
      request.set_path("/v1/ping");
      v1::HttpResponse response;
      const grpc::Status status =
          stub_->CallInnoPaaS(WithDeadline(&context), request, &response);
      absl::MutexLock lock(&mu);
      if (status.ok()) {
        http_statuses.push_back(response.status());
      } else {
        failures.push_back(status.error_message());
      }
    }
  });
  auto calls = [&] {
    absl::MutexLock lock(&mu);
    return http_statuses.size() + failures.size();
  };
  auto await_calls = [&](size_t count) {
    absl::MutexLock lock(&mu);
    auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) {
      return http_statuses.size() + failures.size() >= count;
    };
    mu.AwaitWithTimeout(absl::Condition(&enough), absl::Seconds(20));
  };

  await_calls(20);  // the old key: the upstream refuses it
  volume.Publish("app-key", "key-v2");
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"config reloaded\"",
                                           absl::Seconds(10)),
              IsOk());
  await_calls(calls() + 50);
  stop = true;
  load.join();

  absl::MutexLock lock(&mu);
  EXPECT_THAT(failures, ::testing::IsEmpty());
  ASSERT_GE(http_statuses.size(), 70u);
  EXPECT_EQ(http_statuses.front(), 401);
  EXPECT_EQ(http_statuses.back(), 200);
  // One switch from refused to accepted, never back.
  const auto first_ok =
      std::find(http_statuses.begin(), http_statuses.end(), 200);
  EXPECT_TRUE(std::all_of(first_ok, http_statuses.end(),
                          [](int status) { return status == 200; }));

  grpc::ClientContext again_context;
  v1::GetTokenResponse again;
  ASSERT_TRUE(stub_
                  ->GetToken(WithDeadline(&again_context),
                             v1::GetTokenRequest(), &again)
                  .ok());
  EXPECT_TRUE(again.from_cache());
  EXPECT_EQ(again.token(), token.token());
}

TEST_F(ReloadTest, RotatedOpenApiSecretStartsWithAFreshToken) {
  ASSERT_NO_FATAL_FAILURE(StartEmulator({"--openapi_app_secret=secret-v2"}));
  SecretVolume volume;
  volume.Publish("openapi-secret", "secret-v1");
  const std::string config = absl::StrReplaceAll(
      EmulatorConfig(emulator_.port),
      {{"app_secret: {env: SIGNET_TEST_OPENAPI_SECRET}",
        absl::StrCat("app_secret: {file: ", volume.Path("openapi-secret"),
                     "}")},
       {"default_deadline: 10s",
        "default_deadline: 10s\nwatch_interval: 100ms"}});
  ASSERT_NO_FATAL_FAILURE(
      StartGateway(config, {{"SIGNET_TEST_OLD_SECRET", "secret-v1"},
                            {"SIGNET_TEST_NEW_SECRET", "secret-v2"}}));
  {
    grpc::ClientContext context;
    v1::GetTokenResponse token;
    EXPECT_EQ(
        stub_->GetToken(WithDeadline(&context), v1::GetTokenRequest(), &token)
            .error_code(),
        grpc::StatusCode::FAILED_PRECONDITION);
  }
  volume.Publish("openapi-secret", "secret-v2");
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"config reloaded\"",
                                           absl::Seconds(10)),
              IsOk());
  grpc::ClientContext context;
  v1::GetTokenResponse token;
  ASSERT_TRUE(
      stub_->GetToken(WithDeadline(&context), v1::GetTokenRequest(), &token)
          .ok());
  EXPECT_FALSE(token.from_cache());
  absl::StatusOr<testing::EmulatorStats> stats =
      GetEmulatorStats(emulator_.port);
  ASSERT_THAT(stats, IsOk());
  EXPECT_EQ(stats->tokens_issued, 1);
}

TEST_F(ReloadTest, SighupAppliesAValidConfigAndRefusesABadOne) {
  ASSERT_NO_FATAL_FAILURE(StartEmulator());
  // Only SIGHUP reloads here: the file poll is made too slow to matter.
  const std::string base = absl::StrReplaceAll(
      EmulatorConfig(emulator_.port),
      {{"default_deadline: 10s", "default_deadline: 10s\nwatch_interval: 1h"}});
  ASSERT_NO_FATAL_FAILURE(StartGateway(base));
  auto call_extra = [&] {
    grpc::ClientContext context;
    v1::CallInnoPaaSRequest request;
    request.set_profile("extra");
    request.set_method("GET");
    request.set_path("/v1/ping");
    v1::HttpResponse response;
    return stub_->CallInnoPaaS(WithDeadline(&context), request, &response);
  };
  EXPECT_EQ(call_extra().error_code(), grpc::StatusCode::NOT_FOUND);

  const std::string extra =
      absl::StrCat("  extra:\n    base_url: http://127.0.0.1:", emulator_.port,
                   "/innopaas\n    allow_insecure_http: true\n"
                   "    app_key: {env: SIGNET_TEST_APP_KEY}\n"
                   "    authorization: {env: SIGNET_TEST_AUTHORIZATION}\n");
  std::ofstream(signet_.config_path, std::ios::trunc)
      << absl::StrReplaceAll(base, {{"licenses:\n", extra + "licenses:\n"}});
  signet_.process->Signal(SIGHUP);
  ASSERT_THAT(
      signet_.process->WaitForLine("\"reason\":\"SIGHUP\"", absl::Seconds(10)),
      IsOk());
  EXPECT_TRUE(call_extra().ok());

  std::ofstream(signet_.config_path, std::ios::trunc)
      << base << "lisen: oops\n";
  signet_.process->Signal(SIGHUP);
  absl::StatusOr<std::string> refused = signet_.process->WaitForLine(
      "\"msg\":\"config reload refused", absl::Seconds(10));
  ASSERT_THAT(refused, IsOk());
  EXPECT_THAT(*refused, ::testing::HasSubstr("lisen"));
  EXPECT_TRUE(call_extra().ok());  // the previous config still serves
}

TEST_F(ReloadTest, ApsdaiHookAcceptedBeforeAReloadStaysAReplayAfterIt) {
  // Verify a reload that changes the APSDAI profile's window does not
  // forget the signatures it accepted: the same hook is still a replay.
  ASSERT_NO_FATAL_FAILURE(StartEmulator());
  const std::string base = absl::StrReplaceAll(
      EmulatorConfig(emulator_.port),
      {{"default_deadline: 10s", "default_deadline: 10s\nwatch_interval: 1h"}});
  auto config = [&](absl::string_view window) {
    return absl::StrCat(base,
                        "\ninbound:\n  licenses:\n    apsdai:\n"
                        "      verification: signature\n"
                        "      secret: {env: SIGNET_TEST_APSDAI_SECRET}\n"
                        "      window: ",
                        window, "\n");
  };
  constexpr char kSecret[] = "reload-apsdai-secret";
  ASSERT_NO_FATAL_FAILURE(
      StartGateway(config("5m"), {{"SIGNET_TEST_APSDAI_SECRET", kSecret}}));
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  v1::VerifyInboundRequest hook;
  hook.set_profile("licenses");
  hook.set_method("POST");
  hook.set_path("/hooks/licenses");
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{
           {"User-Agent", "apsdai-hook"},
           {"X-Apsdai-Timestamp", absl::StrCat(now_ms)},
           {"X-Apsdai-Token", ApsdaiSignature(now_ms, Secret(kSecret))}}) {
    v1::Header* header = hook.add_headers();
    header->set_name(name);
    header->set_value(value);
  }
  auto verify = [&] {
    grpc::ClientContext context;
    v1::VerifyInboundResponse response;
    const grpc::Status status =
        stub_->VerifyInbound(WithDeadline(&context), hook, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  v1::VerifyInboundResponse first = verify();
  ASSERT_TRUE(first.authentic()) << first.reason();

  std::ofstream(signet_.config_path, std::ios::trunc) << config("6m");
  signet_.process->Signal(SIGHUP);
  ASSERT_THAT(signet_.process->WaitForLine("\"msg\":\"config reloaded\"",
                                           absl::Seconds(10)),
              IsOk());
  v1::VerifyInboundResponse again = verify();
  EXPECT_FALSE(again.authentic());
  EXPECT_THAT(again.reason(), ::testing::HasSubstr("replayed"));
}

}  // namespace
}  // namespace signet
