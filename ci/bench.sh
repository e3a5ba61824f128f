#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/bench.sh - decoder throughput and join latency against peers, side by side.
#
#   ci/bench.sh [--runs N] [--reps N] [--skip-fuzz] [--out DIR]
#
#   --runs N      hyperfine runs per command (default 300, in 5 rounds, after 30 warm-up runs)
#   --reps N      decode_bench repetitions per decoder and input (default 201)
#   --skip-fuzz   leave out the fuzz throughput table (it builds and runs
#                 ci/fuzz.sh for 10 s per target)
#   --out DIR     where logs, traces and results.md go (default build/bench)
#
# 1. Decode: bench/decode_bench races nsb_decode against a decoder with the
#    same rules on libmnl and against runc's unchecked walk, interleaved on
#    the same three inputs, after a differential check that nsb_decode and
#    the libmnl peer agree on the decode corpus and 200 mutants of each file;
#    then exact instruction counts per message with callgrind.
# 2. Join: starts its own busybox container with Debian's runc (removed on
#    exit), times `nsboot exec --target PID -- /bin/true`, `nsenter -t PID -a
#    /bin/true` and `runc exec ID /bin/true` with hyperfine, and breaks
#    nsboot's time down from ftrace timestamps (bench/join-trace.sh).
# 3. Fuzz: execs/s per target from `ci/fuzz.sh --seconds 10 --no-merge`.
# Ends with: bench: decode R1x libmnl, join R2x nsenter, R3x runc-exec
# (R1: worst nsboot/libmnl ratio of decode time over the inputs; R2, R3:
# median nsboot exec time over the peer's median). Needs root.
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=300 REPS=201 FUZZ=1 OUT=build/bench
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=${2:?}; shift 2 ;;
	--reps) REPS=${2:?}; shift 2 ;;
	--skip-fuzz) FUZZ=0; shift ;;
	--out) OUT=${2:?}; shift 2 ;;
	-h | --help) sed -n '3,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown argument '$1'" >&2; exit 2 ;;
	esac
done
[[ $RUNS =~ ^[1-9][0-9]*$ && $REPS =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs/--reps want positive integers" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (containers, setns, ftrace)" >&2; exit 2; }

ci/deps.sh build bench
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
rm -f "$OUT"/join.*.json "$OUT/hyperfine.log"
RES=$OUT/results.md
: >"$RES"
say() { printf '%s\n' "$*" | tee -a "$RES"; }
quiet() { # log-name command...: output to OUT/log-name.log, shown only on failure
	local log=$OUT/$1.log
	shift
	"$@" >"$log" 2>&1 || { cat "$log" >&2; echo "bench: '$*' failed (log: $log)" >&2; exit 1; }
}

# ---- 0. builds --------------------------------------------------------------
JOBS=$(( $(nproc) < 2 ? $(nproc) : 2 ))
echo "bench: building (logs in $OUT)"
quiet build-main cmake -S . -B "$OUT/main" -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	"-DCMAKE_C_FLAGS_RELWITHDEBINFO=-O2 -g" -DNSB_BUILD_TESTS=OFF
quiet build-main-ninja cmake --build "$OUT/main" --target nsboot -j "$JOBS"
quiet build-decode cmake -S bench -B "$OUT/decode" -G Ninja -DCMAKE_C_COMPILER=gcc
quiet build-decode-ninja cmake --build "$OUT/decode" -j "$JOBS"
NSBOOT=$OUT/main/tools/nsboot/nsboot
DB=$OUT/decode/decode_bench

# ---- header -------------------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
say "## nsboot benchmarks"
say ""
say "$(date -u '+%Y-%m-%d %H:%M UTC'); ${cpu:-unknown CPU}, $(nproc) CPUs, Linux $(uname -r)," \
	"Debian $(cat /etc/debian_version 2>/dev/null || echo '?'), $(gcc -dumpfullversion 2>/dev/null | sed 's/^/gcc /') -O2;" \
	"load average at start $(cut -d' ' -f1-3 /proc/loadavg)."
say "Command: \`ci/bench.sh --runs $RUNS --reps $REPS$([ $FUZZ -eq 1 ] || echo ' --skip-fuzz')\`"
say ""

# ---- 1. decode --------------------------------------------------------------------
echo "bench: decode: differential check"
dirs=(corpus/decode)
[ -d corpus/regressions/decode ] && dirs+=(corpus/regressions/decode)
"$DB" --check "${dirs[@]}" >"$OUT/decode-check.log" 2>&1 ||
	{ cat "$OUT/decode-check.log" >&2; echo "bench: nsb_decode and the libmnl peer disagree: no fair race" >&2; exit 1; }
echo "bench: decode: timing ($REPS repetitions)"
"$DB" --reps "$REPS" >"$OUT/decode.txt"
R1=$(awk '$1 == "decode-ratio-max" { print $2 }' "$OUT/decode.txt")
say "### Decode (medians of $REPS interleaved repetitions; MB = 10^6 bytes)"
say ""
grep '^|' "$OUT/decode.txt" | tee -a "$RES"
say ""
say "$(sed 's/^/    /' "$OUT/decode-check.log")"
say ""

echo "bench: decode: callgrind instruction counts"
ir() { # decoder input n -> instructions per message
	local f=$OUT/callgrind.$1.$2
	valgrind --tool=callgrind --callgrind-out-file="$f" --toggle-collect="bench_$1" \
		"$DB" --loop "$1" "$2" "$3" >"$f.log" 2>&1 || { cat "$f.log" >&2; exit 1; }
	awk -v n="$3" '/^(summary|totals):/ { printf "%d", $2 / n; exit }' "$f"
}
top() { # decoder input -> "function share%" of the function with the most instructions
	callgrind_annotate --inclusive=no "$OUT/callgrind.$1.$2" 2>/dev/null |
		awk '/file:function/ { go = 1; next } go && /%/ { fn = $3; sub(/.*:/, "", fn); sh = $2;
			gsub(/[()]/, "", sh); print "`" fn "` " sh; exit }'
}
say "### Decode, instructions per message (valgrind --tool=callgrind --toggle-collect=bench_<decoder>)"
say ""
say "| input | nsboot | libmnl + same checks | runc-style walk | nsboot/libmnl | nsboot's top function |"
say "|---|---:|---:|---:|---:|---|"
for i in a b c; do
	n=1000
	[ $i = b ] && n=20
	in=$(ir nsboot $i $n) im=$(ir libmnl $i $n) ifl=$(ir floor $i $n)
	say "| $i | $in | $im | $ifl | $(awk -v x="$in" -v y="$im" 'BEGIN { printf "%.3f", x / y }') | $(top nsboot $i) |"
