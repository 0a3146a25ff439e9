#include "http/curl_multi_client.h"

#include <curl/curl.h>
#include <openssl/crypto.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>  // NOLINT(build/c++11): std::call_once
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "http/curl_status.h"
#include "http/http_syntax.h"

namespace signet {
namespace {

constexpr absl::string_view kShuttingDown = "http client shutting down";
// Whatever needs the loop sooner wakes it; the timeout only bounds the delay
// should a wakeup ever fail.
constexpr int kPollTimeoutMs = 1000;
// Events taken from epoll per wait.
constexpr int kMaxEvents = 256;
// curl's default upload buffer is 64 KiB per transfer; at thousands of
// transfers in flight that dominated memory. 16 KiB is curl's minimum.
constexpr long kUploadBufferBytes = 16 * 1024;  // NOLINT(runtime/int)
constexpr long kMaxConcurrentStreams = 1000;  // NOLINT(runtime/int)
// CURLOPT_PROTOCOLS_STR needs 7.85.
constexpr unsigned int kMinCurlVersion = 0x075500;

// A file descriptor closed on destruction.
struct Fd {
  explicit Fd(int value) : value(value) {}
  ~Fd() {
    if (value >= 0) close(value);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int value;
};

// The cleanup functions' results are dropped: at destruction there is nobody
// left to report a failure to.
struct EasyDeleter {
  void operator()(CURL* easy) const { curl_easy_cleanup(easy); }
};
struct MultiDeleter {
  void operator()(CURLM* multi) const { (void)curl_multi_cleanup(multi); }
};
struct ShareDeleter {
  void operator()(CURLSH* share) const { (void)curl_share_cleanup(share); }
};
// The list holds the signed header lines: cleansed before curl frees it.
struct SlistDeleter {
  void operator()(curl_slist* list) const {
    for (curl_slist* node = list; node != nullptr; node = node->next) {
      if (node->data != nullptr) {
        OPENSSL_cleanse(node->data, std::strlen(node->data));
      }
    }
    curl_slist_free_all(list);
  }
};
using EasyPtr = std::unique_ptr<CURL, EasyDeleter>;
using MultiPtr = std::unique_ptr<CURLM, MultiDeleter>;
using SharePtr = std::unique_ptr<CURLSH, ShareDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not thread-safe: once per process, whoever comes
// first.
absl::Status InitCurlOnce() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  return CurlCodeToStatus(code, "curl_global_init");
}

template <typename T>
absl::Status SetOption(CURL* easy, CURLoption option, T value) {
  const CURLcode code = curl_easy_setopt(easy, option, value);
  if (code == CURLE_OK) return absl::OkStatus();
  const curl_easyoption* info = curl_easy_option_by_id(option);
  return CurlCodeToStatus(
      code, absl::StrCat("curl_easy_setopt(CURLOPT_",
                         info != nullptr ? info->name : "?", ")"));
}

// curl takes milliseconds as long; round up so a deadline is never cut short.
long ToCurlMillis(absl::Duration d) {  // NOLINT(runtime/int)
  const int64_t ms =
      absl::ToInt64Milliseconds(absl::Ceil(d, absl::Milliseconds(1)));
  return static_cast<long>(std::clamp<int64_t>(ms, 1, LONG_MAX));  // NOLINT
}

// Request values are never quoted in messages: they may be secrets.
absl::Status ValidateHeaders(const HttpRequest& request) {
  for (size_t i = 0; i < request.headers.size(); ++i) {
    const HttpHeader& header = request.headers[i];
    if (!IsToken(header.name)) {
      return absl::InvalidArgumentError(
          absl::StrCat("request header #", i, " has an invalid name"));
    }
    if (header.value.find_first_of("\r\n\0", 0, 3) != std::string::npos) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request header ", header.name, " contains CR, LF or NUL"));
    }
    // Message framing belongs to the transport: a caller's Content-Length
    // that disagrees with the body would let the body smuggle a second
    // request onto a kept-alive connection.
    if (absl::EqualsIgnoreCase(header.name, "Transfer-Encoding") ||
        absl::EqualsIgnoreCase(header.name, "Expect")) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request header ", header.name, " is set by the transport"));
    }
    if (absl::EqualsIgnoreCase(header.name, "Content-Length") &&
        header.value != absl::StrCat(request.body.size())) {
      return absl::InvalidArgumentError(
          "request header Content-Length does not match the body size");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateRequest(const HttpRequest& request) {
  if (!IsSupportedMethod(request.method)) {
    return absl::InvalidArgumentError(
        "unsupported HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD)");
  }
  if (request.method == "HEAD" && !request.body.empty()) {
    return absl::InvalidArgumentError("HEAD request with a body");
  }
  // curl would guess a scheme for "host/path"; the URL itself is not quoted
  // since its query may carry credentials.
  if (!absl::StartsWithIgnoreCase(request.url, "http://") &&
      !absl::StartsWithIgnoreCase(request.url, "https://")) {
    return absl::InvalidArgumentError(
        "request URL is not an absolute http:// or https:// URL");
  }
  return ValidateHeaders(request);
}

// POST, PUT and PATCH always carry a body, if empty then with
// Content-Length: 0; GET and DELETE only when given one.
bool SendsBody(const HttpRequest& request) {
  return !request.body.empty() || request.method == "POST" ||
         request.method == "PUT" || request.method == "PATCH";
}

absl::StatusOr<SlistPtr> BuildHeaderList(const HttpRequest& request) {
  std::vector<std::string> lines;
  lines.reserve(request.headers.size() + 3);
  for (const HttpHeader& header : request.headers) {
    // "Name:" would tell curl to drop the header; "Name;" sends it empty.
    lines.push_back(header.value.empty()
                        ? absl::StrCat(header.name, ";")
                        : absl::StrCat(header.name, ": ", header.value));
  }
  // Keep curl from adding headers of its own: they are not covered by the
  // caller's signature, and Expect costs a round trip.
  lines.push_back("Expect:");
  if (!FindHeader(request.headers, "Accept")) lines.push_back("Accept:");
  if (SendsBody(request) && !FindHeader(request.headers, "Content-Type")) {
    lines.push_back("Content-Type:");
  }
  SlistPtr list;
  absl::Status status;
  for (std::string& line : lines) {
    if (status.ok()) {
      curl_slist* head = curl_slist_append(list.get(), line.c_str());
      if (head == nullptr) {
        status = absl::ResourceExhaustedError("curl_slist_append failed");
      } else {
        (void)list.release();
        list.reset(head);
      }
    }
    // curl copied the line, signed header values included.
    OPENSSL_cleanse(line.data(), line.size());
  }
  if (!status.ok()) return status;
  return list;
}

// What the curl callbacks write into; lives in the Transfer.
struct ResponseSink {
  HttpResponse response;
  size_t max_body = 0;
  bool body_limit_exceeded = false;
};

size_t OnHeaderLine(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const size_t bytes = size * count;
  absl::string_view line(data, bytes);
  std::vector<HttpHeader>& headers = sink->response.headers;
  // A status line starts a response; only the final one's headers count
  // (a 1xx interim response comes first).
  if (absl::StartsWith(line, "HTTP/")) {
    headers.clear();
    return bytes;
  }
  line = absl::StripTrailingAsciiWhitespace(line);
  if (line.empty()) return bytes;
  if ((line.front() == ' ' || line.front() == '\t') && !headers.empty()) {
    // Obsolete line folding (RFC 9112 5.2): continues the previous value.
    absl::StrAppend(&headers.back().value, " ",
                    absl::StripLeadingAsciiWhitespace(line));
    return bytes;
  }
  const size_t colon = line.find(':');
  if (colon == absl::string_view::npos) return bytes;
  headers.push_back(HttpHeader{
      std::string(line.substr(0, colon)),
      std::string(absl::StripLeadingAsciiWhitespace(line.substr(colon + 1)))});
  return bytes;
}

size_t OnBodyBytes(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<ResponseSink*>(user);
  const size_t bytes = size * count;
  std::string& body = sink->response.body;
  if (bytes > sink->max_body - body.size()) {
    sink->body_limit_exceeded = true;
    return 0;  // aborts the transfer with CURLE_WRITE_ERROR
  }
  body.append(data, bytes);
  return bytes;
}

}  // namespace

struct CurlMultiClient::Transfer {
  Transfer(HttpRequest r, HttpCallback cb)
      : request(std::move(r)), on_done(std::move(cb)) {
    sink.max_body = request.max_response_bytes;
  }

