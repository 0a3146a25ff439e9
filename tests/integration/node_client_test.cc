// The Node.js example against a real gateway: the proto stays usable from
// @grpc/grpc-js and @grpc/proto-loader, as from Python.
#include <filesystem>
#include <memory>
#include <string>

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
class NodeClientTest : public testing::GatewayFixture {};

constexpr char kNodeExample[] = SIGNET_SOURCE_DIR "/examples/node";

TEST_F(NodeClientTest, ExampleCallsEveryRpc) {
  ASSERT_TRUE(std::filesystem::is_directory(std::string(kNodeExample) +
                                            "/node_modules/@grpc/grpc-js"))
      << kNodeExample << "/node_modules is missing or incomplete: run "
      << "`npm ci --prefix examples/node` (scripts/test.sh does)";
  ASSERT_NO_FATAL_FAILURE(StartEmulator());
  ASSERT_NO_FATAL_FAILURE(StartGatewayOnEmulator());
  // "node" is looked up in PATH.
  absl::StatusOr<std::unique_ptr<ChildProcess>> client = ChildProcess::Start(
      {"node", std::string(kNodeExample) + "/call_gateway.js", "--target",
       signet_.address, "--license-profile", "shop"});
  ASSERT_THAT(client, IsOk()) << "is node installed? scripts/install-deps.sh";
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
