// The verifying receiver against clients that never mean to authenticate:
// the outside review's memory exhaustion (bodies buffered before the
// credentials were checked) and slowloris (heads trickled in to hold every
// connection slot). Real signet, raw sockets on loopback addresses.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/cleanup/cleanup.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/signet_process.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::SignetProcess;
using ::signet::testing::StartSignet;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kHookUser[] = "hook-user";
constexpr char kHookAuthorization[] = "Bearer hook-s3cret";

// No target is needed: nothing here is authentic, except the valid pushes,
// whose target answers 502 (nothing listens there) -- an answer after
// verification, which is all these tests look for.
std::string Config(const std::string& extra) {
  return absl::StrCat(R"(
listen: 127.0.0.1:0
admin_listen: 127.0.0.1:0
inbound_listen: 127.0.0.1:0
max_body_bytes: 8388608
inbound:
  hooks:
    innopaas_webhook:
      user_name: {env: SIGNET_TEST_HOOK_USER}
      authorization: {env: SIGNET_TEST_HOOK_AUTHORIZATION}
inbound_routes:
  - path: /hooks/innopaas
    profile: hooks
    target: http://127.0.0.1:1/nothing-listens
)",
                      extra);
}

// A TCP connection from `source` (a loopback address) to `address`
// ("127.0.0.1:port"); -1 on failure.
int Connect(const std::string& source, const std::string& address) {
  const std::vector<std::string> parts = absl::StrSplit(address, ':');
  int port = 0;
  if (parts.size() != 2 || !absl::SimpleAtoi(parts[1], &port)) return -1;
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in local{};
  local.sin_family = AF_INET;
  inet_pton(AF_INET, source.c_str(), &local.sin_addr);
  sockaddr_in remote{};
  remote.sin_family = AF_INET;
  remote.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, parts[0].c_str(), &remote.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof(local)) != 0 ||
      connect(fd, reinterpret_cast<sockaddr*>(&remote), sizeof(remote)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

bool SendAll(int fd, absl::string_view data) {
  while (!data.empty()) {
    const ssize_t sent = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (sent <= 0) return false;
    data.remove_prefix(static_cast<size_t>(sent));
  }
  return true;
}

// What the server sent until it closed the connection, or until `timeout`
// passed (then `closed` is false).
struct Received {
  std::string bytes;
  bool closed = false;
};
Received ReadUntilClosed(int fd, absl::Duration timeout) {
  Received received;
  const absl::Time deadline = absl::Now() + timeout;
  char buffer[4096];
  while (true) {
    const absl::Duration left = deadline - absl::Now();
    if (left <= absl::ZeroDuration()) return received;
    pollfd poll_fd{fd, POLLIN, 0};
    if (poll(&poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(left)) + 1) <= 0) {
      continue;
    }
    const ssize_t n = recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) {
      received.closed = true;
      return received;
    }
    received.bytes.append(buffer, static_cast<size_t>(n));
  }
}

class InboundHostileClientsTest : public ::testing::Test {
 protected:
  void StartGateway(const std::string& extra = "") {
    absl::StatusOr<SignetProcess> signet =
        StartSignet(Config(extra),
                    {{"SIGNET_TEST_HOOK_USER", kHookUser},
                     {"SIGNET_TEST_HOOK_AUTHORIZATION", kHookAuthorization}});
    ASSERT_THAT(signet, IsOk());
    signet_ = *std::move(signet);
    ASSERT_NE(signet_.inbound_address, "off");
  }

