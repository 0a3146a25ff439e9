#include "http/http_server.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "common/timer_thread.h"

namespace signet {
namespace {

// One TCP connection, for the head deadline: libmicrohttpd has only an idle
// timeout, so a timer shuts the socket down when a head is overdue (MHD
// then sees the end of the stream and closes the connection itself).
// Shared by MHD's socket context and the pending timer, which may outlive
// the connection; `closed` (set before MHD closes the socket) keeps the
// timer off a descriptor number that may have been reused.
struct ConnectionWatch {
  absl::Mutex mu;
  int fd ABSL_GUARDED_BY(mu) = -1;
  bool closed ABSL_GUARDED_BY(mu) = false;
  // Counts request heads completed on the connection; a timer armed for
  // the head numbered `n` fires only while this is still n.
  uint64_t heads ABSL_GUARDED_BY(mu) = 0;
  // Between a complete head and its answer the handler owns the pace.
  bool in_request ABSL_GUARDED_BY(mu) = false;
};

using WatchRef = std::shared_ptr<ConnectionWatch>;

// One request on a connection, shared by libmicrohttpd's per-request
// context and the responder, which may outlive it.
struct Exchange {
  std::string target;  // the raw request-target, from the URI callback
  ServerRequest request;
  MHD_Connection* connection = nullptr;
  bool headers_seen = false;
  bool refused_at_head = false;
  // The head check's answer, sent once the (small) body has been read.
  std::optional<HttpResponse> pending_refusal;
  bool too_large = false;
  bool dispatched = false;
  // Guarded by Core::mu_ (shared with the responder's thread).
  bool suspended = false;
  bool finished = false;
  std::optional<HttpResponse> response;
};

using ExchangeRef = std::shared_ptr<Exchange>;

// A refused request's body up to this size is read and dropped before the
// refusal is sent (see Handle); a larger one is not waited for.
constexpr uint64_t kBodyDrainedBeforeRefusal = 64 << 10;

// How long Stop waits, after the grace, for final answers to be written.
constexpr absl::Duration kFinalDrain = absl::Seconds(1);

bool IsFramingHeader(absl::string_view name) {
  // libmicrohttpd writes these itself.
  return absl::EqualsIgnoreCase(name, "Content-Length") ||
         absl::EqualsIgnoreCase(name, "Transfer-Encoding") ||
         absl::EqualsIgnoreCase(name, "Connection") ||
         absl::EqualsIgnoreCase(name, "Keep-Alive");
}

MHD_Result Queue(MHD_Connection* connection, const HttpResponse& answer,
                 bool close_connection = false) {
  MHD_Response* response = MHD_create_response_from_buffer(
      answer.body.size(), const_cast<char*>(answer.body.data()),
      MHD_RESPMEM_MUST_COPY);
  if (response == nullptr) return MHD_NO;
  for (const HttpHeader& header : answer.headers) {
    if (IsFramingHeader(header.name)) continue;
    MHD_add_response_header(response, header.name.c_str(),
                            header.value.c_str());
  }
  // MHD then closes the connection after the answer instead of reading
  // (and discarding) a body the client may still be sending.
  if (close_connection) {
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONNECTION, "close");
  }
  const MHD_Result result = MHD_queue_response(
      connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return result;
}

MHD_Result QueueText(MHD_Connection* connection, int status,
                     absl::string_view text) {
  return Queue(connection, PlainTextResponse(status, text));
}

MHD_Result CollectHeader(void* cls, MHD_ValueKind /*kind*/, const char* key,
                         size_t key_size, const char* value,
                         size_t value_size) {
  auto* headers = static_cast<std::vector<HttpHeader>*>(cls);
  headers->push_back(
      {std::string(key, key_size),
       value == nullptr ? std::string() : std::string(value, value_size)});
  return MHD_YES;
}

absl::StatusOr<sockaddr_storage> ParseAddress(absl::string_view address,
                                              socklen_t* length) {
  const size_t colon = address.rfind(':');
  int port = 0;
  if (colon == absl::string_view::npos ||
      !absl::SimpleAtoi(address.substr(colon + 1), &port) || port < 0 ||
      port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", address, "\" is not host:port with a numeric host"));
  }
  std::string host(address.substr(0, colon));
  sockaddr_storage storage{};
  if (absl::StartsWith(host, "[") && absl::EndsWith(host, "]")) {
    host = host.substr(1, host.size() - 2);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(static_cast<uint16_t>(port));
      *length = sizeof(sockaddr_in6);
      return storage;
    }
  } else {
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
      v4->sin_family = AF_INET;
      v4->sin_port = htons(static_cast<uint16_t>(port));
      *length = sizeof(sockaddr_in);
      return storage;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", address, "\": the host must be a numeric IP address"));
}

}  // namespace

