#ifndef SIGNET_HTTP_CURL_CONNECTION_POOLS_H_
#define SIGNET_HTTP_CURL_CONNECTION_POOLS_H_

#include <curl/curl.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "http/curl_wrappers.h"

struct epoll_event;  // <sys/epoll.h>

namespace signet {

// The curl multi handles (connection caches) transfers are spread over, the
// epoll set that watches their sockets, the share handle (TLS sessions, DNS)
// they all use, and the easy handles kept for reuse.
//
// Why several multi handles: curl 7.88 walks every connection of a cache on
// each transfer it starts (looking for one to reuse) and on each it removes
// (looking for connect-only ones): with thousands of HTTP/1.1 transfers in
// flight, one cache made every call cost O(calls in flight). Spreading
// transfers over pools divides those walks. A transfer goes to the pool with
// the fewest in flight, the first on a tie, so calls one after another keep
// reusing the first pool's connection.
//
// Why epoll and curl_multi_socket_action: epoll reports the sockets that are
// ready and curl touches only those transfers, so the cost of an event does
// not grow with the number of transfers in flight. (curl_multi_poll +
// curl_multi_perform walked every transfer on every wakeup: with a slow
// upstream and 500 calls in flight that cost ~2 ms of CPU per call.)
//
// Not thread-safe: its owner serializes every call (CurlMultiClient's
// curl_mu_), except epoll_fd(), Wake() and DrainWakeups(), which only touch
// descriptors and may run on any thread. Members are destroyed idle handles
// first, then the multi handles (whose cleanup still reports sockets to
// OnSocket), the share, and the descriptors last.
class CurlConnectionPools {
 public:
  struct Limits {
    long pools = 1;  // NOLINT(runtime/int): curl's type
    // CURLMOPT_MAXCONNECTS of each pool.
    long max_connections_per_pool = 0;  // NOLINT(runtime/int)
    // CURLMOPT_MAX_HOST_CONNECTIONS; 0 = unlimited.
    long max_host_connections = 0;  // NOLINT(runtime/int)
    // Easy handles kept for reuse.
    size_t max_idle_handles = 1;
  };

  // Expects curl_global_init to have run.
  static absl::StatusOr<std::unique_ptr<CurlConnectionPools>> Create(
      const Limits& limits);

  ~CurlConnectionPools();
  CurlConnectionPools(const CurlConnectionPools&) = delete;
  CurlConnectionPools& operator=(const CurlConnectionPools&) = delete;

  // Any thread: what the loop waits on, waking it, and reading the wakeups
  // `events` report (before the queue is taken, so a wakeup written
  // meanwhile is kept for the next wait).
  int epoll_fd() const { return epoll_.value; }
  void Wake() const;
  void DrainWakeups(const ::epoll_event* events, int ready) const;

  // Every easy handle must use these (CURLOPT_SHARE,
  // CURLOPT_CLOSESOCKETFUNCTION, CURLOPT_CLOSESOCKETDATA).
  CURLSH* share() const { return share_.get(); }
  static int OnCloseSocket(void* userp, curl_socket_t socket);
  void* close_socket_data() { return this; }

  // A reused (reset) easy handle, or a new one.
  absl::StatusOr<CurlEasyPtr> TakeEasy();
  // Keeps `easy` for reuse, reset, unless max_idle_handles are kept.
  void KeepEasy(CurlEasyPtr easy);

  // Adds `easy` to the least busy pool; returns that pool's number.
  absl::StatusOr<uint32_t> Add(CURL* easy);
  // Takes `easy` out of `pool`; false if curl refused (then the handle is
  // not reusable, though cleaning it up detaches it).
  bool Remove(uint32_t pool, CURL* easy);
  // A transfer curl reports finished: its handle and result.
  struct Finished {
    CURL* easy;
    CURLcode result;
  };
  uint32_t pool_count() const { return static_cast<uint32_t>(pools_.size()); }
  // The next transfer of `pool` curl reports finished, if any. The caller
  // may Remove its handle before asking for the next.
  std::optional<Finished> NextFinished(uint32_t pool);

  // Starts a wait of the loop ending at `now` + `wait_ms` at the latest.
  // From here on an event the wait reports for a socket curl drops
  // meanwhile belongs to the old socket and is skipped.
  void BeginWait(std::chrono::steady_clock::time_point now, int wait_ms);
  // When the current wait ends at the latest.
  std::chrono::steady_clock::time_point wake_at() const { return wake_at_; }
  // Hands the ready sockets among `events` to curl.
  absl::Status HandleEvents(const ::epoll_event* events, int ready);
  // When curl next wants CURL_SOCKET_TIMEOUT; time_point::max() if never.
  std::chrono::steady_clock::time_point NextTimer() const;
  // Runs curl's due timeouts (new transfers set a timer of 0).
  absl::Status FireDueTimers();

 private:
  // A file descriptor closed on destruction.
  struct Fd {
    explicit Fd(int value) : value(value) {}
    ~Fd();
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int value;
  };
  struct Pool;

  CurlConnectionPools();

  absl::Status AddPool(uint32_t index, const Limits& limits);
  // Takes `socket` out of the epoll set if it is there.
  void Unwatch(curl_socket_t socket);
  static int OnSocket(CURL* easy, curl_socket_t socket, int what, void* userp,
                      void* socketp);

  // epoll_event.data.u64 is (pool index << 32 | fd); the wakeup's tag:
  static constexpr uint32_t kWakeTag = UINT32_MAX;

  Fd epoll_{-1};
  Fd wake_{-1};  // eventfd: any thread writes, the loop reads
  // Sockets curl dropped since the loop's current wait began.
  std::vector<curl_socket_t> removed_in_batch_;
  std::chrono::steady_clock::time_point wake_at_;
  // Which descriptors are in the epoll set, by number: curl drops a kept
  // connection's socket between transfers, and knowing saves a failing
  // EPOLL_CTL_MOD per reuse.
  std::vector<bool> watched_;
  size_t max_idle_handles_ = 1;
  CurlSharePtr share_;
  std::vector<std::unique_ptr<Pool>> pools_;
  std::vector<CurlEasyPtr> idle_;
};

}  // namespace signet

#endif  // SIGNET_HTTP_CURL_CONNECTION_POOLS_H_