  // Declared before `easy`, which points into them, so they outlive it.
  HttpRequest request;
  HttpCallback on_done;
  ResponseSink sink;
  SlistPtr header_list;
  char error[CURL_ERROR_SIZE] = {};
  CURLcode result = CURLE_OK;
  // The connect timeout, not the deadline, was the nearer limit.
  bool connect_timeout_first = false;
  Pool* pool = nullptr;  // while added to its multi handle
  EasyPtr easy;
};

// One curl multi handle and its connection cache. curl 7.88 walks every
// connection of a cache on each transfer it starts (looking for one to
// reuse) and on each it removes (looking for connect-only ones): with
// thousands of HTTP/1.1 transfers in flight, one cache made every call cost
// O(calls in flight). Transfers are spread over several pools, which divides
// those walks; the pools share the I/O thread, the epoll set and the share.
// A transfer goes to the pool with the fewest in flight, the first on a tie,
// so calls one after another keep reusing the first pool's connection.
struct CurlMultiClient::Pool {
  Pool(IoState* io, uint32_t index) : io(io), index(index) {}

  IoState* const io;
  const uint32_t index;  // tags its sockets' epoll events
  MultiPtr multi;
  size_t transfers = 0;  // added and not yet removed
  // When curl next wants CURL_SOCKET_TIMEOUT, if it does.
  std::optional<std::chrono::steady_clock::time_point> timer;

