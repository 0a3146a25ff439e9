// The verifying receiver against clients that never mean to authenticate:
// the outside review's memory exhaustion (bodies buffered before the
// credentials were checked) and slowloris (heads trickled in to hold every
// connection slot). Real signet, raw sockets on loopback addresses.
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "apsdai/apsdai_signer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "integration/gateway_fixture.h"
#include "integration/signet_child.h"
#include "secrets/secret.h"
#include "testing/raw_socket.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::RawConnection;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kHookUser[] = "hook-user";
constexpr char kHookAuthorization[] = "Bearer hook-s3cret";
constexpr char kApsdaiSecret[] = "apsdai-hostile-secret";

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
  licenses:
    apsdai:
      verification: signature
      secret: {env: SIGNET_TEST_APSDAI_SECRET}
inbound_routes:
  - path: /hooks/innopaas
    profile: hooks
    target: http://127.0.0.1:1/nothing-listens
  - path: /hooks/licenses
    profile: licenses
    target: http://127.0.0.1:1/nothing-listens
)",
                      extra);
}

// No emulator: the inbound routes' targets are down on purpose.
class InboundHostileClientsTest : public testing::GatewayFixture {
 protected:
  void StartGateway(const std::string& extra = "") {
    ASSERT_NO_FATAL_FAILURE(GatewayFixture::StartGateway(
        Config(extra), {{"SIGNET_TEST_HOOK_USER", kHookUser},
                        {"SIGNET_TEST_HOOK_AUTHORIZATION", kHookAuthorization},
                        {"SIGNET_TEST_APSDAI_SECRET", kApsdaiSecret}}));
    ASSERT_NE(signet_.inbound_address, "off");
  }

  // A complete, authentic push; its target is down, so the answer is 502.
  std::string ValidPush() const {
    return absl::StrCat("POST /hooks/innopaas HTTP/1.1\r\nHost: signet\r\n",
                        "UserName: ", kHookUser,
                        "\r\nAuthorization: ", kHookAuthorization,
                        "\r\nContent-Type: application/json;charset=utf-8\r\n",
                        "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
  }
};

// Defect 2: both inbound schemes are decided by headers alone, so a request
// without credentials is answered from its head: 401 at once, connection
// closed, the announced 8 MB never read (nor buffered).
TEST_F(InboundHostileClientsTest,
       RequestWithoutCredentialsIsRefusedBeforeItsBody) {
  StartGateway();
  RawConnection client("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.Send("POST /hooks/innopaas HTTP/1.1\r\nHost: signet\r\n"
                  "Content-Type: application/json\r\n"
                  "Content-Length: 8000000\r\n\r\n"));
  const RawConnection::Received received =
      client.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(received.bytes, HasSubstr("unauthenticated"));
  EXPECT_TRUE(received.closed) << "the connection must be closed, not kept "
                                  "waiting for the body";
}

// The same for a path with no route: 404 from the head.
TEST_F(InboundHostileClientsTest, UnroutedRequestIsRefusedBeforeItsBody) {
  StartGateway();
  RawConnection client("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(
      client.Send("POST /nowhere HTTP/1.1\r\nHost: signet\r\n"
                  "Content-Length: 8000000\r\n\r\n"));
  const RawConnection::Received received =
      client.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 404"));
  EXPECT_TRUE(received.closed);
}

