#ifndef SIGNET_TESTS_FUZZ_FUZZ_CHECK_H_
#define SIGNET_TESTS_FUZZ_FUZZ_CHECK_H_

#include <cstdio>
#include <cstdlib>

// An invariant of the code under test. A failure aborts, which libFuzzer
// reports as a crash and saves the input as an artifact, like a sanitizer
// finding. Active in every build type (unlike assert).
#define SIGNET_FUZZ_CHECK(condition)                                  \
  do {                                                                \
    if (!(condition)) {                                               \
      std::fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, \
                   __LINE__, #condition);                             \
      std::abort();                                                   \
    }                                                                 \
  } while (false)

#endif  // SIGNET_TESTS_FUZZ_FUZZ_CHECK_H_
