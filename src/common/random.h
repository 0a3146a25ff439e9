#ifndef SIGNET_COMMON_RANDOM_H_
#define SIGNET_COMMON_RANDOM_H_

namespace signet {

// Randomness for jitter, injected so tests can fix it.
class Random {
 public:
  virtual ~Random() = default;
  // A number in [0, 1).
  virtual double Uniform01() = 0;
};

}  // namespace signet

#endif  // SIGNET_COMMON_RANDOM_H_
