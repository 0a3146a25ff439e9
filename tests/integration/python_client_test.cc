// The README's Python example against a real gateway: the proto stays usable
// from another language.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/signet_process.h"
#include "testing/child_process.h"
#include "testing/emulator_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::IsOk;
using ::testing::HasSubstr;

TEST(PythonClientTest, ExampleCallsEveryRpc) {
  absl::StatusOr<testing::EmulatorProcess> emulator = testing::StartEmulator();
  ASSERT_THAT(emulator, IsOk());
  absl::StatusOr<testing::SignetProcess> signet =
      testing::StartSignet(testing::EmulatorConfig(emulator->port));
  ASSERT_THAT(signet, IsOk());
  absl::StatusOr<std::unique_ptr<ChildProcess>> client = ChildProcess::Start(
      {"/usr/bin/python3", SIGNET_SOURCE_DIR "/examples/python/call_gateway.py",
       "--target", signet->address, "--license-profile", "shop"});
  ASSERT_THAT(client, IsOk());
  absl::StatusOr<int> code = (*client)->WaitForExit(absl::Seconds(60));
  ASSERT_THAT(code, IsOk());
  const std::string output = (*client)->Output();
  EXPECT_EQ(*code, 0) << output;
  EXPECT_THAT(output, HasSubstr("from_cache=False, then from_cache=True"));
  EXPECT_THAT(output, HasSubstr("Verify: valid=True"));
  EXPECT_THAT(output, HasSubstr("Verify(bogus): valid=False"));
  EXPECT_THAT(output,
              HasSubstr("CallInnoPaaS: status=200 upstream saw POST "
                        "/innopaas/v1/messages?lang=en"));
  EXPECT_THAT(output, HasSubstr("CallOpenAPI: status=200 result='success'"));
  EXPECT_THAT(output, HasSubstr("FetchLicenses: code=SUCCESS keys=["));
  EXPECT_THAT(output, HasSubstr("CallInnoPaaS(/v1/../admin): INVALID_ARGUMENT"));
}

}  // namespace
}  // namespace signet
