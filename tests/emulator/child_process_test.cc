// ChildProcess, the helper every process-level test stands on.

#include "testing/child_process.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "emulator/emulator_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace signet::emulator_test {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::HasSubstr;

std::unique_ptr<ChildProcess> StartShell(
    const std::string& script,
    std::vector<std::pair<std::string, std::string>> env = {}) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/sh", "-c", script}, std::move(env));
  EXPECT_THAT(child, IsOk());
  return child.ok() ? *std::move(child) : nullptr;
}

// Verify stdout and stderr are both captured and the exit code is reported.
TEST(ChildProcessTest, CapturesOutputAndExitCode) {
  auto child = StartShell("echo to-stdout; echo to-stderr >&2; exit 3");
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(ExitCodeWithin(*child, absl::Seconds(10)), 3);
  EXPECT_THAT(child->WaitForLine("to-stderr", absl::Seconds(10)), IsOk());
  EXPECT_THAT(child->Output(), HasSubstr("to-stdout\n"));
}

// Verify WaitForLine returns the whole matching line.
TEST(ChildProcessTest, WaitForLineReturnsLine) {
  auto child = StartShell("echo first; echo 'port is 4242'; exec sleep 30");
  ASSERT_NE(child, nullptr);
  absl::StatusOr<std::string> line =
      child->WaitForLine("port is", absl::Seconds(10));
  ASSERT_THAT(line, IsOk());
  EXPECT_EQ(*line, "port is 4242");
}

// Verify WaitForLine fails, quoting the output, if the child exits first.
TEST(ChildProcessTest, WaitForLineFailsWhenChildExits) {
  auto child = StartShell("echo something else");
  ASSERT_NE(child, nullptr);
  EXPECT_THAT(child->WaitForLine("never printed", absl::Seconds(10)),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("something else")));
}

// Verify WaitForLine gives up at its deadline.
TEST(ChildProcessTest, WaitForLineTimesOut) {
  auto child = StartShell("exec sleep 30");
  ASSERT_NE(child, nullptr);
  EXPECT_THAT(child->WaitForLine("x", absl::Milliseconds(100)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
}

// Verify a signal death reports 128 + the signal.
TEST(ChildProcessTest, SignalDeathIs128PlusSignal) {
  auto child = StartShell("echo ready; exec sleep 30");
  ASSERT_NE(child, nullptr);
  ASSERT_THAT(child->WaitForLine("ready", absl::Seconds(10)), IsOk());
  child->Signal(SIGTERM);
  EXPECT_EQ(ExitCodeWithin(*child, absl::Seconds(10)), 128 + SIGTERM);
}

// Verify WaitForExit times out on a running child, and Kill is idempotent.
TEST(ChildProcessTest, WaitForExitTimesOutAndKillIsIdempotent) {
  auto child = StartShell("exec sleep 30");
  ASSERT_NE(child, nullptr);
  EXPECT_THAT(child->WaitForExit(absl::Milliseconds(50)),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  child->Kill();
  child->Kill();
  EXPECT_EQ(ExitCodeWithin(*child, absl::Seconds(1)), 128 + SIGKILL);
}

// Verify the destructor kills the child's whole process group.
TEST(ChildProcessTest, DestructorKillsProcessGroup) {
  auto child = StartShell("sleep 30 & echo grandchild $!; wait");
  ASSERT_NE(child, nullptr);
  absl::StatusOr<std::string> line =
      child->WaitForLine("grandchild ", absl::Seconds(10));
  ASSERT_THAT(line, IsOk());
  pid_t grandchild = 0;
  ASSERT_TRUE(absl::SimpleAtoi(
      std::vector<std::string>(absl::StrSplit(*line, ' ')).back(),
      &grandchild));
  // glibc 2.36's <sys/pidfd.h> lacks extern "C"; call the syscall directly.
  const int pidfd = static_cast<int>(syscall(SYS_pidfd_open, grandchild, 0));
  ASSERT_GE(pidfd, 0);

  child.reset();
  // A pidfd turns readable when its process exits.
  pollfd exited{pidfd, POLLIN, 0};
  EXPECT_EQ(poll(&exited, 1, 10000), 1);
  close(pidfd);
}

// Verify extra_env reaches the child and overrides the parent's value.
TEST(ChildProcessTest, PassesExtraEnvironment) {
  auto child = StartShell("echo \"value=$HOME\"", {{"HOME", "/from-test"}});
  ASSERT_NE(child, nullptr);
  EXPECT_THAT(child->WaitForLine("value=/from-test", absl::Seconds(10)),
              IsOk());
}

// Verify the child inherits no descriptors beyond stdin, stdout, stderr.
TEST(ChildProcessTest, ClosesOtherDescriptors) {
  const int leaked = dup(STDOUT_FILENO);  // not close-on-exec
  ASSERT_GE(leaked, 0);
  // ls lists its own descriptors; 3 is the one it reads the directory with.
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({"/bin/ls", "/proc/self/fd"});
  close(leaked);
  ASSERT_THAT(child, IsOk());
  EXPECT_EQ(ExitCodeWithin(**child, absl::Seconds(10)), 0);
  ASSERT_THAT((*child)->WaitForLine("3", absl::Seconds(10)), IsOk());
  EXPECT_EQ((*child)->Output(), "0\n1\n2\n3\n");
}

// Verify a missing binary is an error, not a child.
TEST(ChildProcessTest, MissingBinaryFailsToStart) {
  EXPECT_FALSE(ChildProcess::Start({"/nonexistent/signet-binary"}).ok());
  EXPECT_FALSE(ChildProcess::Start({}).ok());
}

}  // namespace
}  // namespace signet::emulator_test
