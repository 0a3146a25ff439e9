#include "fleet/hiredis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace signet {

class HiredisClient::Connection final
    : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Options options, std::string host, int port, int wake_fd)
      : options_(std::move(options)),
        host_(std::move(host)),
        port_(port),
        wake_fd_(wake_fd),
        backoff_(options_.min_backoff) {}
  ~Connection() { close(wake_fd_); }

  void Begin() {
    thread_ = std::thread([self = shared_from_this()] { self->Loop(); });
  }
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);
  void Command(std::vector<std::string> argv, Callback done)
      ABSL_LOCKS_EXCLUDED(mu_);
  bool connected() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Pending {
    Connection* client;
    std::vector<std::string> argv;
    Callback done;
    absl::Time deadline;
  };

  void Loop();
  void Connect();
  void ScheduleReconnect() ABSL_LOCKS_EXCLUDED(mu_);
  void MarkReady() ABSL_LOCKS_EXCLUDED(mu_);
  void SendQueued() ABSL_LOCKS_EXCLUDED(mu_);
  // Closes the connection, failing every command sent on it with `why`.
  void Drop(const absl::Status& why);
  void ExpireOverdue(absl::Time now) ABSL_LOCKS_EXCLUDED(mu_);
  void FailQueued(const absl::Status& why) ABSL_LOCKS_EXCLUDED(mu_);
  void Send(std::unique_ptr<Pending> pending);
  absl::Time NextWake() const;

  // hiredis callbacks (C function pointers; `data` is the client).
  static void OnConnect(const redisAsyncContext* context, int status);
  static void OnDisconnect(const redisAsyncContext* context, int status);
  static void OnReply(redisAsyncContext* context, void* reply, void* data);
  static void OnAuthReply(redisAsyncContext* context, void* reply, void* data);

  const Options options_;
  const std::string host_;  // or the unix socket path
  const int port_;          // 0 for a unix socket
  const int wake_fd_;       // eventfd: Command and the destructor wake Loop

  mutable absl::Mutex mu_;
  std::vector<std::unique_ptr<Pending>> queued_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool connected_ ABSL_GUARDED_BY(mu_) = false;

  // The rest is the loop thread's own.
  redisAsyncContext* context_ = nullptr;
  bool want_read_ = false;
  bool want_write_ = false;
  bool ready_ = false;  // connected and, with a password, authenticated
  absl::Time connect_deadline_ = absl::InfiniteFuture();
  absl::Time reconnect_at_ = absl::InfinitePast();
  absl::Duration backoff_;
  absl::Status drop_reason_;     // what NULL replies of a dropped context mean
  bool drop_requested_ = false;  // set inside a hiredis callback
  // The commands sent on context_, oldest first: their replies, in order.
  std::deque<Pending*> in_flight_;

  std::thread thread_;
};

