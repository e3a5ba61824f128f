#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/fuzz.sh - the main job: a fuzz campaign over every target of
# fuzz/targets.txt, starting from the shipped corpus.
#
#   ci/fuzz.sh [--seconds N] [--targets a,b] [--engine libfuzzer|afl|both]
#              [--jobs N] [--no-merge] [--out DIR]
#
#   --seconds N   fuzz each target N seconds per engine (default 60)
#   --targets     comma-separated subset of fuzz/targets.txt (default: all)
#   --engine      libfuzzer (default), afl (AFL++ with a CMPLOG companion) or both
#   --jobs N      fuzzer processes at once (default: the cores); runs beyond
#                 that wait their turn, so the wall time is about
#                 ceil(targets * engines / N) * seconds
#   --no-merge    leave corpus/ untouched (by default the inputs that add
#                 coverage are merged, minimized, into corpus/<target>/)
#   --out DIR     campaign directory (default build/fuzz-out, emptied first)
#
# What it does: installs missing Debian packages (ci/deps.sh build fuzz),
# builds libFuzzer + ASan/UBSan (preset `fuzz`, build/fuzz), for AFL++ an
# ASan/UBSan build and a CMPLOG build (build/fuzz-afl, build/fuzz-afl-cmplog),
# and the replay drivers with clang source-based coverage (build/fuzz-cov);
# runs the campaign with a live status line per run (in place on a terminal,
# plain lines otherwise); saves every crash under OUT/crashes/<target>/ with
# a one-line reproduction command; merges; writes the HTML coverage report of
# core/ (OUT/coverage/html/index.html) and afl-plot graphs (OUT/<t>/afl/plot/);
# prints a table and `fuzz: N targets, E execs, C crashes`.
# Exit status: 0 clean; 1 a crash (or hang, leak, OOM) was found or a fuzzer
# failed to run; 2 usage or build error.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

usage() { sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-2}"; }

DURATION=60 ENGINE=libfuzzer JOBS=$(nproc) MERGE=1 OUT=build/fuzz-out WANT=""
while [ $# -gt 0 ]; do
  case $1 in
    --seconds) DURATION=${2:?}; shift 2 ;;
    --seconds=*) DURATION=${1#*=}; shift ;;
    --targets) WANT=${2:?}; shift 2 ;;
    --targets=*) WANT=${1#*=}; shift ;;
    --engine) ENGINE=${2:?}; shift 2 ;;
    --engine=*) ENGINE=${1#*=}; shift ;;
    --jobs) JOBS=${2:?}; shift 2 ;;
    --jobs=*) JOBS=${1#*=}; shift ;;
    --no-merge) MERGE=0; shift ;;
    --out) OUT=${2:?}; shift 2 ;;
    --out=*) OUT=${1#*=}; shift ;;
    -h|--help) usage 0 ;;
    *) echo "fuzz: unknown argument '$1'" >&2; usage ;;
  esac
done
[[ $DURATION =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --seconds wants a positive integer" >&2; exit 2; }
[[ $JOBS =~ ^[1-9][0-9]*$ ]] || { echo "fuzz: --jobs wants a positive integer" >&2; exit 2; }
case $ENGINE in
  libfuzzer) ENGINES=(libfuzzer) ;;
  afl) ENGINES=(afl) ;;
  both) ENGINES=(libfuzzer afl) ;;
  *) echo "fuzz: --engine is libfuzzer, afl or both" >&2; exit 2 ;;
esac

# The one list of targets.
mapfile -t ALL_TARGETS < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' fuzz/targets.txt | grep -v '^$')
if [ -n "$WANT" ]; then
  IFS=, read -r -a TARGETS <<<"$WANT"
  for t in "${TARGETS[@]}"; do
    printf '%s\n' "${ALL_TARGETS[@]}" | grep -qx -- "$t" ||
      { echo "fuzz: '$t' is not in fuzz/targets.txt (${ALL_TARGETS[*]})" >&2; exit 2; }
  done
else
  TARGETS=("${ALL_TARGETS[@]}")
fi

# ---- 1. packages and builds ------------------------------------------------
ci/deps.sh build fuzz || exit 2

