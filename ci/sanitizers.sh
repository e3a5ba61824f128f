#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/sanitizers.sh - the sanitizer gates that ci/test.sh does not already run
# (ci/test.sh runs unit, replay and CLI tests under clang ASan+UBSan):
#   1. MSan over the corpus replay (preset `msan`: core + replay drivers only,
#      since cmocka is not MSan-instrumented and core has no other dependency);
#   2. valgrind --error-exitcode=1 on the CLI over every corpus file, both dialects.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh build test

echo "=== sanitizers: MSan corpus replay"
cmake --preset msan >/dev/null
cmake --build --preset msan -j "$(nproc)"
MSAN_OPTIONS=halt_on_error=1 ctest --preset msan -R '^replay\.' -j "$(nproc)"

echo "=== sanitizers: valgrind on nsboot decode over the corpus"
cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)" --target nsboot
NSBOOT=build/default/tools/nsboot/nsboot
n=0; bad=0
while IFS= read -r -d '' f; do
  for d in runc-1.2 runc-1.1; do
    n=$((n + 1))
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$NSBOOT" decode --json --dialect="$d" "$f" >/dev/null 2>"build/valgrind.err" || rc=$?
    rc=${rc:-0}
    # 0 = valid, 1 = invalid input: both fine; 99 = a valgrind error.
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
      echo "valgrind: $f ($d): exit $rc"; cat build/valgrind.err; bad=$((bad + 1))
    fi
    unset rc
  done
done < <(find corpus -type f ! -name '*.json' ! -name '*.md' -print0 | sort -z)
echo "sanitizers: valgrind: $((n - bad)) passed, $bad failed"
[ $bad -eq 0 ]
