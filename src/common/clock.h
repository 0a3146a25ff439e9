#ifndef SIGNET_COMMON_CLOCK_H_
#define SIGNET_COMMON_CLOCK_H_

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace signet {

// The source of "now" for everything that reads time. Abseil 20220623 has no
// clock interface, so signet has its own; tests inject FakeClock
// (tests/testing/fake_clock.h) and step time instead of sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }

  // A process-wide instance for production wiring.
  static SystemClock* Get() {
    static SystemClock* const clock = new SystemClock();
    return clock;
  }
};

}  // namespace signet

#endif  // SIGNET_COMMON_CLOCK_H_
