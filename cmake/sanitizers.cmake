# Sanitizer builds, for scripts/sanitize.sh:
#   -DSIGNET_SANITIZER=address   AddressSanitizer + LeakSanitizer + UBSan
#   -DSIGNET_SANITIZER=thread    ThreadSanitizer
# The flags apply to every target (signet, signet-emulator, the tests), so
# the processes the integration tests spawn are checked too. Only signet's
# own code is instrumented: the Debian libraries (gRPC, Abseil, libcurl,
# OpenSSL) are not, so a sanitizer sees their memory only where it passes
# through inline header code or an intercepted libc call.
set(SIGNET_SANITIZER "" CACHE STRING
  "Sanitizer build: empty (none), address (ASan+UBSan) or thread (TSan)")
set_property(CACHE SIGNET_SANITIZER PROPERTY STRINGS "" address thread)

if(SIGNET_SANITIZER STREQUAL "")
  return()
endif()
if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "SIGNET_SANITIZER needs GCC or Clang, not ${CMAKE_CXX_COMPILER_ID}")
endif()

if(SIGNET_SANITIZER STREQUAL "address")
  set(signet_sanitizer_flags
    # ASan: out-of-bounds, use-after-free/return/scope, double free; its
    # LeakSanitizer reports what is still allocated at exit.
    -fsanitize=address,undefined
    # UBSan otherwise prints and carries on: make every finding fatal so a
    # test (or the gateway it spawned) fails instead of a line going unread.
    -fno-sanitize-recover=undefined
    # Frame pointers let the sanitizers' fast unwinder give whole stacks
    # for allocations and frees, not just the faulting frame.
    -fno-omit-frame-pointer)
elseif(SIGNET_SANITIZER STREQUAL "thread")
  set(signet_sanitizer_flags
    # TSan: data races and lock-order inversions between threads. It cannot
    # be combined with ASan, hence its own build directory.
    -fsanitize=thread
    -fno-omit-frame-pointer)
else()
  message(FATAL_ERROR
    "SIGNET_SANITIZER is \"${SIGNET_SANITIZER}\"; use \"\", address or thread")
endif()

add_compile_options(${signet_sanitizer_flags}
  # -O1 keeps the tests quick without -O2's inlining and tail calls, which
  # fold away frames of the reports; -g1 gives them file:line (GCC: line
  # tables and functions, enough for backtraces). Full -g, whose variable
  # info no report uses, made each object ~2.5x larger and its compile ~25%
  # slower (the ASan build is the longest step of CI). These come after
  # CMAKE_CXX_FLAGS_<CONFIG> on the command line, so they win over the
  # build type's -O0 -g.
  -O1 -g1)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  # GCC's manual: sanitizers raise the rate of false -Wmaybe-uninitialized
  # warnings (GCC 12 trips on <regex> here), and signet_strict_warnings has
  # -Werror. The normal build keeps checking it.
  add_compile_options(-Wno-maybe-uninitialized)
  if(SIGNET_SANITIZER STREQUAL "thread")
    # -Wtsan: TSan does not model std::atomic_thread_fence. The only fences
    # are in Abseil's headers (absl::GetFlag's seqlock, in the emulator);
    # signet's code has none.
    add_compile_options(-Wno-tsan)
  endif()
endif()
# The runtime (libasan/libubsan, libtsan) is linked into every executable.
add_link_options(${signet_sanitizer_flags})

if(SIGNET_SANITIZER STREQUAL "thread")
  # Debian's Abseil is not built with TSan and absl::Mutex waits on a raw
  # futex, so TSan would see no ordering between threads that take turns
  # under one and report every guarded field as a race (likewise the
  # delete of a Status shared between threads). This library re-enters the
  # Mutex/CondVar/Notification/BlockingCounter entry points and the Status
  # unref with TSan annotations (see the file); link_libraries() puts it
  # first on the link line of every target defined from here on, ahead of
  # Abseil.
  add_library(signet_absl_tsan_annotations SHARED
    ${PROJECT_SOURCE_DIR}/tools/sanitizers/absl_tsan_annotations.cc)
  # Not instrumented itself: it reads the waiter's Condition on whichever
  # thread Abseil evaluates it, ordered only by its own annotations.
  target_compile_options(signet_absl_tsan_annotations PRIVATE -fno-sanitize=thread)
  target_link_libraries(signet_absl_tsan_annotations
    PRIVATE absl::synchronization absl::status ${CMAKE_DL_LIBS})
  link_libraries(signet_absl_tsan_annotations)
endif()
message(STATUS "signet: sanitizer build (${SIGNET_SANITIZER}): ${signet_sanitizer_flags}")
