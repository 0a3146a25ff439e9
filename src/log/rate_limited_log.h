#ifndef SIGNET_LOG_RATE_LIMITED_LOG_H_
#define SIGNET_LOG_RATE_LIMITED_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "log/log.h"

namespace signet {

// Log lines that anyone who can reach a port can cause, one per request
// (refused inbound requests, refused callers), written at most once per
// `interval` per kind so that a flood of bad requests cannot flood the log
// with them. The first line of a kind is written at once; lines of that
// kind within `interval` of the last written one are only counted, and the
// next line written after that carries the count as "suppressed": N.
// Metrics still count every request. Thread-safe.
class RateLimitedLog {
 public:
  static constexpr absl::Duration kDefaultInterval = absl::Seconds(10);

  // `clock` must outlive this.
  explicit RateLimitedLog(const Clock* clock,
                          absl::Duration interval = kDefaultInterval)
      : clock_(*clock), interval_(interval) {}

  // Like signet::Log, for lines of kind (`message`, `kind`). Every kind is
  // remembered, so both must come from a small fixed set (string literals,
  // status code names), never from a request.
  void Log(LogLevel level, absl::string_view message,
           std::initializer_list<LogField> fields, absl::string_view kind = "")
      ABSL_LOCKS_EXCLUDED(mu_);

  void Warning(absl::string_view message,
               std::initializer_list<LogField> fields)
      ABSL_LOCKS_EXCLUDED(mu_) {
    Log(LogLevel::kWarning, message, fields);
  }

 private:
  struct KindState {
    absl::Time last_written;
    int64_t suppressed = 0;
  };

  const Clock& clock_;
  const absl::Duration interval_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, KindState> kinds_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_LOG_RATE_LIMITED_LOG_H_
