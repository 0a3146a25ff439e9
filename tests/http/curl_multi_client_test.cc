#include "http/curl_multi_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "http/http_types.h"
#include "testing/fake_clock.h"
#include "testing/status_matchers.h"

namespace signet {

// Readable failure messages for header lists.
void PrintTo(const HttpHeader& header, std::ostream* os) {
  *os << header.name << ": " << header.value;
}

namespace {

using ::signet::testing::FakeClock;
using ::signet::testing::IsOk;
using ::signet::testing::StatusIs;
using ::testing::_;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;
using ::testing::SizeIs;

// Guard on every asynchronous wait: a bug fails the test instead of hanging.
constexpr absl::Duration kGuard = absl::Seconds(20);

// Counts down to zero; awaitable with a timeout (absl::BlockingCounter has
// none in this Abseil).
class Countdown {
 public:
  explicit Countdown(int n) : left_(n) {}
  void Done() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    --left_;
  }
  bool WaitFor(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(
        absl::Condition(
            +[](int* left) { return *left <= 0; }, &left_),
        timeout);
  }

 private:
  absl::Mutex mu_;
  int left_ ABSL_GUARDED_BY(mu_);
};

// The outcome of one Send. Shared with the callback so that a callback
// arriving after a failed wait touches no freed memory.
struct Outcome {
  absl::Notification done;
  std::atomic<int> calls{0};
  std::optional<absl::StatusOr<HttpResponse>> result;

  static HttpCallback Into(std::shared_ptr<Outcome> outcome) {
    return [outcome](absl::StatusOr<HttpResponse> result) {
      if (outcome->calls.fetch_add(1) == 0) {
        outcome->result = std::move(result);
        outcome->done.Notify();
      }
    };
  }
  absl::StatusOr<HttpResponse> Wait() {
    if (!done.WaitForNotificationWithTimeout(kGuard)) {
      return absl::InternalError("test: no callback within the guard");
    }
    return *result;
  }
};

absl::StatusOr<HttpResponse> SendAndWait(HttpClient& client,
                                         HttpRequest request) {
  auto outcome = std::make_shared<Outcome>();
  client.Send(std::move(request), Outcome::Into(outcome));
  return outcome->Wait();
}

std::vector<std::string> HeaderValues(const std::vector<HttpHeader>& headers,
                                      absl::string_view name) {
  std::vector<std::string> values;
  for (const HttpHeader& header : headers) {
    if (absl::EqualsIgnoreCase(header.name, name)) {
      values.push_back(header.value);
    }
  }
  return values;
}

HttpRequest Get(std::string url) {
  HttpRequest request;
  request.method = "GET";
  request.url = std::move(url);
  return request;
}

// A self-signed certificate for IP 127.0.0.1, made at test time; the PEM
// file serves as the client's CA bundle.
class TestCertificate {
 public:
  TestCertificate() { Generate(); }
  ~TestCertificate() {
    if (!pem_path_.empty()) std::remove(pem_path_.c_str());
    X509_free(cert_);
    EVP_PKEY_free(key_);
  }

  X509* cert() const { return cert_; }
  EVP_PKEY* key() const { return key_; }
  const std::string& pem_path() const { return pem_path_; }

 private:
  // Fatal failures here surface through the fixture's SetUp.
  void Generate() {
    key_ = EVP_EC_gen("P-256");
    cert_ = X509_new();
    ASSERT_NE(key_, nullptr);
    ASSERT_NE(cert_, nullptr);
    ASSERT_EQ(X509_set_version(cert_, 2), 1);
    ASSERT_EQ(ASN1_INTEGER_set(X509_get_serialNumber(cert_), 1), 1);
    ASSERT_NE(X509_gmtime_adj(X509_getm_notBefore(cert_), -3600), nullptr);
    ASSERT_NE(X509_gmtime_adj(X509_getm_notAfter(cert_), 3600), nullptr);
    ASSERT_EQ(X509_set_pubkey(cert_, key_), 1);
    X509_NAME* name = X509_get_subject_name(cert_);
    ASSERT_EQ(
        X509_NAME_add_entry_by_txt(
            name, "CN", MBSTRING_ASC,
            reinterpret_cast<const unsigned char*>("signet test"), -1, -1, 0),
        1);
    ASSERT_EQ(X509_set_issuer_name(cert_, name), 1);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert_, cert_, nullptr, nullptr, 0);
    X509_EXTENSION* san = X509V3_EXT_conf_nid(
        nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.1");
    ASSERT_NE(san, nullptr);
    const int added = X509_add_ext(cert_, san, -1);
    X509_EXTENSION_free(san);
    ASSERT_EQ(added, 1);
    ASSERT_GT(X509_sign(cert_, key_, EVP_sha256()), 0);

    pem_path_ = absl::StrCat(::testing::TempDir(), "signet_ca_", getpid(), "_",
                             reinterpret_cast<uintptr_t>(this), ".pem");
    FILE* file = std::fopen(pem_path_.c_str(), "w");
    ASSERT_NE(file, nullptr);
    const int written = PEM_write_X509(file, cert_);
    ASSERT_EQ(std::fclose(file), 0);
    ASSERT_EQ(written, 1);
  }

