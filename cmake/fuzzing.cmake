# libFuzzer builds, for scripts/fuzz.sh (-DSIGNET_BUILD_FUZZERS=ON, Clang
# only). Included before src/, so every signet library is compiled with
# coverage instrumentation for libFuzzer plus ASan and UBSan; the fuzz
# targets themselves add -fsanitize=fuzzer, which links libFuzzer's main()
# (tests/fuzz/CMakeLists.txt). The Debian libraries (protobuf, yaml-cpp,
# Abseil, libcurl, OpenSSL) are built with GCC and stay uninstrumented: the
# fuzzer gets no coverage feedback from inside them, only from signet's own
# code and the header-only nlohmann/json.
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR
    "SIGNET_BUILD_FUZZERS needs Clang (libFuzzer), not ${CMAKE_CXX_COMPILER_ID}; "
    "configure with CC=clang CXX=clang++ in a fresh build directory, as "
    "scripts/fuzz.sh does")
endif()
if(NOT SIGNET_SANITIZER STREQUAL "")
  message(FATAL_ERROR
    "SIGNET_BUILD_FUZZERS brings its own sanitizers; leave SIGNET_SANITIZER empty")
endif()

set(SIGNET_FUZZ_SANITIZERS address,undefined)
add_compile_options(
  -fsanitize=fuzzer-no-link,${SIGNET_FUZZ_SANITIZERS}
  # Frame pointers give the sanitizers' fast unwinder whole stacks.
  -fno-omit-frame-pointer)
# Executables other than the fuzz targets (signet, the emulator, the
# benchmarks) still link, with the sanitizer runtimes but no libFuzzer.
add_link_options(-fsanitize=${SIGNET_FUZZ_SANITIZERS})
message(STATUS "signet: libFuzzer build (fuzzer-no-link,${SIGNET_FUZZ_SANITIZERS})")