class HttpServer::Core {
 public:
  Core(HttpServerOptions options, ServerHandler handler)
      : options_(std::move(options)),
        max_body_bytes_(options_.max_body_bytes),
        handler_(std::move(handler)) {}

  absl::Status Start();
  void Stop(absl::Duration grace) ABSL_LOCKS_EXCLUDED(mu_);

  const std::string& address() const { return address_; }
  int port() const { return port_; }
  void set_max_body_bytes(size_t bytes) {
    max_body_bytes_.store(bytes, std::memory_order_relaxed);
  }

 private:
  static void* OnUri(void* cls, const char* uri, MHD_Connection* connection);
  static MHD_Result OnRequest(void* cls, MHD_Connection* connection,
                              const char* url, const char* method,
                              const char* version, const char* upload_data,
                              size_t* upload_data_size, void** context);
  static void OnCompleted(void* cls, MHD_Connection* connection, void** context,
                          MHD_RequestTerminationCode code);
  static void OnConnection(void* cls, MHD_Connection* connection,
                           void** socket_context,
                           MHD_ConnectionNotificationCode code);

  // Arms the head deadline for the next head on `watch`'s connection.
  void ArmHeadDeadline(const WatchRef& watch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(watch->mu);

  MHD_Result Handle(MHD_Connection* connection, Exchange& exchange,
                    const ExchangeRef& ref, const char* method,
                    const char* upload_data, size_t* upload_data_size)
      ABSL_LOCKS_EXCLUDED(mu_);
  MHD_Result Dispatch(MHD_Connection* connection, Exchange& exchange,
                      const ExchangeRef& ref) ABSL_LOCKS_EXCLUDED(mu_);
  void Respond(const ExchangeRef& exchange, HttpResponse response)
      ABSL_LOCKS_EXCLUDED(mu_);

  const HttpServerOptions options_;
  // options_.max_body_bytes until a reload changes it.
  std::atomic<size_t> max_body_bytes_;
  const ServerHandler handler_;
  TimerThread head_timers_;
  std::weak_ptr<Core> self_;
  MHD_Daemon* daemon_ = nullptr;
  std::string address_;
  int port_ = 0;

  absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  // Waiting for their responder; resumed with 503 on Stop, because
  // stopping the daemon with suspended connections is an API violation.
  absl::flat_hash_set<ExchangeRef> suspended_ ABSL_GUARDED_BY(mu_);
  // Handed to the handler and not yet completed (answer not yet written).
  absl::flat_hash_set<ExchangeRef> active_ ABSL_GUARDED_BY(mu_);

  friend class HttpServer;
};

absl::Status HttpServer::Core::Start() {
  socklen_t length = 0;
  absl::StatusOr<sockaddr_storage> bind_address =
      ParseAddress(options_.address, &length);
  if (!bind_address.ok()) return bind_address.status();
  const int family = bind_address->ss_family;
  const int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&*bind_address), length) !=
          0 ||
      listen(fd, SOMAXCONN) != 0) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", options_.address, ": ", std::strerror(error)));
  }
  sockaddr_storage bound{};
  socklen_t bound_length = sizeof(bound);
  getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_length);
  char host[INET6_ADDRSTRLEN] = {};
  if (family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&bound);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    port_ = ntohs(v6->sin6_port);
    address_ = absl::StrCat("[", host, "]:", port_);
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&bound);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    port_ = ntohs(v4->sin_port);
    address_ = absl::StrCat(host, ":", port_);
  }

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_ALLOW_SUSPEND_RESUME;
  if (family == AF_INET6) flags |= MHD_USE_IPv6;
  daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &Core::OnRequest, this,
      MHD_OPTION_LISTEN_SOCKET, fd, MHD_OPTION_URI_LOG_CALLBACK, &Core::OnUri,
      this, MHD_OPTION_NOTIFY_COMPLETED, &Core::OnCompleted, this,
      MHD_OPTION_CONNECTION_TIMEOUT,
      static_cast<unsigned>(absl::ToInt64Seconds(options_.connection_timeout)),
      MHD_OPTION_CONNECTION_LIMIT, options_.connection_limit,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, options_.per_client_connection_limit,
      MHD_OPTION_NOTIFY_CONNECTION, &Core::OnConnection, this, MHD_OPTION_END);
  if (daemon_ == nullptr) {
    close(fd);
    return absl::InternalError(
        absl::StrCat("cannot start the HTTP server on ", address_));
  }
  return absl::OkStatus();
}