  EVP_PKEY* key_ = nullptr;
  X509* cert_ = nullptr;
  std::string pem_path_;
};

// What the test upstream saw of one request.
struct SeenRequest {
  std::string method;
  std::string path;
  std::string body;
  httplib::Headers headers;
  int remote_port = 0;
};

// cpp-httplib on 127.0.0.1 with an ephemeral port, recording every request;
// HTTPS when given a certificate.
class TestUpstream {
 public:
  explicit TestUpstream(const TestCertificate* tls = nullptr)
      : tls_(tls != nullptr),
        server_ptr_(tls != nullptr ? std::make_unique<httplib::SSLServer>(
                                         tls->cert(), tls->key())
                                   : std::make_unique<httplib::Server>()),
        server_(*server_ptr_) {
    server_.new_task_queue = [] { return new httplib::ThreadPool(16); };
    server_.set_keep_alive_max_count(1000);
    // Without it, httplib's separate header and body writes meet Nagle
    // and delayed ACKs: 40 ms per kept-alive request.
    server_.set_tcp_nodelay(true);
    server_.Get("/hello",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Record(req);
                  res.set_header("X-Repeat", "first");
                  res.set_header("X-Repeat", "second");
                  res.set_content("hello world", "text/plain");
                });
    const auto echo = [this](const httplib::Request& req,
                             httplib::Response& res) {
      Record(req);
      res.set_content("ok", "text/plain");
    };
    server_.Get("/echo", echo);
    server_.Post("/echo", echo);
    server_.Put("/echo", echo);
    server_.Patch("/echo", echo);
    server_.Delete("/echo", echo);
    server_.Get(R"(/status/(\d+))",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Record(req);
                  int status = 0;
                  ASSERT_TRUE(absl::SimpleAtoi(req.matches[1].str(), &status));
                  res.status = status;
                  res.set_content("status body", "text/plain");
                });
    server_.Get("/redirect",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Record(req);
                  res.set_redirect("/hello");
                });
    server_.Get(
        "/big", [this](const httplib::Request& req, httplib::Response& res) {
          Record(req);
          size_t n = 0;
          ASSERT_TRUE(absl::SimpleAtoi(req.get_param_value("n"), &n));
          res.set_content(std::string(n, 'x'), "application/octet-stream");
        });
    server_.Get("/big-chunked", [this](const httplib::Request& req,
                                       httplib::Response& res) {
      Record(req);
      size_t n = 0;
      ASSERT_TRUE(absl::SimpleAtoi(req.get_param_value("n"), &n));
      res.set_chunked_content_provider(
          "application/octet-stream",
          [left = n](size_t, httplib::DataSink& sink) mutable {
            if (left == 0) {
              sink.done();
              return true;
            }
            const std::string chunk(std::min<size_t>(left, 4096), 'y');
            left -= chunk.size();
            return sink.write(chunk.data(), chunk.size());
          });
    });
    // Answers only once the test releases it.
    server_.Get("/slow",
                [this](const httplib::Request& req, httplib::Response& res) {
                  Record(req);
                  release_slow_.WaitForNotificationWithTimeout(kGuard);
                  res.set_content("late", "text/plain");
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
  }

  ~TestUpstream() {
    if (!release_slow_.HasBeenNotified()) release_slow_.Notify();
    server_.stop();
    if (thread_.joinable()) thread_.join();
  }

  // Runs the accept loop and returns once it serves: a probe request gets
  // its answer only from a running loop, so this awaits a condition rather
  // than sleeping.
  void Start() {
    ASSERT_GT(port_, 0);
    server_.Get("/probe", [](const httplib::Request&, httplib::Response& res) {
      res.set_content("up", "text/plain");
    });
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    const httplib::Result answer = Probe();
    ASSERT_TRUE(answer) << "test upstream did not start";
    ASSERT_EQ(answer->status, 200);
    ASSERT_TRUE(server_.is_running());
  }

  std::string Url(absl::string_view path,
                  absl::string_view host = "127.0.0.1") const {
    return absl::StrCat(tls_ ? "https://" : "http://", host, ":", port_, path);
  }

  std::vector<SeenRequest> seen() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return seen_;
  }

  bool WaitForRequests(size_t n) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    const auto enough = [this, n]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return seen_.size() >= n;
    };
    return mu_.AwaitWithTimeout(absl::Condition(&enough), kGuard);
  }

  void ReleaseSlow() { release_slow_.Notify(); }

 private:
  httplib::Result Probe() {
    const time_t timeout = absl::ToInt64Seconds(kGuard);
    if (tls_) {
      httplib::SSLClient probe("127.0.0.1", port_);
      probe.enable_server_certificate_verification(false);
      probe.set_read_timeout(timeout, 0);
      return probe.Get("/probe");
    }
    httplib::Client probe("127.0.0.1", port_);
    probe.set_read_timeout(timeout, 0);
    return probe.Get("/probe");
  }

  void Record(const httplib::Request& req) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    seen_.push_back(SeenRequest{req.method, req.path, req.body, req.headers,
                                req.remote_port});
  }

  const bool tls_;
  const std::unique_ptr<httplib::Server> server_ptr_;
  httplib::Server& server_;
  int port_ = -1;
  std::thread thread_;
  absl::Notification release_slow_;
  mutable absl::Mutex mu_;
  std::vector<SeenRequest> seen_ ABSL_GUARDED_BY(mu_);
};

