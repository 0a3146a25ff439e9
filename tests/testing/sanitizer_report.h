#ifndef SIGNET_TESTS_TESTING_SANITIZER_REPORT_H_
#define SIGNET_TESTS_TESTING_SANITIZER_REPORT_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "testing/child_process.h"

namespace signet::testing {

// The first AddressSanitizer, LeakSanitizer, UndefinedBehaviorSanitizer or
// ThreadSanitizer report in a child's captured output (from its first line,
// at most a few KB), or nullopt if there is none.
//
// The sanitizer builds (scripts/sanitize.sh) also sanitize the signet and
// signet-emulator processes the tests start. A report there, or a leak found
// at exit, shows only in that child's output and exit code, which most tests
// do not look at; the helpers that own those children (SignetChild,
// EmulatorProcess) check the output with this and fail the test. In other
// builds the output never holds a report.
absl::optional<std::string> FindSanitizerReport(absl::string_view output);

// Fails the current test if `process` (the child running `program`; null
// when it never started) wrote a sanitizer report.
void ExpectNoSanitizerReport(const ChildProcess* process,
                             absl::string_view program);

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_SANITIZER_REPORT_H_