void HttpServer::Core::Stop(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_ || stopping_) return;
    stopping_ = true;
  }
  // No new connections from here on; MHD hands the socket back to us.
  const int listen_fd = daemon_ == nullptr ? -1 : MHD_quiesce_daemon(daemon_);
  const auto all_done =
      +[](absl::flat_hash_set<ExchangeRef>* active) { return active->empty(); };
  {
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(all_done, &active_), grace);
    stopped_ = true;
    for (const ExchangeRef& exchange : suspended_) {
      exchange->suspended = false;
      exchange->response = PlainTextResponse(503, "shutting down");
      MHD_resume_connection(exchange->connection);
    }
    suspended_.clear();
    // Let the answers just given (and the 503s) be written before the
    // connections are closed; bounded, as a client may not be reading.
    mu_.AwaitWithTimeout(absl::Condition(all_done, &active_), kFinalDrain);
  }
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
  if (listen_fd >= 0) close(listen_fd);
}

void* HttpServer::Core::OnUri(void* /*cls*/, const char* uri,
                              MHD_Connection* /*connection*/) {
  auto exchange = std::make_shared<Exchange>();
  exchange->target = uri == nullptr ? "" : uri;
  return new ExchangeRef(std::move(exchange));
}

void HttpServer::Core::OnConnection(void* cls, MHD_Connection* connection,
                                    void** socket_context,
                                    MHD_ConnectionNotificationCode code) {
  auto* core = static_cast<Core*>(cls);
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    auto watch = std::make_shared<ConnectionWatch>();
    const MHD_ConnectionInfo* info =
        MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CONNECTION_FD);
    absl::MutexLock lock(&watch->mu);
    watch->fd = info == nullptr ? -1 : info->connect_fd;
    core->ArmHeadDeadline(watch);
    *socket_context = new WatchRef(std::move(watch));
    return;
  }
  // MHD_CONNECTION_NOTIFY_CLOSED, called before MHD closes the socket.
  auto* ref = static_cast<WatchRef*>(*socket_context);
  if (ref == nullptr) return;
  {
    absl::MutexLock lock(&(*ref)->mu);
    (*ref)->closed = true;
  }
  delete ref;
  *socket_context = nullptr;
}

