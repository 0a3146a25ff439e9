#!/usr/bin/env bash
# Builds signet's libFuzzer targets (tests/fuzz) with clang, ASan and UBSan
# in build-fuzz/ and runs each one, starting from a copy of its committed
# seed corpus (tests/fuzz/corpus/<target>/), so the repository is never
# written to. Fails, naming the target and the saved input, on any crash,
# leak, timeout, sanitizer report or broken invariant; prints one summary
# line per target.
#
#   scripts/fuzz.sh [TARGET...]            fuzz each target FUZZ_SECONDS (60)
#   scripts/fuzz.sh --regress [TARGET...]  only run each committed corpus once
#
#   FUZZ_SECONDS (default 60)  time per target
#   FUZZ_TIMEOUT (default 10)  seconds one input may take before it fails
#   FUZZ_BUILD_DIR (default build-fuzz), JOBS (default nproc)
#
# CI runs `FUZZ_SECONDS=30 scripts/fuzz.sh`: about 4 minutes on two cores,
# the build included, within the 5-minute fuzzing budget. On failure it
# keeps build-fuzz/artifacts/ (the inputs that failed); reproduce one with
#   build-fuzz/tests/fuzz/<target> build-fuzz/artifacts/<target>/<file>
# and, once fixed, add it to tests/fuzz/corpus/<target>/ so --regress
# keeps it fixed.
set -euo pipefail
cd "$(dirname "$0")/.."

regress=false
if [ "${1:-}" = "--regress" ]; then
  regress=true
  shift
fi
all_targets=(config_fuzzer expire_time_fuzzer upstream_answer_fuzzer
  request_validation_fuzzer inbound_verifier_fuzzer)
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
  if [ ! -d "tests/fuzz/corpus/$target" ]; then
    echo "fuzz: unknown target $target (known: ${all_targets[*]})" >&2
    exit 2
  fi
done

seconds=${FUZZ_SECONDS:-60}
build_dir=${FUZZ_BUILD_DIR:-build-fuzz}
start=$SECONDS

# clang and its runtimes (libFuzzer, ASan, UBSan): libclang-rt is only a
# Recommends of clang, which install-deps.sh does not install.
scripts/install-deps.sh clang libclang-rt-dev
# libFuzzer needs clang; a build directory configured with another compiler
# cannot be switched, so this one is the fuzzers' own.
CC=clang CXX=clang++ cmake -S . -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DSIGNET_BUILD_FUZZERS=ON -DSIGNET_BUILD_TESTS=OFF -DSIGNET_WERROR=ON >/dev/null
build_targets=()
for target in "${targets[@]}"; do build_targets+=(--target "$target"); done
cmake --build "$build_dir" "${build_targets[@]}" -j"${JOBS:-$(nproc)}"
echo "fuzz: built in $((SECONDS - start))s"

# Every UBSan finding is fatal and shows where it came from. Leaks are
# checked after each input that allocated more than it freed, and at exit.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1

# "stat::peak_rss_mb: 613" -> 613
final_stat() { sed -n "s/^stat::$1: *\([0-9]*\).*/\1/p" "$2" | tail -n 1; }

failed=()
for target in "${targets[@]}"; do
  work="$build_dir/fuzz/$target"
  artifacts="$build_dir/artifacts/$target"
  rm -rf "$work" "$artifacts"
  mkdir -p "$work/corpus" "$artifacts"
  cp tests/fuzz/corpus/"$target"/* "$work/corpus/"
  seeds=$(ls "$work/corpus" | wc -l)

  args=(-detect_leaks=1 -timeout="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048
    -print_final_stats=1 -artifact_prefix="$artifacts/")
  [ -f "tests/fuzz/$target.dict" ] && args+=(-dict="tests/fuzz/$target.dict")
  if $regress; then
    args+=(-runs=0)
  else
    args+=(-max_total_time="$seconds")
  fi

  status=0
  "$build_dir/tests/fuzz/$target" "${args[@]}" "$work/corpus" >"$work/log" 2>&1 || status=$?
  # A report that did not stop the process still fails the run.
  if [ $status -eq 0 ] && grep -qE \
      'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer)|runtime error:|invariant failed' \
      "$work/log"; then
    status=1
  fi

  # "#109406 DONE cov: 615 ft: 1222 corp: 85/3625b ..." -> "615 1222"
  read -r cov features < <(sed -n 's/.* cov: \([0-9]*\) ft: \([0-9]*\) .*/\1 \2/p' \
    "$work/log" | tail -n 1; echo) || true
  printf 'fuzz: %-26s %-4s %9s execs %7s exec/s  cov %-5s ft %-5s corpus %s+%s  rss %sMB\n' \
    "$target" "$([ $status -eq 0 ] && echo ok || echo FAIL)" \
    "$(final_stat number_of_executed_units "$work/log")" \
    "$(final_stat average_exec_per_sec "$work/log")" "${cov:-?}" "${features:-?}" \
    "$seeds" "$(final_stat new_units_added "$work/log")" \
    "$(final_stat peak_rss_mb "$work/log")"

  if [ $status -ne 0 ]; then
    failed+=("$target")
    echo "fuzz: $target failed (exit $status); the end of $work/log:" >&2
    tail -n 60 "$work/log" >&2
    for artifact in "$artifacts"/*; do
      [ -e "$artifact" ] && echo "fuzz: $target: failing input $artifact" >&2
    done
  fi
done

elapsed=$((SECONDS - start))
if [ ${#failed[@]} -ne 0 ]; then
  echo "fuzz: FAILED: ${failed[*]} (${elapsed}s; inputs in $build_dir/artifacts/)" >&2
  exit 1
fi
echo "fuzz: passed, ${#targets[@]} target(s) in ${elapsed}s"
