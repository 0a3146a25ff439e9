#!/usr/bin/env bash
# Compiles signet (every src/ library and the signet binary), fleet mode's
# library (not linked into signet yet), and the load loop the benchmark and
# the soak share (tools/load), with Clang's
# -Wthread-safety and -Werror in build-tsa/, so that a field read without
# the mutex its ABSL_GUARDED_BY names, or a call into an
# ABSL_LOCKS_EXCLUDED method with that mutex held, fails CI. GCC ignores
# these annotations; this is the build that makes them count. Nothing is
# run: a compile-only stage (~75 s on two cores from scratch).
#
#   scripts/thread-safety.sh
#   TSA_BUILD_DIR (default build-tsa), JOBS (default nproc)
set -euo pipefail
cd "$(dirname "$0")/.."

build_dir=${TSA_BUILD_DIR:-build-tsa}
start=$SECONDS
scripts/install-deps.sh clang
# Its own directory: one configured with GCC cannot be switched to Clang.
# Debug: no optimiser, the quickest compile; the analysis does not depend on
# it. The tests are left out: the annotations that matter are src/'s.
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=Debug \
  -DSIGNET_BUILD_TESTS=OFF -DSIGNET_WERROR=ON >/dev/null
cmake --build "$build_dir" --target signet signet_load signet_fleet -j"${JOBS:-$(nproc)}"
echo "thread-safety: signet compiles cleanly with -Wthread-safety in $((SECONDS - start))s"