void HttpServer::Core::ArmHeadDeadline(const WatchRef& watch) {
  watch->in_request = false;
  head_timers_.RunAfter(
      options_.head_timeout,
      [weak = std::weak_ptr<ConnectionWatch>(watch), head = watch->heads] {
        const WatchRef watch = weak.lock();
        if (watch == nullptr) return;
        absl::MutexLock lock(&watch->mu);
        if (watch->closed || watch->heads != head || watch->in_request ||
            watch->fd < 0) {
          return;
        }
        shutdown(watch->fd, SHUT_RDWR);
      });
}

namespace {

// The connection's watch (set in OnConnection), or null.
WatchRef* WatchOf(MHD_Connection* connection) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  return info == nullptr ? nullptr
                         : static_cast<WatchRef*>(info->socket_context);
}

}  // namespace

MHD_Result HttpServer::Core::OnRequest(void* cls, MHD_Connection* connection,
                                       const char* url, const char* method,
                                       const char* /*version*/,
                                       const char* upload_data,
                                       size_t* upload_data_size,
                                       void** context) {
  auto* core = static_cast<Core*>(cls);
  if (*context == nullptr) {  // the URI callback always sets it; be safe
    *context = OnUri(nullptr, url, connection);
  }
  const ExchangeRef& ref = *static_cast<ExchangeRef*>(*context);
  return core->Handle(connection, *ref, ref, method, upload_data,
                      upload_data_size);
}

MHD_Result HttpServer::Core::Handle(MHD_Connection* connection,
                                    Exchange& exchange, const ExchangeRef& ref,
                                    const char* method, const char* upload_data,
                                    size_t* upload_data_size) {
  if (!exchange.headers_seen) {
    exchange.headers_seen = true;
    exchange.connection = connection;
    ServerRequest& request = exchange.request;
    request.method = method;
    const size_t question = exchange.target.find('?');
    request.path = exchange.target.substr(0, question);
    if (question != std::string::npos) {
      request.query = exchange.target.substr(question + 1);
    }
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &CollectHeader,
                                &request.headers);
    if (WatchRef* watch = WatchOf(connection); watch != nullptr) {
      absl::MutexLock lock(&(*watch)->mu);
      (*watch)->in_request = true;
      ++(*watch)->heads;
    }
    const auto length = FindHeader(request.headers, "Content-Length");
    uint64_t declared = 0;
    const bool has_length =
        length.has_value() && absl::SimpleAtoi(*length, &declared);
    const bool chunked =
        !has_length &&
        FindHeader(request.headers, "Transfer-Encoding").has_value();
    const size_t max_body_bytes =
        max_body_bytes_.load(std::memory_order_relaxed);
    if ((has_length && declared > max_body_bytes) ||
        (chunked && max_body_bytes == 0)) {
      exchange.refused_at_head = true;
      return Queue(connection, PlainTextResponse(413, "request body too large"),
                   /*close_connection=*/true);
    }
    if (options_.head_check) {
      if (std::optional<HttpResponse> refusal = options_.head_check(request)) {
        exchange.refused_at_head = true;
        // A small announced body is read (and dropped) before the answer:
        // closing a socket with unread data makes the kernel send a reset,
        // which can destroy the answer before a client still sending reads
        // it -- and a webhook sender retries a reset, not a 401. A large or
        // chunked body is not waited for.
        if (!chunked && declared <= kBodyDrainedBeforeRefusal) {
          exchange.pending_refusal = *std::move(refusal);
          return MHD_YES;
        }
        return Queue(connection, *refusal, /*close_connection=*/true);
      }
    }
    return MHD_YES;
  }
  if (exchange.refused_at_head) {
    // Refused from the head; whatever body arrives is not kept.
    if (*upload_data_size != 0) {
      *upload_data_size = 0;
      return MHD_YES;
    }
    if (!exchange.pending_refusal.has_value()) return MHD_YES;
    HttpResponse refusal = *std::move(exchange.pending_refusal);
    exchange.pending_refusal.reset();
    return Queue(connection, refusal, /*close_connection=*/true);
  }
  if (*upload_data_size != 0) {
    // Chunked bodies have no declared length: count as they arrive and
    // drop what is over the limit rather than buffer it.
    if (!exchange.too_large &&
        exchange.request.body.size() + *upload_data_size >
            max_body_bytes_.load(std::memory_order_relaxed)) {
      exchange.too_large = true;
      exchange.request.body.clear();
      exchange.request.body.shrink_to_fit();
    }
    if (!exchange.too_large) {
      exchange.request.body.append(upload_data, *upload_data_size);
    }
    *upload_data_size = 0;
    return MHD_YES;
  }
  if (exchange.too_large) {
    return QueueText(connection, 413, "request body too large");
  }
  if (!exchange.dispatched) return Dispatch(connection, exchange, ref);
  // Resumed: the responder has left the answer.
  HttpResponse answer;
  {
    absl::MutexLock lock(&mu_);
    answer = std::move(*exchange.response);
  }
  return Queue(connection, answer);
}

