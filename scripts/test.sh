#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test (unit and integration) with ctest. CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
build_dir=${BUILD_DIR:-build}
# examples/node's packages (node_client_test runs it), again when the lock changed.
if [ ! examples/node/node_modules/.package-lock.json -nt examples/node/package-lock.json ]; then
  npm ci --prefix examples/node --no-audit --no-fund
fi
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
