#include "log/log.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace signet {
namespace {

std::atomic<int> min_level{static_cast<int>(LogLevel::kInfo)};
std::atomic<LogSink*> sink{nullptr};

absl::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarning:
      return "warning";
    case LogLevel::kError:
      return "error";
  }
  return "info";
}

}  // namespace

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          absl::StrAppendFormat(out, "\\u%04x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

void LogField::AppendJson(std::string* out) const {
  AppendJsonString(key_, out);
  out->push_back(':');
  if (const auto* s = absl::get_if<std::string>(&value_)) {
    AppendJsonString(*s, out);
  } else if (const auto* i = absl::get_if<int64_t>(&value_)) {
    absl::StrAppend(out, *i);
  } else if (const auto* d = absl::get_if<double>(&value_)) {
    absl::StrAppendFormat(out, "%.6g", *d);
  } else {
    out->append(absl::get<bool>(value_) ? "true" : "false");
  }
}

void SetMinLogLevel(LogLevel level) {
  min_level.store(static_cast<int>(level), std::memory_order_relaxed);
}

LogLevel MinLogLevel() {
  return static_cast<LogLevel>(min_level.load(std::memory_order_relaxed));
}

bool ParseLogLevel(absl::string_view text, LogLevel* level) {
  const std::string lower = absl::AsciiStrToLower(text);
  if (lower == "debug") {
    *level = LogLevel::kDebug;
  } else if (lower == "info") {
    *level = LogLevel::kInfo;
  } else if (lower == "warning" || lower == "warn") {
    *level = LogLevel::kWarning;
  } else if (lower == "error") {
    *level = LogLevel::kError;
  } else {
    return false;
  }
  return true;
}

void SetLogSink(LogSink* new_sink) {
  sink.store(new_sink, std::memory_order_release);
}

void Log(LogLevel level, absl::string_view message,
         absl::Span<const LogField> fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) {
    return;
  }
  std::string line = "{\"time\":\"";
  line += absl::FormatTime("%Y-%m-%dT%H:%M:%E6SZ", absl::Now(),
                           absl::UTCTimeZone());
  line += "\",\"level\":\"";
  absl::StrAppend(&line, LevelName(level));
  line += "\",\"msg\":";
  AppendJsonString(message, &line);
  for (const LogField& field : fields) {
    line.push_back(',');
    field.AppendJson(&line);
  }
  line += "}\n";
  if (LogSink* to = sink.load(std::memory_order_acquire); to != nullptr) {
    to->Write(line);
    return;
  }
  // One write(2) per line: lines from different threads never interleave.
  const char* data = line.data();
  size_t left = line.size();
  while (left > 0) {
    const ssize_t n = ::write(STDERR_FILENO, data, left);
    if (n <= 0) break;
    data += n;
    left -= static_cast<size_t>(n);
  }
}

}  // namespace signet
