#include "emulator/emulator_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace signet::emulator {

// One request, from its URI to its completion. MHD hands the same pointer
// to every call of the access handler for that request.
struct EmulatorServer::Exchange {
  HttpRequest request;
  bool head_read = false;
  bool too_large = false;
  // Handled once and held (see Hold): the next call is the resumption.
  bool held = false;
};

namespace {

// Lets clients reuse a connection across a whole test or load run.
constexpr unsigned kIdleTimeoutSeconds = 30;
// Well above what one test or load run opens; MHD's default (FD_SETSIZE - 4)
// would refuse a soak test's clients.
constexpr unsigned kConnectionLimit = 16384;
// No upstream contract carries more; a larger body is refused, not stored.
constexpr size_t kMaxBodyBytes = 8 << 20;

// RFC 9110 section 5.5: a field value excludes the whitespace around it.
// MHD 0.9.75 drops the leading whitespace but keeps the trailing.
absl::string_view StripOws(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

MHD_Result CollectHeader(void* cls, MHD_ValueKind /*kind*/, const char* key,
                         size_t key_size, const char* value,
                         size_t value_size) {
  auto* headers =
      static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  const absl::string_view raw_value =
      value == nullptr ? absl::string_view()
                       : absl::string_view(value, value_size);
  headers->emplace_back(std::string(key, key_size),
                        std::string(StripOws(raw_value)));
  return MHD_YES;
}

void ReadClientAddress(MHD_Connection* connection, HttpRequest& request) {
  const MHD_ConnectionInfo* info =
      MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (info == nullptr || info->client_addr == nullptr) return;
  char host[INET6_ADDRSTRLEN] = {};
  if (info->client_addr->sa_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(info->client_addr);
    inet_ntop(AF_INET6, &v6->sin6_addr, host, sizeof(host));
    request.remote_port = ntohs(v6->sin6_port);
  } else {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(info->client_addr);
    inet_ntop(AF_INET, &v4->sin_addr, host, sizeof(host));
    request.remote_port = ntohs(v4->sin_port);
  }
  request.remote_addr = host;
}

// Serves a body that stops short of the declared length: once it is
// written, MHD closes the connection.
ssize_t ReadShortBody(void* cls, uint64_t pos, char* buf, size_t max) {
  const auto* body = static_cast<const std::string*>(cls);
  if (pos >= body->size()) return MHD_CONTENT_READER_END_WITH_ERROR;
  const size_t n = std::min(max, body->size() - static_cast<size_t>(pos));
  std::memcpy(buf, body->data() + pos, n);
  return static_cast<ssize_t>(n);
}

void FreeShortBody(void* cls) { delete static_cast<std::string*>(cls); }

MHD_Result Queue(MHD_Connection* connection, const HttpResponse& answer) {
  MHD_Response* response = nullptr;
  if (answer.declared_length.has_value() &&
      *answer.declared_length > answer.body.size()) {
    response = MHD_create_response_from_callback(
        *answer.declared_length, answer.body.size() + 1, &ReadShortBody,
        new std::string(answer.body), &FreeShortBody);
  } else {
    response = MHD_create_response_from_buffer(
        answer.body.size(), const_cast<char*>(answer.body.data()),
        MHD_RESPMEM_MUST_COPY);
  }
  if (response == nullptr) return MHD_NO;
  for (const auto& [name, value] : answer.headers) {
    MHD_add_response_header(response, name.c_str(), value.c_str());
  }
  const MHD_Result result = MHD_queue_response(
      connection, static_cast<unsigned>(answer.status), response);
  MHD_destroy_response(response);
  return result;
}

absl::StatusOr<int> Listen(const std::string& host, int port) {
  sockaddr_storage address{};
  socklen_t length = 0;
  if (auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
      inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in);
  } else if (auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
             inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    length = sizeof(sockaddr_in6);
  } else {
    return absl::InvalidArgumentError(absl::StrCat("not an address: ", host));
  }
  // Non-blocking: every pool thread accepts from this socket, and one that
  // lost the race must not block in accept(2).
  const int fd =
      socket(address.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  // SO_REUSEADDR only: SO_REUSEPORT would let a second emulator bind the
  // same fixed port and silently take half the connections.
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (bind(fd, reinterpret_cast<const sockaddr*>(&address), length) != 0 ||
      listen(fd, SOMAXCONN) != 0) {
    const int error = errno;
    close(fd);
    return absl::UnavailableError(std::strerror(error));
  }
  return fd;
}

int BoundPort(int fd) {
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    return -1;
  }
  if (bound.ss_family == AF_INET6) {
    return ntohs(reinterpret_cast<const sockaddr_in6*>(&bound)->sin6_port);
  }
  return ntohs(reinterpret_cast<const sockaddr_in*>(&bound)->sin_port);
}

}  // namespace

EmulatorServer::EmulatorServer(RequestHandler handler)
    : handler_(std::move(handler)) {}

