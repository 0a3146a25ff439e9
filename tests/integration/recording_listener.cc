#include "integration/recording_listener.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"

namespace signet::testing {
namespace {

constexpr size_t kMaxHeadBytes = 64 * 1024;

// Reads until the blank line that ends an HTTP request head, EOF or an
// error: whatever the peer sent before it.
std::string ReadHead(int fd) {
  std::string head;
  char buffer[4096];
  while (head.find("\r\n\r\n") == std::string::npos &&
         head.size() < kMaxHeadBytes) {
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    head.append(buffer, static_cast<size_t>(n));
  }
  return head;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RecordingListener>> RecordingListener::Start(
    std::string reply) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", errno));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      listen(fd, 16) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    const int error = errno;
    close(fd);
    return absl::InternalError(
        absl::StrCat("listen on 127.0.0.1:0: ", std::strerror(error)));
  }
  return std::unique_ptr<RecordingListener>(
      new RecordingListener(fd, ntohs(address.sin_port), std::move(reply)));
}

RecordingListener::RecordingListener(int fd, int port, std::string reply)
    : fd_(fd), port_(port), reply_(std::move(reply)) {
  thread_ = std::thread([this] { Run(); });
}

RecordingListener::~RecordingListener() {
  // Shutting a listening socket down wakes the blocked accept() (Linux).
  shutdown(fd_, SHUT_RDWR);
  thread_.join();
  close(fd_);
}

void RecordingListener::Run() {
  for (;;) {
    const int connection = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      return;  // shut down
    }
    std::string head = ReadHead(connection);
    {
      // Recorded before the reply, so a client that has its answer finds it.
      absl::MutexLock lock(&mu_);
      heads_.push_back(std::move(head));
    }
    size_t sent = 0;
    while (sent < reply_.size()) {
      const ssize_t n = send(connection, reply_.data() + sent,
                             reply_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    close(connection);
  }
}

std::vector<std::string> RecordingListener::heads() const {
  absl::MutexLock lock(&mu_);
  return heads_;
}

absl::Status RecordingListener::WaitForConnections(
    size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto enough = [&]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return heads_.size() >= count;
  };
  if (!mu_.AwaitWithTimeout(absl::Condition(&enough), timeout)) {
    return absl::DeadlineExceededError(
        absl::StrCat("expected ", count, " connections, saw ", heads_.size()));
  }
  return absl::OkStatus();
}

}  // namespace signet::testing