namespace {

RedisReply Convert(const redisReply& reply) {
  RedisReply out;
  switch (reply.type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_STATUS:
    case REDIS_REPLY_ERROR:  // only inside an array (EXEC); top level is a
                             // status
      out.type = RedisReply::Type::kStatus;
      out.text.assign(reply.str, reply.len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.number = reply.integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < reply.elements; ++i) {
        out.elements.push_back(Convert(*reply.element[i]));
      }
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

template <typename Connection>
Connection* ClientOf(const redisAsyncContext* context) {
  return static_cast<Connection*>(context->data);
}

}  // namespace

absl::StatusOr<std::unique_ptr<HiredisClient>> HiredisClient::Start(
    Options options) {
  std::string host;
  int port = 0;
  if (absl::StartsWith(options.address, "unix:")) {
    host = options.address.substr(5);
    if (host.empty() || host[0] != '/') {
      return absl::InvalidArgumentError(
          "redis address unix:PATH needs an absolute path");
    }
  } else {
    const size_t colon = options.address.rfind(':');
    if (colon == std::string::npos || colon == 0 ||
        !absl::SimpleAtoi(absl::string_view(options.address).substr(colon + 1),
                          &port) ||
        port < 1 || port > 65535) {
      return absl::InvalidArgumentError(
          absl::StrCat("redis address '", options.address,
                       "' is not host:port or unix:/path"));
    }
    host = options.address.substr(0, colon);
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("redis timeout must be positive");
  }
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) return absl::InternalError("eventfd failed");
  auto connection = std::make_shared<Connection>(
      std::move(options), std::move(host), port, wake_fd);
  connection->Begin();
  return std::unique_ptr<HiredisClient>(
      new HiredisClient(std::move(connection)));
}

HiredisClient::~HiredisClient() { connection_->Stop(); }

void HiredisClient::Command(std::vector<std::string> argv, Callback done) {
  connection_->Command(std::move(argv), std::move(done));
}

bool HiredisClient::connected() const { return connection_->connected(); }

void HiredisClient::Connection::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
  if (std::this_thread::get_id() == thread_.get_id()) {
    // Called from a callback on the loop thread: the loop ends by itself
    // when the callback returns, and its share keeps this alive until then.
    thread_.detach();
    return;
  }
  thread_.join();
  // Anything a caller queued while the loop was ending.
  FailQueued(absl::CancelledError("redis client shut down"));
}

void HiredisClient::Connection::Command(std::vector<std::string> argv,
                                        Callback done) {
  auto pending = std::make_unique<Pending>();
  pending->client = this;
  pending->argv = std::move(argv);
  pending->done = std::move(done);
  pending->deadline = absl::Now() + options_.timeout;
  {
    absl::MutexLock lock(&mu_);
    queued_.push_back(std::move(pending));
  }
  const uint64_t one = 1;
  (void)!write(wake_fd_, &one, sizeof(one));
}

bool HiredisClient::Connection::connected() const {
  absl::MutexLock lock(&mu_);
  return connected_;
}

void HiredisClient::Connection::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) break;
    }
    const absl::Time now = absl::Now();
    if (context_ == nullptr && now >= reconnect_at_) Connect();
    if (ready_) {
      SendQueued();
    } else if (context_ == nullptr) {
      // Nothing waits for Redis to come back: the callers fall back.
      FailQueued(absl::UnavailableError("redis: not connected"));
    }
    ExpireOverdue(now);

    pollfd fds[2] = {{wake_fd_, POLLIN, 0}, {-1, 0, 0}};
    nfds_t count = 1;
    if (context_ != nullptr) {
      fds[1].fd = context_->c.fd;
      fds[1].events = static_cast<short>((want_read_ ? POLLIN : 0) |
                                         (want_write_ ? POLLOUT : 0));
      count = 2;
    }
    const absl::Duration wait = std::clamp(
        NextWake() - absl::Now(), absl::ZeroDuration(), absl::Seconds(1));
    poll(fds, count,
         static_cast<int>(absl::ToInt64Milliseconds(
             absl::Ceil(wait, absl::Milliseconds(1)))));
    if (fds[0].revents != 0) {
      uint64_t drained;
      (void)!read(wake_fd_, &drained, sizeof(drained));
    }
    if (count == 2 && context_ != nullptr) {
      // Either call may free the context (hiredis frees it on an error and
      // OnConnect/OnDisconnect then clear context_).
      if (fds[1].revents & (POLLIN | POLLERR | POLLHUP)) {
        redisAsyncHandleRead(context_);
      }
      if (context_ != nullptr && (fds[1].revents & (POLLOUT | POLLERR))) {
        redisAsyncHandleWrite(context_);
      }
    }
    if (drop_requested_) {
      drop_requested_ = false;
      Drop(drop_reason_);
    }
  }
  Drop(absl::CancelledError("redis client shut down"));
  FailQueued(absl::CancelledError("redis client shut down"));
}

