// CurlMultiClient against an HTTP/2 upstream over TLS: nginx (`listen ...
// ssl http2`, ALPN h2) run as a child process on 127.0.0.1, with a
// certificate for 127.0.0.1 made by the openssl CLI. cpp-httplib, the unit
// tests' upstream, speaks only HTTP/1.1.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "gtest/gtest.h"
#include "http/curl_multi_client.h"
#include "http/http_types.h"
#include "testing/child_process.h"
#include "testing/free_port.h"
#include "testing/status_matchers.h"

namespace signet {
namespace {

using ::signet::testing::ChildProcess;
using ::signet::testing::IsOk;

constexpr absl::Duration kGuard = absl::Seconds(20);

std::string FindNginx() {
  for (const char* path : {"/usr/sbin/nginx", "/usr/bin/nginx"}) {
    if (access(path, X_OK) == 0) return path;
  }
  return "";
}

struct Outcome {
  absl::Notification done;
  std::optional<absl::StatusOr<HttpResponse>> result;
};

class CurlMultiClientHttp2Test : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string nginx = FindNginx();
    // nginx is one of scripts/install-deps.sh's packages.
    if (nginx.empty()) GTEST_SKIP() << "nginx is not installed";
    dir_ = absl::StrCat(::testing::TempDir(), "/signet-h2-", getpid());
    ASSERT_EQ(std::system(("mkdir -p " + dir_).c_str()), 0);
    // Self-signed, so the certificate is its own CA bundle.
    const std::string make_cert = absl::StrCat(
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
        "-nodes -days 2 -subj /CN=127.0.0.1 -addext "
        "subjectAltName=IP:127.0.0.1 -keyout ",
        dir_, "/key.pem -out ", dir_, "/cert.pem >/dev/null 2>&1");
    ASSERT_EQ(std::system(make_cert.c_str()), 0) << make_cert;
    port_ = testing::FreePort();
    ASSERT_GT(port_, 0);
    // One worker; the answer names the protocol the request came over.
    std::ofstream(dir_ + "/nginx.conf") << absl::StrCat(
        "worker_processes 1;\n"
        "pid ",
        dir_,
        "/nginx.pid;\n"
        "error_log stderr notice;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        "  access_log off;\n"
        "  client_body_temp_path ",
        dir_, "/body;\n  proxy_temp_path ", dir_,
        "/proxy;\n  fastcgi_temp_path ", dir_, "/fastcgi;\n  uwsgi_temp_path ",
        dir_, "/uwsgi;\n  scgi_temp_path ", dir_,
        "/scgi;\n"
        "  server {\n"
        "    listen 127.0.0.1:",
        port_,
        " ssl http2;\n"
        "    ssl_certificate ",
        dir_, "/cert.pem;\n    ssl_certificate_key ", dir_,
        "/key.pem;\n"
        "    ssl_protocols TLSv1.2 TLSv1.3;\n"
        "    location = /protocol { return 200 \"$server_protocol\"; }\n"
        "  }\n"
        "}\n");
    absl::StatusOr<std::unique_ptr<ChildProcess>> server =
        ChildProcess::Start({nginx, "-e", "stderr", "-p", dir_, "-c",
                             dir_ + "/nginx.conf", "-g", "daemon off;"});
    ASSERT_THAT(server, IsOk());
    server_ = *std::move(server);
    // Listening before it starts its worker.
    ASSERT_THAT(server_->WaitForLine("start worker process", kGuard), IsOk());
  }

  void TearDown() override {
    if (server_ != nullptr) server_->Kill();
    if (!dir_.empty()) (void)std::system(("rm -rf " + dir_).c_str());
  }

  std::unique_ptr<CurlMultiClient> MakeClient() {
    CurlMultiClient::Options options;
    options.ca_bundle_path = dir_ + "/cert.pem";
    // One connection cache: the count below is that of one pool.
    options.connection_pools = 1;
    absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
        CurlMultiClient::Create(std::move(options), SystemClock::Get());
    EXPECT_THAT(client, IsOk());
    return client.ok() ? std::move(client).value() : nullptr;
  }

  // Starts `n` GETs of /protocol at once, then waits for every answer.
  std::vector<absl::StatusOr<HttpResponse>> SendTogether(
      CurlMultiClient& client, int n) {
    std::vector<std::shared_ptr<Outcome>> outcomes;
    for (int i = 0; i < n; ++i) {
      auto outcome = std::make_shared<Outcome>();
      HttpRequest request;
      request.method = "GET";
      request.url = absl::StrCat("https://127.0.0.1:", port_, "/protocol");
      client.Send(std::move(request),
                  [outcome](absl::StatusOr<HttpResponse> response) {
                    outcome->result = std::move(response);
                    outcome->done.Notify();
                  });
      outcomes.push_back(std::move(outcome));
    }
    std::vector<absl::StatusOr<HttpResponse>> results;
    for (const std::shared_ptr<Outcome>& outcome : outcomes) {
      if (outcome->done.WaitForNotificationWithTimeout(kGuard)) {
        results.push_back(*outcome->result);
      } else {
        results.push_back(absl::InternalError("test: no answer in time"));
      }
    }
    return results;
  }

  std::string dir_;
  int port_ = -1;
  std::unique_ptr<ChildProcess> server_;
};

// Verify calls started together on a cold client share one multiplexed
// connection: the ones started while it is still being set up wait for its
// ALPN answer (CURLOPT_PIPEWAIT) instead of each opening a connection, as
// they did before (20 calls, ~20 connections and TLS handshakes).
TEST_F(CurlMultiClientHttp2Test, CallsStartedTogetherShareOneConnection) {
  std::unique_ptr<CurlMultiClient> client = MakeClient();
  ASSERT_NE(client, nullptr);
  for (const absl::StatusOr<HttpResponse>& response :
       SendTogether(*client, 20)) {
    ASSERT_THAT(response, IsOk());
    EXPECT_EQ(response->status, 200);
    EXPECT_EQ(response->body, "HTTP/2.0");
  }
  EXPECT_EQ(client->connections_opened(), 1u);
  // And later calls keep using it.
  for (const absl::StatusOr<HttpResponse>& response :
       SendTogether(*client, 20)) {
    ASSERT_THAT(response, IsOk());
  }
  EXPECT_EQ(client->connections_opened(), 1u);
}

}  // namespace
}  // namespace signet