  // A complete, authentic push; its target is down, so the answer is 502.
  std::string ValidPush() const {
    return absl::StrCat(
        "POST /hooks/innopaas HTTP/1.1\r\nHost: signet\r\n",
        "UserName: ", kHookUser, "\r\nAuthorization: ", kHookAuthorization,
        "\r\nContent-Type: application/json;charset=utf-8\r\n",
        "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  }

  SignetProcess signet_;
};

// Defect 2: both inbound schemes are decided by headers alone, so a request
// without credentials is answered from its head: 401 at once, connection
// closed, the announced 8 MB never read (nor buffered).
TEST_F(InboundHostileClientsTest, RequestWithoutCredentialsIsRefusedBeforeItsBody) {
  StartGateway();
  const int fd = Connect("127.0.0.1", signet_.inbound_address);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  ASSERT_TRUE(SendAll(fd,
                      "POST /hooks/innopaas HTTP/1.1\r\nHost: signet\r\n"
                      "Content-Type: application/json\r\n"
                      "Content-Length: 8000000\r\n\r\n"));
  const Received received = ReadUntilClosed(fd, absl::Seconds(10));
  EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(received.bytes, HasSubstr("unauthenticated"));
  EXPECT_TRUE(received.closed) << "the connection must be closed, not kept "
                                  "waiting for the body";
}

// The same for a path with no route: 404 from the head.
TEST_F(InboundHostileClientsTest, UnroutedRequestIsRefusedBeforeItsBody) {
  StartGateway();
  const int fd = Connect("127.0.0.1", signet_.inbound_address);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  ASSERT_TRUE(SendAll(fd,
                      "POST /nowhere HTTP/1.1\r\nHost: signet\r\n"
                      "Content-Length: 8000000\r\n\r\n"));
  const Received received = ReadUntilClosed(fd, absl::Seconds(10));
  EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 404"));
  EXPECT_TRUE(received.closed);
}

// An authentic request still has its body read and forwarded (the target
// is down here, so 502 says it got past verification).
TEST_F(InboundHostileClientsTest, AuthenticRequestGetsPastTheHeadCheck) {
  StartGateway();
  const int fd = Connect("127.0.0.1", signet_.inbound_address);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  ASSERT_TRUE(SendAll(fd, ValidPush()));
  EXPECT_THAT(ReadUntilClosed(fd, absl::Seconds(10)).bytes,
              StartsWith("HTTP/1.1 502"));
}

// Defect 3: a head trickled in a line at a time (never idle long enough
// for the idle timeout) is cut at inbound_head_timeout.
TEST_F(InboundHostileClientsTest, TrickledHeadIsClosedAtTheHeadDeadline) {
  StartGateway("inbound_head_timeout: 1s\n");
  const int fd = Connect("127.0.0.1", signet_.inbound_address);
  ASSERT_GE(fd, 0);
  absl::Cleanup close_fd = [fd] { close(fd); };
  const absl::Time start = absl::Now();
  ASSERT_TRUE(SendAll(fd, "POST /hooks/innopaas HTTP/1.1\r\n"));
  Received received;
  while (absl::Now() - start < absl::Seconds(10)) {
    // Each line is sent well within any idle timeout.
    if (!SendAll(fd, "X-Pad: 1\r\n")) break;
    received = ReadUntilClosed(fd, absl::Milliseconds(200));
    if (received.closed) break;
  }
  const absl::Duration held = absl::Now() - start;
  EXPECT_TRUE(received.closed || held < absl::Seconds(10))
      << "still open after " << held;
  EXPECT_GE(held, absl::Seconds(1));
  EXPECT_LT(held, absl::Seconds(5));
}

// Defect 3: 1,100 connections from eleven addresses each send a partial
// head and wait. Per-client limits and a total that leaves room keep the
// receiver free for a real sender, whose push is answered at once.
TEST_F(InboundHostileClientsTest, ThousandSlowConnectionsDoNotBlockAValidPush) {
  StartGateway();
  std::vector<int> slow;
  absl::Cleanup close_all = [&slow] {
    for (int fd : slow) close(fd);
  };
  for (int host = 2; host <= 12; ++host) {
    const std::string source = absl::StrCat("127.0.0.", host);
    for (int i = 0; i < 100; ++i) {
      const int fd = Connect(source, signet_.inbound_address);
      if (fd < 0) continue;  // refused at the door: also fine
      slow.push_back(fd);
      SendAll(fd, "POST /hooks/innopaas HTTP/1.1\r\nX-Pad: 1\r\n");
    }
  }
  ASSERT_GE(slow.size(), 1000u);
  for (int i = 0; i < 3; ++i) {
    const absl::Time start = absl::Now();
    const int fd = Connect("127.0.0.1", signet_.inbound_address);
    ASSERT_GE(fd, 0);
    absl::Cleanup close_fd = [fd] { close(fd); };
    ASSERT_TRUE(SendAll(fd, ValidPush()));
    const Received received = ReadUntilClosed(fd, absl::Seconds(5));
    EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 502")) << "push " << i;
    EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "push " << i;
  }
}

}  // namespace
}  // namespace signet