done
say ""
say "(Both decoders zero struct nsb_bootstrap except the id maps' extent arrays, 424 of its"
say "8,584 bytes; valgrind counts each iteration of a \`rep stos\` as one instruction.)"
say ""

# ---- 2. join ------------------------------------------------------------------------
echo "bench: join: starting a busybox container with runc"
W=$(mktemp -d /tmp/nsboot-bench.XXXXXX)
ID=nsboot-bench-$$
cleanup() {
	runc --root "$W/state" kill "$ID" KILL >/dev/null 2>&1 || true
	runc --root "$W/state" delete -f "$ID" >/dev/null 2>&1 || true
	rm -rf "$W"
}
trap cleanup EXIT
mkdir -p "$W/bundle/rootfs"/{bin,dev,proc,sys,tmp,etc}
cp /bin/busybox "$W/bundle/rootfs/bin/busybox"
for a in sh true sleep; do ln -s busybox "$W/bundle/rootfs/bin/$a"; done
(cd "$W/bundle" && runc spec)
# runc spec's process: a terminal running "sh"; make it a detached sleep.
sed -i -e 's/"terminal": true/"terminal": false/' -e 's/^\(\s*\)"sh"$/\1"sleep", "1000000"/' "$W/bundle/config.json"
grep -q '"sleep", "1000000"' "$W/bundle/config.json" || { echo "bench: cannot adapt runc spec's config.json" >&2; exit 1; }
timeout 60 runc --root "$W/state" run -d -b "$W/bundle" "$ID" </dev/null >"$OUT/runc-run.log" 2>&1 ||
	{ cat "$OUT/runc-run.log" >&2; echo "bench: runc run failed" >&2; exit 1; }
PID=$(runc --root "$W/state" state "$ID" | sed -n 's/^[[:space:]]*"pid": \([0-9]*\),*$/\1/p')
[[ $PID =~ ^[0-9]+$ ]] || { echo "bench: no pid for container $ID" >&2; exit 1; }
"$NSBOOT" exec --target "$PID" -- /bin/true || { echo "bench: nsboot exec does not work yet (exit $?)" >&2; exit 1; }

# hyperfine runs all runs of one command before the next, so a burst of load from
# another tenant lands on one command only. Run it in ROUNDS rounds instead and pool
# the times: the commands take turns, as in the decode benchmark.
ROUNDS=5
PER=$(( (RUNS + ROUNDS - 1) / ROUNDS ))
echo "bench: join: hyperfine ($ROUNDS rounds of $PER runs per command)"
for ((r = 1; r <= ROUNDS; r++)); do
	hyperfine -N --warmup $((r == 1 ? 30 : 5)) --runs "$PER" --export-json "$OUT/join.$r.json" \
		-n "nsboot exec" "$NSBOOT exec --target $PID -- /bin/true" \
		-n "nsenter -a" "nsenter -t $PID -a /bin/true" \
		-n "runc exec" "runc --root $W/state exec $ID /bin/true" >>"$OUT/hyperfine.log" 2>&1 ||
		{ cat "$OUT/hyperfine.log" >&2; exit 1; }
