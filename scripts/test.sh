#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test (unit and integration) with ctest. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${BUILD_DIR:-build}
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
