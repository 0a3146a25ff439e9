#!/usr/bin/env bash
# The benchmark suite's one command:
#   bench/run.sh                 quick mode (about 6 minutes after the build)
#   bench/run.sh --mode full     the published figures (docs/benchmarks.md)
# Installs what is missing, builds signet in Release (build-release/), runs
# every scenario on 127.0.0.1 and writes bench/results/<mode>/ and
# docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
bench/install-deps.sh
cmake -S . -B build-release -DCMAKE_BUILD_TYPE=Release -DSIGNET_BUILD_TESTS=OFF > /dev/null
cmake --build build-release -j2 --target signet signet-emulator signet-bench-client signet-micro-bench
bench/peers/go/build.sh build-release/bench/signet-go-peer
ulimit -n 65536 2>/dev/null || true
exec /usr/bin/python3 bench/run_bench.py --bin-dir build-release "$@"