// A one-connection TCP server answering with canned bytes, for replies
// httplib cannot produce (1xx, folded headers, garbage, silence). Keeps the
// request head it read.
class RawUpstream {
 public:
  explicit RawUpstream(std::string reply) : reply_(std::move(reply)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
        listen(fd_, 4) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
      ADD_FAILURE() << "raw upstream setup failed";
      return;
    }
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }

  ~RawUpstream() {
    if (fd_ >= 0) shutdown(fd_, SHUT_RDWR);  // unblocks accept
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) close(fd_);
  }

  int port() const { return port_; }
  std::string Url(absl::string_view path) const {
    return absl::StrCat("http://127.0.0.1:", port_, path);
  }

  // The request's head and body once the reply went out.
  std::string request() {
    served_.WaitForNotificationWithTimeout(kGuard);
    return request_;
  }

 private:
  void Serve() {
    const int conn = accept(fd_, nullptr, nullptr);
    if (conn < 0) return;
    std::string received;
    char buffer[4096];
    size_t head_end = std::string::npos;
    size_t body_size = 0;
    while (head_end == std::string::npos ||
           received.size() < head_end + 4 + body_size) {
      const ssize_t n = recv(conn, buffer, sizeof(buffer), 0);
      if (n <= 0) break;
      received.append(buffer, static_cast<size_t>(n));
      if (head_end == std::string::npos) {
        head_end = received.find("\r\n\r\n");
        if (head_end == std::string::npos) continue;
        for (absl::string_view line :
             absl::StrSplit(received.substr(0, head_end), "\r\n")) {
          if (absl::StartsWithIgnoreCase(line, "Content-Length: ")) {
            (void)absl::SimpleAtoi(line.substr(16), &body_size);
          }
        }
      }
    }
    request_ = received;
    size_t sent = 0;
    while (sent < reply_.size()) {
      const ssize_t n =
          send(conn, reply_.data() + sent, reply_.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    close(conn);
    served_.Notify();
  }

  const std::string reply_;
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
  std::string request_;
  absl::Notification served_;
};

// A port on 127.0.0.1 where nothing listens: bound, then closed.
int ClosedPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), len), 0);
  EXPECT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  close(fd);
  return ntohs(addr.sin_port);
}

// A listener whose accept queue is full, so the kernel drops new SYNs and a
// connect hangs until the client gives up.
class UnansweredConnects {
 public:
  UnansweredConnects() {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(bind(listener_, reinterpret_cast<sockaddr*>(&addr), len), 0);
    EXPECT_EQ(listen(listener_, 0), 0);
    EXPECT_EQ(getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len),
              0);
    port_ = ntohs(addr.sin_port);
    // Backlog 0 admits one connection; it fills the queue.
    filler_ = socket(AF_INET, SOCK_STREAM, 0);
    EXPECT_EQ(connect(filler_, reinterpret_cast<sockaddr*>(&addr), len), 0);
  }
  ~UnansweredConnects() {
    close(filler_);
    close(listener_);
  }
  std::string Url() const {
    return absl::StrCat("http://127.0.0.1:", port_, "/");
  }

 private:
  int listener_ = -1;
  int filler_ = -1;
  int port_ = 0;
};

class CurlMultiClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    upstream_.Start();
    client_ = MakeClient(CurlMultiClient::Options());
  }

  std::unique_ptr<CurlMultiClient> MakeClient(
      CurlMultiClient::Options options,
      const Clock* clock = SystemClock::Get()) {
    absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
        CurlMultiClient::Create(std::move(options), clock);
    EXPECT_THAT(client, IsOk());
    return client.ok() ? std::move(client).value() : nullptr;
  }

  // Declared first: the client (and its connections) go before the server.
  TestUpstream upstream_;
  std::unique_ptr<CurlMultiClient> client_;
};

// Verify a GET comes back with status, body and headers, and a repeated
// response header arrives as two entries in order.
TEST_F(CurlMultiClientTest, GetRoundTrip) {
  absl::StatusOr<HttpResponse> response =
      SendAndWait(*client_, Get(upstream_.Url("/hello")));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "hello world");
  EXPECT_THAT(HeaderValues(response->headers, "X-Repeat"),
              ElementsAre("first", "second"));
  EXPECT_THAT(FindHeader(response->headers, "Content-Type"),
              Optional(absl::string_view("text/plain")));
  EXPECT_THAT(FindHeader(response->headers, "Content-Length"),
              Optional(absl::string_view("11")));
  EXPECT_EQ(client_->in_flight(), 0u);
}

// Verify a POST's binary body (NUL bytes included) and its headers arrive
// byte-exact.
TEST_F(CurlMultiClientTest, PostBodyAndHeadersArriveExact) {
  std::string body("a\0b\r\n\0", 6);
  for (int i = 0; i < 256; ++i) body.push_back(static_cast<char>(i));
  HttpRequest request;
  request.method = "POST";
  request.url = upstream_.Url("/echo?x=1&y=%20");
  request.body = body;
  request.headers = {{"Content-Type", "application/octet-stream"},
                     {"X-Signature", "t=1700000000,v1=abc=="},
                     {"Authorization", "Bearer token with  spaces"}};
  absl::StatusOr<HttpResponse> response = SendAndWait(*client_, request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);

  const std::vector<SeenRequest> seen = upstream_.seen();
  ASSERT_THAT(seen, SizeIs(1));
  EXPECT_EQ(seen[0].method, "POST");
  EXPECT_EQ(seen[0].body, body);
  const httplib::Headers& headers = seen[0].headers;
  const auto value = [&headers](const std::string& name) {
    EXPECT_EQ(headers.count(name), 1u) << name;
    auto it = headers.find(name);
    return it == headers.end() ? std::string("<missing>") : it->second;
  };
  EXPECT_EQ(value("Content-Type"), "application/octet-stream");
  EXPECT_EQ(value("X-Signature"), "t=1700000000,v1=abc==");
  EXPECT_EQ(value("Authorization"), "Bearer token with  spaces");
  EXPECT_EQ(value("Content-Length"), absl::StrCat(body.size()));
}

