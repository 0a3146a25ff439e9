// signet-emulator's control endpoints, faults, counters and process
// behaviour, over real sockets.

#include <signal.h>

#include <future>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "emulator/emulator_fixture.h"
#include "emulator/raw_http.h"
#include "emulator/reference_signatures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/child_process.h"

namespace signet::emulator_test {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::EmulatorStats;
using ::signet::testing::IsOk;
using ::testing::HasSubstr;
using json = nlohmann::json;

constexpr char kTokenPath[] = "/api/v5/authentication/token";
constexpr char kVerifyPath[] = "/api/v5/authentication/verify";

std::string GoodTokenBody() {
  return json({{"app_id", kAppId},
               {"time_stamp", 1700000000},
               {"signature",
                OpenApiSignature(kAppId, "1700000000", kAppSecret)}})
      .dump();
}

class ControlEmulatorTest : public EmulatorTest {
 protected:
  httplib::Result PostToken(httplib::Client& client) {
    return client.Post(kTokenPath, GoodTokenBody(), "application/json");
  }
  httplib::Result PostToken() { return PostToken(*client_); }

  // Re-reads /__stats until `done` holds. There is no event to wait on for
  // "the emulator has received a request that is now hanging", so this
  // loops on the control endpoint (no sleeps) with a deadline.
  template <typename Predicate>
  bool AwaitStats(Predicate done) {
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (absl::Now() < deadline) {
      absl::StatusOr<EmulatorStats> stats =
          signet::testing::GetEmulatorStats(emulator_.port);
      if (stats.ok() && done(*stats)) return true;
    }
    return false;
  }
};

// Verify error mode answers `count` token requests with the injected
// status, then lets requests through, and leaves other routes alone.
TEST_F(ControlEmulatorTest, ErrorFaultFailsCountRequests) {
  Control("/__faults", R"({"mode":"error","route":"token","count":2})");
  for (int i = 0; i < 2; ++i) {
    const httplib::Result result = PostToken();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 500);
    EXPECT_EQ(Json(result), json({{"code", 500}, {"msg", "injected fault"}}));
  }
  const httplib::Result verify = client_->Get(kVerifyPath);
  ASSERT_TRUE(verify);
  EXPECT_EQ(verify->status, 401);  // not faulted: a normal rejection

  const httplib::Result recovered = PostToken();
  ASSERT_TRUE(recovered);
  EXPECT_EQ(recovered->status, 200) << recovered->body;

  const EmulatorStats stats = Stats();
  EXPECT_EQ(stats.token, 3);
  EXPECT_EQ(stats.tokens_issued, 1);
  EXPECT_EQ(stats.rejected_total, 1);  // only the unauthenticated verify
}

// Verify an uncounted fault lasts until {"mode":"none"} and honours status.
TEST_F(ControlEmulatorTest, ErrorFaultLastsUntilCleared) {
  Control("/__faults", R"({"mode":"error","route":"all","status":503})");
  for (int i = 0; i < 3; ++i) {
    const httplib::Result result = PostToken();
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 503);
  }
  Control("/__faults", R"({"mode":"none"})");
  const httplib::Result result = PostToken();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

// Verify malformed mode sends a 200 whose JSON is cut short.
TEST_F(ControlEmulatorTest, MalformedFaultTruncatesJson) {
  Control("/__faults", R"({"mode":"malformed","route":"token","count":1})");
  const httplib::Result result = PostToken();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_TRUE(Json(result).is_discarded()) << result->body;
}

// Verify drop mode promises more body than it sends, then closes.
TEST_F(ControlEmulatorTest, DropFaultClosesMidBody) {
  Control("/__faults", R"({"mode":"drop","route":"token","count":1})");
  const std::string body = GoodTokenBody();
  const absl::StatusOr<std::string> response = RawExchange(
      emulator_.port,
      absl::StrCat("POST ", kTokenPath,
                   " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   "Content-Type: application/json\r\nContent-Length: ",
                   body.size(), "\r\n\r\n", body));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(RawStatus(*response), 200);
  const size_t header_end = response->find("\r\n\r\n");
  ASSERT_NE(header_end, std::string::npos);
  EXPECT_THAT(response->substr(0, header_end),
              HasSubstr("Content-Length: 4096"));
  EXPECT_LT(response->size() - header_end - 4, 4096u);

  // An HTTP client sees a transport error, not a response.
  Control("/__faults", R"({"mode":"drop","route":"token","count":1})");
  EXPECT_FALSE(PostToken());
}

// Verify slow mode delays the normal answer by delay_ms.
TEST_F(ControlEmulatorTest, SlowFaultDelaysAnswer) {
  Control("/__faults", R"({"mode":"slow","route":"token","delay_ms":300})");
  const absl::Time start = absl::Now();
  const httplib::Result result = PostToken();
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(300));
}

// Verify a hung request is released, and answered normally, once the fault
// is cleared.
TEST_F(ControlEmulatorTest, HangFaultHoldsUntilCleared) {
  Control("/__faults", R"({"mode":"hang","route":"token","count":1})");
  std::unique_ptr<httplib::Client> hung_client = NewClient();
  std::future<int> hung = std::async(std::launch::async, [&] {
    const httplib::Result result = PostToken(*hung_client);
    return result ? result->status : -1;
  });
  ASSERT_TRUE(AwaitStats([](const EmulatorStats& s) { return s.token == 1; }));
  EXPECT_EQ(hung.wait_for(std::chrono::seconds(0)),
            std::future_status::timeout);

  Control("/__faults", R"({"mode":"none"})");
  EXPECT_EQ(hung.get(), 200);
}

