# Strict warnings for signet's own code only; generated protobuf code and
# third-party headers are compiled without them.
#
# SIGNET_WERROR turns the warnings into errors. CI's scripts (build.sh,
# sanitize.sh, thread-safety.sh) turn it on; it is off by default because
# another compiler or version than CI's (Debian 12's GCC 12 and Clang 14)
# warns about other things, and a user's build should not fail on those.
option(SIGNET_WERROR "Treat warnings in signet's own code as errors" OFF)

# -Wthread-safety (Clang only) checks the ABSL_GUARDED_BY and
# ABSL_LOCKS_EXCLUDED annotations, which GCC ignores;
# scripts/thread-safety.sh builds with it and SIGNET_WERROR.
set(signet_warning_flags -Wall -Wextra -Wpedantic -Wno-unused-parameter)
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  list(APPEND signet_warning_flags -Wthread-safety)
endif()
if(SIGNET_WERROR)
  list(APPEND signet_warning_flags -Werror)
endif()

function(signet_strict_warnings target)
  target_compile_options(${target} PRIVATE ${signet_warning_flags})
endfunction()