// Verify the method and body framing of every allowed method: bodies for
// POST/PUT/PATCH (Content-Length: 0 when empty), none for a bare GET or
// DELETE.
TEST_F(CurlMultiClientTest, MethodsAndBodyFraming) {
  struct Case {
    std::string method;
    std::string body;
    std::optional<std::string> content_length;
  };
  const std::vector<Case> cases = {
      {"GET", "", std::nullopt}, {"DELETE", "", std::nullopt},
      {"DELETE", "gone", "4"},   {"POST", "", "0"},
      {"PUT", "{\"a\":1}", "7"}, {"PUT", "", "0"},
      {"PATCH", "[1,2]", "5"},
  };
  for (const Case& c : cases) {
    HttpRequest request;
    request.method = c.method;
    request.url = upstream_.Url("/echo");
    request.body = c.body;
    ASSERT_THAT(SendAndWait(*client_, request), IsOk()) << c.method;
  }
  const std::vector<SeenRequest> seen = upstream_.seen();
  ASSERT_THAT(seen, SizeIs(cases.size()));
  for (size_t i = 0; i < cases.size(); ++i) {
    SCOPED_TRACE(cases[i].method + " '" + cases[i].body + "'");
    EXPECT_EQ(seen[i].method, cases[i].method);
    EXPECT_EQ(seen[i].body, cases[i].body);
    auto it = seen[i].headers.find("Content-Length");
    std::optional<std::string> content_length;
    if (it != seen[i].headers.end()) content_length = it->second;
    EXPECT_EQ(content_length, cases[i].content_length);
  }
}

// Verify HEAD returns the headers and no body.
TEST_F(CurlMultiClientTest, Head) {
  HttpRequest request = Get(upstream_.Url("/hello"));
  request.method = "HEAD";
  absl::StatusOr<HttpResponse> response = SendAndWait(*client_, request);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "");
  EXPECT_THAT(FindHeader(response->headers, "Content-Length"),
              Optional(absl::string_view("11")));
  ASSERT_THAT(upstream_.seen(), SizeIs(1));
  EXPECT_EQ(upstream_.seen()[0].method, "HEAD");
}

// Verify 404 and 500 are responses, not transport errors.
TEST_F(CurlMultiClientTest, ErrorStatusesAreResponses) {
  for (int status : {404, 500, 503}) {
    absl::StatusOr<HttpResponse> response = SendAndWait(
        *client_, Get(upstream_.Url(absl::StrCat("/status/", status))));
    ASSERT_THAT(response, IsOk());
    EXPECT_EQ(response->status, status);
    EXPECT_EQ(response->body, "status body");
  }
}

// Verify a redirect is handed back, not followed.
TEST_F(CurlMultiClientTest, RedirectIsNotFollowed) {
  absl::StatusOr<HttpResponse> response =
      SendAndWait(*client_, Get(upstream_.Url("/redirect")));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 302);
  EXPECT_THAT(FindHeader(response->headers, "Location"),
              Optional(absl::string_view("/hello")));
  EXPECT_THAT(upstream_.seen(), SizeIs(1));
}

// Verify 100 sequential requests share one kept-alive connection, counted
// by the client and seen by the server as one remote port.
TEST_F(CurlMultiClientTest, KeepAliveReusesTheConnection) {
  for (int i = 0; i < 100; ++i) {
    ASSERT_THAT(SendAndWait(*client_, Get(upstream_.Url("/hello"))), IsOk());
  }
  EXPECT_EQ(client_->connections_opened(), 1u);
  std::set<int> ports;
  for (const SeenRequest& seen : upstream_.seen()) {
    ports.insert(seen.remote_port);
  }
  EXPECT_THAT(upstream_.seen(), SizeIs(100));
  EXPECT_EQ(ports.size(), 1u);
}

// Verify 200 requests sent at once all complete, over at most
// max_host_connections connections.
TEST_F(CurlMultiClientTest, ConcurrentRequestsAllComplete) {
  constexpr int kRequests = 200;
  // Declared before the client, whose destructor may still run callbacks.
  Countdown countdown(kRequests);
  std::atomic<int> ok{0};
  std::atomic<int> calls{0};
  CurlMultiClient::Options options;
  options.max_host_connections = 8;
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < kRequests; ++i) {
    client->Send(Get(upstream_.Url("/hello")),
                 [&](absl::StatusOr<HttpResponse> response) {
                   if (response.ok() && response->body == "hello world") ++ok;
                   ++calls;
                   countdown.Done();
                 });
  }
  ASSERT_TRUE(countdown.WaitFor(kGuard));
  EXPECT_EQ(ok.load(), kRequests);
  EXPECT_EQ(calls.load(), kRequests);
  EXPECT_EQ(client->in_flight(), 0u);
  EXPECT_GE(client->connections_opened(), 1u);
  EXPECT_LE(client->connections_opened(), 8u);
  EXPECT_THAT(upstream_.seen(), SizeIs(kRequests));
}

// Verify connections busy at once are all kept for the next wave, however
// small the idle allowance: curl's cache limit counts connections in use, and
// with it at the idle count a wave's end closed all but that many (and each
// transfer's end scanned every connection). The wave spreads over the pools
// and the next one reuses every connection.
TEST_F(CurlMultiClientTest, ConnectionsOfAWaveAreKeptForTheNext) {
  constexpr int kWave = 16;  // the test upstream serves 16 connections
  CurlMultiClient::Options options;
  options.max_idle_connections = 2;
  options.max_transfers = kWave;
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  {
    Countdown countdown(kWave);
    std::atomic<int> ok{0};
    for (int i = 0; i < kWave; ++i) {
      client->Send(Get(upstream_.Url("/slow")),
                   [&](absl::StatusOr<HttpResponse> response) {
                     if (response.ok() && response->body == "late") ++ok;
                     countdown.Done();
                   });
    }
    // All held at the upstream at once: one connection each.
    ASSERT_TRUE(upstream_.WaitForRequests(kWave));
    upstream_.ReleaseSlow();
    ASSERT_TRUE(countdown.WaitFor(kGuard));
    EXPECT_EQ(ok.load(), kWave);
  }
  EXPECT_EQ(client->connections_opened(), static_cast<uint64_t>(kWave));
  Countdown countdown(kWave);
  std::atomic<int> ok{0};
  for (int i = 0; i < kWave; ++i) {
    client->Send(Get(upstream_.Url("/hello")),
                 [&](absl::StatusOr<HttpResponse> response) {
                   if (response.ok()) ++ok;
                   countdown.Done();
                 });
  }
  ASSERT_TRUE(countdown.WaitFor(kGuard));
  EXPECT_EQ(ok.load(), kWave);
  EXPECT_EQ(client->connections_opened(), static_cast<uint64_t>(kWave));
}

