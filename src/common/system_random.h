#ifndef SIGNET_COMMON_SYSTEM_RANDOM_H_
#define SIGNET_COMMON_SYSTEM_RANDOM_H_

#include "absl/base/thread_annotations.h"
#include "absl/random/random.h"
#include "absl/synchronization/mutex.h"
#include "common/random.h"

namespace signet {

// absl::BitGen behind a mutex; thread-safe. Not for secrets.
class SystemRandom final : public Random {
 public:
  double Uniform01() override ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return absl::Uniform<double>(bit_gen_, 0.0, 1.0);
  }

 private:
  absl::Mutex mu_;
  absl::BitGen bit_gen_ ABSL_GUARDED_BY(mu_);
};

}  // namespace signet

#endif  // SIGNET_COMMON_SYSTEM_RANDOM_H_
