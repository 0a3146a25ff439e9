#include "log/rate_limited_log.h"

#include <vector>

#include "absl/strings/str_cat.h"

namespace signet {

void RateLimitedLog::Log(LogLevel level, absl::string_view message,
                         std::initializer_list<LogField> fields,
                         absl::string_view kind) {
  if (static_cast<int>(level) < static_cast<int>(MinLogLevel())) return;
  int64_t suppressed = 0;
  {
    const absl::Time now = clock_.Now();
    absl::MutexLock lock(&mu_);
    auto [it, first] = kinds_.try_emplace(absl::StrCat(message, "\n", kind));
    KindState& state = it->second;
    if (!first && now - state.last_written < interval_) {
      ++state.suppressed;
      return;
    }
    state.last_written = now;
    suppressed = state.suppressed;
    state.suppressed = 0;
  }
  if (suppressed == 0) {
    signet::Log(level, message, fields);
    return;
  }
  std::vector<LogField> with_count(fields);
  with_count.emplace_back("suppressed", suppressed);
  signet::Log(level, message, with_count);
}

}  // namespace signet