  // CURLMOPT_SOCKETFUNCTION: mirror curl's interest in a socket in epoll.
  static int OnSocket(CURL* easy, curl_socket_t socket, int what, void* userp,
                      void* socketp);
  // CURLMOPT_TIMERFUNCTION: -1 cancels, 0 means as soon as possible.
  static int OnTimer(CURLM* /*multi*/, long timeout_ms,  // NOLINT(runtime/int)
                     void* userp) {
    auto* pool = static_cast<Pool*>(userp);
    if (timeout_ms < 0) {
      pool->timer.reset();
    } else {
      pool->timer = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(timeout_ms);
    }
    return 0;
  }
};

// Everything curl; after Create touched only under curl_mu_ (by the loop,
// and by Send when it starts a transfer itself), except the descriptors:
// epoll_wait runs unlocked and anyone may write the wakeup eventfd.
// Destroyed in reverse order: transfers, idle handles, the multi handles
// (whose cleanup still calls the socket callback), the share they all use,
// then the descriptors.
//
// The loop is event driven (curl_multi_socket_action): epoll reports the
// sockets that are ready and curl touches only those transfers, so the cost
// of an event does not grow with the number of transfers in flight.
// (curl_multi_poll + curl_multi_perform polled and walked every transfer on
// every wakeup: with a slow upstream and 500 calls in flight that cost
// ~2 ms of CPU per call.)
struct CurlMultiClient::IoState {
  // epoll_event.data.u64 is (pool index << 32 | fd); the wakeup's tag:
  static constexpr uint32_t kWakeTag = UINT32_MAX;

  Fd epoll{-1};
  Fd wake{-1};  // eventfd: Send and the destructor write, the loop reads
  // Sockets curl dropped since the loop's current wait began.
  std::vector<curl_socket_t> removed_in_batch;
  // When the loop's current wait ends at the latest.
  std::chrono::steady_clock::time_point wake_at;
  // A curl failure met in SendInline, for the loop to shut down on.
  absl::Status failure;
  // Which descriptors are in the epoll set, by number: curl drops a kept
  // connection's socket between transfers, and knowing saves a failing
  // EPOLL_CTL_MOD per reuse.
  std::vector<bool> watched;
  SharePtr share;
  std::vector<std::unique_ptr<Pool>> pools;
  std::vector<EasyPtr> idle;
  std::unordered_map<CURL*, std::unique_ptr<Transfer>> active;

  static uint64_t Tag(uint32_t pool, int fd) {
    return (static_cast<uint64_t>(pool) << 32) | static_cast<uint32_t>(fd);
  }

  // Takes `socket` out of the epoll set if it is there.
  void Unwatch(curl_socket_t socket) {
    const size_t slot = static_cast<size_t>(socket);
    if (slot < watched.size() && watched[slot]) {
      (void)epoll_ctl(epoll.value, EPOLL_CTL_DEL, socket, nullptr);
      watched[slot] = false;
    }
    // Its number may be reused at once; events already taken for it in
    // this batch belong to the old socket.
    removed_in_batch.push_back(socket);
  }

  // CURLOPT_CLOSESOCKETFUNCTION. curl 7.88 sometimes closes a socket first
  // and reports it removed after (curl_multi_remove_handle), when its number
  // may already name another thread's new descriptor (TSan caught an
  // in-process server's accept): so the socket leaves the set here, before
  // the close, and the late report finds it gone.
  static int OnCloseSocket(void* userp, curl_socket_t socket) {
    static_cast<IoState*>(userp)->Unwatch(socket);
    return close(socket);
  }

