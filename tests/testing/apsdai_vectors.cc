#include "testing/apsdai_vectors.h"

#include <algorithm>
#include <fstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace signet::testing {

absl::StatusOr<std::vector<ApsdaiVector>> LoadApsdaiVectors() {
  const std::string path = absl::StrCat(
      SIGNET_SOURCE_DIR, "/tests/apsdai/testdata/apsdai_vectors.tsv");
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<ApsdaiVector> vectors;
  std::string text;
  int line = 0;
  while (std::getline(file, text)) {
    ++line;
    if (text.empty() || text[0] == '#') continue;
    const std::vector<std::string> fields = absl::StrSplit(text, '\t');
    const std::string where = absl::StrCat(path, ":", line);
    if (fields.size() != 3) {
      return absl::DataLossError(absl::StrCat(where, ": expected 3 fields"));
    }
    ApsdaiVector vector;
    vector.line = line;
    if (!absl::SimpleAtoi(fields[0], &vector.timestamp_ms)) {
      return absl::DataLossError(absl::StrCat(where, ": bad timestamp"));
    }
    const std::string& hex = fields[1];
    if (hex.size() % 2 != 0 || !std::all_of(hex.begin(), hex.end(), [](char c) {
          return absl::ascii_isxdigit(static_cast<unsigned char>(c));
        })) {
      return absl::DataLossError(absl::StrCat(where, ": bad secret hex"));
    }
    vector.secret = absl::HexStringToBytes(hex);
    vector.signature = fields[2];
    vectors.push_back(std::move(vector));
  }
  return vectors;
}

std::vector<ApsdaiVector> ApsdaiVectorsOrEmpty() {
  absl::StatusOr<std::vector<ApsdaiVector>> vectors = LoadApsdaiVectors();
  return vectors.ok() ? *std::move(vectors) : std::vector<ApsdaiVector>();
}

}  // namespace signet::testing
