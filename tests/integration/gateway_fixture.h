#ifndef SIGNET_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_
#define SIGNET_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_

#include <grpcpp/grpcpp.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "integration/signet_child.h"
#include "signet/v1/gateway.grpc.pb.h"
#include "testing/emulator_process.h"

namespace signet::testing {

// The base of the integration tests: a real signet-emulator, a real signet
// in front of it and a Gateway stub connected to that signet. Nothing is
// started by itself, because the tests differ in what they need first (a
// fault set before signet starts, emulator flags, no emulator at all);
// a fixture's SetUp or a test calls StartEmulator and StartGateway.
//
// The members are declared in dependency order, so the stub is destroyed
// before signet, and signet (with its log checks, see SignetChild) before
// the emulator it talks to; TearDown stops signet already, so that what a
// derived fixture started for it (a target, a proxy) outlives it too. Both
// start functions fail the test fatally when the process does not start; in
// a test body, wrap them in ASSERT_NO_FATAL_FAILURE.
class GatewayFixture : public ::testing::Test {
 protected:
  void TearDown() override { StopGateway(); }

  // Starts signet-emulator with `flags` (see testing::StartEmulator),
  // stopping the one running, if any.
  void StartEmulator(std::vector<std::string> flags = {});

  // Starts signet on `config` (see testing::StartSignet for `extra_env` and
  // `extra_args`), stopping and checking the one running first, and points
  // channel_ and stub_ at it.
  void StartGateway(
      absl::string_view config,
      std::vector<std::pair<std::string, std::string>> extra_env = {},
      std::vector<std::string> extra_args = {});

  // StartGateway on the standard config for the running emulator
  // (EmulatorConfig).
  void StartGatewayOnEmulator(
      std::vector<std::pair<std::string, std::string>> extra_env = {});

  // Stops signet (SIGTERM, then its log checks) and drops the stub.
  void StopGateway();

  // The running emulator's counters; a failure (and zeros) if unreadable.
  EmulatorStats Stats() const;

  // Sets the emulator's faults (POST /__faults), fatally failing otherwise.
  void SetFault(absl::string_view json) const;

  // A deadline `timeout` from now on `context`; returns `context`.
  static grpc::ClientContext* WithDeadline(
      grpc::ClientContext* context, absl::Duration timeout = absl::Seconds(10));

  EmulatorProcess emulator_;
  SignetChild signet_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::Gateway::Stub> stub_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_INTEGRATION_GATEWAY_FIXTURE_H_