  // Wakes the loop; safe from any thread.
  void Wake() const {
    const uint64_t one = 1;
    (void)!write(wake.value, &one, sizeof(one));
  }
};

int CurlMultiClient::Pool::OnSocket(CURL* /*easy*/, curl_socket_t socket,
                                    int what, void* userp, void* /*socketp*/) {
  auto* pool = static_cast<Pool*>(userp);
  IoState* io = pool->io;
  if (socket < 0) return 0;
  const size_t slot = static_cast<size_t>(socket);
  if (slot >= io->watched.size()) io->watched.resize(slot + 1, false);
  if (what == CURL_POLL_REMOVE) {
    io->Unwatch(socket);
    return 0;
  }
  epoll_event event{};
  event.data.u64 = IoState::Tag(pool->index, socket);
  if (what & CURL_POLL_IN) event.events |= EPOLLIN;
  if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
  const int epoll = io->epoll.value;
  if (io->watched[slot] && epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0) {
    return 0;
  }
  // Not watched, or `watched` went stale (a descriptor closed behind curl's
  // back leaves the set on its own). On failure the socket's transfers end
  // at their own timeout; returning -1 would abort every transfer of the
  // multi handle.
  io->watched[slot] =
      epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 ||
      (errno == EEXIST && epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0);
  return 0;
}

struct CurlMultiClient::Completion {
  HttpCallback on_done;
  absl::StatusOr<HttpResponse> result;
};

absl::Status CurlMultiClient::ConfigurePool(
    Pool& pool, const Options& options,
    long max_connections) {  // NOLINT(runtime/int)
  pool.multi.reset(curl_multi_init());
  if (pool.multi == nullptr) {
    return absl::ResourceExhaustedError("curl_multi_init failed");
  }
  CURLM* multi = pool.multi.get();
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, &Pool::OnSocket),
      "curl_multi_setopt(CURLMOPT_SOCKETFUNCTION)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, &pool),
      "curl_multi_setopt(CURLMOPT_SOCKETDATA)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Pool::OnTimer),
      "curl_multi_setopt(CURLMOPT_TIMERFUNCTION)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_TIMERDATA, &pool),
      "curl_multi_setopt(CURLMOPT_TIMERDATA)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connections),
      "curl_multi_setopt(CURLMOPT_MAXCONNECTS)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                        options.max_host_connections),
      "curl_multi_setopt(CURLMOPT_MAX_HOST_CONNECTIONS)"));
  // HTTP/2 streams per connection, as far as the server allows (curl's
  // default is 100): a slow upstream then needs few connections.
  return CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS,
                        kMaxConcurrentStreams),
      "curl_multi_setopt(CURLMOPT_MAX_CONCURRENT_STREAMS)");
}

absl::StatusOr<std::unique_ptr<CurlMultiClient>> CurlMultiClient::Create(
    Options options, const Clock* clock) {
  if (clock == nullptr) return absl::InvalidArgumentError("clock is null");
  if (options.connect_timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("connect_timeout must be positive");
  }
  if (options.max_idle_connections < 0 || options.max_transfers < 0 ||
      options.max_host_connections < 0) {
    return absl::InvalidArgumentError("connection limits must not be negative");
  }
  if (options.connection_pools < 1 || options.connection_pools > 64) {
    return absl::InvalidArgumentError("connection_pools must be 1..64");
  }
  SIGNET_RETURN_IF_ERROR(InitCurlOnce());
  const curl_version_info_data* version = curl_version_info(CURLVERSION_NOW);
  if (version == nullptr || version->version_num < kMinCurlVersion) {
    return absl::FailedPreconditionError("libcurl 7.85 or newer is required");
  }

  auto io = std::make_unique<IoState>();
  io->share.reset(curl_share_init());
  if (io->share == nullptr) {
    return absl::ResourceExhaustedError("curl_share_init failed");
  }
  // Only the I/O thread uses the share, so it needs no lock callbacks.
  SIGNET_RETURN_IF_ERROR(
      CurlShareCodeToStatus(curl_share_setopt(io->share.get(), CURLSHOPT_SHARE,
                                              CURL_LOCK_DATA_SSL_SESSION),
                            "curl_share_setopt(CURL_LOCK_DATA_SSL_SESSION)"));
  SIGNET_RETURN_IF_ERROR(CurlShareCodeToStatus(
      curl_share_setopt(io->share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS),
      "curl_share_setopt(CURL_LOCK_DATA_DNS)"));

  io->epoll.value = epoll_create1(EPOLL_CLOEXEC);
  io->wake.value = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (io->epoll.value < 0 || io->wake.value < 0) {
    return absl::ResourceExhaustedError("epoll_create1 or eventfd failed");
  }
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = IoState::Tag(IoState::kWakeTag, io->wake.value);
  if (epoll_ctl(io->epoll.value, EPOLL_CTL_ADD, io->wake.value, &wake_event) !=
      0) {
    return absl::InternalError("epoll_ctl(eventfd) failed");
  }
  // A per-host limit must hold across pools: then there is one.
  const long pool_count =  // NOLINT(runtime/int)
      options.max_host_connections > 0 ? 1 : options.connection_pools;
  // Transfers go to the least busy pool, so shares stay about even; twice
  // the even share leaves room for skew before curl closes idle ones.
  const long per_pool_connections =  // NOLINT(runtime/int)
      (options.max_idle_connections + 2 * options.max_transfers) / pool_count +
      1;
  for (long i = 0; i < pool_count; ++i) {  // NOLINT(runtime/int)
    auto pool = std::make_unique<Pool>(io.get(), static_cast<uint32_t>(i));
    SIGNET_RETURN_IF_ERROR(ConfigurePool(*pool, options, per_pool_connections));
    io->pools.push_back(std::move(pool));
  }

  return std::unique_ptr<CurlMultiClient>(
      new CurlMultiClient(std::move(options), clock, std::move(io)));
}

