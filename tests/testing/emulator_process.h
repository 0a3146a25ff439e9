#ifndef SIGNET_TESTS_TESTING_EMULATOR_PROCESS_H_
#define SIGNET_TESTS_TESTING_EMULATOR_PROCESS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "testing/child_process.h"

namespace signet::testing {

// The signet-emulator binary built alongside the tests.
absl::string_view EmulatorBinaryPath();

// A running signet-emulator on an ephemeral loopback port. When it is
// destroyed (or assigned over), a sanitizer report in its output fails the
// test (see testing/sanitizer_report.h).
struct EmulatorProcess {
  EmulatorProcess() = default;
  EmulatorProcess(EmulatorProcess&&) = default;
  EmulatorProcess& operator=(EmulatorProcess&& other);
  ~EmulatorProcess();

  std::unique_ptr<ChildProcess> process;
  int port = 0;

  // http://127.0.0.1:<port>
  std::string base_url() const;
};

// Starts signet-emulator with --port=0 and `extra_flags` (e.g.
// "--license_verification=password"; a later flag overrides an earlier one)
// and waits for its "listening on" line to learn the port.
absl::StatusOr<EmulatorProcess> StartEmulator(
    std::vector<std::string> extra_flags = {});

// The counters of GET /__stats. `total` and `rejected_total` span every
// route, including "other".
struct EmulatorStats {
  int64_t token = 0;
  int64_t verify = 0;
  int64_t innopaas = 0;
  int64_t licenses = 0;
  int64_t total = 0;
  int64_t rejected_total = 0;
  int64_t tokens_issued = 0;
  int64_t connections = 0;
};

// Reads GET /__stats of the emulator on 127.0.0.1:`port`.
absl::StatusOr<EmulatorStats> GetEmulatorStats(int port);

// POSTs `json_body` to a control endpoint (/__faults, /__revoke, /__config,
// /__reset); OK only on HTTP 200.
absl::Status PostEmulatorControl(int port, absl::string_view path,
                                 absl::string_view json_body);

// GETs a control endpoint such as /__last/licenses; its body on HTTP 200.
absl::StatusOr<std::string> GetEmulatorControl(int port,
                                               absl::string_view path);

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_EMULATOR_PROCESS_H_
