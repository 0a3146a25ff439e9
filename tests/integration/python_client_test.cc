// The README's Python example against a real gateway: the proto stays usable
// from another language.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "testing/child_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::IsOk;
using ::testing::HasSubstr;

// The client under test is another process; the fixture's stub is unused.
class PythonClientTest : public testing::GatewayFixture {};

TEST_F(PythonClientTest, ExampleCallsEveryRpc) {
  ASSERT_NO_FATAL_FAILURE(StartEmulator());
  ASSERT_NO_FATAL_FAILURE(StartGatewayOnEmulator());
  absl::StatusOr<std::unique_ptr<ChildProcess>> client = ChildProcess::Start(
      {"/usr/bin/python3", SIGNET_SOURCE_DIR "/examples/python/call_gateway.py",
       "--target", signet_.address, "--license-profile", "shop"});
  ASSERT_THAT(client, IsOk());
  absl::StatusOr<int> code = (*client)->WaitForExit(absl::Seconds(60));
  ASSERT_THAT(code, IsOk());
  const std::string output = (*client)->Output();
  EXPECT_EQ(*code, 0) << output;
  EXPECT_THAT(output, HasSubstr("from_cache=False, then from_cache=True"));
  EXPECT_THAT(output, HasSubstr("Verify: valid=True"));
  EXPECT_THAT(output, HasSubstr("Verify(bogus): valid=False"));
  EXPECT_THAT(output, HasSubstr("CallInnoPaaS: status=200 upstream saw POST "
                                "/innopaas/v1/messages?lang=en"));
  EXPECT_THAT(output, HasSubstr("CallOpenAPI: status=200 result='success'"));
  EXPECT_THAT(output, HasSubstr("FetchLicenses: code=SUCCESS keys=["));
  EXPECT_THAT(output,
              HasSubstr("CallInnoPaaS(/v1/../admin): INVALID_ARGUMENT"));
}

}  // namespace
}  // namespace signet
