#ifndef SIGNET_TESTS_SOAK_PROCESS_MEMORY_H_
#define SIGNET_TESTS_SOAK_PROCESS_MEMORY_H_

#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace signet::soak {

// The resident set size (VmRSS in /proc/<pid>/status) of a running process,
// in KiB. NOT_FOUND once it has exited: no such file, or a zombie (which has
// no VmRSS line).
absl::StatusOr<int64_t> ReadVmRssKib(pid_t pid);

// The median of `samples` (the upper one of an even count); 0 if empty.
int64_t Median(std::vector<int64_t> samples);

}  // namespace signet::soak

#endif  // SIGNET_TESTS_SOAK_PROCESS_MEMORY_H_
