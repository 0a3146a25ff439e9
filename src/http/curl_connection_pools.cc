#include "http/curl_connection_pools.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <utility>

#include "common/status_macros.h"
#include "http/curl_status.h"

namespace signet {
namespace {

// HTTP/2 streams per connection, as far as the server allows (curl's
// default is 100): a slow upstream then needs few connections.
constexpr long kMaxConcurrentStreams = 1000;  // NOLINT(runtime/int)

uint64_t Tag(uint32_t pool, int fd) {
  return (static_cast<uint64_t>(pool) << 32) | static_cast<uint32_t>(fd);
}

}  // namespace

// One curl multi handle and its connection cache.
struct CurlConnectionPools::Pool {
  Pool(CurlConnectionPools* owner, uint32_t index)
      : owner(owner), index(index) {}

  CurlConnectionPools* const owner;
  const uint32_t index;  // tags its sockets' epoll events
  CurlMultiPtr multi;
  size_t transfers = 0;  // added and not yet removed
  // When curl next wants CURL_SOCKET_TIMEOUT, if it does.
  std::optional<std::chrono::steady_clock::time_point> timer;

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

CurlConnectionPools::Fd::~Fd() {
  if (value >= 0) close(value);
}

CurlConnectionPools::CurlConnectionPools() = default;
CurlConnectionPools::~CurlConnectionPools() = default;

absl::StatusOr<std::unique_ptr<CurlConnectionPools>>
CurlConnectionPools::Create(const Limits& limits) {
  std::unique_ptr<CurlConnectionPools> pools(new CurlConnectionPools());
  pools->max_idle_handles_ = limits.max_idle_handles;
  pools->share_.reset(curl_share_init());
  if (pools->share_ == nullptr) {
    return absl::ResourceExhaustedError("curl_share_init failed");
  }
  // Only the I/O thread uses the share, so it needs no lock callbacks.
  SIGNET_RETURN_IF_ERROR(CurlShareCodeToStatus(
      curl_share_setopt(pools->share_.get(), CURLSHOPT_SHARE,
                        CURL_LOCK_DATA_SSL_SESSION),
      "curl_share_setopt(CURL_LOCK_DATA_SSL_SESSION)"));
  SIGNET_RETURN_IF_ERROR(CurlShareCodeToStatus(
      curl_share_setopt(pools->share_.get(), CURLSHOPT_SHARE,
                        CURL_LOCK_DATA_DNS),
      "curl_share_setopt(CURL_LOCK_DATA_DNS)"));

  pools->epoll_.value = epoll_create1(EPOLL_CLOEXEC);
  pools->wake_.value = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (pools->epoll_.value < 0 || pools->wake_.value < 0) {
    return absl::ResourceExhaustedError("epoll_create1 or eventfd failed");
  }
  epoll_event wake_event{};
  wake_event.events = EPOLLIN;
  wake_event.data.u64 = Tag(kWakeTag, pools->wake_.value);
  if (epoll_ctl(pools->epoll_.value, EPOLL_CTL_ADD, pools->wake_.value,
                &wake_event) != 0) {
    return absl::InternalError("epoll_ctl(eventfd) failed");
  }
  for (long i = 0; i < limits.pools; ++i) {  // NOLINT(runtime/int)
    SIGNET_RETURN_IF_ERROR(pools->AddPool(static_cast<uint32_t>(i), limits));
  }
  return pools;
}

absl::Status CurlConnectionPools::AddPool(uint32_t index,
                                          const Limits& limits) {
  auto pool = std::make_unique<Pool>(this, index);
  pool->multi.reset(curl_multi_init());
  if (pool->multi == nullptr) {
    return absl::ResourceExhaustedError("curl_multi_init failed");
  }
  CURLM* multi = pool->multi.get();
  Pool* const data = pool.get();
  SIGNET_RETURN_IF_ERROR(
      CurlMultiCodeToStatus(curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION,
                                              &CurlConnectionPools::OnSocket),
                            "curl_multi_setopt(CURLMOPT_SOCKETFUNCTION)"));
  SIGNET_RETURN_IF_ERROR(
      CurlMultiCodeToStatus(curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, data),
                            "curl_multi_setopt(CURLMOPT_SOCKETDATA)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, &Pool::OnTimer),
      "curl_multi_setopt(CURLMOPT_TIMERFUNCTION)"));
  SIGNET_RETURN_IF_ERROR(
      CurlMultiCodeToStatus(curl_multi_setopt(multi, CURLMOPT_TIMERDATA, data),
                            "curl_multi_setopt(CURLMOPT_TIMERDATA)"));
  SIGNET_RETURN_IF_ERROR(
      CurlMultiCodeToStatus(curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS,
                                              limits.max_connections_per_pool),
                            "curl_multi_setopt(CURLMOPT_MAXCONNECTS)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS,
                        limits.max_host_connections),
      "curl_multi_setopt(CURLMOPT_MAX_HOST_CONNECTIONS)"));
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_setopt(multi, CURLMOPT_MAX_CONCURRENT_STREAMS,
                        kMaxConcurrentStreams),
      "curl_multi_setopt(CURLMOPT_MAX_CONCURRENT_STREAMS)"));
  pools_.push_back(std::move(pool));
  return absl::OkStatus();
}

