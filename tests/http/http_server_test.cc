#include "http/http_server.h"

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/curl_multi_client.h"
#include "testing/raw_socket.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::signet::testing::RawConnection;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Holds requests until the test answers them, from the test's thread.
class ParkingHandler {
 public:
  void Park(ServerRequest request, ServerResponder respond) {
    absl::MutexLock lock(&mu_);
    parked_.push_back({std::move(request), std::move(respond)});
  }
  void AwaitParked(size_t count) {
    absl::MutexLock lock(&mu_);
    auto enough = [this, count]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return parked_.size() >= count;
    };
    mu_.Await(absl::Condition(&enough));
  }
  ServerRequest RequestAt(size_t i) {
    absl::MutexLock lock(&mu_);
    return parked_[i].request;
  }
  void Answer(size_t i, int status) {
    ServerResponder respond;
    {
      absl::MutexLock lock(&mu_);
      respond = std::move(parked_[i].respond);
    }
    HttpResponse response;
    response.status = status;
    response.body = "answered";
    std::move(respond)(std::move(response));
  }

 private:
  struct Parked {
    ServerRequest request;
    ServerResponder respond;
  };
  absl::Mutex mu_;
  std::vector<Parked> parked_ ABSL_GUARDED_BY(mu_);
};

class HttpServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client =
        CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
    ASSERT_THAT(client, IsOk());
    client_ = *std::move(client);
  }

  void StartServer(size_t max_body_bytes = 1024,
                   HttpServerOptions options = HttpServerOptions()) {
    options.address = "127.0.0.1:0";
    options.max_body_bytes = max_body_bytes;
    auto server = HttpServer::Start(
        options, [this](ServerRequest request, ServerResponder respond) {
          handler_.Park(std::move(request), std::move(respond));
        });
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
  }

  // Sends without waiting; the answer lands in `slot`.
  void SendAsync(HttpRequest request, absl::Notification* done,
                 std::optional<absl::StatusOr<HttpResponse>>* slot) {
    request.url = "http://" + server_->address() + request.url;
    request.deadline = absl::Now() + absl::Seconds(10);
    client_->Send(std::move(request),
                  [done, slot](absl::StatusOr<HttpResponse> answer) {
                    *slot = std::move(answer);
                    done->Notify();
                  });
  }

  ParkingHandler handler_;
  std::unique_ptr<CurlMultiClient> client_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, AnswerFromAnotherThreadLaterReachesTheClient) {
  // Verify a parked (suspended) request is answered when the test says so,
  // with headers exactly as sent, repeats and percent signs included.
  StartServer();
  HttpRequest request;
  request.method = "PUT";
  request.url = "/p/a%2Fb?x=%2B1";
  request.headers = {
      {"X-Token", "abc%2B%3D"}, {"X-Twice", "1"}, {"X-Twice", "2"}};
  request.body = "payload";
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> answer;
  SendAsync(request, &done, &answer);
  handler_.AwaitParked(1);
  const ServerRequest got = handler_.RequestAt(0);
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.path, "/p/a%2Fb");
  EXPECT_EQ(got.query, "x=%2B1");
  EXPECT_EQ(got.body, "payload");
  EXPECT_EQ(FindHeader(got.headers, "X-Token"), "abc%2B%3D");
  std::vector<std::string> twice;
  for (const HttpHeader& h : got.headers) {
    if (h.name == "X-Twice") twice.push_back(h.value);
  }
  EXPECT_THAT(twice, ElementsAre("1", "2"));
  EXPECT_FALSE(done.HasBeenNotified());

  std::thread answering([this] { handler_.Answer(0, 202); });
  answering.join();
  done.WaitForNotification();
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->status, 202);
  EXPECT_EQ((*answer)->body, "answered");
}

TEST_F(HttpServerTest, OversizedBodyIsRefusedBeforeTheHandler) {
  // Verify 413 for a body over the limit; the handler never sees it.
  StartServer(/*max_body_bytes=*/16);
  HttpRequest request;
  request.method = "POST";
  request.url = "/big";
  request.body = std::string(17, 'x');
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> answer;
  SendAsync(request, &done, &answer);
  done.WaitForNotification();
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->status, 413);
}

TEST_F(HttpServerTest, StopAnswersParkedRequestsWith503AndIgnoresLateAnswers) {
  // Verify Stop does not hang on a request nobody answers, and a responder
  // called after Stop is harmless.
  StartServer();
  HttpRequest request;
  request.url = "/slow";
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> answer;
  SendAsync(request, &done, &answer);
  handler_.AwaitParked(1);
  server_->Stop(absl::Milliseconds(50));
  done.WaitForNotification();
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->status, 503);
  handler_.Answer(0, 200);  // too late: must do nothing
}

TEST_F(HttpServerTest, StopWaitsForAnAnswerWithinTheGrace) {
  // Verify a request answered during the grace gets its real answer.
  StartServer();
  HttpRequest request;
  request.url = "/finishing";
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> answer;
  SendAsync(request, &done, &answer);
  handler_.AwaitParked(1);
  std::thread answering([this] { handler_.Answer(0, 200); });
  server_->Stop(absl::Seconds(10));
  answering.join();
  done.WaitForNotification();
  ASSERT_THAT(*answer, IsOk());
  EXPECT_EQ((*answer)->status, 200);
}