done
# Pool the "times" arrays of every round's JSON (hyperfine writes one value per line)
# and summarize per command: median, mean, stddev, min, max, runs (ms).
awk '
	/"command":/ { c = $0; sub(/^[^:]*: *"/, "", c); sub(/",?$/, "", c); if (!(c in seen)) { seen[c] = 1; order[++nc] = c } }
	/"times": *\[/ { in_t = 1; next }
	in_t && /\]/ { in_t = 0; next }
	in_t { v = $1; sub(/,$/, "", v); t[c, ++n[c]] = v * 1000 }
	END {
		for (k = 1; k <= nc; k++) {
			c = order[k]; m = n[c]; sum = 0; sq = 0
			for (i = 1; i <= m; i++) { a[i] = t[c, i]; sum += a[i] }
			for (i = 2; i <= m; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
			mean = sum / m
			for (i = 1; i <= m; i++) sq += (a[i] - mean) ^ 2
			med = (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
			printf "%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%d\n", c, med, mean, (m > 1 ? sqrt(sq / (m - 1)) : 0), a[1], a[m], m
		}
	}' "$OUT"/join.[0-9]*.json >"$OUT/join.tsv"
med() { awk -F'\t' -v c="$1" '$1 == c { print $2 }' "$OUT/join.tsv"; }
R2=$(awk -v a="$(med 'nsboot exec')" -v b="$(med 'nsenter -a')" 'BEGIN { printf "%.2f", a / b }')
R3=$(awk -v a="$(med 'nsboot exec')" -v b="$(med 'runc exec')" 'BEGIN { printf "%.2f", a / b }')
say "### Join latency (hyperfine -N, $ROUNDS rounds of $PER runs per command, taking turns, 30 warm-up runs; same container; ms)"
say ""
say "| command | median | mean ± σ | min | max | median vs nsenter |"
say "|---|---:|---:|---:|---:|---:|"
base=$(med 'nsenter -a')
while IFS=$'\t' read -r name m mean sd mn mx _; do
	say "| \`$name\` | $m | $mean ± $sd | $mn | $mx | $(awk -v a="$m" -v b="$base" 'BEGIN { printf "%.2fx", a / b }') |"
done <"$OUT/join.tsv"
say ""

echo "bench: join: ftrace breakdown"
if bench/join-trace.sh --runs 50 --out "$OUT/trace" "$PID" "$NSBOOT" >"$OUT/trace.md" 2>"$OUT/trace.log"; then
	say "### Where the time of one join goes (ftrace timestamps: bench/join-trace.sh, medians of 50 runs)"
	say ""
	tee -a "$RES" <"$OUT/trace.md"
	say ""
	say "(Medians per phase do not add up to the median total when runs are bimodal, e.g. when"
	say "a fork lands on a busy CPU.)"
else
	say "join breakdown: bench/join-trace.sh failed: $(tail -n 1 "$OUT/trace.log")"
fi
say ""
cleanup
trap - EXIT

# ---- 3. fuzz ----------------------------------------------------------------------
if [ $FUZZ -eq 1 ]; then
	echo "bench: fuzz: ci/fuzz.sh --seconds 10 --no-merge --jobs 1"
	if ci/fuzz.sh --seconds 10 --no-merge --jobs 1 --out "$OUT/fuzz" >"$OUT/fuzz.log" 2>&1; then
		say "### Fuzz throughput (\`ci/fuzz.sh --seconds 10 --no-merge --jobs 1\`, libFuzzer + ASan + UBSan)"
		say ""
		say "| target | execs | execs/s | edges | crashes |"
		say "|---|---:|---:|---:|---:|"
		awk '$1 == "target" && $2 == "engine" { go = 1; next } go && NF >= 8 { printf "| %s | %s | %s | %s | %s |\n", $1, $3, $4, $5, $8 } go && NF == 0 { exit }' \
			"$OUT/fuzz.log" | tee -a "$RES"
	else
		say "fuzz throughput: ci/fuzz.sh failed (exit $?; log: $OUT/fuzz.log): $(tail -n 1 "$OUT/fuzz.log")"
	fi
	say ""
fi

say "results: $RES"
say "bench: decode ${R1}x libmnl, join ${R2}x nsenter, ${R3}x runc-exec"
