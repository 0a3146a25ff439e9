#!/usr/bin/env bash
# Installs what is missing and builds signet, the emulator and the tests,
# warnings as errors (SIGNET_WERROR, cmake/warnings.cmake).
#   BUILD_DIR (default build), BUILD_TYPE (default RelWithDebInfo)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" \
  -DSIGNET_WERROR=ON >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
