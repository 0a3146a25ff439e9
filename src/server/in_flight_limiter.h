#ifndef SIGNET_SERVER_IN_FLIGHT_LIMITER_H_
#define SIGNET_SERVER_IN_FLIGHT_LIMITER_H_

#include <atomic>
#include <cstddef>

namespace signet {

// Counts gateway calls in flight and admits a new one only below a limit.
// Each call in flight holds upstream resources (an HTTP/1.1 connection and
// buffers, ~100 KB); without a cap, a slow upstream at a high call rate
// grows memory without bound (the benchmark suite's slow-upstream scenario
// reached 1.4 GB). Lock-free: one atomic add per call.
class InFlightLimiter {
 public:
  bool TryAcquire(size_t limit) {
    if (count_.fetch_add(1, std::memory_order_relaxed) + 1 > limit) {
      count_.fetch_sub(1, std::memory_order_relaxed);
      return false;
    }
    return true;
  }
  void Release() { count_.fetch_sub(1, std::memory_order_relaxed); }
  size_t count() const { return count_.load(std::memory_order_relaxed); }

 private:
  std::atomic<size_t> count_{0};
};

}  // namespace signet

#endif  // SIGNET_SERVER_IN_FLIGHT_LIMITER_H_
