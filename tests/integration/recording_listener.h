#ifndef SIGNET_TESTS_INTEGRATION_RECORDING_LISTENER_H_
#define SIGNET_TESTS_INTEGRATION_RECORDING_LISTENER_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet::testing {

// A TCP listener on 127.0.0.1 that stands in for a proxy: it records the
// request head (up to the blank line) of every connection, answers it with
// a fixed reply and closes. Tests use it to prove that something did, or
// did not, connect to where a proxy would be.
class RecordingListener {
 public:
  // Listens on an ephemeral port; each connection gets `reply`.
  static absl::StatusOr<std::unique_ptr<RecordingListener>> Start(
      std::string reply);
  ~RecordingListener();
  RecordingListener(const RecordingListener&) = delete;
  RecordingListener& operator=(const RecordingListener&) = delete;

  int port() const { return port_; }
  // The request heads received so far, one per connection.
  std::vector<std::string> heads() const ABSL_LOCKS_EXCLUDED(mu_);
  // Waits until `count` connections have been recorded.
  absl::Status WaitForConnections(size_t count, absl::Duration timeout) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  RecordingListener(int fd, int port, std::string reply);
  void Run();

  const int fd_;
  const int port_;
  const std::string reply_;
  mutable absl::Mutex mu_;
  std::vector<std::string> heads_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

}  // namespace signet::testing

#endif  // SIGNET_TESTS_INTEGRATION_RECORDING_LISTENER_H_