// Verify SIGTERM stops the emulator cleanly even with a request hanging
// and an idle keep-alive connection open.
TEST_F(ControlEmulatorTest, SigtermExitsZeroDespiteHangAndKeepAlive) {
  std::unique_ptr<httplib::Client> idle = NewClient();
  idle->set_keep_alive(true);
  const httplib::Result warm = idle->Get("/healthz");
  ASSERT_TRUE(warm);

  Control("/__faults", R"({"mode":"hang","route":"token"})");
  std::unique_ptr<httplib::Client> hung_client = NewClient();
  std::future<bool> hung = std::async(std::launch::async, [&] {
    return static_cast<bool>(PostToken(*hung_client));
  });
  ASSERT_TRUE(AwaitStats([](const EmulatorStats& s) { return s.token == 1; }));

  emulator_.process->Signal(SIGTERM);
  EXPECT_EQ(ExitCodeWithin(*emulator_.process, absl::Seconds(10)), 0);
  hung.wait();
}

// Verify counters: every upstream request counts (rejected ones too), control
// requests do not, and keep-alive reuse shows as one connection.
TEST_F(ControlEmulatorTest, StatsCountRequestsAndConnections) {
  std::unique_ptr<httplib::Client> reused = NewClient();
  reused->set_keep_alive(true);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(PostToken(*reused));
  ASSERT_TRUE(reused->Get("/no/such/path"));

  EmulatorStats stats = Stats();
  EXPECT_EQ(stats.token, 3);
  EXPECT_EQ(stats.total, 4);
  EXPECT_EQ(stats.rejected_total, 1);  // the 404
  EXPECT_EQ(stats.tokens_issued, 3);
  EXPECT_EQ(stats.connections, 1);

  // Reading stats and /healthz changes nothing.
  ASSERT_TRUE(client_->Get("/healthz"));
  stats = Stats();
  EXPECT_EQ(stats.total, 4);
  EXPECT_EQ(stats.connections, 1);

  std::unique_ptr<httplib::Client> second = NewClient();
  ASSERT_TRUE(PostToken(*second));
  stats = Stats();
  EXPECT_EQ(stats.total, 5);
  EXPECT_EQ(stats.connections, 2);
}

// Verify /__reset zeroes counters and forgets tokens and faults.
TEST_F(ControlEmulatorTest, ResetClearsEverything) {
  const httplib::Result issued = PostToken();
  ASSERT_TRUE(issued);
  const std::string token = Json(issued)["data"].value("token", "");
  Control("/__faults", R"({"mode":"error","route":"all"})");

  Control("/__reset", "{}");
  EmulatorStats stats = Stats();
  EXPECT_EQ(stats.total, 0);
  EXPECT_EQ(stats.tokens_issued, 0);
  EXPECT_EQ(stats.connections, 0);

  const httplib::Result verify = client_->Get(
      kVerifyPath, {{"Authorization", absl::StrCat("Bearer ", token)},
                    {"X-APP-ID", kAppId}});
  ASSERT_TRUE(verify);
  EXPECT_EQ(verify->status, 401);  // no fault any more, and token forgotten
}

// Verify bad control requests are refused with 400.
TEST_F(ControlEmulatorTest, RejectsBadControlBodies) {
  for (const char* body :
       {R"({"mode":"explode"})", R"({"mode":"error","route":"other"})",
        R"({"mode":"slow","delay_ms":-1})", "[1]"}) {
    const httplib::Result result =
        client_->Post("/__faults", body, "application/json");
    ASSERT_TRUE(result);
    EXPECT_EQ(result->status, 400) << body;
  }
  const httplib::Result zone =
      client_->Post("/__config", R"({"expire_time_zone":"Mars/Olympus"})",
                    "application/json");
  ASSERT_TRUE(zone);
  EXPECT_EQ(zone->status, 400);
}

// Verify /healthz answers ok.
TEST_F(ControlEmulatorTest, Healthz) {
  const httplib::Result result = client_->Get("/healthz");
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
  EXPECT_EQ(result->body, "ok");
}

// Verify a plain SIGTERM exits 0 and each request was logged without
// header values.
TEST_F(ControlEmulatorTest, SigtermExitsZeroAndLogsRequests) {
  ASSERT_TRUE(PostToken());
  emulator_.process->Signal(SIGTERM);
  EXPECT_EQ(ExitCodeWithin(*emulator_.process, absl::Seconds(10)), 0);
  const std::string output = emulator_.process->Output();
  EXPECT_THAT(output, HasSubstr("POST /api/v5/authentication/token 200"));
  EXPECT_THAT(output, ::testing::Not(HasSubstr(kAppSecret)));
}

// Verify the emulator refuses to listen beyond loopback.
TEST(EmulatorProcessTest, RefusesNonLoopbackHost) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child =
      ChildProcess::Start({std::string(signet::testing::EmulatorBinaryPath()),
                           "--host=0.0.0.0", "--port=0"});
  ASSERT_THAT(child, IsOk());
  EXPECT_EQ(ExitCodeWithin(**child, absl::Seconds(10)), 2);
  EXPECT_THAT((*child)->Output(), HasSubstr("loopback"));
}

// Verify --help lists the emulator's flags.
TEST(EmulatorProcessTest, HelpListsFlags) {
  absl::StatusOr<std::unique_ptr<ChildProcess>> child = ChildProcess::Start(
      {std::string(signet::testing::EmulatorBinaryPath()), "--help"});
  ASSERT_THAT(child, IsOk());
  ASSERT_THAT((*child)->WaitForExit(absl::Seconds(10)), IsOk());
  EXPECT_THAT((*child)->Output(), HasSubstr("--license_verification"));
  EXPECT_THAT((*child)->Output(), HasSubstr("--expire_time_zone"));
}

}  // namespace
}  // namespace signet::emulator_test