absl::StatusOr<std::unique_ptr<EmulatorServer>> EmulatorServer::Start(
    const std::string& host, int port, int threads, RequestHandler handler) {
  absl::StatusOr<int> fd = Listen(host, port);
  if (!fd.ok()) {
    return absl::Status(fd.status().code(),
                        absl::StrCat("cannot listen on ", host, ":", port, ": ",
                                     fd.status().message()));
  }
  std::unique_ptr<EmulatorServer> server(
      new EmulatorServer(std::move(handler)));
  server->listen_fd_ = *fd;
  server->port_ = BoundPort(*fd);
  // MHD's own Date header cannot be turned off per response; the router
  // writes it where the upstream would (and --send_date_header allows).
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_ALLOW_SUSPEND_RESUME | MHD_USE_SUPPRESS_DATE_NO_CLOCK;
  if (host.find(':') != std::string::npos) flags |= MHD_USE_IPv6;
  // --threads=1 is MHD's single polling thread, which it asks for as a pool
  // of size 0.
  const unsigned pool_size = threads > 1 ? static_cast<unsigned>(threads) : 0;
  server->daemon_ = MHD_start_daemon(
      flags, 0, nullptr, nullptr, &EmulatorServer::OnRequest, server.get(),
      MHD_OPTION_LISTEN_SOCKET, *fd, MHD_OPTION_URI_LOG_CALLBACK,
      &EmulatorServer::OnUri, server.get(), MHD_OPTION_NOTIFY_COMPLETED,
      &EmulatorServer::OnCompleted, server.get(), MHD_OPTION_CONNECTION_TIMEOUT,
      kIdleTimeoutSeconds, MHD_OPTION_CONNECTION_LIMIT, kConnectionLimit,
      MHD_OPTION_THREAD_POOL_SIZE, pool_size, MHD_OPTION_END);
  if (server->daemon_ == nullptr) {
    return absl::InternalError(
        absl::StrCat("cannot start the HTTP server on ", host, ":", port));
  }
  // MHD_stop_daemon closes the listening socket.
  server->listen_fd_ = -1;
  return server;
}

EmulatorServer::~EmulatorServer() {
  Stop();
  if (listen_fd_ >= 0) close(listen_fd_);
}

void EmulatorServer::Stop() {
  held_.Stop();
  if (daemon_ != nullptr) MHD_stop_daemon(daemon_);
  daemon_ = nullptr;
}

void* EmulatorServer::OnUri(void* /*cls*/, const char* uri,
                            MHD_Connection* /*connection*/) {
  auto* exchange = new Exchange();
  ParseTarget(uri == nullptr ? "" : uri, exchange->request);
  return exchange;
}

MHD_Result EmulatorServer::OnRequest(void* cls, MHD_Connection* connection,
                                     const char* url, const char* method,
                                     const char* /*version*/,
                                     const char* upload_data,
                                     size_t* upload_data_size, void** context) {
  auto* server = static_cast<EmulatorServer*>(cls);
  if (*context == nullptr) *context = OnUri(nullptr, url, connection);
  return server->Handle(connection, *static_cast<Exchange*>(*context), method,
                        upload_data, upload_data_size);
}

MHD_Result EmulatorServer::Handle(MHD_Connection* connection,
                                  Exchange& exchange, const char* method,
                                  const char* upload_data,
                                  size_t* upload_data_size) {
  HttpRequest& request = exchange.request;
  if (!exchange.head_read) {
    exchange.head_read = true;
    request.method = method;
    // Wire order, repeats included; MHD does not decode header values.
    MHD_get_connection_values_n(connection, MHD_HEADER_KIND, &CollectHeader,
                                &request.headers);
    ReadClientAddress(connection, request);
    return MHD_YES;
  }
  if (*upload_data_size != 0) {
    if (request.body.size() + *upload_data_size > kMaxBodyBytes) {
      exchange.too_large = true;
      request.body.clear();
    }
    if (!exchange.too_large)
      request.body.append(upload_data, *upload_data_size);
    *upload_data_size = 0;
    return MHD_YES;
  }
  HttpResponse response;
  if (exchange.too_large) {
    response.status = 413;
    response.SetContent("request body too large", "text/plain");
    return Queue(connection, response);
  }
  request.resumed = exchange.held;
  absl::optional<Hold> hold = handler_(request, response);
  if (hold.has_value() && !request.resumed) {
    if (held_.Suspend(connection, *std::move(hold))) {
      exchange.held = true;
      return MHD_YES;
    }
    // Stopping: no holds any more, answer now.
    request.resumed = true;
    response = HttpResponse();
    handler_(request, response);
  }
  return Queue(connection, response);
}

void EmulatorServer::OnCompleted(void* /*cls*/, MHD_Connection* /*connection*/,
                                 void** context,
                                 MHD_RequestTerminationCode /*code*/) {
  delete static_cast<Exchange*>(*context);
  *context = nullptr;
}

}  // namespace signet::emulator