TEST_F(HttpServerTest, HeadCheckRefusesBeforeTheBodyAndCloses) {
  // Verify a request the head check refuses is answered with the check's
  // answer while its announced body is never sent, and the connection is
  // closed; one the check lets through reaches the handler with its body.
  HttpServerOptions options;
  options.head_check =
      [](const ServerRequest& head) -> std::optional<HttpResponse> {
    if (FindHeader(head.headers, "X-Allowed").has_value()) return std::nullopt;
    return PlainTextResponse(403, "refused from the head");
  };
  StartServer(/*max_body_bytes=*/1 << 20, options);

  RawConnection refused("127.0.0.1", server_->address());
  ASSERT_TRUE(refused.connected());
  ASSERT_TRUE(refused.Send(
      "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n"));
  const RawConnection::Received answer =
      refused.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(answer.bytes, StartsWith("HTTP/1.1 403"));
  EXPECT_THAT(answer.bytes, HasSubstr("refused from the head"));
  EXPECT_TRUE(answer.closed);

  HttpRequest allowed;
  allowed.method = "POST";
  allowed.url = "/x";
  allowed.headers = {{"X-Allowed", "1"}};
  allowed.body = "body";
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> slot;
  SendAsync(allowed, &done, &slot);
  handler_.AwaitParked(1);
  EXPECT_EQ(handler_.RequestAt(0).body, "body");
  handler_.Answer(0, 200);
  done.WaitForNotification();
  ASSERT_THAT(*slot, IsOk());
  EXPECT_EQ((*slot)->status, 200);
}

TEST_F(HttpServerTest, SmallRefusedBodyIsReadBeforeTheAnswer) {
  // Verify a refused request with a small body gets its answer after the
  // body has been read (so no reset can overtake it), then a close; the
  // handler never sees it.
  HttpServerOptions options;
  options.head_check = [](const ServerRequest&) -> std::optional<HttpResponse> {
    return PlainTextResponse(401, "no");
  };
  StartServer(/*max_body_bytes=*/1 << 20, options);
  RawConnection client("127.0.0.1", server_->address());
  ASSERT_TRUE(client.connected());
  const std::string body(60 << 10, 'b');
  ASSERT_TRUE(client.Send(absl::StrCat(
      "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: ", body.size(),
      "\r\n\r\n")));
  // Nothing is answered while the announced body is still to come.
  EXPECT_EQ(client.ReadUntilClosed(absl::Milliseconds(200)).bytes, "");
  ASSERT_TRUE(client.Send(body));
  const RawConnection::Received answer =
      client.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(answer.bytes, StartsWith("HTTP/1.1 401"));
  EXPECT_TRUE(answer.closed);
}

TEST_F(HttpServerTest, ChunkedBodyIsRefusedWhereNoBodyIsAccepted) {
  // Verify a server taking no bodies (the admin listener) refuses a chunked
  // one from its head instead of reading it for as long as it trickles.
  StartServer(/*max_body_bytes=*/0);
  RawConnection client("127.0.0.1", server_->address());
  ASSERT_TRUE(client.connected());
  ASSERT_TRUE(client.Send(
      "POST /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
      "1\r\nx\r\n"));
  const RawConnection::Received answer =
      client.ReadUntilClosed(absl::Seconds(10));
  EXPECT_THAT(answer.bytes, StartsWith("HTTP/1.1 413"));
  EXPECT_TRUE(answer.closed);
}

TEST_F(HttpServerTest, IncompleteHeadIsClosedAtTheHeadTimeout) {
  // Verify a connection that keeps sending header lines, never idle, is
  // closed once its head is overdue; the handler never sees it.
  HttpServerOptions options;
  options.head_timeout = absl::Milliseconds(300);
  StartServer(1024, options);
  RawConnection slow("127.0.0.1", server_->address());
  ASSERT_TRUE(slow.connected());
  ASSERT_TRUE(slow.Send("GET /x HTTP/1.1\r\n"));
  const absl::Time start = absl::Now();
  bool closed = false;
  while (!closed && absl::Now() - start < absl::Seconds(10)) {
    slow.Send("X-Pad: 1\r\n");
    closed = slow.ReadUntilClosed(absl::Milliseconds(50)).closed;
  }
  EXPECT_TRUE(closed);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(250));
}

TEST_F(HttpServerTest, KeptAliveConnectionGetsAFreshHeadDeadlinePerRequest) {
  // Verify the deadline counts from the previous answer: a connection
  // whose requests each come quickly is not cut at the first deadline.
  HttpServerOptions options;
  options.head_timeout = absl::Milliseconds(300);
  options.head_check = [](const ServerRequest&) -> std::optional<HttpResponse> {
    return std::nullopt;
  };
  StartServer(1024, options);
  RawConnection client("127.0.0.1", server_->address());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n"));
    handler_.AwaitParked(static_cast<size_t>(i) + 1);
    // The handler takes longer than the head timeout: its time is its own.
    absl::SleepFor(absl::Milliseconds(400));
    handler_.Answer(static_cast<size_t>(i), 200);
    const RawConnection::Received answer =
        client.ReadUntilClosed(absl::Milliseconds(200));
    EXPECT_THAT(answer.bytes, StartsWith("HTTP/1.1 200")) << i;
    EXPECT_FALSE(answer.closed) << i;
  }
}

}  // namespace
}  // namespace signet
