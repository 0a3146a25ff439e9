#ifndef SIGNET_LOG_LOG_H_
#define SIGNET_LOG_LOG_H_

#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "absl/types/variant.h"

namespace signet {

// Structured logging: one JSON object per line on stderr,
//   {"time":"2026-11-23T10:00:00.123456Z","level":"info","msg":"…",…fields}
// so that log pipelines parse it without patterns. Callers pass only values
// that are safe to log: a Secret is not convertible to a LogField except
// through its fingerprint.
enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

class LogField {
 public:
  LogField(absl::string_view key, absl::string_view value)
      : key_(key), value_(std::string(value)) {}
  LogField(absl::string_view key, const char* value)
      : key_(key), value_(std::string(value)) {}
  LogField(absl::string_view key, const std::string& value)
      : key_(key), value_(value) {}
  LogField(absl::string_view key, int64_t value) : key_(key), value_(value) {}
  LogField(absl::string_view key, int value)
      : key_(key), value_(static_cast<int64_t>(value)) {}
  LogField(absl::string_view key, uint64_t value)
      : key_(key), value_(static_cast<int64_t>(value)) {}
  LogField(absl::string_view key, double value) : key_(key), value_(value) {}
  LogField(absl::string_view key, bool value) : key_(key), value_(value) {}

  void AppendJson(std::string* out) const;

 private:
  absl::string_view key_;
  absl::variant<std::string, int64_t, double, bool> value_;
};

void SetMinLogLevel(LogLevel level);
LogLevel MinLogLevel();
// Accepts debug, info, warning (or warn), error.
bool ParseLogLevel(absl::string_view text, LogLevel* level);

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields);
inline void Log(LogLevel level, absl::string_view message,
                std::initializer_list<LogField> fields = {}) {
  Log(level, message, absl::MakeConstSpan(fields.begin(), fields.size()));
}

inline void LogDebug(absl::string_view m,
                     std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kDebug, m, f);
}
inline void LogInfo(absl::string_view m,
                    std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kInfo, m, f);
}
inline void LogWarning(absl::string_view m,
                       std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m,
                     std::initializer_list<LogField> f = {}) {
  Log(LogLevel::kError, m, f);
}

// Appends `text` as a JSON string literal (quotes included).
void AppendJsonString(absl::string_view text, std::string* out);

// Receives each finished line (newline included) instead of stderr.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void Write(absl::string_view line) = 0;
};

// For tests: `sink` (null for stderr again) must stay alive until it is
// replaced and no Log call that may have read it is still running.
void SetLogSink(LogSink* sink);

}  // namespace signet

#endif  // SIGNET_LOG_LOG_H_
