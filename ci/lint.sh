#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/lint.sh - static analysis gates over core/ and tools/, zero findings:
#   clang-format (the checked-in .clang-format) on every C file of the project,
#   clang-tidy (the checked-in .clang-tidy), cppcheck, gcc -fanalyzer.
# Any suppression in the code carries a comment with its reason.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh build lint

fail=0
mapfile -t all_c < <(git ls-files '*.c' '*.h')
mapfile -t gated < <(git ls-files 'core/*.c' 'core/*.h' 'tools/*.c' 'tools/*.h')

echo "=== lint: clang-format (${#all_c[@]} files)"
if ! clang-format --dry-run --Werror "${all_c[@]}"; then
  echo "lint: clang-format: run 'clang-format -i' on the files above" >&2; fail=1
fi

echo "=== lint: clang-tidy"
B=build/lint
cmake -S . -B "$B" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DNSB_BUILD_TESTS=OFF >/dev/null
cmake --build "$B" -j "$(nproc)" >/dev/null
mapfile -t tidy_src < <(printf '%s\n' "${gated[@]}" | grep '\.c$')
if ! clang-tidy -p "$B" --quiet "${tidy_src[@]}" 2>"$B/tidy.err"; then
  cat "$B/tidy.err" >&2; fail=1
fi

echo "=== lint: cppcheck"
if ! cppcheck --quiet --error-exitcode=1 --enable=warning,style,performance,portability \
     --std=c11 --inline-suppr --suppress=missingIncludeSystem \
     -I core/include -I core/src -D__GNUC__ -D_GNU_SOURCE core tools; then
  fail=1
fi

echo "=== lint: gcc -fanalyzer"
A=build/analyzer
cmake -S . -B "$A" -G Ninja -DCMAKE_C_COMPILER=gcc -DNSB_BUILD_TESTS=OFF \
  -DCMAKE_C_FLAGS="-O1 -fanalyzer -Werror" >/dev/null
if ! cmake --build "$A" -j "$(nproc)" --clean-first >"$A.log" 2>&1; then
  cat "$A.log" >&2; fail=1
fi

[ $fail -eq 0 ] && echo "lint: clean (clang-format, clang-tidy, cppcheck, gcc -fanalyzer)"
exit $fail
