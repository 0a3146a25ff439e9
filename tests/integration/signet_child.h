#ifndef SIGNET_TESTS_INTEGRATION_SIGNET_CHILD_H_
#define SIGNET_TESTS_INTEGRATION_SIGNET_CHILD_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "testing/child_process.h"

namespace signet::testing {

// The secrets the emulator accepts by default, as a test config names them.
inline constexpr char kEmulatorOpenApiSecret[] = "emulator-openapi-secret";
inline constexpr char kEmulatorAppKey[] = "emulator-app-key";
inline constexpr char kEmulatorAuthorization[] = "emulator-authorization";
inline constexpr char kEmulatorLicenseSecret[] = "emulator-license-secret";

// A config with one profile of each kind pointed at the emulator on
// `emulator_port`, listening on an ephemeral loopback port. Secrets come
// from the environment that StartSignet sets.
std::string EmulatorConfig(int emulator_port);

// A running signet binary: the tests' child process (not src/'s
// SignetProcess). When it is destroyed or assigned over, it is stopped with
// SIGTERM and its whole log is checked for every secret it was given (the
// emulator's and any in extra_env whose name ends in _SECRET, _KEY or
// _AUTHORIZATION): a hit fails the test, so every integration test doubles
// as a log-leak test. A sanitizer report in the log (sanitizer builds only;
// the SIGTERM lets leaks at exit be reported) fails the test too.
struct SignetChild {
  SignetChild() = default;
  SignetChild(SignetChild&&) = default;
  SignetChild& operator=(SignetChild&& other);
  ~SignetChild();

  std::unique_ptr<ChildProcess> process;
  std::vector<std::string> secrets;
  std::string address;  // "127.0.0.1:<port>"
  // From the same log line; "off" when not configured.
  std::string admin_address;
  std::string inbound_address;
  std::string health_address;
  std::string config_path;

 private:
  void StopAndCheck();
};

// Writes `config_yaml` to a temp file and starts signet on it with the
// emulator's secrets in its environment (plus `extra_env`) and
// `extra_args` after its own; reads the bound addresses from the "listening"
// log line and waits until readiness is settled ("ready" or "not ready").
absl::StatusOr<SignetChild> StartSignet(
    absl::string_view config_yaml,
    std::vector<std::pair<std::string, std::string>> extra_env = {},
    std::vector<std::string> extra_args = {});

// GET `path` on signet's admin listener: the status and body.
struct AdminAnswer {
  int status = 0;
  std::string body;
};
absl::StatusOr<AdminAnswer> GetAdmin(const SignetChild& signet,
                                     absl::string_view path);

// The value of the sample `series` ("name{labels}", labels as signet
// writes them, sorted) in a /metrics scrape; NOT_FOUND if absent.
absl::StatusOr<double> MetricSample(absl::string_view metrics,
                                    absl::string_view series);

// Polls signet's /metrics until the sample `series` (as for MetricSample)
// equals `value`, or fails with DeadlineExceeded after `timeout` naming the
// last value seen.
absl::Status WaitForMetric(const SignetChild& signet, absl::string_view series,
                           double value, absl::Duration timeout);

// A loopback TCP port that nothing listens on: bound to 127.0.0.1:0 and
// closed again. Another process may take it later; tests use it at once.
absl::StatusOr<int> UnusedLoopbackPort();

// The signet binary built alongside the tests.
absl::string_view SignetBinaryPath();

// Writes `content` to a fresh file under the test temp dir; returns its path.
std::string WriteTempFile(absl::string_view stem, absl::string_view content);

}  // namespace signet::testing

#endif  // SIGNET_TESTS_INTEGRATION_SIGNET_CHILD_H_
