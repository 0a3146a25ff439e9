#include "testing/sanitizer_report.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"

namespace signet::testing {
namespace {

// How much of a report a failure message quotes.
constexpr size_t kQuotedReportBytes = 8 * 1024;

// The first line of each kind of report, as the GCC 12 runtimes print it.
// UBSan's is "file:line:col: runtime error: what".
constexpr absl::string_view kReportMarkers[] = {
    "ERROR: AddressSanitizer",  "ERROR: LeakSanitizer",
    "WARNING: ThreadSanitizer", "FATAL: ThreadSanitizer",
    ": runtime error: ",        "SUMMARY: UndefinedBehaviorSanitizer",
};

}  // namespace

absl::optional<std::string> FindSanitizerReport(absl::string_view output) {
  size_t first = absl::string_view::npos;
  for (const absl::string_view marker : kReportMarkers) {
    first = std::min(first, output.find(marker));
  }
  if (first == absl::string_view::npos) return absl::nullopt;
  const size_t line_start = output.rfind('\n', first);
  const size_t start =
      line_start == absl::string_view::npos ? 0 : line_start + 1;
  return std::string(output.substr(start, kQuotedReportBytes));
}

void ExpectNoSanitizerReport(const ChildProcess* process,
                             absl::string_view program) {
  if (process == nullptr) return;
  if (absl::optional<std::string> report =
          FindSanitizerReport(process->Output())) {
    ADD_FAILURE() << program << " (pid " << process->pid()
                  << ") wrote a sanitizer report:\n"
                  << *report;
  }
}

}  // namespace signet::testing