// Verify a deadline that passes while the server is silent fails with
// DEADLINE_EXCEEDED close to the deadline.
TEST_F(CurlMultiClientTest, DeadlinePassesWhileServerIsSilent) {
  constexpr absl::Duration kDeadline = absl::Milliseconds(300);
  HttpRequest request = Get(upstream_.Url("/slow"));
  const absl::Time start = absl::Now();
  request.deadline = start + kDeadline;
  absl::StatusOr<HttpResponse> response = SendAndWait(*client_, request);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_THAT(response, StatusIs(absl::StatusCode::kDeadlineExceeded, _));
  EXPECT_GE(elapsed, kDeadline - absl::Milliseconds(5));
  EXPECT_LE(elapsed, kDeadline + absl::Seconds(2));
  EXPECT_THAT(upstream_.seen(), SizeIs(1));
}

// Verify a deadline already passed fails at once, inline, with nothing sent.
TEST_F(CurlMultiClientTest, DeadlineAlreadyPassed) {
  HttpRequest request = Get(upstream_.Url("/hello"));
  request.deadline = absl::Now() - absl::Seconds(1);
  auto outcome = std::make_shared<Outcome>();
  client_->Send(request, Outcome::Into(outcome));
  ASSERT_TRUE(outcome->done.HasBeenNotified());
  EXPECT_THAT(*outcome->result,
              StatusIs(absl::StatusCode::kDeadlineExceeded, _));
  // A request sent after it is the only one the server sees.
  ASSERT_THAT(SendAndWait(*client_, Get(upstream_.Url("/hello"))), IsOk());
  EXPECT_THAT(upstream_.seen(), SizeIs(1));
}

// Verify deadlines are read from the injected clock, not the system's.
TEST_F(CurlMultiClientTest, DeadlineUsesTheInjectedClock) {
  FakeClock clock(absl::FromUnixSeconds(1700000000));  // years in the past
  std::unique_ptr<CurlMultiClient> client =
      MakeClient(CurlMultiClient::Options(), &clock);
  ASSERT_NE(client, nullptr);

  HttpRequest expired = Get(upstream_.Url("/hello"));
  expired.deadline = clock.Now();
  EXPECT_THAT(SendAndWait(*client, expired),
              StatusIs(absl::StatusCode::kDeadlineExceeded, _));

  HttpRequest live = Get(upstream_.Url("/hello"));
  live.deadline = clock.Now() + absl::Seconds(10);
  absl::StatusOr<HttpResponse> response = SendAndWait(*client, live);
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
  EXPECT_THAT(upstream_.seen(), SizeIs(1));
}

// Verify a refused connection is UNAVAILABLE.
TEST_F(CurlMultiClientTest, ConnectionRefusedIsUnavailable) {
  absl::StatusOr<HttpResponse> response = SendAndWait(
      *client_, Get(absl::StrCat("http://127.0.0.1:", ClosedPort(), "/")));
  EXPECT_THAT(response, StatusIs(absl::StatusCode::kUnavailable, _));
}

// Verify an upstream that never accepts is UNAVAILABLE after the connect
// timeout when the deadline is further away, and DEADLINE_EXCEEDED when the
// deadline comes first.
TEST_F(CurlMultiClientTest, ConnectTimeoutVersusDeadline) {
  UnansweredConnects blackhole;
  CurlMultiClient::Options options;
  options.connect_timeout = absl::Milliseconds(200);
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);

  HttpRequest request = Get(blackhole.Url());
  request.deadline = absl::Now() + absl::Seconds(60);
  const absl::Time start = absl::Now();
  EXPECT_THAT(
      SendAndWait(*client, request),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("connect timed out")));
  EXPECT_LE(absl::Now() - start, absl::Seconds(5));

  options.connect_timeout = absl::Seconds(30);
  std::unique_ptr<CurlMultiClient> patient = MakeClient(options);
  ASSERT_NE(patient, nullptr);
  request.deadline = absl::Now() + absl::Milliseconds(200);
  EXPECT_THAT(SendAndWait(*patient, request),
              StatusIs(absl::StatusCode::kDeadlineExceeded, _));
}

// Verify a body over max_response_bytes is RESOURCE_EXHAUSTED, with and
// without Content-Length, and a body of exactly the limit is fine.
TEST_F(CurlMultiClientTest, ResponseBodyLimit) {
  HttpRequest request = Get(upstream_.Url("/big?n=100000"));
  request.max_response_bytes = 1000;
  EXPECT_THAT(SendAndWait(*client_, request),
              StatusIs(absl::StatusCode::kResourceExhausted,
                       HasSubstr("max_response_bytes (1000)")));

  request.url = upstream_.Url("/big-chunked?n=100000");
  EXPECT_THAT(SendAndWait(*client_, request),
              StatusIs(absl::StatusCode::kResourceExhausted, _));

  request.url = upstream_.Url("/big?n=1000");
  absl::StatusOr<HttpResponse> exact = SendAndWait(*client_, request);
  ASSERT_THAT(exact, IsOk());
  EXPECT_EQ(exact->body.size(), 1000u);

  request.url = upstream_.Url("/big-chunked?n=1001");
  EXPECT_THAT(SendAndWait(*client_, request),
              StatusIs(absl::StatusCode::kResourceExhausted, _));
}

