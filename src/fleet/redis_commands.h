#ifndef SIGNET_FLEET_REDIS_COMMANDS_H_
#define SIGNET_FLEET_REDIS_COMMANDS_H_

#include <string>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"

namespace signet {

// One Redis reply (RESP2). An error reply is not a RedisReply: it arrives
// as a status (see RedisCommands).
struct RedisReply {
  enum class Type { kNil, kString, kStatus, kInteger, kArray };
  Type type = Type::kNil;
  std::string text;                  // kString (binary-safe), kStatus ("OK")
  long long number = 0;              // kInteger
  std::vector<RedisReply> elements;  // kArray
};

// Runs Redis commands asynchronously. `done` runs exactly once, on the
// implementation's own thread (never inline in Command), with:
//   the reply;
//   UNAVAILABLE         no connection (Redis down, refused, AUTH failed):
//                       nothing waits for Redis to come back;
//   DEADLINE_EXCEEDED   no reply within the command timeout;
//   FAILED_PRECONDITION Redis answered with an error reply (its message);
//   CANCELLED           the client shut down first.
// Messages name the command, never its arguments (they hold keys, tokens
// and the password).
class RedisCommands {
 public:
  using Callback = absl::AnyInvocable<void(absl::StatusOr<RedisReply>) &&>;

  virtual ~RedisCommands() = default;
  virtual void Command(std::vector<std::string> argv, Callback done) = 0;
};

}  // namespace signet

#endif  // SIGNET_FLEET_REDIS_COMMANDS_H_
