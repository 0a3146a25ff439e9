#include "testing/child_process.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/memory/memory.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/types/optional.h"

extern char** environ;

namespace signet::testing {
namespace {

// How much of the output error messages quote (its tail).
constexpr size_t kDescribedOutputBytes = 16 * 1024;
// How long the destructor lets the output drain after the kill.
constexpr absl::Duration kDrainAfterKill = absl::Seconds(2);

absl::Status ErrnoStatus(absl::string_view what, int error) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(error)));
}

// The parent's environment with `extra_env` replacing same-named variables.
std::vector<std::string> ChildEnvironment(
    const std::vector<std::pair<std::string, std::string>>& extra_env) {
  absl::flat_hash_set<std::string> overridden;
  for (const auto& [name, value] : extra_env) overridden.insert(name);
  std::vector<std::string> env;
  for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
    const absl::string_view var(*entry);
    const absl::string_view name = var.substr(0, var.find('='));
    if (!overridden.contains(name)) env.emplace_back(var);
  }
  for (const auto& [name, value] : extra_env) {
    env.push_back(absl::StrCat(name, "=", value));
  }
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Owns posix_spawn's two C objects for the length of one Start().
class SpawnSetup {
 public:
  SpawnSetup() = default;
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
  ~SpawnSetup() {
    if (actions_ready_) posix_spawn_file_actions_destroy(&actions_);
    if (attr_ready_) posix_spawnattr_destroy(&attr_);
  }

  // stdin from /dev/null, stdout and stderr into `output_write_fd`, every
  // other descriptor closed; own process group; default signal handling
  // and an empty mask whatever the test process set up.
  absl::Status Init(int output_write_fd) {
    if (int rc = posix_spawn_file_actions_init(&actions_); rc != 0) {
      return ErrnoStatus("posix_spawn_file_actions_init", rc);
    }
    actions_ready_ = true;
    if (int rc = posix_spawn_file_actions_addopen(&actions_, STDIN_FILENO,
                                                  "/dev/null", O_RDONLY, 0);
        rc != 0) {
      return ErrnoStatus("posix_spawn_file_actions_addopen", rc);
    }
    for (const int fd : {STDOUT_FILENO, STDERR_FILENO}) {
      if (int rc =
              posix_spawn_file_actions_adddup2(&actions_, output_write_fd, fd);
          rc != 0) {
        return ErrnoStatus("posix_spawn_file_actions_adddup2", rc);
      }
    }
    if (int rc = posix_spawn_file_actions_addclosefrom_np(&actions_,
                                                          STDERR_FILENO + 1);
        rc != 0) {
      return ErrnoStatus("posix_spawn_file_actions_addclosefrom_np", rc);
    }

    if (int rc = posix_spawnattr_init(&attr_); rc != 0) {
      return ErrnoStatus("posix_spawnattr_init", rc);
    }
    attr_ready_ = true;
    sigset_t empty;
    sigemptyset(&empty);
    sigset_t defaults;
    sigemptyset(&defaults);
    for (const int signo : {SIGPIPE, SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGCHLD,
                            SIGUSR1, SIGUSR2}) {
      sigaddset(&defaults, signo);
    }
    if (int rc = posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETPGROUP |
                                                      POSIX_SPAWN_SETSIGMASK |
                                                      POSIX_SPAWN_SETSIGDEF);
        rc != 0) {
      return ErrnoStatus("posix_spawnattr_setflags", rc);
    }
    if (int rc = posix_spawnattr_setpgroup(&attr_, 0); rc != 0) {
      return ErrnoStatus("posix_spawnattr_setpgroup", rc);
    }
    if (int rc = posix_spawnattr_setsigmask(&attr_, &empty); rc != 0) {
      return ErrnoStatus("posix_spawnattr_setsigmask", rc);
    }
    if (int rc = posix_spawnattr_setsigdefault(&attr_, &defaults); rc != 0) {
      return ErrnoStatus("posix_spawnattr_setsigdefault", rc);
    }
    return absl::OkStatus();
  }

  const posix_spawn_file_actions_t* actions() const { return &actions_; }
  const posix_spawnattr_t* attr() const { return &attr_; }

 private:
  posix_spawn_file_actions_t actions_;
  posix_spawnattr_t attr_;
  bool actions_ready_ = false;
  bool attr_ready_ = false;
};