// Verify requests the transport refuses fail inline with INVALID_ARGUMENT,
// never quote a header value, and send nothing.
TEST_F(CurlMultiClientTest, InvalidRequestsAreRefusedWithoutSending) {
  std::vector<HttpRequest> invalid;
  for (const char* method :
       {"TRACE", "CONNECT", "OPTIONS", "get", "", "GET "}) {
    HttpRequest request = Get(upstream_.Url("/hello"));
    request.method = method;
    invalid.push_back(request);
  }
  const std::vector<HttpHeader> bad_headers = {
      {"X-Token", "secret-value\r\nX-Injected: 1"},
      {"X-Token", "secret-value\nX-Injected: 1"},
      {"X-Token", "secret-value\rX"},
      {"X-Token", std::string("secret-value\0X", 14)},
      {"X-Bad\r\nX-Injected", "secret-value"},
      {"X-Colon:", "secret-value"},
      {"X Space", "secret-value"},
      {"", "secret-value"},
      {"Transfer-Encoding", "chunked"},
      {"Expect", "100-continue"},
      {"Content-Length", "0"},
  };
  for (const HttpHeader& header : bad_headers) {
    HttpRequest request = Get(upstream_.Url("/echo"));
    request.method = "POST";
    request.body = "payload";
    request.headers = {{"X-Fine", "yes"}, header};
    invalid.push_back(request);
  }
  HttpRequest head_with_body = Get(upstream_.Url("/hello"));
  head_with_body.method = "HEAD";
  head_with_body.body = "x";
  invalid.push_back(head_with_body);
  for (const char* url :
       {"ftp://127.0.0.1/x", "127.0.0.1/hello", "file:///etc/passwd", ""}) {
    invalid.push_back(Get(url));
  }

  for (const HttpRequest& request : invalid) {
    auto outcome = std::make_shared<Outcome>();
    client_->Send(request, Outcome::Into(outcome));
    ASSERT_TRUE(outcome->done.HasBeenNotified()) << request.method;
    EXPECT_THAT(*outcome->result, StatusIs(absl::StatusCode::kInvalidArgument,
                                           Not(HasSubstr("secret-value"))))
        << "method '" << request.method << "'";
  }
  ASSERT_THAT(SendAndWait(*client_, Get(upstream_.Url("/hello"))), IsOk());
  EXPECT_THAT(upstream_.seen(), SizeIs(1));
}

