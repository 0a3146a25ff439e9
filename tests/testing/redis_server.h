#ifndef SIGNET_TESTING_REDIS_SERVER_H_
#define SIGNET_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "testing/child_process.h"

namespace signet::testing {

// A real redis-server (Debian's, installed by scripts/install-deps.sh) on a
// free loopback port and a unix socket in a directory of its own, with no
// persistence. Stop() kills it as a crash would; Start() brings it back on
// the same port and socket, empty.
class RedisServer {
 public:
  struct Options {
    std::string password;  // empty: no requirepass
  };

  static absl::StatusOr<std::unique_ptr<RedisServer>> Launch(Options options);
  ~RedisServer();

  absl::Status Start();
  void Stop();

  std::string address() const;       // "127.0.0.1:PORT"
  std::string unix_address() const;  // "unix:/.../redis.sock"
  int port() const { return port_; }

  // Runs one command with redis-cli and returns its raw output.
  absl::StatusOr<std::string> Cli(const std::vector<std::string>& args) const;

 private:
  RedisServer(Options options, std::string dir, int port)
      : options_(std::move(options)), dir_(std::move(dir)), port_(port) {}

  const Options options_;
  const std::string dir_;
  const int port_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTING_REDIS_SERVER_H_
