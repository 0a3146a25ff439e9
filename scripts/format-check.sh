#!/usr/bin/env bash
# Checks that signet's C++ is as clang-format (.clang-format) writes it,
# changing nothing: prints every offending place and fails if there is one.
#
#   scripts/format-check.sh            every tracked *.cc and *.h
#   scripts/format-check.sh FILE...    only these
#
# To fix: clang-format -i FILE..., or `git clang-format` for the lines a
# change touched. Only files tracked by git are checked, so build
# directories, generated protobuf code and node_modules never are. CI's
# clang-format is Debian 12's (14); another version may format differently.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh clang-format
if [ $# -gt 0 ]; then
  files=("$@")
else
  mapfile -t files < <(git ls-files -- \
    'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'emulator/*.cc' \
    'emulator/*.h' 'bench/*.cc' 'bench/*.h' 'tools/*.cc' 'tools/*.h')
fi
if [ ${#files[@]} -eq 0 ]; then
  echo "format-check: no files" >&2
  exit 2
fi
if clang-format --dry-run -Werror "${files[@]}"; then
  echo "format-check: ${#files[@]} files formatted"
else
  echo "format-check: the files above are not clang-format clean" >&2
  exit 1
fi
