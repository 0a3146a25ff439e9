#!/usr/bin/env bash
# The README's test command: installs what is missing, builds, and runs every
# test. CI runs exactly this.
#
#   scripts/test.sh           all stages (CI)
#   scripts/test.sh --quick   unit + integration only, for everyday development
#
# Stages, cheapest first so a broken change fails early:
#   0. format               clang-format --dry-run over the C++ (seconds;
#                           scripts/format-check.sh); SIGNET_FORMAT_CHECK=0
#                           skips it
#   1. unit + integration   build/ and ctest, every label but soak (~7 min on
#                           2 cores from scratch); `ctest -L '^unit$'` alone
#                           is the inner loop
#   2. thread safety        build-tsa/: signet compiled by Clang with
#                           -Wthread-safety -Werror (scripts/thread-safety.sh)
#   3. fuzz                 every libFuzzer target, FUZZ_SECONDS each (30)
#   4. soak                 SIGNET_SOAK_SECONDS (120) of mixed load and faults
#   5. sanitizers           ASan+UBSan over the ctest suite, TSan over the
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
  # The soak is registered only when SIGNET_SOAK_SECONDS is set
  # (tests/soak/CMakeLists.txt); should it be in the environment, it is still
  # stage 4's, not this one's.
  ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300 \
    -LE '^soak$'
}

if $quick; then
  stage "unit + integration" unit_and_integration
  exit 0
fi
if [ "${SIGNET_FORMAT_CHECK:-1}" != 0 ]; then
  stage "format" scripts/format-check.sh
fi
stage "unit + integration" unit_and_integration
stage "thread safety" scripts/thread-safety.sh
stage "fuzz" env FUZZ_SECONDS="${FUZZ_SECONDS:-30}" scripts/fuzz.sh
stage "soak" env SIGNET_SOAK_SECONDS="${SIGNET_SOAK_SECONDS:-120}" scripts/soak.sh
stage "sanitizers" scripts/sanitize.sh all