// Verify a URL that only curl's parser can reject is INVALID_ARGUMENT too.
TEST_F(CurlMultiClientTest, MalformedUrlIsInvalidArgument) {
  EXPECT_THAT(SendAndWait(*client_, Get("http://bad host/")),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

// Verify a proxy is refused for a plain-http URL, where it could read the
// call, and nothing is sent.
TEST_F(CurlMultiClientTest, ProxyForPlainHttpIsInvalidArgument) {
  HttpRequest request = Get(upstream_.Url("/hello"));
  auto tls = std::make_shared<TlsOptions>();
  tls->proxy = upstream_.Url("");
  request.tls = std::move(tls);
  EXPECT_THAT(SendAndWait(*client_, std::move(request)),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("proxy")));
  EXPECT_THAT(upstream_.seen(), SizeIs(0));
}

// Verify a Content-Length that matches the body is accepted.
TEST_F(CurlMultiClientTest, MatchingContentLengthIsAccepted) {
  HttpRequest request = Get(upstream_.Url("/echo"));
  request.method = "PUT";
  request.body = "12345";
  request.headers = {{"Content-Length", "5"}};
  ASSERT_THAT(SendAndWait(*client_, request), IsOk());
  ASSERT_THAT(upstream_.seen(), SizeIs(1));
  EXPECT_EQ(upstream_.seen()[0].body, "12345");
  EXPECT_EQ(upstream_.seen()[0].headers.count("Content-Length"), 1u);
}

// Verify curl adds no Accept, Expect or Content-Type of its own (a 2 MiB
// body would otherwise get Expect: 100-continue), and a caller's Accept is
// sent once as given.
TEST_F(CurlMultiClientTest, CurlAddsNoHeadersOfItsOwn) {
  HttpRequest request = Get(upstream_.Url("/echo"));
  request.method = "POST";
  request.body = std::string(2 << 20, 'b');
  ASSERT_THAT(SendAndWait(*client_, request), IsOk());
  request.body = "small";
  request.headers = {{"Accept", "application/json"}};
  ASSERT_THAT(SendAndWait(*client_, request), IsOk());

  const std::vector<SeenRequest> seen = upstream_.seen();
  ASSERT_THAT(seen, SizeIs(2));
  EXPECT_EQ(seen[0].body.size(), size_t{2} << 20);
  for (const SeenRequest& s : seen) {
    EXPECT_EQ(s.headers.count("Expect"), 0u);
    EXPECT_EQ(s.headers.count("Content-Type"), 0u);
    EXPECT_EQ(s.headers.count("User-Agent"), 0u);
    EXPECT_EQ(s.headers.count("Transfer-Encoding"), 0u);
  }
  EXPECT_EQ(seen[0].headers.count("Accept"), 0u);
  ASSERT_EQ(seen[1].headers.count("Accept"), 1u);
  EXPECT_EQ(seen[1].headers.find("Accept")->second, "application/json");
}

// Verify the exact bytes of a request: only Host, the caller's headers (an
// empty value sent as empty) and Content-Length. (httplib drops empty
// headers, hence a raw upstream.)
TEST(CurlMultiClientRawTest, RequestHeadIsExactlyWhatWasAsked) {
  RawUpstream upstream(
      "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
      CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
  ASSERT_THAT(client, IsOk());
  HttpRequest request;
  request.method = "PATCH";
  request.url = upstream.Url("/v1/things/7?q=a%20b");
  request.headers = {
      {"X-Api-Key", "k1"}, {"X-Empty", ""}, {"Content-Type", "text/plain"}};
  request.body = "abc";
  ASSERT_THAT(SendAndWait(**client, request), IsOk());
  EXPECT_EQ(upstream.request(),
            absl::StrCat("PATCH /v1/things/7?q=a%20b HTTP/1.1\r\n"
                         "Host: 127.0.0.1:",
                         upstream.port(),
                         "\r\n"
                         "X-Api-Key: k1\r\n"
                         "X-Empty:\r\n"
                         "Content-Type: text/plain\r\n"
                         "Content-Length: 3\r\n"
                         "\r\n"
                         "abc"));
}

// Verify only the final response's headers are kept after a 1xx, repeats
// stay separate and in order, and a folded line continues its header.
TEST(CurlMultiClientRawTest, HeadersOfTheFinalResponseOnly) {
  RawUpstream upstream(
      "HTTP/1.1 103 Early Hints\r\n"
      "Link: </style.css>; rel=preload\r\n"
      "\r\n"
      "HTTP/1.1 201 Created\r\n"
      "Set-Cookie: a=1\r\n"
      "X-Spaced:    padded value   \r\n"
      "X-Folded: one\r\n"
      "\t two\r\n"
      "Set-Cookie: b=2\r\n"
      "Content-Length: 2\r\n"
      "Connection: close\r\n"
      "\r\n"
      "ok");
  absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
      CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
  ASSERT_THAT(client, IsOk());
  absl::StatusOr<HttpResponse> response =
      SendAndWait(**client, Get(upstream.Url("/")));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 201);
  EXPECT_EQ(response->body, "ok");
  EXPECT_THAT(response->headers,
              ElementsAre(HttpHeader{"Set-Cookie", "a=1"},
                          HttpHeader{"X-Spaced", "padded value"},
                          HttpHeader{"X-Folded", "one two"},
                          HttpHeader{"Set-Cookie", "b=2"},
                          HttpHeader{"Content-Length", "2"},
                          HttpHeader{"Connection", "close"}));
}

// Verify malformed or missing replies are UNAVAILABLE.
TEST(CurlMultiClientRawTest, BrokenRepliesAreUnavailable) {
  for (const char* reply : {"", "garbage\r\n\r\n",
                            "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc",
                            "HTTP/1.1 abc\r\n\r\n"}) {
    SCOPED_TRACE(absl::CEscape(reply));
    RawUpstream upstream(reply);
    absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
        CurlMultiClient::Create(CurlMultiClient::Options(), SystemClock::Get());
    ASSERT_THAT(client, IsOk());
    EXPECT_THAT(SendAndWait(**client, Get(upstream.Url("/"))),
                StatusIs(absl::StatusCode::kUnavailable, _));
  }
}

// Verify destroying the client with requests in flight completes each of
// them once with UNAVAILABLE, and a Send from such a callback fails inline.
TEST_F(CurlMultiClientTest, DestructorFailsRequestsInFlight) {
  constexpr int kRequests = 5;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  auto resent = std::make_shared<Outcome>();
  CurlMultiClient* client = client_.get();
  for (int i = 0; i < kRequests; ++i) {
    auto outcome = std::make_shared<Outcome>();
    outcomes.push_back(outcome);
    HttpCallback record = Outcome::Into(outcome);
    client_->Send(Get(upstream_.Url("/slow")),
                  [i, client, resent, record = std::move(record)](
                      absl::StatusOr<HttpResponse> response) mutable {
                    if (i == 0) {
                      client->Send(Get("http://127.0.0.1:1/"),
                                   Outcome::Into(resent));
                    }
                    std::move(record)(std::move(response));
                  });
  }
  ASSERT_TRUE(upstream_.WaitForRequests(kRequests));
  EXPECT_EQ(client_->in_flight(), static_cast<size_t>(kRequests));

  client_.reset();

  for (const std::shared_ptr<Outcome>& outcome : outcomes) {
    ASSERT_TRUE(outcome->done.HasBeenNotified());
    EXPECT_EQ(outcome->calls.load(), 1);
    EXPECT_THAT(*outcome->result, StatusIs(absl::StatusCode::kUnavailable,
                                           HasSubstr("shutting down")));
  }
  ASSERT_TRUE(resent->done.HasBeenNotified());
  EXPECT_THAT(*resent->result, StatusIs(absl::StatusCode::kUnavailable,
                                        HasSubstr("shutting down")));
}

// Verify requests still queued when the client goes away are failed too:
// each of many callbacks runs exactly once.
TEST_F(CurlMultiClientTest, DestructorRightAfterSendCompletesEverything) {
  constexpr int kRequests = 50;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  for (int i = 0; i < kRequests; ++i) {
    outcomes.push_back(std::make_shared<Outcome>());
    client_->Send(Get(upstream_.Url("/slow")), Outcome::Into(outcomes.back()));
  }
  client_.reset();
  for (const std::shared_ptr<Outcome>& outcome : outcomes) {
    ASSERT_TRUE(outcome->done.HasBeenNotified());
    EXPECT_EQ(outcome->calls.load(), 1);
    EXPECT_THAT(*outcome->result, StatusIs(absl::StatusCode::kUnavailable, _));
  }
}

// Verify a callback may send the next request.
TEST_F(CurlMultiClientTest, CallbackMaySendAgain) {
  auto second = std::make_shared<Outcome>();
  auto first = std::make_shared<Outcome>();
  HttpCallback record_first = Outcome::Into(first);
  client_->Send(Get(upstream_.Url("/hello")),
                [this, second, record_first = std::move(record_first)](
                    absl::StatusOr<HttpResponse> response) mutable {
                  client_->Send(Get(upstream_.Url("/echo")),
                                Outcome::Into(second));
                  std::move(record_first)(std::move(response));
                });
  absl::StatusOr<HttpResponse> first_response = first->Wait();
  ASSERT_THAT(first_response, IsOk());
  EXPECT_EQ(first_response->body, "hello world");
  absl::StatusOr<HttpResponse> second_response = second->Wait();
  ASSERT_THAT(second_response, IsOk());
  EXPECT_EQ(second_response->body, "ok");
  EXPECT_THAT(upstream_.seen(), SizeIs(2));
}

class CurlMultiClientTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(HasFatalFailure());  // the certificate was made
    upstream_.Start();
  }

  std::unique_ptr<CurlMultiClient> MakeClient(
      CurlMultiClient::Options options) {
    absl::StatusOr<std::unique_ptr<CurlMultiClient>> client =
        CurlMultiClient::Create(std::move(options), SystemClock::Get());
    EXPECT_THAT(client, IsOk());
    return client.ok() ? std::move(client).value() : nullptr;
  }

  TestCertificate certificate_;
  TestUpstream upstream_{&certificate_};
};

