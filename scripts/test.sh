#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test. CI runs exactly this.
#
#   scripts/test.sh           all stages (CI)
#   scripts/test.sh --quick   the first stage only, for everyday development
#
# Stages, cheapest first so a broken change fails early:
#   1. unit + integration   build/ and ctest (~7 min on 2 cores from scratch)
#   2. fuzz                 every libFuzzer target, FUZZ_SECONDS each (30)
#   3. soak                 SIGNET_SOAK_SECONDS (120) of mixed load and faults
#   4. sanitizers           ASan+UBSan over the ctest suite, TSan over the
#                           concurrency tests (scripts/sanitize.sh)
# Each stage prints its wall time; the first failure stops the run.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
case "${1:-}" in
  "") ;;
  --quick) quick=true ;;
  *)
    echo "usage: scripts/test.sh [--quick]" >&2
    exit 2
    ;;
esac

stage() {
  local name=$1
  shift
  local start
  start=$(date +%s)
  echo "=== stage: $name"
  "$@"
  echo "=== stage: $name passed in $(($(date +%s) - start)) s"
}

unit_and_integration() {
  scripts/build.sh
  local build_dir=${BUILD_DIR:-build}
  # examples/node's packages (node_client_test runs it), again when the lock
  # changed.
  if [ ! examples/node/node_modules/.package-lock.json -nt examples/node/package-lock.json ]; then
    npm ci --prefix examples/node --no-audit --no-fund
  fi
  ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
}

stage "unit + integration" unit_and_integration
if $quick; then exit 0; fi
stage "fuzz" env FUZZ_SECONDS="${FUZZ_SECONDS:-30}" scripts/fuzz.sh
stage "soak" env SIGNET_SOAK_SECONDS="${SIGNET_SOAK_SECONDS:-120}" scripts/soak.sh
stage "sanitizers" scripts/sanitize.sh all