CurlMultiClient::CurlMultiClient(Options options, const Clock* clock,
                                 std::unique_ptr<IoState> io)
    : options_(std::move(options)), clock_(clock), io_(std::move(io)) {
  thread_ = std::thread([this] { Run(); });
  // Only a debugging aid (top, gdb); failure is harmless.
  (void)pthread_setname_np(thread_.native_handle(), "signet-http");
}

CurlMultiClient::~CurlMultiClient() {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    // Should the wakeup fail, the loop still sees the flag within
    // kPollTimeoutMs.
    io_->Wake();
  }
  thread_.join();
}

void CurlMultiClient::Send(HttpRequest request, HttpCallback on_done) {
  if (absl::Status invalid = ValidateRequest(request); !invalid.ok()) {
    std::move(on_done)(std::move(invalid));
    return;
  }
  if (request.deadline <= clock_->Now()) {
    std::move(on_done)(absl::DeadlineExceededError(
        "deadline passed before the request was sent"));
    return;
  }
  auto transfer =
      std::make_unique<Transfer>(std::move(request), std::move(on_done));
  // When the I/O thread is not busy with curl, start the transfer here: the
  // request goes out now, without waking the I/O thread for it (a thread
  // handoff costs more than the send on this path). A busy loop takes it
  // from the queue after its current batch instead.
  if (curl_mu_.TryLock()) {
    SendInline(std::move(transfer));
    return;
  }
  {
    absl::MutexLock lock(&mu_);
    if (!shutting_down_) {
      in_flight_.fetch_add(1);
      queue_.push_back(std::move(transfer));
      // One wakeup per batch: the loop drains the whole queue after each
      // batch. Under the lock so the multi handle cannot be gone yet; a
      // failed wakeup only delays the request until the poll timeout.
      if (queue_.size() == 1) io_->Wake();
      return;
    }
  }
  std::move(transfer->on_done)(absl::UnavailableError(kShuttingDown));
}

void CurlMultiClient::SendInline(std::unique_ptr<Transfer> transfer) {
  std::vector<Completion> done;
  bool accepted = false;
  bool wake = false;
  {
    absl::MutexLock lock(&mu_);
    accepted = !shutting_down_;
    if (accepted) in_flight_.fetch_add(1);
  }
  if (accepted) {
    Start(std::move(transfer), &done);
    absl::Status performed = FireDueTimers();
    if (performed.ok()) {
      CollectFinished(&done);
    } else if (io_->failure.ok()) {
      io_->failure = performed;  // the loop shuts the client down
    }
    // The loop may be waiting for longer than curl now wants.
    wake = !performed.ok() || NextTimer() < io_->wake_at;
  }
  curl_mu_.Unlock();
  if (!accepted) {
    std::move(transfer->on_done)(absl::UnavailableError(kShuttingDown));
    return;
  }
  Complete(&done);
  if (wake) io_->Wake();
}

std::chrono::steady_clock::time_point CurlMultiClient::NextTimer() const {
  auto next = std::chrono::steady_clock::time_point::max();
  for (const std::unique_ptr<Pool>& pool : io_->pools) {
    if (pool->timer.has_value()) next = std::min(next, *pool->timer);
  }
  return next;
}

absl::Status CurlMultiClient::FireDueTimers() {
  const auto now = std::chrono::steady_clock::now();
  int running = 0;
  for (const std::unique_ptr<Pool>& pool : io_->pools) {
    if (!pool->timer.has_value() || *pool->timer > now) continue;
    pool->timer.reset();
    SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
        curl_multi_socket_action(pool->multi.get(), CURL_SOCKET_TIMEOUT, 0,
                                 &running),
        "curl_multi_socket_action"));
  }
  return absl::OkStatus();
}