MHD_Result HttpServer::Core::Dispatch(MHD_Connection* connection,
                                      Exchange& exchange,
                                      const ExchangeRef& ref) {
  exchange.dispatched = true;
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return QueueText(connection, 503, "shutting down");
    active_.insert(ref);
  }
  std::shared_ptr<Core> self = self_.lock();
  handler_(std::move(exchange.request),
           [self, ref](HttpResponse response) mutable {
             self->Respond(ref, std::move(response));
           });
  HttpResponse inline_answer;
  {
    absl::MutexLock lock(&mu_);
    if (!exchange.response.has_value() && stopped_) {
      // Stop ran while the handler did: it may not find this connection
      // suspended, and stopping the daemon with one suspended aborts.
      exchange.response = PlainTextResponse(503, "shutting down");
    }
    if (!exchange.response.has_value()) {
      // Answered later, from another thread: park the connection.
      exchange.suspended = true;
      suspended_.insert(ref);
      MHD_suspend_connection(connection);
      return MHD_YES;
    }
    inline_answer = std::move(*exchange.response);
  }
  return Queue(connection, inline_answer);
}

void HttpServer::Core::Respond(const ExchangeRef& exchange,
                               HttpResponse response) {
  absl::MutexLock lock(&mu_);
  if (exchange->finished || exchange->response.has_value()) return;
  exchange->response = std::move(response);
  if (exchange->suspended) {
    exchange->suspended = false;
    suspended_.erase(exchange);
    MHD_resume_connection(exchange->connection);
  }
}

void HttpServer::Core::OnCompleted(void* cls, MHD_Connection* connection,
                                   void** context,
                                   MHD_RequestTerminationCode /*code*/) {
  auto* core = static_cast<Core*>(cls);
  // A kept-alive connection's next head gets the same deadline.
  if (WatchRef* watch = WatchOf(connection); watch != nullptr) {
    absl::MutexLock lock(&(*watch)->mu);
    if (!(*watch)->closed) core->ArmHeadDeadline(*watch);
  }
  auto* ref = static_cast<ExchangeRef*>(*context);
  if (ref == nullptr) return;
  {
    absl::MutexLock lock(&core->mu_);
    (*ref)->finished = true;
    if ((*ref)->suspended) core->suspended_.erase(*ref);
    core->active_.erase(*ref);
  }
  delete ref;
  *context = nullptr;
}

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    HttpServerOptions options, ServerHandler handler) {
  auto core = std::make_shared<Core>(std::move(options), std::move(handler));
  core->self_ = core;
  if (absl::Status started = core->Start(); !started.ok()) return started;
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(core)));
}

HttpServer::~HttpServer() { Stop(); }

const std::string& HttpServer::address() const { return core_->address(); }
int HttpServer::port() const { return core_->port(); }
void HttpServer::Stop(absl::Duration grace) { core_->Stop(grace); }
void HttpServer::SetMaxBodyBytes(size_t bytes) {
  core_->set_max_body_bytes(bytes);
}

}  // namespace signet
