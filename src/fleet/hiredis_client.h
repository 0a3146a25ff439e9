#ifndef SIGNET_FLEET_HIREDIS_CLIENT_H_
#define SIGNET_FLEET_HIREDIS_CLIENT_H_

#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "fleet/redis_commands.h"
#include "secrets/secret.h"

namespace signet {

// RedisCommands over one hiredis connection (Debian's libhiredis, its
// non-blocking API), driven by a thread of its own: no caller ever blocks
// on Redis. Commands are pipelined on the connection in call order.
//
// Failure handling, so that Redis trouble costs callers at most `timeout`:
//   - connecting (and AUTH, when a password is set) is bounded by
//     `timeout`; commands issued meanwhile wait for it, within their own
//     timeout;
//   - a command without a reply after `timeout` fails DEADLINE_EXCEEDED,
//     and so does everything behind it: replies come in order, so the
//     connection is dropped;
//   - once the connection is lost or refused, commands fail UNAVAILABLE at
//     once until a reconnect succeeds; reconnects back off from
//     `min_backoff` to `max_backoff`.
// Resolving a host name blocks this client's own thread (getaddrinfo), not
// its callers.
class HiredisClient final : public RedisCommands {
 public:
  struct Options {
    std::string address;  // "host:port" or "unix:/path"
    Secret password;      // empty: no AUTH
    absl::Duration timeout = absl::Milliseconds(200);
    absl::Duration min_backoff = absl::Milliseconds(100);
    absl::Duration max_backoff = absl::Seconds(5);
  };

  // INVALID_ARGUMENT for an address that is neither form. The first
  // connection attempt starts at once, in the background.
  static absl::StatusOr<std::unique_ptr<HiredisClient>> Start(Options options);

  // Fails whatever is pending with CANCELLED and stops the thread: joins
  // it, or, when the last owner lets go from a callback on that thread,
  // lets it end by itself once the callback returns.
  ~HiredisClient() override;

  void Command(std::vector<std::string> argv, Callback done) override;

  // Whether a connection is up and authenticated (for logs and tests).
  bool connected() const;

 private:
  class Connection;  // the loop and its state (hiredis_client.cc)

  explicit HiredisClient(std::shared_ptr<Connection> connection)
      : connection_(std::move(connection)) {}

  // Shared with the loop thread, which keeps it alive until the loop has
  // ended: the last owner of a client may be a callback running on that
  // very thread.
  const std::shared_ptr<Connection> connection_;
};

}  // namespace signet

#endif  // SIGNET_FLEET_HIREDIS_CLIENT_H_
