#!/usr/bin/env bash
# Sanitizer builds of signet, signet-emulator and the tests. CI runs this
# after the main tests (scripts/test.sh):
#
#   scripts/sanitize.sh [address|thread|all]      (default all)
#
# address  build-asan, -DSIGNET_SANITIZER=address (ASan, LeakSanitizer and
#          UBSan): builds everything and runs the whole ctest suite, unit and
#          integration. The signet and emulator processes the integration
#          tests start are sanitized as well; a report in their output (a
#          leak at signet's exit included) fails the test
#          (tests/testing/sanitizer_report.h).
# thread   build-tsan, -DSIGNET_SANITIZER=thread (ThreadSanitizer): builds
#          and runs only the tests whose code runs on several threads.
#
# Prints the wall time of each stage; exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-all}
case "$mode" in
  address | thread | all) ;;
  *)
    echo "usage: scripts/sanitize.sh [address|thread|all]" >&2
    exit 2
    ;;
esac

jobs=${SANITIZE_JOBS:-2}
tsan_suppressions="$PWD/tools/sanitizers/tsan.supp"

# Nothing is left out of the address stage: on the 2-core CI machine the
# build takes ~19 min and the whole suite under ASan under 2 (BenchSmoke
# ~20 s of it). Should the budget tighten, SANITIZE_ASAN_EXCLUDE (a ctest -E
# regex of test names) drops tests; first candidates: BenchSmoke (a load
# run; it stops signet without looking at its exit code or log, so only a
# report that kills signet mid-run fails it), then
# 'PythonClient|NodeClient' (their extra is the client libraries, which are
# not sanitized; the signet side is token_path_test's path).
asan_exclude=${SANITIZE_ASAN_EXCLUDE:-}

# The tests whose code under test runs on several threads (a ctest label per
# test binary, see tests/CMakeLists.txt), built and run under TSan:
#  - token_cache_test: single flight, with callers and the fetch completing
#    on different threads;
#  - curl_multi_client_test: the one curl thread and its submission queue;
#  - http_server_test: libmicrohttpd's threads calling signet's handlers;
#  - child_process_test: ChildProcess's reader and reaper threads, which
#    every integration test relies on;
#  - timer_thread_test: TimerThread's thread running tasks queued by others;
#  - repeating_task_test: a RepeatingTask stopped while it runs on the timer;
#  - load_loop_test: LoadLoop's pacer thread and completions on others
#    (the loop the benchmark client and the soak share);
#  - hiredis_client_test, fleet_token_source_test: the Redis client's own
#    thread, callers on others, and the last owner letting go from a
#    callback on the client's thread.
# Not the integration tests (the only ones for ConfigReloader and
# InFlightLimiter): protobuf's headers add fields to MapFieldBase under
# TSan, so TSan-built code disagrees with Debian's uninstrumented
# libprotobuf about its layout, and signet crashes parsing its config.
tsan_targets=(token_cache_test curl_multi_client_test http_server_test
  child_process_test timer_thread_test repeating_task_test load_loop_test
  hiredis_client_test fleet_token_source_test)

stage_start=0
stage() {
  stage_start=$(date +%s)
  echo "== sanitize: $1"
}
stage_done() {
  echo "== sanitize: $1 took $(($(date +%s) - stage_start))s"
}

# Sanitizer runtimes come with GCC (build-essential); listed so that a
# trimmed image gets them back the same way as every other dependency.
scripts/install-deps.sh libasan8 libubsan1 libtsan2

run_address() {
  # halt_on_error: stop at the first error rather than run on corrupted
  # memory. detect_leaks: LeakSanitizer at every exit, signet's included.
  # check_initialization_order: static initialisers reading globals of
  # another file before they are constructed. detect_stack_use_after_return:
  # a callback writing into the frame of a function that has returned (it
  # found one in token_cache_test; costs ~25% of the suite's time). UBSan: every finding fatal
  # (as -fno-sanitize-recover makes it) and with a stack. Options already
  # in the environment come last and win.
  export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:strict_init_order=1:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
  export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

  stage "address: configure and build build-asan"
  cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSIGNET_SANITIZER=address \
    -DSIGNET_WERROR=ON >/dev/null
  cmake --build build-asan -j"$jobs"
  stage_done "address: build"

  # examples/node's packages, as scripts/test.sh gets them (node_client_test
  # runs the example); already there when CI ran test.sh first.
  if [ ! examples/node/node_modules/.package-lock.json -nt examples/node/package-lock.json ]; then
    npm ci --prefix examples/node --no-audit --no-fund
  fi
  local exclude=()
  if [ -n "$asan_exclude" ]; then exclude=(-E "$asan_exclude"); fi
  stage "address: ctest${asan_exclude:+ (all but $asan_exclude)}"
  ctest --test-dir build-asan --output-on-failure -j"$jobs" --timeout 600 \
    "${exclude[@]}"
  stage_done "address: ctest"
}

# TSan maps its shadow memory at fixed addresses; with the kernel's larger
# mmap randomisation (vm.mmap_rnd_bits > 28) a library can land there and
# the runtime stops with "FATAL: ThreadSanitizer: unexpected memory mapping".
# A tiny probe finds out; if so, everything TSan runs (the build, whose
# gtest discovery runs the tests, and ctest) goes under setarch -R, which
# turns address randomisation off for this process tree only.
tsan_prefix=()
probe_tsan() {
  local probe_dir=build-tsan/tsan-probe
  mkdir -p "$probe_dir"
  printf '#include <thread>\nint main() { std::thread([] {}).join(); }\n' \
    >"$probe_dir/probe.cc"
  c++ -fsanitize=thread -O1 "$probe_dir/probe.cc" -o "$probe_dir/probe"
  if "$probe_dir/probe" >"$probe_dir/out" 2>&1; then return 0; fi
  if grep -q "unexpected memory mapping" "$probe_dir/out" &&
    setarch "$(uname -m)" -R "$probe_dir/probe" >"$probe_dir/out" 2>&1; then
    echo "== sanitize: TSan needs address randomisation off here: using setarch -R"
    tsan_prefix=(setarch "$(uname -m)" -R)
    return 0
  fi
  echo "sanitize: a TSan program does not run on this machine:" >&2
  cat "$probe_dir/out" >&2
  return 1
}

run_thread() {
  # Every race is reported (TSan's exit code 66 fails the test). The
  # suppressions cover uninstrumented Debian libraries only; see the file.
  export TSAN_OPTIONS="halt_on_error=0:second_deadlock_stack=1:suppressions=$tsan_suppressions${TSAN_OPTIONS:+:$TSAN_OPTIONS}"

  stage "thread: configure and build build-tsan (${tsan_targets[*]})"
  cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=Debug -DSIGNET_SANITIZER=thread \
    -DSIGNET_WERROR=ON >/dev/null
  probe_tsan
  "${tsan_prefix[@]}" cmake --build build-tsan -j"$jobs" --target "${tsan_targets[@]}"
  stage_done "thread: build"

  stage "thread: ctest"
  local labels
  labels="^($(IFS='|'; echo "${tsan_targets[*]}"))\$"
  "${tsan_prefix[@]}" ctest --test-dir build-tsan --output-on-failure -j"$jobs" \
    --timeout 600 -L "$labels"
  stage_done "thread: ctest"
}

total_start=$(date +%s)
case "$mode" in
  address) run_address ;;
  thread) run_thread ;;
  all)
    run_address
    run_thread
    ;;
esac
echo "== sanitize: $mode passed in $(($(date +%s) - total_start))s"