void CurlConnectionPools::Wake() const {
  const uint64_t one = 1;
  (void)!write(wake_.value, &one, sizeof(one));
}

void CurlConnectionPools::DrainWakeups(const epoll_event* events,
                                       int ready) const {
  for (int i = 0; i < ready; ++i) {
    if (events[i].data.u64 >> 32 == kWakeTag) {
      uint64_t count = 0;
      (void)!read(wake_.value, &count, sizeof(count));
    }
  }
}

void CurlConnectionPools::Unwatch(curl_socket_t socket) {
  const size_t slot = static_cast<size_t>(socket);
  if (slot < watched_.size() && watched_[slot]) {
    (void)epoll_ctl(epoll_.value, EPOLL_CTL_DEL, socket, nullptr);
    watched_[slot] = false;
  }
  // Its number may be reused at once; events already taken for it in this
  // batch belong to the old socket.
  removed_in_batch_.push_back(socket);
}

// curl 7.88 sometimes closes a socket first and reports it removed after
// (curl_multi_remove_handle), when its number may already name another
// thread's new descriptor (TSan caught an in-process server's accept): so
// the socket leaves the set here, before the close, and the late report
// finds it gone.
int CurlConnectionPools::OnCloseSocket(void* userp, curl_socket_t socket) {
  static_cast<CurlConnectionPools*>(userp)->Unwatch(socket);
  return close(socket);
}

// CURLMOPT_SOCKETFUNCTION: mirrors curl's interest in a socket in epoll.
int CurlConnectionPools::OnSocket(CURL* /*easy*/, curl_socket_t socket,
                                  int what, void* userp, void* /*socketp*/) {
  auto* pool = static_cast<Pool*>(userp);
  CurlConnectionPools* self = pool->owner;
  if (socket < 0) return 0;
  const size_t slot = static_cast<size_t>(socket);
  if (slot >= self->watched_.size()) self->watched_.resize(slot + 1, false);
  if (what == CURL_POLL_REMOVE) {
    self->Unwatch(socket);
    return 0;
  }
  epoll_event event{};
  event.data.u64 = Tag(pool->index, socket);
  if (what & CURL_POLL_IN) event.events |= EPOLLIN;
  if (what & CURL_POLL_OUT) event.events |= EPOLLOUT;
  const int epoll = self->epoll_.value;
  if (self->watched_[slot] &&
      epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0) {
    return 0;
  }
  // Not watched, or `watched_` went stale (a descriptor closed behind
  // curl's back leaves the set on its own). On failure the socket's
  // transfers end at their own timeout; returning -1 would abort every
  // transfer of the multi handle.
  self->watched_[slot] =
      epoll_ctl(epoll, EPOLL_CTL_ADD, socket, &event) == 0 ||
      (errno == EEXIST && epoll_ctl(epoll, EPOLL_CTL_MOD, socket, &event) == 0);
  return 0;
}

