// The signet command line: --help, --version, --check-config, bad usage.
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/signet_child.h"
#include "testing/child_process.h"
#include "testing/sanitizer_report.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::IsOk;
using ::signet::testing::SignetBinaryPath;
using ::signet::testing::WriteTempFile;
using ::testing::HasSubstr;
using ::testing::Not;

struct CliRun {
  int exit_code = -1;
  std::string output;
};

CliRun RunSignet(std::vector<std::string> args,
                 std::vector<std::pair<std::string, std::string>> env = {}) {
  args.insert(args.begin(), std::string(SignetBinaryPath()));
  absl::StatusOr<std::unique_ptr<ChildProcess>> process =
      ChildProcess::Start(std::move(args), std::move(env));
  EXPECT_THAT(process, IsOk());
  if (!process.ok()) return {};
  absl::StatusOr<int> code = (*process)->WaitForExit(absl::Seconds(20));
  EXPECT_THAT(code, IsOk());
  // A sanitizer report's exit code can look like an expected one (UBSan's
  // is 1), so the sanitizer builds need the output checked too.
  const std::string output = (*process)->Output();
  const absl::optional<std::string> report =
      testing::FindSanitizerReport(output);
  EXPECT_FALSE(report.has_value()) << "signet wrote a sanitizer report:\n"
                                   << *report;
  return {code.value_or(-1), output};
}

TEST(CliTest, HelpAndVersion) {
  const CliRun help = RunSignet({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.output, HasSubstr("--check-config FILE"));
  EXPECT_THAT(help.output, HasSubstr("--allow-core-dumps"));
  const CliRun version = RunSignet({"--version"});
  EXPECT_EQ(version.exit_code, 0);
  EXPECT_THAT(version.output, HasSubstr("signet "));
}

TEST(CliTest, BadUsageExitsTwo) {
  EXPECT_EQ(RunSignet({"--bogus"}).exit_code, 2);
  EXPECT_EQ(RunSignet({}).exit_code, 2);
  EXPECT_EQ(RunSignet({"--config"}).exit_code, 2);
  EXPECT_EQ(RunSignet({"--log-level", "loud", "--config", "x"}).exit_code, 2);
}

TEST(CliTest, CheckConfigAcceptsAValidFile) {
  const std::string secret = WriteTempFile("secret", "s3cr3t-file-value\n");
  const std::string config = WriteTempFile("good.yaml", R"(
openapi:
  default:
    base_url: https://openapi.example.com
    app_id: app-123
    app_secret: {file: )" + secret + "}\n");
  const CliRun run = RunSignet({"--check-config", config});
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_THAT(run.output, HasSubstr("is valid"));
  EXPECT_THAT(run.output, Not(HasSubstr("s3cr3t-file-value")));
}

TEST(CliTest, CheckConfigNamesTheProblem) {
  const std::string config = WriteTempFile("bad.yaml", R"(
openapi:
  default:
    base_url: https://openapi.example.com
    app_id: app-123
    app_secret: {file: /nonexistent/openapi-secret}
)");
  const CliRun run = RunSignet({"--check-config=" + config});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, HasSubstr("openapi.default.app_secret"));
  EXPECT_THAT(run.output, HasSubstr("/nonexistent/openapi-secret"));
}

TEST(CliTest, CheckConfigRefusesPlainHttpToALookalikeOfLoopback) {
  // Verify an inbound target whose name only starts like a loopback address
  // is not taken for one: plain http to it would leave the machine.
  const std::string config = WriteTempFile("lookalike.yaml", R"(
inbound_listen: 127.0.0.1:0
inbound:
  hooks:
    innopaas_webhook: {user_name: {value: u}, authorization: {value: a}}
inbound_routes:
  - {path: /hooks, profile: hooks, target: "http://127.attacker.example/in"}
)");
  const CliRun run = RunSignet({"--check-config", config});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_THAT(run.output, HasSubstr("inbound_routes[0].target"));
  EXPECT_THAT(run.output, HasSubstr("127.attacker.example"));
}

TEST(CliTest, ServingWithABadConfigFailsFast) {
  const std::string config = WriteTempFile("unknown.yaml", "listne: x\n");
  const CliRun run = RunSignet({"--config", config});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_THAT(run.output, HasSubstr("listne"));
}

}  // namespace
}  // namespace signet
