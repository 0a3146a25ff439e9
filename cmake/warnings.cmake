# Strict warnings for signet's own code only; generated protobuf code and
# third-party headers are compiled without -Werror.
function(signet_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror
    -Wno-unused-parameter)
endfunction()
