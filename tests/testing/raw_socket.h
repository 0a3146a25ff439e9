#ifndef SIGNET_TESTS_TESTING_RAW_SOCKET_H_
#define SIGNET_TESTS_TESTING_RAW_SOCKET_H_

#include <string>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace signet::testing {

// A client TCP connection for what an HTTP library would not do: a head
// sent a line at a time, a body announced and never sent, a chosen
// loopback source address. Closed when destroyed.
class RawConnection {
 public:
  // Connects from `source` (an IPv4 address of this host, e.g. 127.0.0.7)
  // to `address` ("127.0.0.1:port"); check connected().
  RawConnection(const std::string& source, absl::string_view address);
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }

  // False once the peer has closed (or reset) the connection.
  bool Send(absl::string_view data);

  // What the peer sent until it closed the connection (`closed`), or
  // until `timeout` passed.
  struct Received {
    std::string bytes;
    bool closed = false;
  };
  Received ReadUntilClosed(absl::Duration timeout);

 private:
  int fd_ = -1;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_RAW_SOCKET_H_
