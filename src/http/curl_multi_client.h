#ifndef SIGNET_HTTP_CURL_MULTI_CLIENT_H_
#define SIGNET_HTTP_CURL_MULTI_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "http/http_client.h"

struct epoll_event;  // <sys/epoll.h>

namespace signet {

struct CurlTransfer;  // http/curl_transfer.h

// The HttpClient on libcurl's multi interface. One dedicated I/O thread
// waits for the network and drives every transfer, so no thread ever blocks
// on the network for a single call, and all transfers share keep-alive
// connections and (through a share handle) one TLS session and DNS cache:
// a signed call to a known upstream usually costs no TCP or TLS handshake.
// An https upstream that negotiates HTTP/2 (ALPN) carries concurrent calls
// as streams of a few connections (up to 1,000 each, per pool): a call
// started while such a connection is still being set up waits for it
// (CURLOPT_PIPEWAIT) rather than opening another.
// Send starts the transfer on the calling thread when the I/O thread is not
// busy with curl (sparing a thread handoff), else queues it for the loop.
//
// Requests go out as given: no redirects followed, no Accept, Expect or
// Content-Type added by curl, bytes of the response passed through without
// decoding. Framing is the transport's job, so a request carrying
// Transfer-Encoding or Expect, or a Content-Length other than the body's
// size, is refused with INVALID_ARGUMENT.
//
// Callbacks run on the I/O thread, or inside Send on the calling thread.
// A Send that finds the I/O thread idle does one step of its work before
// returning -- starts the transfer, fires curl's due timers in every pool,
// collects every transfer curl then reports finished -- and runs the
// callbacks so collected: its own (a refused request, an upstream that
// fails at once) and other requests' that finished meanwhile. Handing those
// back to the I/O thread would cost the wakeup this path exists to save.
// So never call Send holding a lock that a callback of this client takes.
// Callbacks must not block and may call Send.
// The destructor completes every pending request with UNAVAILABLE and must
// not run on the I/O thread (that is, not from a callback).
//
// libcurl is used with CURLOPT_NOSIGNAL, so the process must ignore SIGPIPE
// (main does; the library never touches signal dispositions).
class CurlMultiClient final : public HttpClient {
 public:
  struct Options {
    absl::Duration connect_timeout = absl::Seconds(5);
    // Idle connections (and easy handles) kept for reuse.
    long max_idle_connections = 256;  // NOLINT(runtime/int): curl's type
    // Transfers expected at once (the gateway's max_in_flight). curl's
    // connection cache limit (CURLMOPT_MAXCONNECTS) counts connections in
    // use too, and every transfer that ends while the cache is over it scans
    // all connections for the oldest idle one and closes it: with the limit
    // at the idle count alone, 5,000 slow calls in flight over HTTP/1.1 made
    // each completion a 5,000-connection scan and a reconnect. So the limit
    // makes room for this many in use plus max_idle_connections.
    long max_transfers = 2048;  // NOLINT(runtime/int)
    // curl multi handles (connection caches) the transfers are spread over;
    // see CurlConnectionPools. 1 when max_host_connections is set.
    long connection_pools = 8;  // NOLINT(runtime/int)
    // Connections per host (CURLMOPT_MAX_HOST_CONNECTIONS); 0 = unlimited.
    // Transfers beyond it wait inside curl, their deadline running.
    long max_host_connections = 0;  // NOLINT(runtime/int)
    bool verify_tls = true;
    // PEM bundle of trusted CAs; empty = the system default.
    std::string ca_bundle_path;
  };

  // Starts the I/O thread. `clock` turns deadlines into curl timeouts; it is
  // read from several threads and must outlive the client.
  static absl::StatusOr<std::unique_ptr<CurlMultiClient>> Create(
      Options options, const Clock* clock);

  ~CurlMultiClient() override ABSL_LOCKS_EXCLUDED(mu_);
  CurlMultiClient(const CurlMultiClient&) = delete;
  CurlMultiClient& operator=(const CurlMultiClient&) = delete;

  void Send(HttpRequest request, HttpCallback on_done) override
      ABSL_LOCKS_EXCLUDED(mu_);

  // New connections opened so far (CURLINFO_NUM_CONNECTS summed over
  // completed transfers).
  uint64_t connections_opened() const { return connections_opened_.load(); }
  // Requests queued or in transfer whose callback has not started yet.
  size_t in_flight() const { return in_flight_.load(); }

 private:
  struct IoState;
  struct Completion;

  CurlMultiClient(Options options, const Clock* clock,
                  std::unique_ptr<IoState> io);

  // Everything below touches curl and runs under curl_mu_ (taken by the
  // loop around each batch, and by Send when it is free); callbacks are
  // collected into `done` and run by Complete after it is released.
  void SendInline(std::unique_ptr<CurlTransfer> transfer)
      ABSL_UNLOCK_FUNCTION(curl_mu_) ABSL_LOCKS_EXCLUDED(mu_);
  void Run() ABSL_LOCKS_EXCLUDED(mu_, curl_mu_);
  absl::Status Perform(const ::epoll_event* events, int ready,
                       std::vector<std::unique_ptr<CurlTransfer>> incoming,
                       std::vector<Completion>* done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(curl_mu_);
  void Start(std::unique_ptr<CurlTransfer> transfer,
             std::vector<Completion>* done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(curl_mu_);
  void CollectFinished(std::vector<Completion>* done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(curl_mu_);
  void Recycle(std::unique_ptr<CurlTransfer> transfer)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(curl_mu_);
  // Fails `unstarted`, the queue and every active transfer with `why` and
  // refuses later Sends.
  void Abort(const absl::Status& why,
             std::vector<std::unique_ptr<CurlTransfer>> unstarted,
             std::vector<Completion>* done)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(curl_mu_) ABSL_LOCKS_EXCLUDED(mu_);
  // Runs the callbacks; no lock held.
  void Complete(std::vector<Completion>* done)
      ABSL_LOCKS_EXCLUDED(mu_, curl_mu_);

  const Options options_;
  const Clock* const clock_;
  // The curl state; besides under curl_mu_, only the pools' descriptors are
  // used (epoll_wait, and the wakeup eventfd from any thread).
  const std::unique_ptr<IoState> io_;

  // Ordered before mu_ where both are held.
  absl::Mutex curl_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  absl::Mutex mu_;
  std::vector<std::unique_ptr<CurlTransfer>> queue_ ABSL_GUARDED_BY(mu_);
  bool shutting_down_ ABSL_GUARDED_BY(mu_) = false;

  std::atomic<uint64_t> connections_opened_{0};
  std::atomic<size_t> in_flight_{0};
  std::thread thread_;
};

}  // namespace signet

#endif  // SIGNET_HTTP_CURL_MULTI_CLIENT_H_