void HiredisClient::Connection::Connect() {
  ready_ = false;
  drop_reason_ = absl::OkStatus();
  want_read_ = want_write_ = false;
  redisAsyncContext* context = port_ != 0
                                   ? redisAsyncConnect(host_.c_str(), port_)
                                   : redisAsyncConnectUnix(host_.c_str());
  if (context == nullptr || context->err != 0) {
    if (context != nullptr) redisAsyncFree(context);
    ScheduleReconnect();
    return;
  }
  context_ = context;
  context_->data = this;
  context_->ev.data = this;
  context_->ev.addRead = [](void* self) {
    static_cast<Connection*>(self)->want_read_ = true;
  };
  context_->ev.delRead = [](void* self) {
    static_cast<Connection*>(self)->want_read_ = false;
  };
  context_->ev.addWrite = [](void* self) {
    static_cast<Connection*>(self)->want_write_ = true;
  };
  context_->ev.delWrite = [](void* self) {
    static_cast<Connection*>(self)->want_write_ = false;
  };
  context_->ev.cleanup = [](void* self) {
    auto* client = static_cast<Connection*>(self);
    client->want_read_ = client->want_write_ = false;
  };
  redisAsyncSetConnectCallback(context_, &Connection::OnConnect);
  redisAsyncSetDisconnectCallback(context_, &Connection::OnDisconnect);
  connect_deadline_ = absl::Now() + options_.timeout;
}

void HiredisClient::Connection::ScheduleReconnect() {
  ready_ = false;
  connect_deadline_ = absl::InfiniteFuture();
  reconnect_at_ = absl::Now() + backoff_;
  backoff_ = std::min(backoff_ * 2, options_.max_backoff);
  absl::MutexLock lock(&mu_);
  connected_ = false;
}

void HiredisClient::Connection::MarkReady() {
  ready_ = true;
  connect_deadline_ = absl::InfiniteFuture();
  backoff_ = options_.min_backoff;
  absl::MutexLock lock(&mu_);
  connected_ = true;
}

void HiredisClient::Connection::OnConnect(const redisAsyncContext* context,
                                          int status) {
  Connection* self = ClientOf<Connection>(context);
  if (status != REDIS_OK) {
    // hiredis frees a context that failed to connect, without OnDisconnect.
    self->context_ = nullptr;
    self->want_read_ = self->want_write_ = false;
    self->ScheduleReconnect();
    return;
  }
  if (self->options_.password.empty()) {
    self->MarkReady();
    return;
  }
  const absl::string_view password = self->options_.password.Reveal();
  const char* argv[] = {"AUTH", password.data()};
  const size_t lengths[] = {4, password.size()};
  redisAsyncCommandArgv(self->context_, &Connection::OnAuthReply, self, 2, argv,
                        lengths);
}

void HiredisClient::Connection::OnAuthReply(redisAsyncContext* /*context*/,
                                            void* reply, void* data) {
  auto* self = static_cast<Connection*>(data);
  if (reply == nullptr) return;  // the connection is going away anyway
  const auto* answer = static_cast<const redisReply*>(reply);
  if (answer->type == REDIS_REPLY_STATUS &&
      absl::string_view(answer->str, answer->len) == "OK") {
    self->MarkReady();
    return;
  }
  // Freeing the context from inside its callback is deferred to Loop.
  self->drop_reason_ = absl::UnavailableError("redis: AUTH refused");
  self->drop_requested_ = true;
}

void HiredisClient::Connection::OnDisconnect(const redisAsyncContext* context,
                                             int /*status*/) {
  Connection* self = ClientOf<Connection>(context);
  if (self->context_ != context) return;  // Drop cleared it already
  self->context_ = nullptr;
  self->want_read_ = self->want_write_ = false;
  self->ScheduleReconnect();
}

