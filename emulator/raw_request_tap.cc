// No fortified inline recv() wrapper may shadow the definition below.
#ifdef _FORTIFY_SOURCE
#undef _FORTIFY_SOURCE
#endif

#include "emulator/raw_request_tap.h"

#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace signet::emulator {
namespace {

// Unclaimed bytes kept per thread. A head is claimed as soon as httplib has
// read it, so it sits near the end; older bytes are request bodies nobody
// needs.
constexpr size_t kMaxBufferedBytes = 1 << 20;

struct ThreadTap {
  int fd = -1;
  std::string unclaimed;  // received on `fd`, not yet claimed by a request
  // Content-Length of the last claimed request: its body starts `unclaimed`
  // and may contain text that looks like a request head.
  size_t body_bytes = 0;
  RawRequestHead current;
};

ThreadTap& Tap() {
  thread_local ThreadTap tap;
  return tap;
}

void Record(int fd, const char* data, size_t size) {
  ThreadTap& tap = Tap();
  if (tap.fd != fd) {
    // A new connection on this worker thread.
    tap.fd = fd;
    tap.unclaimed.clear();
    tap.body_bytes = 0;
  }
  tap.unclaimed.append(data, size);
  if (tap.unclaimed.size() > kMaxBufferedBytes) {
    const size_t dropped = tap.unclaimed.size() - kMaxBufferedBytes;
    tap.unclaimed.erase(0, dropped);
    tap.body_bytes -= std::min(dropped, tap.body_bytes);
  }
}

absl::string_view StripOws(absl::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses a request head: the request line, then header lines up to the
// empty line.
RawRequestHead ParseRawHead(absl::string_view head) {
  RawRequestHead parsed;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(head, '\n')) {
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (first) {
      parsed.request_line = std::string(line);
      first = false;
      continue;
    }
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {
      // obs-fold (RFC 9112 section 5.2): a continuation of the last value.
      if (!parsed.headers.empty()) {
        absl::StrAppend(&parsed.headers.back().second, " ", StripOws(line));
      }
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == absl::string_view::npos) continue;
    parsed.headers.emplace_back(std::string(line.substr(0, colon)),
                                std::string(StripOws(line.substr(colon + 1))));
  }
  return parsed;
}

// Where the head of `method` `target` starts in `bytes`, searching from
// `from`; npos if it is not there.
size_t FindHead(absl::string_view bytes, size_t from, absl::string_view method,
                absl::string_view target) {
  const std::string start = absl::StrCat(method, " ", target);
  for (size_t pos = bytes.find(start, from); pos != absl::string_view::npos;
       pos = bytes.find(start, pos + 1)) {
    // A head starts where the search does (right after the previous body)
    // or at the start of a line.
    const bool at_line_start = pos == from || bytes[pos - 1] == '\n';
    const size_t after = pos + start.size();
    // httplib drops a "#fragment" from req.target.
    const bool whole_target =
        after < bytes.size() && (bytes[after] == ' ' || bytes[after] == '#');
    if (at_line_start && whole_target) return pos;
  }
  return absl::string_view::npos;
}

size_t ContentLength(const RawRequestHead& head) {
  size_t length = 0;
  for (const auto& [name, value] : head.headers) {
    if (absl::EqualsIgnoreCase(name, "Transfer-Encoding")) return 0;
    if (absl::EqualsIgnoreCase(name, "Content-Length") &&
        !absl::SimpleAtoi(value, &length)) {
      return 0;
    }
  }
  return length;
}

}  // namespace

bool BeginRawRequest(absl::string_view method, absl::string_view target) {
  ThreadTap& tap = Tap();
  const absl::string_view bytes = tap.unclaimed;
  // Past the previous request's body first; from the start if that fails
  // (the body never fully arrived and this is a new connection on a reused
  // descriptor).
  size_t pos =
      FindHead(bytes, std::min(tap.body_bytes, bytes.size()), method, target);
  if (pos == absl::string_view::npos) pos = FindHead(bytes, 0, method, target);
  size_t end = absl::string_view::npos;
  size_t terminator = 4;
  if (pos != absl::string_view::npos) {
    end = bytes.find("\r\n\r\n", pos);
    if (end == absl::string_view::npos) {
      end = bytes.find("\n\n", pos);
      terminator = 2;
    }
  }
  if (end == absl::string_view::npos) {
    tap.current = RawRequestHead();
    tap.body_bytes = 0;
    return false;
  }
  tap.current = ParseRawHead(bytes.substr(pos, end - pos));
  tap.unclaimed.erase(0, end + terminator);
  tap.body_bytes = ContentLength(tap.current);
  return true;
}

const RawRequestHead& CurrentRawHead() { return Tap().current; }

}  // namespace signet::emulator

// Interposes libc's recv(2) for libcpp-httplib.so (see raw_request_tap.h).
// The bytes are passed through unchanged; peeks are not recorded.
extern "C" ssize_t recv(int fd, void* buf, size_t len, int flags) {
  const long n = syscall(SYS_recvfrom, fd, buf, len, flags, nullptr, nullptr);
  if (n > 0 && (flags & MSG_PEEK) == 0) {
    signet::emulator::Record(fd, static_cast<const char*>(buf),
                             static_cast<size_t>(n));
  }
  return static_cast<ssize_t>(n);
}