void CurlMultiClient::Run() {
  std::vector<Completion> done;
  epoll_event events[kMaxEvents];
  while (true) {
    int wait_ms = kPollTimeoutMs;
    {
      absl::MutexLock lock(&curl_mu_);
      const auto now = std::chrono::steady_clock::now();
      const auto next = NextTimer();
      if (next != std::chrono::steady_clock::time_point::max()) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(next - now);
        wait_ms = static_cast<int>(
            std::clamp<int64_t>(left.count(), 0, kPollTimeoutMs));
      }
      io_->wake_at = now + std::chrono::milliseconds(wait_ms);
      // From here on: an event this wait reports for a socket curl drops
      // meanwhile (here or in SendInline) belongs to the old socket.
      io_->removed_in_batch.clear();
    }
    const int ready = epoll_wait(io_->epoll.value, events, kMaxEvents, wait_ms);
    const int wait_errno = errno;
    // Drain the wakeup before taking the queue: a Send between the two
    // then leaves a fresh wakeup for the next wait instead of being lost
    // (which stalled it until kPollTimeoutMs).
    for (int i = 0; i < ready; ++i) {
      if (events[i].data.u64 >> 32 == IoState::kWakeTag) {
        uint64_t count = 0;
        (void)!read(io_->wake.value, &count, sizeof(count));
      }
    }
    bool exit = false;
    {
      absl::MutexLock lock(&curl_mu_);
      std::vector<std::unique_ptr<Transfer>> incoming;
      bool stop = false;
      {
        absl::MutexLock queue_lock(&mu_);
        incoming.swap(queue_);
        stop = shutting_down_;
      }
      if (ready < 0 && wait_errno != EINTR) {
        Abort(absl::UnavailableError(absl::StrCat(
                  "http client I/O loop failed: epoll_wait errno ",
                  wait_errno)),
              std::move(incoming), &done);
        exit = true;
      } else if (stop) {
        Abort(absl::UnavailableError(kShuttingDown), std::move(incoming),
              &done);
        exit = true;
      } else {
        absl::Status performed = Perform(events, ready, std::move(incoming),
                                         &done);
        if (!performed.ok()) {
          Abort(absl::UnavailableError(absl::StrCat(
                    "http client I/O loop failed: ", performed.message())),
                {}, &done);
          exit = true;
        }
      }
    }
    Complete(&done);
    if (exit) return;
  }
}

absl::Status CurlMultiClient::Perform(
    const epoll_event* events, int ready,
    std::vector<std::unique_ptr<Transfer>> incoming,
    std::vector<Completion>* done) {
  SIGNET_RETURN_IF_ERROR(io_->failure);
  int running = 0;
  for (int i = 0; i < ready; ++i) {
    const uint32_t pool_index = events[i].data.u64 >> 32;
    const int fd = static_cast<int>(events[i].data.u64 & UINT32_MAX);
    if (pool_index == IoState::kWakeTag) continue;  // drained
    if (std::find(io_->removed_in_batch.begin(), io_->removed_in_batch.end(),
                  fd) != io_->removed_in_batch.end()) {
      continue;  // closed (and maybe reused) since the wait began
    }
    int flags = 0;
    if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
    SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
        curl_multi_socket_action(io_->pools[pool_index]->multi.get(), fd,
                                 flags, &running),
        "curl_multi_socket_action"));
  }
  for (std::unique_ptr<Transfer>& transfer : incoming) {
    Start(std::move(transfer), done);
  }
  // New transfers set a timer of 0; due timers fire here too.
  SIGNET_RETURN_IF_ERROR(FireDueTimers());
  CollectFinished(done);
  return absl::OkStatus();
}

void CurlMultiClient::Start(std::unique_ptr<Transfer> transfer,
                            std::vector<Completion>* done) {
  absl::Status status = Configure(*transfer);
  if (status.ok()) {
    Pool* pool = io_->pools.front().get();
    for (const std::unique_ptr<Pool>& candidate : io_->pools) {
      if (candidate->transfers < pool->transfers) pool = candidate.get();
    }
    status = CurlMultiCodeToStatus(
        curl_multi_add_handle(pool->multi.get(), transfer->easy.get()),
        "curl_multi_add_handle");
    if (status.ok()) {
      transfer->pool = pool;
      ++pool->transfers;
    }
  }
  if (!status.ok()) {
    done->push_back(Completion{std::move(transfer->on_done), status});
    Recycle(std::move(transfer));
    return;
  }
  CURL* easy = transfer->easy.get();
  io_->active.emplace(easy, std::move(transfer));
}