void HiredisClient::Connection::OnReply(redisAsyncContext* /*context*/,
                                        void* reply, void* data) {
  std::unique_ptr<Pending> pending(static_cast<Pending*>(data));
  Connection* self = pending->client;
  // Replies come in the order the commands were sent.
  if (!self->in_flight_.empty() && self->in_flight_.front() == pending.get()) {
    self->in_flight_.pop_front();
  }
  const std::string& name = pending->argv.empty() ? "" : pending->argv[0];
  absl::StatusOr<RedisReply> result;
  if (reply == nullptr) {
    result = self->drop_reason_.ok()
                 ? absl::UnavailableError("redis: connection lost")
                 : self->drop_reason_;
  } else {
    const auto* answer = static_cast<const redisReply*>(reply);
    if (answer->type == REDIS_REPLY_ERROR) {
      result = absl::FailedPreconditionError(absl::StrCat(
          "redis ", name, ": ", absl::string_view(answer->str, answer->len)));
    } else {
      result = Convert(*answer);
    }
  }
  std::move(pending->done)(std::move(result));
}

void HiredisClient::Connection::SendQueued() {
  std::vector<std::unique_ptr<Pending>> queued;
  {
    absl::MutexLock lock(&mu_);
    queued.swap(queued_);
  }
  for (std::unique_ptr<Pending>& pending : queued) {
    if (!ready_) {  // a send failed and dropped the connection
      std::move(pending->done)(absl::UnavailableError("redis: not connected"));
      continue;
    }
    Send(std::move(pending));
  }
}

void HiredisClient::Connection::Send(std::unique_ptr<Pending> pending) {
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const std::string& arg : pending->argv) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  Pending* raw = pending.release();
  in_flight_.push_back(raw);
  if (redisAsyncCommandArgv(context_, &Connection::OnReply, raw,
                            static_cast<int>(argv.size()), argv.data(),
                            lengths.data()) != REDIS_OK) {
    in_flight_.pop_back();
    std::unique_ptr<Pending> failed(raw);
    std::move(failed->done)(absl::UnavailableError("redis: not connected"));
  }
}

void HiredisClient::Connection::Drop(const absl::Status& why) {
  if (context_ == nullptr) return;
  redisAsyncContext* context = context_;
  context_ = nullptr;  // OnDisconnect, if hiredis calls it, finds it done
  drop_reason_ = why;
  redisAsyncFree(context);  // fails every command in flight with `why`
  in_flight_.clear();
  want_read_ = want_write_ = false;
  ScheduleReconnect();
}

void HiredisClient::Connection::ExpireOverdue(absl::Time now) {
  if (context_ != nullptr && !ready_ && now >= connect_deadline_) {
    Drop(absl::UnavailableError("redis: no connection within the timeout"));
  }
  if (!in_flight_.empty() && in_flight_.front()->deadline <= now) {
    // Everything behind it is stuck behind it: replies come in order.
    Drop(absl::DeadlineExceededError("redis: no reply within the timeout"));
  }
  std::vector<std::unique_ptr<Pending>> expired;
  {
    absl::MutexLock lock(&mu_);
    auto late = std::stable_partition(
        queued_.begin(), queued_.end(),
        [now](const std::unique_ptr<Pending>& p) { return p->deadline > now; });
    std::move(late, queued_.end(), std::back_inserter(expired));
    queued_.erase(late, queued_.end());
  }
  for (std::unique_ptr<Pending>& pending : expired) {
    std::move(pending->done)(
        absl::DeadlineExceededError("redis: no connection within the timeout"));
  }
}

void HiredisClient::Connection::FailQueued(const absl::Status& why) {
  std::vector<std::unique_ptr<Pending>> queued;
  {
    absl::MutexLock lock(&mu_);
    queued.swap(queued_);
  }
  for (std::unique_ptr<Pending>& pending : queued) {
    std::move(pending->done)(why);
  }
}

absl::Time HiredisClient::Connection::NextWake() const {
  absl::Time wake = context_ == nullptr ? reconnect_at_ : connect_deadline_;
  if (!in_flight_.empty()) wake = std::min(wake, in_flight_.front()->deadline);
  return wake;
}

}  // namespace signet
