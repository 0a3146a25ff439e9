#ifndef SIGNET_EMULATOR_EMULATOR_FLAGS_H_
#define SIGNET_EMULATOR_EMULATOR_FLAGS_H_

#include <string>

#include "absl/status/status.h"
#include "emulator/emulator_options.h"

namespace signet::emulator {

// Where and how the emulator listens.
struct ListenOptions {
  // A loopback address; "localhost" reads as 127.0.0.1.
  std::string host;
  int port = 0;
  int threads = 0;
};

// Reads and validates the command-line flags (defined in emulator_flags.cc;
// absl::ParseCommandLine must have run). InvalidArgument names the bad flag.
absl::Status ReadFlags(ListenOptions& listen, UpstreamOptions& upstream,
                       RuntimeConfig& runtime);

}  // namespace signet::emulator

#endif  // SIGNET_EMULATOR_EMULATOR_FLAGS_H_
