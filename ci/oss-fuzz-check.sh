#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/oss-fuzz-check.sh - check .clusterfuzzlite/build.sh against the OSS-Fuzz
# build contract without Docker: run it the way the base-builder image's
# `compile` does ($SRC/nsboot = this checkout, cwd $SRC/nsboot, bash -eu),
# with the variables set for libFuzzer + ASan, into a scratch $OUT, then:
#   - every target of fuzz/targets.txt is in $OUT, with <t>_seed_corpus.zip
#     (not empty), and <t>.dict / <t>.options when fuzz/ has them;
#   - every binary runs -runs=100 over its unzipped seed corpus, with its
#     dictionary and options, and exits 0.
# With --afl it also builds against AFL++'s libAFLDriver.a (a second engine,
# to prove build.sh does not assume libFuzzer) and runs each binary on its
# seeds outside afl-fuzz.
#
#   ci/oss-fuzz-check.sh [--afl]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

afl=0
[ "${1:-}" = --afl ] && afl=1
ci/deps.sh build fuzz

mapfile -t TARGETS < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' fuzz/targets.txt | grep -v '^$')
SCRATCH=$ROOT/build/oss-fuzz-check
rm -rf "$SCRATCH"

run_build() { # engine name, CC, CXX, CFLAGS, LIB_FUZZING_ENGINE
  local name=$1
  local base="$SCRATCH/$name"
  mkdir -p "$base/src" "$base/out" "$base/work"
  ln -s "$ROOT" "$base/src/nsboot"
  cp .clusterfuzzlite/build.sh "$base/src/build.sh"
  echo "oss-fuzz-check: $name: build.sh into $base/out"
  if ! (cd "$base/src/nsboot" &&
    env SRC="$base/src" OUT="$base/out" WORK="$base/work" CC="$2" CXX="$3" \
      CFLAGS="$4" CXXFLAGS="$4" LIB_FUZZING_ENGINE="$5" \
      SANITIZER=address FUZZING_ENGINE="$name" ARCHITECTURE=x86_64 FUZZING_LANGUAGE=c \
      bash -eu "$base/src/build.sh") >"$base/build.log" 2>&1; then
    cat "$base/build.log" >&2
    echo "oss-fuzz-check: $name: build.sh failed" >&2
    exit 1
  fi
}

fail=0
check_out() { # engine name, run command prefix (for the seeds dir)
  local name=$1 out="$SCRATCH/$1/out" t
  for t in "${TARGETS[@]}"; do
    local bad=""
    [ -x "$out/$t" ] || bad+=" binary"
    # .dict and .options are optional per target, but must ship when they exist.
    [ ! -f "fuzz/$t.dict" ] || [ -f "$out/$t.dict" ] || bad+=" .dict"
    [ ! -f "fuzz/$t.options" ] || [ -f "$out/$t.options" ] || bad+=" .options"
    local n=0
    if [ -f "$out/${t}_seed_corpus.zip" ]; then
      n=$(unzip -Z1 "$out/${t}_seed_corpus.zip" | wc -l)
    fi
    [ "$n" -gt 0 ] || bad+=" seed-corpus-zip"
    if [ -n "$bad" ]; then
      echo "oss-fuzz-check: $name/$t: missing:$bad"; fail=1; continue
    fi
    local seeds="$SCRATCH/$name/seeds/$t"
    mkdir -p "$seeds"
    unzip -q -o "$out/${t}_seed_corpus.zip" -d "$seeds"
    local log="$SCRATCH/$name/run-$t.log"
    if [ "$name" = libfuzzer ]; then
      opts=()
      if [ -f "$out/$t.options" ]; then
        mapfile -t opts < <(awk '/^\[/{s=($0=="[libfuzzer]")} s && /=/{k=$0; sub(/[[:space:]]*=.*/,"",k);
          v=$0; sub(/^[^=]*=[[:space:]]*/,"",v); print "-" k "=" v}' "$out/$t.options")
      fi
      [ ! -f "$out/$t.dict" ] || opts+=("-dict=$t.dict")
      (cd "$out" && ./"$t" "${opts[@]}" -runs=100 "$seeds") >"$log" 2>&1 || {
        echo "oss-fuzz-check: $name/$t: -runs=100 over $n seeds failed (log: $log)"; fail=1; continue; }
    else
      # Outside afl-fuzz, libAFLDriver runs the files named on its command line.
      (cd "$out" && find "$seeds" -type f -print0 | xargs -0 ./"$t") >"$log" 2>&1 || {
        echo "oss-fuzz-check: $name/$t: running the seeds failed (log: $log)"; fail=1; continue; }
    fi
    echo "oss-fuzz-check: $name/$t: ok ($n seeds$([ -f "$out/$t.dict" ] && echo ", dict")$([ -f "$out/$t.options" ] && echo ", options"))"
  done
}

# The libFuzzer + ASan build, as OSS-Fuzz's default configuration sets it.
CFLAGS_ASAN="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address -fsanitize-address-use-after-scope -fsanitize=fuzzer-no-link"
run_build libfuzzer clang clang++ "$CFLAGS_ASAN" "-fsanitize=fuzzer"
check_out libfuzzer

if [ $afl -eq 1 ]; then
  AFL_DRIVER=/usr/lib/afl/libAFLDriver.a
  [ -f "$AFL_DRIVER" ] || { echo "oss-fuzz-check: $AFL_DRIVER not found (package afl++)" >&2; exit 1; }
  AFL_QUIET=1 run_build afl afl-clang-fast afl-clang-fast++ "-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address" "$AFL_DRIVER"
  check_out afl
fi

[ $fail -eq 0 ] || { echo "oss-fuzz-check: FAILED" >&2; exit 1; }
echo "oss-fuzz-check: ${#TARGETS[@]} targets built by .clusterfuzzlite/build.sh and run cleanly"
