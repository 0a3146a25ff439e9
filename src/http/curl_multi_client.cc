#include "http/curl_multi_client.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "common/status_macros.h"
#include "http/curl_connection_pools.h"
#include "http/curl_status.h"
#include "http/curl_transfer.h"
#include "http/curl_wrappers.h"

namespace signet {
namespace {

constexpr absl::string_view kShuttingDown = "http client shutting down";
// Whatever needs the loop sooner wakes it; the timeout only bounds the delay
// should a wakeup ever fail.
constexpr int kPollTimeoutMs = 1000;
// Events taken from epoll per wait.
constexpr int kMaxEvents = 256;
// CURLOPT_PROTOCOLS_STR needs 7.85.
constexpr unsigned int kMinCurlVersion = 0x075500;

}  // namespace

// Everything curl; after Create touched only under curl_mu_ (by the loop,
// and by Send when it starts a transfer itself), except the pools'
// descriptors: epoll_wait runs unlocked and anyone may write the wakeup
// eventfd. The active transfers are destroyed before the pools, whose multi
// handles and share their easy handles use.
struct CurlMultiClient::IoState {
  std::unique_ptr<CurlConnectionPools> pools;
  CurlTransferSettings settings;
  // A curl failure met in SendInline, for the loop to shut down on.
  absl::Status failure;
  std::unordered_map<CURL*, std::unique_ptr<CurlTransfer>> active;
};

struct CurlMultiClient::Completion {
  HttpCallback on_done;
  absl::StatusOr<HttpResponse> result;
};

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

  CurlConnectionPools::Limits limits;
  // A per-host limit must hold across pools: then there is one.
  limits.pools =
      options.max_host_connections > 0 ? 1 : options.connection_pools;
  // Transfers go to the least busy pool, so shares stay about even; twice
  // the even share leaves room for skew before curl closes idle ones.
  limits.max_connections_per_pool =
      (options.max_idle_connections + 2 * options.max_transfers) /
          limits.pools +
      1;
  limits.max_host_connections = options.max_host_connections;
  limits.max_idle_handles =
      static_cast<size_t>(std::max(options.max_idle_connections, 1L));
  auto io = std::make_unique<IoState>();
  SIGNET_ASSIGN_OR_RETURN(io->pools, CurlConnectionPools::Create(limits));
  io->settings.connect_timeout = options.connect_timeout;
  io->settings.verify_tls = options.verify_tls;
  io->settings.ca_bundle_path = options.ca_bundle_path;
  io->settings.share = io->pools->share();
  io->settings.close_socket = &CurlConnectionPools::OnCloseSocket;
  io->settings.close_socket_data = io->pools->close_socket_data();

  return std::unique_ptr<CurlMultiClient>(
      new CurlMultiClient(std::move(options), clock, std::move(io)));
}

CurlMultiClient::CurlMultiClient(Options options, const Clock* clock,
                                 std::unique_ptr<IoState> io)
    : options_(std::move(options)), clock_(clock), io_(std::move(io)) {
  // Joined by the destructor: the thread never outlives this.
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
    io_->pools->Wake();
  }
  thread_.join();
}

void CurlMultiClient::Send(HttpRequest request, HttpCallback on_done) {
  if (absl::Status invalid = ValidateForCurl(request); !invalid.ok()) {
    std::move(on_done)(std::move(invalid));
    return;
  }
  if (request.deadline <= clock_->Now()) {
    std::move(on_done)(absl::DeadlineExceededError(
        "deadline passed before the request was sent"));
    return;
  }
  auto transfer =
      std::make_unique<CurlTransfer>(std::move(request), std::move(on_done));
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
      if (queue_.size() == 1) io_->pools->Wake();
      return;
    }
  }
  std::move(transfer->on_done)(absl::UnavailableError(kShuttingDown));
}

// Besides starting `transfer`, this does one step of the loop's work on the
// sending thread -- curl's due timers, in every pool, and the collection of
// every transfer curl then reports finished -- and runs the callbacks so
// collected, other calls' included, before returning (see the contract in
// the header). Leaving them to the loop would cost the wakeup this path
// exists to save.
void CurlMultiClient::SendInline(std::unique_ptr<CurlTransfer> transfer) {
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
    absl::Status performed = io_->pools->FireDueTimers();
    if (performed.ok()) {
      CollectFinished(&done);
    } else if (io_->failure.ok()) {
      io_->failure = performed;  // the loop shuts the client down
    }
    // The loop may be waiting for longer than curl now wants.
    wake = !performed.ok() || io_->pools->NextTimer() < io_->pools->wake_at();
  }
  curl_mu_.Unlock();
  if (!accepted) {
    std::move(transfer->on_done)(absl::UnavailableError(kShuttingDown));
    return;
  }
  Complete(&done);
  if (wake) io_->pools->Wake();
}