absl::Status CurlMultiClient::Configure(Transfer& transfer) {
  const HttpRequest& request = transfer.request;
  const absl::Time now = clock_->Now();
  if (request.deadline <= now) {
    return absl::DeadlineExceededError(
        "deadline passed before the request was sent");
  }
  const absl::Duration remaining = request.deadline - now;
  transfer.connect_timeout_first = options_.connect_timeout < remaining;

  SIGNET_ASSIGN_OR_RETURN(transfer.header_list, BuildHeaderList(request));
  if (!io_->idle.empty()) {
    transfer.easy = std::move(io_->idle.back());
    io_->idle.pop_back();
  } else {
    transfer.easy.reset(curl_easy_init());
    if (transfer.easy == nullptr) {
      return absl::ResourceExhaustedError("curl_easy_init failed");
    }
  }
  CURL* easy = transfer.easy.get();

  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_SHARE, io_->share.get()));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_NOSIGNAL, 1L));
  SIGNET_RETURN_IF_ERROR(
      SetOption(easy, CURLOPT_UPLOAD_BUFFERSIZE, kUploadBufferBytes));

  curl_closesocket_callback on_close = &IoState::OnCloseSocket;
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_CLOSESOCKETFUNCTION, on_close));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_CLOSESOCKETDATA, io_.get()));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_ERRORBUFFER, transfer.error));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_URL, request.url.c_str()));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_PROTOCOLS_STR, "http,https"));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_FOLLOWLOCATION, 0L));
  // The profile's proxy, or "", which turns off the proxies curl would take
  // from http_proxy, https_proxy and ALL_PROXY: a signed call goes only
  // where its profile says.
  const TlsOptions* tls = request.tls.get();
  const std::string no_proxy;
  const std::string& proxy = tls != nullptr ? tls->proxy : no_proxy;
  if (!proxy.empty() && !absl::StartsWithIgnoreCase(request.url, "https://")) {
    // A proxy relays a TLS tunnel; it must not read a plain-http call.
    return absl::InvalidArgumentError("a proxy is for https:// URLs only");
  }
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_PROXY, proxy.c_str()));
  // And no_proxy/NO_PROXY must not send a call around the profile's proxy.
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_NOPROXY, ""));
  if (!proxy.empty()) {
    // An http:// proxy URL (config checks), asked to CONNECT a tunnel.
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_HTTPPROXYTUNNEL, 1L));
  }
  // A proxy's CONNECT reply is not the upstream's answer.
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_SUPPRESS_CONNECT_HEADERS, 1L));
  if (request.deadline != absl::InfiniteFuture()) {
    SIGNET_RETURN_IF_ERROR(
        SetOption(easy, CURLOPT_TIMEOUT_MS, ToCurlMillis(remaining)));
  }
  SIGNET_RETURN_IF_ERROR(
      SetOption(easy, CURLOPT_CONNECTTIMEOUT_MS,
                ToCurlMillis(std::min(options_.connect_timeout, remaining))));

  SIGNET_RETURN_IF_ERROR(
      SetOption(easy, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L));
  SIGNET_RETURN_IF_ERROR(
      SetOption(easy, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L));
  const std::string& ca_bundle = tls != nullptr && !tls->ca_bundle.empty()
                                     ? tls->ca_bundle
                                     : options_.ca_bundle_path;
  if (!ca_bundle.empty()) {
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_CAINFO, ca_bundle.c_str()));
  }
  if (tls != nullptr && !tls->client_cert.empty()) {
    SIGNET_RETURN_IF_ERROR(
        SetOption(easy, CURLOPT_SSLCERT, tls->client_cert.c_str()));
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_SSLKEYTYPE, "PEM"));
    // The key stays in memory (a Secret), never in a file curl could be
    // pointed at; curl copies the blob for the transfer.
    const absl::string_view key = tls->client_key.Reveal();
    curl_blob blob{const_cast<char*>(key.data()), key.size(), CURL_BLOB_COPY};
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_SSLKEY_BLOB, &blob));
  }

  if (request.method == "HEAD") {
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_NOBODY, 1L));
  } else if (SendsBody(request)) {
    SIGNET_RETURN_IF_ERROR(
        SetOption(easy, CURLOPT_POSTFIELDSIZE_LARGE,
                  static_cast<curl_off_t>(request.body.size())));
    SIGNET_RETURN_IF_ERROR(
        SetOption(easy, CURLOPT_POSTFIELDS, request.body.data()));
  } else {
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_HTTPGET, 1L));
  }
  if (request.method != "GET" && request.method != "HEAD" &&
      request.method != "POST") {
    SIGNET_RETURN_IF_ERROR(
        SetOption(easy, CURLOPT_CUSTOMREQUEST, request.method.c_str()));
  } else if (request.method == "GET" && SendsBody(request)) {
    SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_CUSTOMREQUEST, "GET"));
  }
  SIGNET_RETURN_IF_ERROR(
      SetOption(easy, CURLOPT_HTTPHEADER, transfer.header_list.get()));

  curl_write_callback on_header = &OnHeaderLine;
  curl_write_callback on_body = &OnBodyBytes;
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_HEADERFUNCTION, on_header));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_HEADERDATA, &transfer.sink));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_WRITEFUNCTION, on_body));
  SIGNET_RETURN_IF_ERROR(SetOption(easy, CURLOPT_WRITEDATA, &transfer.sink));
  return absl::OkStatus();
}

void CurlMultiClient::CollectFinished(std::vector<Completion>* done) {
  for (const std::unique_ptr<Pool>& pool : io_->pools) {
    CollectFinished(*pool, done);
  }
}

