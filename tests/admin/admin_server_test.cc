#include "admin/admin_server.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/curl_multi_client.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::IsOk;
using ::testing::HasSubstr;

class AdminServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto client =
        CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
    ASSERT_THAT(client, IsOk());
    client_ = *std::move(client);
    auto admin = AdminServer::Start("127.0.0.1:0", &metrics_);
    ASSERT_THAT(admin, IsOk());
    admin_ = *std::move(admin);
  }

  absl::StatusOr<HttpResponse> Request(const std::string& method,
                                       absl::string_view path) {
    HttpRequest request;
    request.method = method;
    request.url = absl::StrCat("http://", admin_->address(), path);
    request.deadline = absl::Now() + absl::Seconds(10);
    std::optional<absl::StatusOr<HttpResponse>> answer;
    absl::Notification done;
    client_->Send(std::move(request),
                  [&](absl::StatusOr<HttpResponse> response) {
                    answer = std::move(response);
                    done.Notify();
                  });
    done.WaitForNotification();
    return *std::move(answer);
  }

  Metrics metrics_;
  std::unique_ptr<CurlMultiClient> client_;
  std::unique_ptr<AdminServer> admin_;
};

TEST_F(AdminServerTest, ServesTheMetricsText) {
  // Verify GET /metrics answers the Prometheus text format with the
  // metrics' current values.
  metrics_.TokenLookup("default", /*hit=*/true);
  absl::StatusOr<HttpResponse> response = Request("GET", "/metrics");
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(FindHeader(response->headers, "Content-Type"),
            "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_THAT(
      response->body,
      HasSubstr("signet_token_cache_hits_total{profile=\"default\"} 1"));
}

TEST_F(AdminServerTest, ReadyzFollowsSetReadyAndHealthzAlwaysAnswers) {
  // Verify /readyz is 503 until SetReady(true) and again after
  // SetReady(false), while /healthz is 200 throughout.
  EXPECT_EQ(Request("GET", "/readyz")->status, 503);
  EXPECT_EQ(Request("GET", "/healthz")->status, 200);
  admin_->SetReady(true);
  EXPECT_EQ(Request("GET", "/readyz")->status, 200);
  admin_->SetReady(false);
  EXPECT_EQ(Request("GET", "/readyz")->status, 503);
  EXPECT_EQ(Request("GET", "/healthz")->status, 200);
}

TEST_F(AdminServerTest, OtherPathsAndMethodsAreRefused) {
  // Verify unknown paths are 404 and methods other than GET/HEAD 405.
  EXPECT_EQ(Request("GET", "/admin")->status, 404);
  EXPECT_EQ(Request("DELETE", "/metrics")->status, 405);
  EXPECT_EQ(Request("HEAD", "/healthz")->status, 200);
}

}  // namespace
}  // namespace signet
