#!/usr/bin/env bash
# The soak test. Builds signet, signet-emulator and tests/soak/soak_test in
# BUILD_DIR (default build), then runs it through ctest (label "soak"): a
# real signet in front of a real emulator, under a paced mix of every Gateway
# RPC (24 in flight at most) while the emulator cycles through faults (token
# endpoint down, slow, 5xx, malformed answers, revoked tokens, dropped
# connections, hangs, recovery, healthy). It fails on any answer outside its
# phase's allowed gRPC codes, a late or wrong answer, signet exiting, or
# signet's resident memory growing more than 10% from the end of the first
# cycle to the end of the run; it prints calls and codes per RPC, the
# emulator's counters and the memory figures. CI runs it for 120 s, the
# default.
#
#   SIGNET_SOAK_SECONDS  run length (default 120; whole cycles, at least two,
#                        so a very short one is rounded up to ~1 min)
#   BUILD_DIR, BUILD_TYPE (default RelWithDebInfo)
#
# The plain ctest run (scripts/test.sh) does not include it: the test is
# registered only when SIGNET_SOAK_SECONDS is set (tests/soak/CMakeLists.txt).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
build_dir=${BUILD_DIR:-build}
export SIGNET_SOAK_SECONDS=${SIGNET_SOAK_SECONDS:-120}
cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-RelWithDebInfo}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)" --target soak_test
start=$(date +%s)
# -V: the figures are worth reading when it passes too.
ctest --test-dir "$build_dir" -L soak -V --no-tests=error \
  --timeout $((SIGNET_SOAK_SECONDS * 2 + 300))
echo "soak: passed in $(($(date +%s) - start))s"