void CurlMultiClient::CollectFinished(Pool& pool,
                                      std::vector<Completion>* done) {
  CURLM* multi = pool.multi.get();
  int left = 0;
  while (CURLMsg* message = curl_multi_info_read(multi, &left)) {
    if (message->msg != CURLMSG_DONE) continue;
    // `message` dies with curl_multi_remove_handle; copy what is needed.
    CURL* easy = message->easy_handle;
    const CURLcode result = message->data.result;
    auto it = io_->active.find(easy);
    if (it == io_->active.end()) continue;
    std::unique_ptr<Transfer> transfer = std::move(it->second);
    io_->active.erase(it);
    transfer->result = result;
    long connects = 0;  // NOLINT(runtime/int): curl's type
    if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) == CURLE_OK &&
        connects > 0) {
      connections_opened_.fetch_add(static_cast<uint64_t>(connects));
    }
    absl::StatusOr<HttpResponse> response = Finish(*transfer);
    if (curl_multi_remove_handle(multi, easy) != CURLM_OK) {
      transfer->easy.reset();  // not reusable; cleanup detaches it
    }
    --pool.transfers;
    transfer->pool = nullptr;
    done->push_back(
        Completion{std::move(transfer->on_done), std::move(response)});
    Recycle(std::move(transfer));
  }
}

absl::StatusOr<HttpResponse> CurlMultiClient::Finish(Transfer& transfer) {
  if (transfer.result == CURLE_OK) {
    long status = 0;  // NOLINT(runtime/int): curl's type
    SIGNET_RETURN_IF_ERROR(CurlCodeToStatus(
        curl_easy_getinfo(transfer.easy.get(), CURLINFO_RESPONSE_CODE, &status),
        "curl_easy_getinfo(CURLINFO_RESPONSE_CODE)"));
    transfer.sink.response.status = static_cast<int>(status);
    return std::move(transfer.sink.response);
  }
  if (transfer.sink.body_limit_exceeded) {
    return CurlCodeToStatus(
        CURLE_FILESIZE_EXCEEDED,
        absl::StrCat("response body exceeds max_response_bytes (",
                     transfer.request.max_response_bytes, ")"));
  }
  CURLcode code = transfer.result;
  absl::string_view where = "http transfer";
  // Send admitted only http(s) URLs, so once the upstream was reached an
  // unsupported protocol is its reply (HTTP/0.9, unknown version).
  const char* peer = nullptr;
  if (code == CURLE_UNSUPPORTED_PROTOCOL &&
      curl_easy_getinfo(transfer.easy.get(), CURLINFO_PRIMARY_IP, &peer) ==
          CURLE_OK &&
      peer != nullptr && peer[0] != '\0') {
    code = CURLE_WEIRD_SERVER_REPLY;
    where = "malformed reply from upstream";
  }
  // curl reports both timeouts alike; an upstream that cannot be reached
  // before the connect timeout is unavailable, the caller's deadline has
  // not passed.
  if (code == CURLE_OPERATION_TIMEDOUT && transfer.connect_timeout_first &&
      clock_->Now() < transfer.request.deadline) {
    code = CURLE_COULDNT_CONNECT;
    where = "connect timed out";
  }
  const absl::Status status = CurlCodeToStatus(code, where);
  if (transfer.error[0] == '\0') return status;
  // curl's detail names host and port, never headers or bodies.
  return absl::Status(
      status.code(), absl::StrCat(status.message(), " [", transfer.error, "]"));
}

void CurlMultiClient::Recycle(std::unique_ptr<Transfer> transfer) {
  if (transfer->easy == nullptr) return;
  const size_t max_idle =
      static_cast<size_t>(std::max(options_.max_idle_connections, 1L));
  if (io_->idle.size() >= max_idle) return;
  // Reset keeps the handle's share; connections live in the multi handle.
  curl_easy_reset(transfer->easy.get());
  io_->idle.push_back(std::move(transfer->easy));
}

void CurlMultiClient::Abort(const absl::Status& why,
                            std::vector<std::unique_ptr<Transfer>> unstarted,
                            std::vector<Completion>* done) {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    for (std::unique_ptr<Transfer>& transfer : queue_) {
      unstarted.push_back(std::move(transfer));
    }
    queue_.clear();
  }
  for (std::unique_ptr<Transfer>& transfer : unstarted) {
    done->push_back(Completion{std::move(transfer->on_done), why});
  }
  for (auto& [easy, transfer] : io_->active) {
    // The handle is cleaned up below, which detaches it in any case.
    (void)curl_multi_remove_handle(transfer->pool->multi.get(), easy);
    done->push_back(Completion{std::move(transfer->on_done), why});
  }
  io_->active.clear();
}

void CurlMultiClient::Complete(std::vector<Completion>* done) {
  for (Completion& completion : *done) {
    in_flight_.fetch_sub(1);
    std::move(completion.on_done)(std::move(completion.result));
  }
  done->clear();
}

}  // namespace signet