// An authentic request still has its body read and forwarded (the target
// is down here, so 502 says it got past verification).
TEST_F(InboundHostileClientsTest, AuthenticRequestGetsPastTheHeadCheck) {
  StartGateway();
  RawConnection client("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(ValidPush()));
  EXPECT_THAT(client.ReadUntilClosed(absl::Seconds(10)).bytes,
              StartsWith("HTTP/1.1 502"));
}

// A signed APSDAI hook whose body never arrives (the sender's connection
// dropped) must not use up its replay slot: the head is checked without
// recording the token, so the sender's retry of the identical hook is
// still accepted once. The head is known to have been checked when the
// receiver answers "Expect: 100-continue".
TEST_F(InboundHostileClientsTest, HookCutOffBeforeItsBodyCanBeRetried) {
  StartGateway();
  const int64_t timestamp_ms = absl::ToUnixMillis(absl::Now());
  const std::string head = absl::StrCat(
      "POST /hooks/licenses HTTP/1.1\r\nHost: signet\r\n"
      "User-Agent: apsdai-hook\r\nX-Apsdai-Timestamp: ",
      timestamp_ms, "\r\nX-Apsdai-Token: ",
      ApsdaiSignature(timestamp_ms, Secret(kApsdaiSecret)),
      "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n");
  {
    RawConnection cut_off("127.0.0.1", signet_.inbound_address);
    ASSERT_TRUE(cut_off.connected());
    ASSERT_TRUE(
        cut_off.Send(absl::StrCat(head, "Expect: 100-continue\r\n\r\n")));
    std::string interim;
    while (interim.find("\r\n\r\n") == std::string::npos) {
      const RawConnection::Received more =
          cut_off.ReadUntilClosed(absl::Milliseconds(100));
      interim += more.bytes;
      ASSERT_FALSE(more.closed) << interim;
    }
    ASSERT_THAT(interim, StartsWith("HTTP/1.1 100")) << interim;
  }  // closed without sending the body
  RawConnection retry("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(retry.connected());
  ASSERT_TRUE(retry.Send(absl::StrCat(head, "Connection: close\r\n\r\n{}")));
  // Past verification: the (absent) target's 502, not 401 "replayed".
  EXPECT_THAT(retry.ReadUntilClosed(absl::Seconds(10)).bytes,
              StartsWith("HTTP/1.1 502"));
  // And now it has been accepted once, a replay is refused.
  RawConnection replay("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(replay.connected());
  ASSERT_TRUE(replay.Send(absl::StrCat(head, "Connection: close\r\n\r\n{}")));
  const RawConnection::Received refused =
      replay.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(refused.bytes, StartsWith("HTTP/1.1 401"));
  EXPECT_THAT(refused.bytes, HasSubstr("replayed"));
}

// Defect 3: a head trickled in a line at a time (never idle long enough
// for the idle timeout) is cut at inbound_head_timeout.
TEST_F(InboundHostileClientsTest, TrickledHeadIsClosedAtTheHeadDeadline) {
  StartGateway("inbound_head_timeout: 1s\n");
  RawConnection client("127.0.0.1", signet_.inbound_address);
  ASSERT_TRUE(client.connected());
  const absl::Time start = absl::Now();
  ASSERT_TRUE(client.Send("POST /hooks/innopaas HTTP/1.1\r\n"));
  RawConnection::Received received;
  while (absl::Now() - start < absl::Seconds(10)) {
    // Each line is sent well within any idle timeout.
    if (!client.Send("X-Pad: 1\r\n")) break;
    received = client.ReadUntilClosed(absl::Milliseconds(200));
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
  std::vector<RawConnection> slow;
  for (int host = 2; host <= 12; ++host) {
    const std::string source = absl::StrCat("127.0.0.", host);
    for (int i = 0; i < 100; ++i) {
      RawConnection connection(source, signet_.inbound_address);
      if (!connection.connected()) continue;  // refused at the door: fine
      // A peer over its limit may have been closed already.
      connection.Send("POST /hooks/innopaas HTTP/1.1\r\nX-Pad: 1\r\n");
      slow.push_back(std::move(connection));
    }
  }
  ASSERT_GE(slow.size(), 1000u);
  for (int i = 0; i < 3; ++i) {
    const absl::Time start = absl::Now();
    RawConnection client("127.0.0.1", signet_.inbound_address);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.Send(ValidPush()));
    const RawConnection::Received received =
        client.ReadUntilClosed(absl::Seconds(5));
    EXPECT_THAT(received.bytes, StartsWith("HTTP/1.1 502")) << "push " << i;
    EXPECT_LT(absl::Now() - start, absl::Seconds(2)) << "push " << i;
  }
}

}  // namespace
}  // namespace signet