// Verify HTTPS with the peer verified against ca_bundle_path, the
// connection kept alive across requests.
TEST_F(CurlMultiClientTlsTest, VerifiedAgainstCaBundle) {
  CurlMultiClient::Options options;
  options.ca_bundle_path = certificate_.pem_path();
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  for (int i = 0; i < 10; ++i) {
    absl::StatusOr<HttpResponse> response =
        SendAndWait(*client, Get(upstream_.Url("/hello")));
    ASSERT_THAT(response, IsOk());
    EXPECT_EQ(response->body, "hello world");
  }
  EXPECT_EQ(client->connections_opened(), 1u);
}

// Verify calls started together on a cold client to an HTTP/1.1-only https
// upstream each get a connection at once: waiting for the first connection
// to say whether it multiplexes (CURLOPT_PIPEWAIT, set for https) holds
// none of them back until another call completes.
TEST_F(CurlMultiClientTlsTest, ConcurrentColdCallsOverHttp1EachGetAConnection) {
  CurlMultiClient::Options options;
  options.ca_bundle_path = certificate_.pem_path();
  options.connection_pools = 1;
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  constexpr int kCalls = 6;
  std::vector<std::shared_ptr<Outcome>> outcomes;
  for (int i = 0; i < kCalls; ++i) {
    outcomes.push_back(std::make_shared<Outcome>());
    client->Send(Get(upstream_.Url("/slow")), Outcome::Into(outcomes.back()));
  }
  // /slow answers none until released: all of them reached the upstream
  // while the first was still unanswered, each on a connection of its own.
  EXPECT_TRUE(upstream_.WaitForRequests(kCalls));
  upstream_.ReleaseSlow();
  for (const std::shared_ptr<Outcome>& outcome : outcomes) {
    absl::StatusOr<HttpResponse> response = outcome->Wait();
    ASSERT_THAT(response, IsOk());
    EXPECT_EQ(response->body, "late");
  }
  EXPECT_EQ(client->connections_opened(), static_cast<uint64_t>(kCalls));
}

// Verify a certificate from an unknown CA is UNAVAILABLE by default.
TEST_F(CurlMultiClientTlsTest, UnknownCaIsUnavailable) {
  std::unique_ptr<CurlMultiClient> client =
      MakeClient(CurlMultiClient::Options());
  ASSERT_NE(client, nullptr);
  EXPECT_THAT(
      SendAndWait(*client, Get(upstream_.Url("/hello"))),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("(curl error 60)")));
  EXPECT_THAT(upstream_.seen(), SizeIs(0));
}

// Verify the host name is checked too: the certificate names 127.0.0.1,
// not localhost.
TEST_F(CurlMultiClientTlsTest, HostNameMismatchIsUnavailable) {
  CurlMultiClient::Options options;
  options.ca_bundle_path = certificate_.pem_path();
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  EXPECT_THAT(
      SendAndWait(*client, Get(upstream_.Url("/hello", "localhost"))),
      StatusIs(absl::StatusCode::kUnavailable, HasSubstr("(curl error 60)")));
  EXPECT_THAT(upstream_.seen(), SizeIs(0));
}

// Verify verify_tls = false accepts the unknown certificate.
TEST_F(CurlMultiClientTlsTest, VerificationCanBeTurnedOff) {
  CurlMultiClient::Options options;
  options.verify_tls = false;
  std::unique_ptr<CurlMultiClient> client = MakeClient(options);
  ASSERT_NE(client, nullptr);
  absl::StatusOr<HttpResponse> response =
      SendAndWait(*client, Get(upstream_.Url("/hello", "localhost")));
  ASSERT_THAT(response, IsOk());
  EXPECT_EQ(response->status, 200);
}

// Verify Create refuses unusable options.
TEST(CurlMultiClientCreateTest, RefusesBadOptions) {
  EXPECT_THAT(CurlMultiClient::Create(CurlMultiClient::Options(), nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  CurlMultiClient::Options options;
  options.connect_timeout = absl::ZeroDuration();
  EXPECT_THAT(CurlMultiClient::Create(options, SystemClock::Get()),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
  options = CurlMultiClient::Options();
  options.max_host_connections = -1;
  EXPECT_THAT(CurlMultiClient::Create(options, SystemClock::Get()),
              StatusIs(absl::StatusCode::kInvalidArgument, _));
}

}  // namespace
}  // namespace signet