CLANG_MAJOR=$(clang -dumpversion | cut -d. -f1)
pick() { command -v "$1-$CLANG_MAJOR" || command -v "$1" || true; }
PROFDATA=$(pick llvm-profdata) COV=$(pick llvm-cov)
if [ -z "$PROFDATA" ] || [ -z "$COV" ]; then echo "fuzz: llvm-profdata/llvm-cov not found" >&2; exit 2; fi

BJOBS=$(( JOBS < $(nproc) ? JOBS : $(nproc) ))
log_build() { # dir, log name, command...: quiet unless it fails
  local name=$1; shift
  if ! "$@" >"$OUT/build-$name.log" 2>&1; then
    cat "$OUT/build-$name.log" >&2
    echo "fuzz: build $name failed (log: $OUT/build-$name.log)" >&2
    exit 2
  fi
}
# OUT is emptied: only if it is new, empty or an earlier campaign's.
if [ -d "$OUT" ] && [ -n "$(ls -A "$OUT")" ] && [ ! -f "$OUT/.nsboot-fuzz-out" ]; then
  echo "fuzz: --out $OUT exists and is not a campaign directory; not emptying it" >&2
  exit 2
fi
rm -rf "$OUT"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
: >"$OUT/.nsboot-fuzz-out"

echo "fuzz: building (logs in $OUT/build-*.log)"
# libFuzzer + ASan + UBSan; its replay-<t> (same sanitizers) reproduces crashes.
log_build libfuzzer cmake --preset fuzz
log_build libfuzzer-ninja cmake --build --preset fuzz -j "$BJOBS"
LF=build/fuzz/fuzz
# Replay drivers with source-based coverage, for the report.
COV_FLAGS="-O1 -g -fprofile-instr-generate -fcoverage-mapping"
log_build cov cmake -S . -B build/fuzz-cov -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
  -DNSB_REPLAY_ONLY=ON "-DCMAKE_C_FLAGS=$COV_FLAGS" -DCMAKE_EXE_LINKER_FLAGS=-fprofile-instr-generate
log_build cov-ninja cmake --build build/fuzz-cov -j "$BJOBS"
if [[ " ${ENGINES[*]} " == *" afl "* ]]; then
  # ASan + UBSan instance, and a CMPLOG companion without sanitizers (afl-fuzz -c).
  log_build afl env AFL_QUIET=1 cmake -S . -B build/fuzz-afl -G Ninja -DCMAKE_C_COMPILER=afl-clang-fast \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSB_REPLAY_ONLY=ON -DNSB_BUILD_AFL=ON \
    "-DCMAKE_C_FLAGS=-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all"
  log_build afl-ninja env AFL_QUIET=1 cmake --build build/fuzz-afl -j "$BJOBS"
  log_build afl-cmplog env AFL_QUIET=1 AFL_LLVM_CMPLOG=1 cmake -S . -B build/fuzz-afl-cmplog -G Ninja \
    -DCMAKE_C_COMPILER=afl-clang-fast -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNSB_REPLAY_ONLY=ON \
    -DNSB_BUILD_AFL=ON "-DCMAKE_C_FLAGS=-O1 -g"
  log_build afl-cmplog-ninja env AFL_QUIET=1 AFL_LLVM_CMPLOG=1 cmake --build build/fuzz-afl-cmplog -j "$BJOBS"
fi

# ---- 2. coverage of the shipped corpus, before anything is merged -----------
replay_cov() { # tag, target, dirs...: profile one replay into OUT/coverage/<tag>/
  local tag=$1 t=$2; shift 2
  mkdir -p "$OUT/coverage/$tag"
  LLVM_PROFILE_FILE="$OUT/coverage/$tag/$t-%p.profraw" build/fuzz-cov/fuzz/replay-"$t" "$@" \
    >>"$OUT/coverage/$tag.log" 2>&1
}
existing_dirs() { local d; for d in "$@"; do [ -d "$d" ] && printf '%s\n' "$d"; done; return 0; }
seed_dirs() { existing_dirs "corpus/$1" "corpus/regressions/$1"; }

