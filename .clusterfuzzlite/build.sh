#!/bin/bash -eu
# SPDX-License-Identifier: Apache-2.0
# The flag variables are word lists by contract: they are split on purpose.
# shellcheck disable=SC2086
# .clusterfuzzlite/build.sh - build every fuzz target by the OSS-Fuzz build
# contract, for ClusterFuzzLite and OSS-Fuzz alike.
#
# Inputs (set by the builder image): $CC $CXX $CFLAGS $CXXFLAGS
# $LIB_FUZZING_ENGINE $SRC $OUT $WORK. Nothing here assumes libFuzzer: the
# harnesses only define LLVMFuzzerTestOneInput, and $LIB_FUZZING_ENGINE
# supplies main (libFuzzer, AFL++'s driver, honggfuzz, centipede, ...).
# Links with $CXX, as the contract asks (engines are C++).
#
# Output, per target of fuzz/targets.txt: $OUT/<t>, $OUT/<t>_seed_corpus.zip
# (corpus/<t>/ and corpus/regressions/<t>/), $OUT/<t>.dict, $OUT/<t>.options.
# Checked without Docker by ci/oss-fuzz-check.sh.
cd "$SRC/nsboot"

targets=$(sed -e 's/#.*//' -e 's/[[:space:]]//g' fuzz/targets.txt | grep -v '^$')
obj="$WORK/nsboot-obj"
rm -rf "$obj"
mkdir -p "$obj"

# The core: every file of core/src, as core/CMakeLists.txt builds it.
for src in core/src/*.c; do
  $CC $CFLAGS -std=c11 -D_GNU_SOURCE -fvisibility=hidden -Icore/include -Icore/src \
    -c "$src" -o "$obj/core_$(basename "${src%.c}").o"
done
ar rcs "$obj/libnsboot_core.a" "$obj"/core_*.o

for t in $targets; do
  $CC $CFLAGS -std=c11 -Icore/include -c "fuzz/$t.c" -o "$obj/fuzz_$t.o"
  $CXX $CXXFLAGS "$obj/fuzz_$t.o" "$obj/libnsboot_core.a" $LIB_FUZZING_ENGINE -o "$OUT/$t"

  rm -f "$OUT/${t}_seed_corpus.zip"
  seeds=()
  for d in "corpus/$t" "corpus/regressions/$t"; do
    if [ -d "$d" ]; then seeds+=("$d"); fi
  done
  if [ ${#seeds[@]} -gt 0 ]; then
    # -j: flat file names, as the engines expect; dotfiles (.gitkeep) left out.
    find "${seeds[@]}" -maxdepth 1 -type f ! -name '.*' -print0 |
      xargs -0 --no-run-if-empty zip -q -j "$OUT/${t}_seed_corpus.zip"
  fi
  for ext in dict options; do
    if [ -f "fuzz/$t.$ext" ]; then cp "fuzz/$t.$ext" "$OUT/$t.$ext"; fi
  done
done