void CurlMultiClient::Run() {
  std::vector<Completion> done;
  epoll_event events[kMaxEvents];
  CurlConnectionPools& pools = *io_->pools;
  while (true) {
    int wait_ms = kPollTimeoutMs;
    {
      absl::MutexLock lock(&curl_mu_);
      const auto now = std::chrono::steady_clock::now();
      const auto next = pools.NextTimer();
      if (next != std::chrono::steady_clock::time_point::max()) {
        const auto left =
            std::chrono::ceil<std::chrono::milliseconds>(next - now);
        wait_ms = static_cast<int>(
            std::clamp<int64_t>(left.count(), 0, kPollTimeoutMs));
      }
      // Events this wait reports for a socket curl drops meanwhile (here or
      // in SendInline) are skipped from here on.
      pools.BeginWait(now, wait_ms);
    }
    const int ready = epoll_wait(pools.epoll_fd(), events, kMaxEvents, wait_ms);
    const int wait_errno = errno;
    // Drain the wakeup before taking the queue: a Send between the two
    // then leaves a fresh wakeup for the next wait instead of being lost
    // (which stalled it until kPollTimeoutMs).
    pools.DrainWakeups(events, ready);
    bool exit = false;
    {
      absl::MutexLock lock(&curl_mu_);
      std::vector<std::unique_ptr<CurlTransfer>> incoming;
      bool stop = false;
      {
        absl::MutexLock queue_lock(&mu_);
        incoming.swap(queue_);
        stop = shutting_down_;
      }
      if (ready < 0 && wait_errno != EINTR) {
        Abort(
            absl::UnavailableError(absl::StrCat(
                "http client I/O loop failed: epoll_wait errno ", wait_errno)),
            std::move(incoming), &done);
        exit = true;
      } else if (stop) {
        Abort(absl::UnavailableError(kShuttingDown), std::move(incoming),
              &done);
        exit = true;
      } else {
        absl::Status performed =
            Perform(events, ready, std::move(incoming), &done);
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
    std::vector<std::unique_ptr<CurlTransfer>> incoming,
    std::vector<Completion>* done) {
  SIGNET_RETURN_IF_ERROR(io_->failure);
  SIGNET_RETURN_IF_ERROR(io_->pools->HandleEvents(events, ready));
  for (std::unique_ptr<CurlTransfer>& transfer : incoming) {
    Start(std::move(transfer), done);
  }
  // New transfers set a timer of 0; due timers fire here too.
  SIGNET_RETURN_IF_ERROR(io_->pools->FireDueTimers());
  CollectFinished(done);
  return absl::OkStatus();
}

void CurlMultiClient::Start(std::unique_ptr<CurlTransfer> transfer,
                            std::vector<Completion>* done) {
  absl::Status status = transfer->Prepare(clock_->Now());
  if (status.ok()) {
    absl::StatusOr<CurlEasyPtr> easy = io_->pools->TakeEasy();
    status = easy.ok() ? transfer->Configure(*std::move(easy), io_->settings)
                       : easy.status();
  }
  if (status.ok()) {
    absl::StatusOr<uint32_t> pool = io_->pools->Add(transfer->easy.get());
    if (pool.ok()) {
      transfer->pool = *pool;
    } else {
      status = pool.status();
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

void CurlMultiClient::CollectFinished(std::vector<Completion>* done) {
  CurlConnectionPools& pools = *io_->pools;
  for (uint32_t pool = 0; pool < pools.pool_count(); ++pool) {
    while (std::optional<CurlConnectionPools::Finished> finished =
               pools.NextFinished(pool)) {
      CURL* easy = finished->easy;
      auto it = io_->active.find(easy);
      if (it == io_->active.end()) continue;
      std::unique_ptr<CurlTransfer> transfer = std::move(it->second);
      io_->active.erase(it);
      long connects = 0;  // NOLINT(runtime/int): curl's type
      if (curl_easy_getinfo(easy, CURLINFO_NUM_CONNECTS, &connects) ==
              CURLE_OK &&
          connects > 0) {
        connections_opened_.fetch_add(static_cast<uint64_t>(connects));
      }
      absl::StatusOr<HttpResponse> response =
          transfer->Finish(finished->result, *clock_);
      if (!pools.Remove(pool, easy)) {
        transfer->easy.reset();  // not reusable; cleanup detaches it
      }
      transfer->pool = CurlTransfer::kNoPool;
      done->push_back(
          Completion{std::move(transfer->on_done), std::move(response)});
      Recycle(std::move(transfer));
    }
  }
}

void CurlMultiClient::Recycle(std::unique_ptr<CurlTransfer> transfer) {
  io_->pools->KeepEasy(std::move(transfer->easy));
}

void CurlMultiClient::Abort(
    const absl::Status& why,
    std::vector<std::unique_ptr<CurlTransfer>> unstarted,
    std::vector<Completion>* done) {
  {
    absl::MutexLock lock(&mu_);
    shutting_down_ = true;
    for (std::unique_ptr<CurlTransfer>& transfer : queue_) {
      unstarted.push_back(std::move(transfer));
    }
    queue_.clear();
  }
  for (std::unique_ptr<CurlTransfer>& transfer : unstarted) {
    done->push_back(Completion{std::move(transfer->on_done), why});
  }
  for (auto& [easy, transfer] : io_->active) {
    // The handle is cleaned up below, which detaches it in any case.
    (void)io_->pools->Remove(transfer->pool, easy);
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