for t in "${TARGETS[@]}"; do
  [ $MERGE -eq 0 ] || mkdir -p "corpus/$t"
  mapfile -t dirs < <(seed_dirs "$t")
  [ ${#dirs[@]} -gt 0 ] || { echo "fuzz: $t: no seeds in corpus/$t/ yet"; continue; }
  replay_cov seeds "$t" "${dirs[@]}" ||
    echo "fuzz: $t: the shipped corpus does not replay cleanly (see $OUT/coverage/seeds.log)"
done

# ---- 3. the campaign -------------------------------------------------------
options_args() { # fuzz/<t>.options [libfuzzer] section -> -key=value
  local f=fuzz/$1.options
  [ -f "$f" ] || return 0
  awk '/^\[/{s=($0=="[libfuzzer]")} s && /=/{k=$0; sub(/[[:space:]]*=.*/,"",k); v=$0; sub(/^[^=]*=[[:space:]]*/,"",v); gsub(/[[:space:]]+$/,"",v); print "-" k "=" v}' "$f"
}
dict_args() { [ -f "fuzz/$1.dict" ] && printf '%s\n' "$2$ROOT/fuzz/$1.dict"; return 0; }

declare -a RUN_T=() RUN_E=() RUN_PID=() RUN_START=() RUN_END=() RUN_STATE=() RUN_RC=() RUN_PRE=()
for t in "${TARGETS[@]}"; do
  for e in "${ENGINES[@]}"; do
    RUN_T+=("$t"); RUN_E+=("$e"); RUN_PID+=(0); RUN_START+=(0); RUN_END+=(0); RUN_STATE+=(queued)
    RUN_RC+=(0); RUN_PRE+=("")
  done
done

# AFL++ 4.0x can leave its CMPLOG fork server's child stopped (state T) when
# afl-fuzz exits. Those are found by PID, as processes running this
# checkout's AFL binaries of the target that did not exist before the run.
afl_pids() { # target
  local p exe
  for p in /proc/[0-9]*; do
    exe=$(readlink "$p/exe" 2>/dev/null) || continue
    case $exe in
      "$ROOT/build/fuzz-afl-cmplog/fuzz/$1" | "$ROOT/build/fuzz-afl/fuzz/$1") echo "${p#/proc/}" ;;
    esac
  done
  return 0
}
afl_reap() { # run index
  local i=$1 p
  for p in $(afl_pids "${RUN_T[$i]}"); do
    [[ " ${RUN_PRE[$i]} " == *" $p "* ]] || kill -KILL "$p" 2>/dev/null || true
  done
}
NRUNS=${#RUN_T[@]}

start_run() { # index
  local i=$1 t=${RUN_T[$1]} e=${RUN_E[$1]} dir="$OUT/${RUN_T[$1]}/${RUN_E[$1]}"
  mkdir -p "$dir"
  mapfile -t seeds < <(seed_dirs "$t")
  if [ "$e" = libfuzzer ]; then
    mkdir -p "$dir/corpus" "$dir/artifacts"
    mapfile -t opts < <(options_args "$t"; dict_args "$t" -dict=)
    # New inputs go to the first directory (the campaign's); corpus/ is read only.
    "$LF/$t" "${opts[@]}" -max_total_time="$DURATION" -print_final_stats=1 \
      -artifact_prefix="$dir/artifacts/" "$dir/corpus" "${seeds[@]}" >"$dir/log" 2>&1 &
  else
    mkdir -p "$dir/in"
    local s
    for s in "${seeds[@]}"; do find "$s" -maxdepth 1 -type f ! -name '.*' -size +0 -exec cp -t "$dir/in" {} +; done
    # afl-fuzz refuses to start without a seed; a new target may have none yet.
    compgen -G "$dir/in/*" >/dev/null || printf '\n' >"$dir/in/empty-corpus"
    mapfile -t opts < <(dict_args "$t" -x)
    RUN_PRE[i]=" $(afl_pids "$t" | tr '\n' ' ') "
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_NO_AFFINITY=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 \
      ASAN_OPTIONS=abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1 \
      UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:symbolize=0 \
      timeout -s INT $((DURATION + 60)) afl-fuzz -i "$dir/in" -o "$dir/out" -V "$DURATION" -t 1000 \
      "${opts[@]}" -c "$ROOT/build/fuzz-afl-cmplog/fuzz/$t" -- "$ROOT/build/fuzz-afl/fuzz/$t" \
      >"$dir/log" 2>&1 &
  fi
  RUN_PID[i]=$!
  RUN_START[i]=$SECONDS
  RUN_STATE[i]=running
}

# Stats of a run, as "execs exec_per_s edges corpus crashes".
run_stats() {
  local i=$1 dir="$OUT/${RUN_T[$1]}/${RUN_E[$1]}"
  if [ "${RUN_E[$i]}" = libfuzzer ]; then
    local crashes line execs
    crashes=$(find "$dir/artifacts" -type f 2>/dev/null | wc -l)
    line=$(grep -aE '^#[0-9]+' "$dir/log" 2>/dev/null | tail -n 1 || true)
    execs=$(grep -a 'stat::number_of_executed_units' "$dir/log" 2>/dev/null | awk '{print $2}' | tail -n 1)
    awk -v line="$line" -v c="$crashes" -v ex="$execs" 'BEGIN{
      n=split(line, f, /[ \t]+/); e=0; cov=0; corp=0; rate=0
      for (k=1; k<=n; k++) {
        if (f[k] ~ /^#[0-9]+$/) e=substr(f[k],2)
        if (f[k]=="cov:") cov=f[k+1]
        if (f[k]=="corp:") { corp=f[k+1]; sub(/\/.*/,"",corp) }
        if (f[k]=="exec/s:") rate=f[k+1]
      }
      if (ex != "") e=ex
      print e, rate, cov, corp, c }'
  else
    # AFL++ 4.0x writes fuzzer_stats every 60 s and plot_data every 5 s only
    # after its first minute; queue/ and crashes/ are live.
    local q="$dir/out/default" queue crashes
    queue=$(find "$q/queue" -maxdepth 1 -type f -name 'id:*' 2>/dev/null | wc -l)
    crashes=$(find "$q/crashes" -maxdepth 1 -type f -name 'id:*' 2>/dev/null | wc -l)
    if [ -f "$q/fuzzer_stats" ] && [ "${RUN_STATE[$i]}" = "done" ]; then
      awk -F' *: *' -v q="$queue" -v c="$crashes" '{v[$1]=$2}
        END{printf "%d %d %d %d %d\n", v["execs_done"], v["execs_per_sec"], v["edges_found"], q, c}' "$q/fuzzer_stats"
    else
      # relative_time, cycles_done, cur_item, corpus_count, pending_total, pending_favs,
      # map_size, saved_crashes, saved_hangs, max_depth, execs_per_sec, total_execs, edges_found
      tail -n 1 "$q/plot_data" 2>/dev/null | awk -F', *' -v q="$queue" -v c="$crashes" \
        '/^[0-9]/{printf "%d %d %d %d %d\n", $12, $11, $13, q, c; ok=1} END{if(!ok) printf "0 0 0 %d %d\n", q, c}'
    fi
  fi
}

human() { awk -v n="$1" 'BEGIN{ if (n>=1e9) printf "%.1fG", n/1e9; else if (n>=1e6) printf "%.1fM", n/1e6; else if (n>=1e3) printf "%.1fk", n/1e3; else printf "%d", n }'; }

status_line() {
  local i=$1 st el ex rate cov corp cr
  read -r ex rate cov corp cr < <(run_stats "$i")
  case ${RUN_STATE[$i]} in
    queued) printf '%-9s %-9s queued' "${RUN_T[$i]}" "${RUN_E[$i]}"; return ;;
    running) el=$((SECONDS - RUN_START[i])); st=running ;;
    *) el=$((RUN_END[i] - RUN_START[i])); st="done" ;;
  esac
  [ "$cr" -gt 0 ] && st=CRASH
  [ "$st" = "done" ] && [ "${RUN_RC[$i]}" -ne 0 ] && [ "$cr" -eq 0 ] && st=FAILED
  if [ "$ex" -eq 0 ] && [ "$st" = running ]; then
    # libFuzzer before its first status line; AFL++ in its first minute.
    printf '%-9s %-9s %-7s %4ds/%ds  %7s exec/s  %6s execs  cov %5s  corpus %5s  crashes %s' \
      "${RUN_T[$i]}" "${RUN_E[$i]}" "$st" "$el" "$DURATION" - - - "$corp" "$cr"
    return
  fi
  printf '%-9s %-9s %-7s %4ds/%ds  %7s exec/s  %6s execs  cov %5s  corpus %5s  crashes %s' \
    "${RUN_T[$i]}" "${RUN_E[$i]}" "$st" "$el" "$DURATION" "$(human "$rate")" "$(human "$ex")" "$cov" "$corp" "$cr"
}