absl::StatusOr<CurlEasyPtr> CurlConnectionPools::TakeEasy() {
  if (!idle_.empty()) {
    CurlEasyPtr easy = std::move(idle_.back());
    idle_.pop_back();
    return easy;
  }
  CurlEasyPtr easy(curl_easy_init());
  if (easy == nullptr) {
    return absl::ResourceExhaustedError("curl_easy_init failed");
  }
  return easy;
}

void CurlConnectionPools::KeepEasy(CurlEasyPtr easy) {
  if (easy == nullptr || idle_.size() >= max_idle_handles_) return;
  // Reset keeps the handle's share; connections live in the multi handle.
  curl_easy_reset(easy.get());
  idle_.push_back(std::move(easy));
}

absl::StatusOr<uint32_t> CurlConnectionPools::Add(CURL* easy) {
  Pool* pool = pools_.front().get();
  for (const std::unique_ptr<Pool>& candidate : pools_) {
    if (candidate->transfers < pool->transfers) pool = candidate.get();
  }
  SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
      curl_multi_add_handle(pool->multi.get(), easy), "curl_multi_add_handle"));
  ++pool->transfers;
  return pool->index;
}

bool CurlConnectionPools::Remove(uint32_t pool, CURL* easy) {
  Pool& from = *pools_[pool];
  --from.transfers;
  return curl_multi_remove_handle(from.multi.get(), easy) == CURLM_OK;
}

std::optional<CurlConnectionPools::Finished> CurlConnectionPools::NextFinished(
    uint32_t pool) {
  int left = 0;
  while (CURLMsg* message =
             curl_multi_info_read(pools_[pool]->multi.get(), &left)) {
    // `message` dies with curl_multi_remove_handle; copy what is needed.
    if (message->msg == CURLMSG_DONE) {
      return Finished{message->easy_handle, message->data.result};
    }
  }
  return std::nullopt;
}

void CurlConnectionPools::BeginWait(std::chrono::steady_clock::time_point now,
                                    int wait_ms) {
  wake_at_ = now + std::chrono::milliseconds(wait_ms);
  removed_in_batch_.clear();
}

absl::Status CurlConnectionPools::HandleEvents(const epoll_event* events,
                                               int ready) {
  int running = 0;
  for (int i = 0; i < ready; ++i) {
    const uint32_t pool_index = events[i].data.u64 >> 32;
    const int fd = static_cast<int>(events[i].data.u64 & UINT32_MAX);
    if (pool_index == kWakeTag) continue;  // drained
    if (std::find(removed_in_batch_.begin(), removed_in_batch_.end(), fd) !=
        removed_in_batch_.end()) {
      continue;  // closed (and maybe reused) since the wait began
    }
    int flags = 0;
    if (events[i].events & EPOLLIN) flags |= CURL_CSELECT_IN;
    if (events[i].events & EPOLLOUT) flags |= CURL_CSELECT_OUT;
    if (events[i].events & (EPOLLERR | EPOLLHUP)) flags |= CURL_CSELECT_ERR;
    SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
        curl_multi_socket_action(pools_[pool_index]->multi.get(), fd, flags,
                                 &running),
        "curl_multi_socket_action"));
  }
  return absl::OkStatus();
}

std::chrono::steady_clock::time_point CurlConnectionPools::NextTimer() const {
  auto next = std::chrono::steady_clock::time_point::max();
  for (const std::unique_ptr<Pool>& pool : pools_) {
    if (pool->timer.has_value()) next = std::min(next, *pool->timer);
  }
  return next;
}

absl::Status CurlConnectionPools::FireDueTimers() {
  const auto now = std::chrono::steady_clock::now();
  int running = 0;
  for (const std::unique_ptr<Pool>& pool : pools_) {
    if (!pool->timer.has_value() || *pool->timer > now) continue;
    pool->timer.reset();
    SIGNET_RETURN_IF_ERROR(CurlMultiCodeToStatus(
        curl_multi_socket_action(pool->multi.get(), CURL_SOCKET_TIMEOUT, 0,
                                 &running),
        "curl_multi_socket_action"));
  }
  return absl::OkStatus();
}

}  // namespace signet
