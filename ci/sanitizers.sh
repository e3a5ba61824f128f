#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/sanitizers.sh - the sanitizer gates that ci/test.sh does not already run
# (ci/test.sh runs unit, replay and CLI tests under clang ASan+UBSan):
#   1. MSan over the corpus replay (preset `msan`: core + replay drivers only,
#      since cmocka is not MSan-instrumented and core has no other dependency);
#   2. valgrind --error-exitcode on the CLI (`nsboot decode`, both dialects)
#      over a deterministic sample of the corpus: every runc capture, every
#      regression input, and the first NSB_VALGRIND_PER_TARGET files (default
#      16, by sorted name) of each other corpus/<target>/. The whole corpus is
#      about 900 files, 1800 valgrind runs of ~0.7 s each (20 minutes on 2
#      cores); the sample keeps this step near 3 minutes. MSan (step 1) and
#      ASan (ci/test.sh) still see every file. NSB_VALGRIND_PER_TARGET=0 runs
#      them all.
# NSB_MSAN_BUILD / NSB_DEFAULT_BUILD move the two build trees (default
# build/msan, build/default).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh build test

MSAN_BLD=${NSB_MSAN_BUILD:-build/msan}
DEF_BLD=${NSB_DEFAULT_BUILD:-build/default}
PER_TARGET=${NSB_VALGRIND_PER_TARGET:-16}

echo "=== sanitizers: MSan corpus replay"
cmake --preset msan -B "$MSAN_BLD" >/dev/null
cmake --build "$MSAN_BLD" -j "$(nproc)"
MSAN_OPTIONS=halt_on_error=1 ctest --test-dir "$MSAN_BLD" --output-on-failure -R '^replay\.' -j "$(nproc)"

echo "=== sanitizers: valgrind on nsboot decode over the corpus sample"
cmake --preset default -B "$DEF_BLD" >/dev/null
cmake --build "$DEF_BLD" -j "$(nproc)" --target nsboot
NSBOOT=$DEF_BLD/tools/nsboot/nsboot

# The sample, sorted (LC_ALL=C: the same order on every machine).
sample() {
  local dir
  find corpus/runc corpus/regressions -type f ! -name '*.json' ! -name '*.md' 2>/dev/null
  for dir in corpus/*/; do
    case $dir in corpus/runc/ | corpus/regressions/) continue ;; esac
    if [ "$PER_TARGET" -eq 0 ]; then
      find "$dir" -type f ! -name '*.json' ! -name '*.md'
    else
      find "$dir" -type f ! -name '*.json' ! -name '*.md' | LC_ALL=C sort | head -n "$PER_TARGET"
    fi
  done
}

n=0; bad=0
while IFS= read -r f; do
  for d in runc-1.2 runc-1.1; do
    n=$((n + 1))
    rc=0
    valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
      "$NSBOOT" decode --json --dialect="$d" "$f" >/dev/null 2>"$DEF_BLD/valgrind.err" || rc=$?
    # 0 = valid, 1 = invalid input: both fine; 99 = a valgrind error.
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
      echo "valgrind: $f ($d): exit $rc"; cat "$DEF_BLD/valgrind.err"; bad=$((bad + 1))
    fi
  done
done < <(sample | LC_ALL=C sort -u)
[ "$PER_TARGET" -eq 0 ] && per=all || per="first $PER_TARGET"
echo "sanitizers: valgrind: $((n - bad)) of $n runs clean (runc + regressions + $per per target)"
[ $bad -eq 0 ]