// The `occurrence`th (from 1) complete line of `output` containing
// `needle`; the unterminated tail counts only once the output has ended.
absl::optional<std::string> FindLine(absl::string_view output,
                                     absl::string_view needle,
                                     bool output_closed, int occurrence) {
  size_t start = 0;
  while (start < output.size()) {
    const size_t newline = output.find('\n', start);
    if (newline == absl::string_view::npos && !output_closed) break;
    const size_t end =
        newline == absl::string_view::npos ? output.size() : newline;
    const absl::string_view line = output.substr(start, end - start);
    if (absl::StrContains(line, needle) && --occurrence <= 0) {
      return std::string(line);
    }
    start = end + 1;
  }
  return absl::nullopt;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ChildProcess>> ChildProcess::Start(
    std::vector<std::string> argv,
    std::vector<std::pair<std::string, std::string>> extra_env) {
  if (argv.empty()) return absl::InvalidArgumentError("empty argv");
  int output[2];
  if (pipe2(output, O_CLOEXEC) != 0) return ErrnoStatus("pipe2", errno);
  int wake[2];
  if (pipe2(wake, O_CLOEXEC) != 0) {
    const int error = errno;
    close(output[0]);
    close(output[1]);
    return ErrnoStatus("pipe2", error);
  }

  std::vector<std::string> env = ChildEnvironment(extra_env);
  std::vector<char*> argv_ptrs = CStrings(argv);
  std::vector<char*> env_ptrs = CStrings(env);
  pid_t pid = -1;
  int rc = 0;
  {
    SpawnSetup setup;
    absl::Status status = setup.Init(output[1]);
    rc = status.ok()
             ? posix_spawnp(&pid, argv[0].c_str(), setup.actions(),
                            setup.attr(), argv_ptrs.data(), env_ptrs.data())
             : -1;
    close(output[1]);
    if (!status.ok() || rc != 0) {
      close(output[0]);
      close(wake[0]);
      close(wake[1]);
      if (!status.ok()) return status;
      return ErrnoStatus(absl::StrCat("posix_spawnp ", argv[0]), rc);
    }
  }
  return absl::WrapUnique(new ChildProcess(pid, output[0], wake[0], wake[1]));
}

ChildProcess::ChildProcess(pid_t pid, int output_fd, int wake_read_fd,
                           int wake_write_fd)
    : pid_(pid),
      output_fd_(output_fd),
      wake_read_fd_(wake_read_fd),
      wake_write_fd_(wake_write_fd) {
  reader_ = std::thread(&ChildProcess::ReadOutput, this);
  reaper_ = std::thread(&ChildProcess::Reap, this);
}

ChildProcess::~ChildProcess() {
  Kill();
  {
    absl::MutexLock lock(&mu_);
    const absl::Time deadline = absl::Now() + kDrainAfterKill;
    while (!output_closed_ && !changed_.WaitWithDeadline(&mu_, deadline)) {
    }
  }
  // A grandchild that left the group may still hold the pipe: stop anyway.
  const char wake = 'x';
  while (write(wake_write_fd_, &wake, 1) < 0 && errno == EINTR) {
  }
  reader_.join();
  reaper_.join();
  close(output_fd_);
  close(wake_read_fd_);
  close(wake_write_fd_);
}

void ChildProcess::ReadOutput() {
  char buf[4096];
  pollfd fds[2] = {{output_fd_, POLLIN, 0}, {wake_read_fd_, POLLIN, 0}};
  while (true) {
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) break;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = read(output_fd_, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    absl::MutexLock lock(&mu_);
    output_.append(buf, static_cast<size_t>(n));
    changed_.SignalAll();
  }
  absl::MutexLock lock(&mu_);
  output_closed_ = true;
  changed_.SignalAll();
}

void ChildProcess::Reap() {
  // Wait without reaping, so the pid stays ours (and Kill() cannot hit a
  // recycled pid) until the reap below happens under mu_.
  siginfo_t info;
  while (waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOWAIT) !=
             0 &&
         errno == EINTR) {
  }
  absl::MutexLock lock(&mu_);
  int status = 0;
  pid_t reaped = -1;
  do {
    reaped = waitpid(pid_, &status, 0);
  } while (reaped < 0 && errno == EINTR);
  if (reaped == pid_ && WIFEXITED(status)) {
    exit_code_ = WEXITSTATUS(status);
  } else if (reaped == pid_ && WIFSIGNALED(status)) {
    exit_code_ = 128 + WTERMSIG(status);
  }
  exited_ = true;
  changed_.SignalAll();
}

std::string ChildProcess::Describe() const {
  const absl::string_view output = output_;
  const absl::string_view tail =
      output.size() > kDescribedOutputBytes
          ? output.substr(output.size() - kDescribedOutputBytes)
          : output;
  return absl::StrCat(
      "child ", pid_,
      exited_ ? absl::StrCat(" exited with ", exit_code_) : " running",
      "; output", tail.size() < output.size() ? " (tail)" : "", ":\n", tail);
}

absl::StatusOr<std::string> ChildProcess::WaitForLine(absl::string_view needle,
                                                      absl::Duration timeout,
                                                      int occurrence) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  while (true) {
    if (absl::optional<std::string> line =
            FindLine(output_, needle, output_closed_, occurrence)) {
      return *std::move(line);
    }
    if (output_closed_) {
      return absl::FailedPreconditionError(
          absl::StrCat("output ended before a line containing \"", needle,
                       "\"; ", Describe()));
    }
    if (changed_.WaitWithDeadline(&mu_, deadline) && absl::Now() >= deadline) {
      if (absl::optional<std::string> line =
              FindLine(output_, needle, output_closed_, occurrence)) {
        return *std::move(line);
      }
      return absl::DeadlineExceededError(
          absl::StrCat("no line containing \"", needle, "\" within ",
                       absl::FormatDuration(timeout), "; ", Describe()));
    }
  }
}

std::string ChildProcess::Output() const {
  absl::MutexLock lock(&mu_);
  return output_;
}

void ChildProcess::Signal(int signo) {
  absl::MutexLock lock(&mu_);
  if (!exited_) kill(pid_, signo);
}

absl::StatusOr<int> ChildProcess::WaitForExit(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::MutexLock lock(&mu_);
  // Wait for the output to end too, so Output() is complete on return. A
  // grandchild that outlives the child can hold the pipe open; then the exit
  // is reported at the deadline with the output as it stands.
  while (!exited_ || !output_closed_) {
    if (changed_.WaitWithDeadline(&mu_, deadline) && absl::Now() >= deadline) {
      if (exited_) break;
      return absl::DeadlineExceededError(
          absl::StrCat("still running after ", absl::FormatDuration(timeout),
                       "; ", Describe()));
    }
  }
  return exit_code_;
}

void ChildProcess::Kill() {
  absl::MutexLock lock(&mu_);
  if (!exited_) {
    // The group takes any grandchildren with it; the pid alone covers a
    // child whose setpgid did not happen.
    kill(-pid_, SIGKILL);
    kill(pid_, SIGKILL);
  }
  while (!exited_) changed_.Wait(&mu_);
}

}  // namespace signet::testing
