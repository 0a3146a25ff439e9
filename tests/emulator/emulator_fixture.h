#ifndef SIGNET_TESTS_EMULATOR_EMULATOR_FIXTURE_H_
#define SIGNET_TESTS_EMULATOR_EMULATOR_FIXTURE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "httplib.h"
#include "nlohmann/json.hpp"
#include "testing/child_process.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet::emulator_test {

// Emulator defaults (emulator/main.cc); the tests spell them out so a changed
// default shows up here.
inline constexpr char kAppId[] = "app-123";
inline constexpr char kAppSecret[] = "emulator-openapi-secret";
inline constexpr char kAppKey[] = "emulator-app-key";
inline constexpr char kInnopaasAuthorization[] = "emulator-authorization";
inline constexpr char kLicenseSecret[] = "emulator-license-secret";

// The exit code of `process` once it exits within `timeout`; -1 (and a
// test failure) otherwise.
inline int ExitCodeWithin(signet::testing::ChildProcess& process,
                          absl::Duration timeout) {
  absl::StatusOr<int> code = process.WaitForExit(timeout);
  EXPECT_THAT(code, signet::testing::IsOk());
  return code.ok() ? *code : -1;
}

// One fresh signet-emulator process per test, plus a client for it.
class EmulatorTest : public ::testing::Test {
 protected:
  // Extra flags for this fixture's emulator.
  virtual std::vector<std::string> Flags() const { return {}; }

  void SetUp() override {
    absl::StatusOr<signet::testing::EmulatorProcess> emulator =
        signet::testing::StartEmulator(Flags());
    ASSERT_THAT(emulator, signet::testing::IsOk());
    emulator_ = *std::move(emulator);
    client_ = NewClient();
  }

  std::unique_ptr<httplib::Client> NewClient() const {
    auto client =
        std::make_unique<httplib::Client>("127.0.0.1", emulator_.port);
    client->set_connection_timeout(10, 0);
    client->set_read_timeout(10, 0);
    return client;
  }

  signet::testing::EmulatorStats Stats() const {
    absl::StatusOr<signet::testing::EmulatorStats> stats =
        signet::testing::GetEmulatorStats(emulator_.port);
    EXPECT_THAT(stats, signet::testing::IsOk());
    return stats.ok() ? *stats : signet::testing::EmulatorStats();
  }

  void Control(absl::string_view path, absl::string_view body) const {
    EXPECT_THAT(
        signet::testing::PostEmulatorControl(emulator_.port, path, body),
        signet::testing::IsOk());
  }

  static nlohmann::json Json(const httplib::Result& result) {
    if (!result) return nlohmann::json();
    return nlohmann::json::parse(result->body, nullptr, false);
  }

  signet::testing::EmulatorProcess emulator_;
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace signet::emulator_test

#endif  // SIGNET_TESTS_EMULATOR_EMULATOR_FIXTURE_H_
