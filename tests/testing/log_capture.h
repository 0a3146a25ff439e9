#ifndef SIGNET_TESTS_TESTING_LOG_CAPTURE_H_
#define SIGNET_TESTS_TESTING_LOG_CAPTURE_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "log/log.h"

namespace signet::testing {

// Collects the log lines written while it exists instead of stderr. One at
// a time; the test binary must link signet_log.
class LogCapture final : public LogSink {
 public:
  LogCapture() { SetLogSink(this); }
  ~LogCapture() override { SetLogSink(nullptr); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  void Write(absl::string_view line) override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    lines_.emplace_back(line);
  }

  std::vector<std::string> lines() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return lines_;
  }

 private:
  mutable absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_LOG_CAPTURE_H_