TTY=0
[ -t 1 ] && TTY=1
DRAWN=0
render() {
  local i
  if [ $TTY -eq 1 ]; then
    [ "$DRAWN" -gt 0 ] && printf '\033[%dA' "$DRAWN"
    for ((i = 0; i < NRUNS; i++)); do printf '\033[2K%s\n' "$(status_line "$i")"; done
    DRAWN=$NRUNS
  else
    for ((i = 0; i < NRUNS; i++)); do
      [ "${RUN_STATE[$i]}" = running ] && echo "fuzz: $(status_line "$i")"
    done
  fi
  return 0
}

stop_all() {
  local i
  for ((i = 0; i < NRUNS; i++)); do
    [ "${RUN_STATE[$i]}" = running ] && kill -INT "${RUN_PID[$i]}" 2>/dev/null
  done
  sleep 2
  for ((i = 0; i < NRUNS; i++)); do
    [ "${RUN_STATE[$i]}" = running ] && [ "${RUN_E[$i]}" = afl ] && afl_reap "$i"
  done
  echo "fuzz: interrupted" >&2
  exit 130
}
trap stop_all INT TERM

echo "fuzz: ${#TARGETS[@]} targets x ${ENGINES[*]}, ${DURATION}s each, $JOBS at a time; campaign in $OUT"
next=0 running=0 finished=0 last_plain=$SECONDS
while [ $finished -lt "$NRUNS" ]; do
  while [ $running -lt "$JOBS" ] && [ $next -lt "$NRUNS" ]; do
    start_run $next
    [ $TTY -eq 0 ] && echo "fuzz: start ${RUN_T[$next]} (${RUN_E[$next]})"
    next=$((next + 1)) running=$((running + 1))
  done
  sleep 1
  for ((i = 0; i < NRUNS; i++)); do
    [ "${RUN_STATE[$i]}" = running ] || continue
    if ! kill -0 "${RUN_PID[$i]}" 2>/dev/null; then
      rc=0
      wait "${RUN_PID[$i]}" 2>/dev/null || rc=$?
      RUN_STATE[i]="done" RUN_END[i]=$SECONDS RUN_RC[i]=$rc
      [ "${RUN_E[$i]}" = afl ] && afl_reap "$i"
      running=$((running - 1)) finished=$((finished + 1))
      [ $TTY -eq 0 ] && echo "fuzz: done  $(status_line "$i")"
    fi
  done
  if [ $TTY -eq 1 ]; then
    render
  elif [ $((SECONDS - last_plain)) -ge 10 ]; then
    render
    last_plain=$SECONDS
  fi
