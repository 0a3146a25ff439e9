#ifndef SIGNET_EMULATOR_HELD_CONNECTIONS_H_
#define SIGNET_EMULATOR_HELD_CONNECTIONS_H_

#include <microhttpd.h>

#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace signet::emulator {

// How long a request waits before it is handled: until `until`, or earlier
// once `released` (if set) returns true.
struct Hold {
  absl::Time until = absl::InfinitePast();
  std::function<bool()> released;
};

// The suspended connections of requests under a Hold (the slow and hang
// faults), and the one thread that resumes them. MHD's pool threads each
// serve many connections, so a handler that slept would stall every other
// connection of its thread; a suspended connection costs no thread.
class HeldConnections {
 public:
  HeldConnections();
  // Stops (see Stop).
  ~HeldConnections();

  HeldConnections(const HeldConnections&) = delete;
  HeldConnections& operator=(const HeldConnections&) = delete;

  // Suspends `connection`, from inside its access handler, until `hold`
  // ends; MHD then calls the handler again. Returns false, suspending
  // nothing, once Stop() has run: the caller answers at once.
  bool Suspend(MHD_Connection* connection, Hold hold) ABSL_LOCKS_EXCLUDED(mu_);

  // Asks every hold's `released` again (a fault changed, or the emulator is
  // stopping).
  void Recheck() ABSL_LOCKS_EXCLUDED(mu_);

  // Resumes every held connection and refuses new holds: stopping MHD with
  // a connection suspended is an API violation.
  void Stop() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  struct Held {
    MHD_Connection* connection;
    Hold hold;
  };

  void Run() ABSL_LOCKS_EXCLUDED(mu_);
  // Resumes the holds that have ended; returns when the next one ends.
  absl::Time ResumeEndedLocked(absl::Time now)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  absl::Mutex mu_;
  std::vector<Held> held_ ABSL_GUARDED_BY(mu_);
  // Set by Suspend, Recheck and Stop; cleared by the thread as it looks.
  bool changed_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_HELD_CONNECTIONS_H_
