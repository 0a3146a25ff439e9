#include "integration/gateway_fixture.h"

#include <utility>

#include "absl/status/statusor.h"
#include "absl/time/clock.h"
#include "testing/status_matchers.h"

namespace signet::testing {

void GatewayFixture::StartEmulator(std::vector<std::string> flags) {
  // The old emulator goes first: a test may restart it on the same port.
  emulator_ = EmulatorProcess();
  absl::StatusOr<EmulatorProcess> emulator =
      testing::StartEmulator(std::move(flags));
  ASSERT_THAT(emulator, IsOk());
  emulator_ = *std::move(emulator);
}

void GatewayFixture::StartGateway(
    absl::string_view config,
    std::vector<std::pair<std::string, std::string>> extra_env,
    std::vector<std::string> extra_args) {
  StopGateway();
  absl::StatusOr<SignetChild> signet =
      StartSignet(config, std::move(extra_env), std::move(extra_args));
  ASSERT_THAT(signet, IsOk());
  signet_ = *std::move(signet);
  channel_ =
      grpc::CreateChannel(signet_.address, grpc::InsecureChannelCredentials());
  stub_ = v1::Gateway::NewStub(channel_);
}

void GatewayFixture::StartGatewayOnEmulator(
    std::vector<std::pair<std::string, std::string>> extra_env) {
  StartGateway(EmulatorConfig(emulator_.port), std::move(extra_env));
}

void GatewayFixture::StopGateway() {
  stub_.reset();
  channel_.reset();
  signet_ = SignetChild();
}

EmulatorStats GatewayFixture::Stats() const {
  absl::StatusOr<EmulatorStats> stats = GetEmulatorStats(emulator_.port);
  EXPECT_THAT(stats, IsOk());
  return stats.value_or(EmulatorStats{});
}

void GatewayFixture::SetFault(absl::string_view json) const {
  ASSERT_THAT(PostEmulatorControl(emulator_.port, "/__faults", json), IsOk());
}

grpc::ClientContext* GatewayFixture::WithDeadline(grpc::ClientContext* context,
                                                  absl::Duration timeout) {
  context->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  return context;
}

}  // namespace signet::testing
