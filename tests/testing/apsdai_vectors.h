#ifndef SIGNET_TESTS_TESTING_APSDAI_VECTORS_H_
#define SIGNET_TESTS_TESTING_APSDAI_VECTORS_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace signet::testing {

// Seed 003's documented example.
inline constexpr int64_t kSeedTimestampMs = 1576754827988;
inline constexpr char kSeedSecret[] = "your_secret_key";
inline constexpr char kSeedSignature[] =
    "Gh70gm2WBTHpgpF%2BJjHZFZ7Uk6iGIsVaRG7Wz8aYhpU%3D";

// One row of tests/apsdai/testdata/apsdai_vectors.tsv, made by
// tools/testdata/make_apsdai_vectors.php with the seed's PHP code.
struct ApsdaiVector {
  int line = 0;
  int64_t timestamp_ms = 0;
  std::string secret;  // raw bytes, decoded from the file's hex
  std::string signature;
};

// Keeps ctest's listing readable; the secret itself goes in traces.
inline void PrintTo(const ApsdaiVector& vector, std::ostream* os) {
  *os << "apsdai_vectors.tsv line " << vector.line;
}

// Reads the committed file; DATA_LOSS names the line of a malformed row.
absl::StatusOr<std::vector<ApsdaiVector>> LoadApsdaiVectors();

// The rows, or none if the file is unreadable (a test of the file itself
// reports why); for INSTANTIATE_TEST_SUITE_P.
std::vector<ApsdaiVector> ApsdaiVectorsOrEmpty();

}  // namespace signet::testing

#endif  // SIGNET_TESTS_TESTING_APSDAI_VECTORS_H_