done
trap - INT TERM

# ---- 4. crashes ------------------------------------------------------------
TOTAL_CRASHES=0
declare -A T_CRASHES=() T_FIRST=()
: >"$OUT/crashes.txt"
save_crash() { # target, engine, file, kind, seconds-into-run
  local t=$1 e=$2 f=$3 kind=$4 when=$5 sum dest
  sum=$(sha1sum "$f" | cut -c1-40)
  mkdir -p "$OUT/crashes/$t"
  dest="$OUT/crashes/$t/$kind-$sum"
  if [ ! -e "$dest" ]; then
    cp "$f" "$dest"
    TOTAL_CRASHES=$((TOTAL_CRASHES + 1))
    T_CRASHES[$t]=$((${T_CRASHES[$t]:-0} + 1))
    echo "$t ($e, after ${when}s): $ROOT/$LF/replay-$t $dest" >>"$OUT/crashes.txt"
  fi
  if [ -z "${T_FIRST[$t/$e]:-}" ] || [ "$when" -lt "${T_FIRST[$t/$e]}" ]; then T_FIRST[$t/$e]=$when; fi
}
for ((i = 0; i < NRUNS; i++)); do
  t=${RUN_T[$i]} e=${RUN_E[$i]} dir="$OUT/${RUN_T[$i]}/${RUN_E[$i]}"
  if [ "$e" = libfuzzer ]; then
    # libFuzzer stops at its first finding: the run's length is the time to it.
    for f in "$dir"/artifacts/*; do
      [ -f "$f" ] || continue
      kind=$(basename "$f" | sed 's/-.*//')
      save_crash "$t" "$e" "$f" "$kind" $((RUN_END[i] - RUN_START[i]))
    done
  else
    for f in "$dir"/out/default/crashes/id:*; do
      [ -f "$f" ] || continue
      ms=$(basename "$f" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
      save_crash "$t" "$e" "$f" crash $(( ${ms:-0} / 1000 ))
    done
    # AFL's hangs are judged under load; count only those that still hang
    # for 10 s in the replay driver.
    for f in "$dir"/out/default/hangs/id:*; do
      [ -f "$f" ] || continue
      if ! timeout 10 "$LF/replay-$t" "$f" >/dev/null 2>&1; then
        ms=$(basename "$f" | sed -n 's/.*,time:\([0-9]*\).*/\1/p')
        save_crash "$t" "$e" "$f" hang $(( ${ms:-0} / 1000 ))
      fi
    done
  fi
done

# A fuzzer that exited non-zero without saving a crash did not fuzz
# (a seed that crashes AFL++ at startup, a bad option, a killed process).
RUN_ERRORS=0
for ((i = 0; i < NRUNS; i++)); do
  read -r _ _ _ _ cr < <(run_stats "$i")
  if [ "${RUN_RC[$i]}" -ne 0 ] && [ "$cr" -eq 0 ]; then
    RUN_ERRORS=$((RUN_ERRORS + 1))
    echo "fuzz: ${RUN_T[$i]} (${RUN_E[$i]}) exited with status ${RUN_RC[$i]} without a crash: see $OUT/${RUN_T[$i]}/${RUN_E[$i]}/log" >&2
  fi
done

# ---- 5. merge ----------------------------------------------------------------
declare -A T_START=()
for t in "${TARGETS[@]}"; do
  T_START[$t]=$(find "corpus/$t" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
done
if [ $MERGE -eq 1 ]; then
  for t in "${TARGETS[@]}"; do
    mapfile -t found < <(existing_dirs "$OUT/$t/libfuzzer/corpus" "$OUT/$t/afl/out/default/queue")
    [ ${#found[@]} -gt 0 ] || continue
    mapfile -t opts < <(options_args "$t")
    # -merge=1 adds to corpus/<t>/ only inputs that add coverage, named by SHA-1.
    if ! "$LF/$t" "${opts[@]}" -merge=1 -merge_control_file="$OUT/$t/merge.ctl" "corpus/$t" "${found[@]}" \
      >"$OUT/$t/merge.log" 2>&1; then
      echo "fuzz: $t: merge failed, corpus/$t unchanged (log: $OUT/$t/merge.log)" >&2
    fi
  done
fi

# ---- 6. coverage report and plots ------------------------------------------
for t in "${TARGETS[@]}"; do
  mapfile -t dirs < <(seed_dirs "$t"; existing_dirs "$OUT/$t/libfuzzer/corpus" "$OUT/$t/afl/out/default/queue")
  [ ${#dirs[@]} -gt 0 ] || continue
  replay_cov campaign "$t" "${dirs[@]}" ||
    echo "fuzz: $t: replaying the campaign's corpus failed (see $OUT/coverage/campaign.log)"
done
objects=()
for t in "${TARGETS[@]}"; do objects+=(-object "build/fuzz-cov/fuzz/replay-$t"); done
cov_total() { # tag -> "lines% branches%" over core/
  local tag=$1
  compgen -G "$OUT/coverage/$tag/*.profraw" >/dev/null || { echo "- -"; return; }
  "$PROFDATA" merge -sparse "$OUT/coverage/$tag"/*.profraw -o "$OUT/coverage/$tag.profdata"
  "$COV" report -instr-profile="$OUT/coverage/$tag.profdata" "${objects[@]:1}" "$ROOT/core" \
    >"$OUT/coverage/$tag.txt"
  awk '$1=="TOTAL"{print $10, $13}' "$OUT/coverage/$tag.txt"
}
read -r SEED_L SEED_B < <(cov_total seeds)
read -r CAMP_L CAMP_B < <(cov_total campaign)
if [ -f "$OUT/coverage/campaign.profdata" ]; then
  "$COV" show -format=html -output-dir="$OUT/coverage/html" -instr-profile="$OUT/coverage/campaign.profdata" \
    -show-branches=count -show-line-counts-or-regions -project-title="nsboot core: fuzz campaign" \
    "${objects[@]:1}" "$ROOT/core" >/dev/null
fi
PLOTS=() PLOT_SHORT=0
if [[ " ${ENGINES[*]} " == *" afl "* ]]; then
  for t in "${TARGETS[@]}"; do
    [ -f "$OUT/$t/afl/out/default/plot_data" ] || continue
    if afl-plot "$OUT/$t/afl/out/default" "$OUT/$t/afl/plot" >"$OUT/$t/afl/plot.log" 2>&1; then
      PLOTS+=("$OUT/$t/afl/plot/index.html")
    elif grep -q "too little data" "$OUT/$t/afl/plot.log"; then
      PLOT_SHORT=1 # AFL++ starts plot_data after its first minute
    else
      echo "fuzz: $t: afl-plot failed (log: $OUT/$t/afl/plot.log)"
    fi
  done
fi

# ---- 7. summary ------------------------------------------------------------
TOTAL_EXECS=0
echo
printf '%-9s %-9s %12s %9s %7s %7s %12s %8s %12s\n' target engine execs exec/s edges queue "corpus/<t>" crashes first-crash
for ((i = 0; i < NRUNS; i++)); do
  t=${RUN_T[$i]} e=${RUN_E[$i]}
  read -r ex rate cov corp cr < <(run_stats "$i")
  TOTAL_EXECS=$((TOTAL_EXECS + ex))
  el=$((RUN_END[i] - RUN_START[i]))
  [ "$e" = libfuzzer ] && [ "$el" -gt 0 ] && rate=$((ex / el))
  first=${T_FIRST[$t/$e]:-}
  now=$(find "corpus/$t" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l)
  printf '%-9s %-9s %12s %9s %7s %7s %12s %8s %12s\n' "$t" "$e" "$ex" "$rate" "$cov" "$corp" \
    "${T_START[$t]}->$now" "$cr" "${first:+${first}s}"
done
echo
echo "coverage of core/ (llvm-cov, replay drivers): shipped corpus ${SEED_L} lines, ${SEED_B} branches;" \
  "after the campaign ${CAMP_L} lines, ${CAMP_B} branches"
[ -f "$OUT/coverage/html/index.html" ] && echo "coverage report: $OUT/coverage/html/index.html"
[ ${#PLOTS[@]} -eq 0 ] || echo "afl-plot graphs: ${PLOTS[*]}"
[ $PLOT_SHORT -eq 0 ] || echo "afl-plot: no graphs for runs of a minute or less (AFL++ starts plot_data after 60 s)"
[ $MERGE -eq 1 ] || echo "corpus/ left untouched (--no-merge); the campaign's inputs are in $OUT/<target>/"
if [ $TOTAL_CRASHES -gt 0 ]; then
  echo "crashes (reproduce with the ASan+UBSan replay driver):"
  sed 's/^/  /' "$OUT/crashes.txt"
fi
echo "fuzz: ${#TARGETS[@]} targets, $TOTAL_EXECS execs, $TOTAL_CRASHES crashes"
[ $RUN_ERRORS -eq 0 ] || echo "fuzz: $RUN_ERRORS fuzzer runs failed (see above)"
[ $TOTAL_CRASHES -eq 0 ] && [ $RUN_ERRORS -eq 0 ]
