#ifndef SIGNET_TESTS_TESTING_CHILD_PROCESS_H_
#define SIGNET_TESTS_TESTING_CHILD_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet::testing {

// A child process with stdout and stderr captured into one buffer, for tests
// that run real binaries (signet, signet-emulator).
//
// Both streams go to one pipe, so their lines keep the order the child wrote
// them in; a reader thread drains it so the child never blocks on a full
// pipe. A reaper thread waits for the exit, so waiting is on a condition
// variable, never a polling sleep. The child runs in its own process group
// with every other descriptor closed; the destructor kills the group, so a
// failing test leaves no strays.
class ChildProcess {
 public:
  // Starts argv[0] (looked up in PATH if it has no '/') with the parent's
  // environment plus `extra_env`, which overrides variables of the same
  // name. stdin is /dev/null.
  static absl::StatusOr<std::unique_ptr<ChildProcess>> Start(
      std::vector<std::string> argv,
      std::vector<std::pair<std::string, std::string>> extra_env = {});

  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kill() if still running.
  ~ChildProcess();

  // Waits until a captured line contains `needle` and returns that line
  // (without its newline). The whole output is searched, from the start, so
  // a line seen before still matches. Fails with DeadlineExceeded on timeout
  // and FailedPrecondition if the output ends (the child exited) first; both
  // messages include the captured output. With `occurrence` n, waits for
  // the nth such line instead (a log line written once per event).
  absl::StatusOr<std::string> WaitForLine(absl::string_view needle,
                                          absl::Duration timeout,
                                          int occurrence = 1)
      ABSL_LOCKS_EXCLUDED(mu_);

  // Everything captured so far.
  std::string Output() const ABSL_LOCKS_EXCLUDED(mu_);

  // Sends `signo` to the child (not its group); a no-op once it has exited.
  void Signal(int signo) ABSL_LOCKS_EXCLUDED(mu_);

  // Waits for the child to exit and its output to end (so Output() is
  // complete); returns its exit code, or 128 + the signal that killed it.
  // DeadlineExceeded if it is still running after `timeout`. If a
  // grandchild keeps the output open, returns the code at the deadline.
  absl::StatusOr<int> WaitForExit(absl::Duration timeout)
      ABSL_LOCKS_EXCLUDED(mu_);

  // SIGKILLs the child's process group and reaps the child. Idempotent.
  void Kill() ABSL_LOCKS_EXCLUDED(mu_);

  pid_t pid() const { return pid_; }

 private:
  ChildProcess(pid_t pid, int output_fd, int wake_read_fd, int wake_write_fd);

  void ReadOutput() ABSL_LOCKS_EXCLUDED(mu_);
  void Reap() ABSL_LOCKS_EXCLUDED(mu_);
  std::string Describe() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const pid_t pid_;
  const int output_fd_;  // read end of the stdout+stderr pipe
  // A pipe that tells the reader to stop even if some process outside the
  // child's group still holds the output pipe open.
  const int wake_read_fd_;
  const int wake_write_fd_;

  mutable absl::Mutex mu_;
  absl::CondVar changed_;  // output grew, output ended, or the child exited
  std::string output_ ABSL_GUARDED_BY(mu_);
  bool output_closed_ ABSL_GUARDED_BY(mu_) = false;
  bool exited_ ABSL_GUARDED_BY(mu_) = false;
  int exit_code_ ABSL_GUARDED_BY(mu_) = -1;

  std::thread reader_;
  std::thread reaper_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_CHILD_PROCESS_H_
