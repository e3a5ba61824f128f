#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# bench/join-trace.sh - where the time of one join goes, from kernel timestamps.
#
#   bench/join-trace.sh [--runs N] [--out DIR] PID NSBOOT
#
# Runs `NSBOOT exec --target PID -- /bin/true` and `nsenter -t PID -a /bin/true`
# N times each (default 50) under ftrace (a private instance of tracefs, so
# nothing else that traces is disturbed) with the events sched_process_fork,
# sched_process_exec, sched_process_exit, sys_enter_execve and
# sys_enter/exit_setns of the run's process tree (options/event-fork). The
# kernel stamps every event itself (µs resolution, nothing is slowed down the
# way strace slows every syscall), and the process tree tells the roles apart:
# the command (depth 1), its forked child running the init = stage-0 (2),
# stage-1 (3), stage-2 (4);
# for nsenter, its child (2). Prints a markdown table of the median of each
# phase over the runs. A run starts at the command's execve (the driver
# shell's fork is not counted). Needs root; exits 3 without tracefs.
set -euo pipefail

RUNS=50 OUT=""
while [ $# -gt 0 ]; do
	case $1 in
	--runs) RUNS=${2:?}; shift 2 ;;
	--out) OUT=${2:?}; shift 2 ;;
	-h | --help) sed -n '3,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) break ;;
	esac
done
[ $# -eq 2 ] || { echo "usage: bench/join-trace.sh [--runs N] [--out DIR] PID NSBOOT" >&2; exit 2; }
PID=$1 NSBOOT=$2
[[ $RUNS =~ ^[1-9][0-9]*$ ]] || { echo "join-trace: --runs wants a positive integer" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "join-trace: needs root (ftrace)" >&2; exit 3; }

T=/sys/kernel/tracing
if [ ! -d "$T/instances" ]; then
	mount -t tracefs nodev "$T" 2>/dev/null || true
fi
[ -d "$T/instances" ] || { echo "join-trace: no tracefs at $T" >&2; exit 3; }
I=$T/instances/nsboot-bench.$$
mkdir "$I"
cleanup() {
	echo 0 >"$I/tracing_on" 2>/dev/null || true
	rmdir "$I" 2>/dev/null || true
}
trap cleanup EXIT
[ -n "$OUT" ] || OUT=$(mktemp -d)
mkdir -p "$OUT"

echo 4096 >"$I/buffer_size_kb"
for e in sched/sched_process_fork sched/sched_process_exec sched/sched_process_exit \
	syscalls/sys_enter_execve syscalls/sys_enter_setns syscalls/sys_exit_setns; do
	echo 1 >"$I/events/$e/enable"
done
echo 1 >"$I/options/event-fork"

# trace TAG CMD...: RUNS runs of CMD in a traced subshell, a marker before each.
trace() {
	local tag=$1
	shift
	echo 0 >"$I/tracing_on"
	: >"$I/trace"
	(
		echo "$BASHPID" >"$I/set_event_pid"
		echo 1 >"$I/tracing_on"
		for ((i = 0; i < RUNS; i++)); do
			echo "run $i" >"$I/trace_marker"
			"$@" >/dev/null 2>&1 || { echo "join-trace: '$*' failed" >&2; exit 1; }
		done
		echo 0 >"$I/tracing_on"
	)
	echo >"$I/set_event_pid"
	cp "$I/trace" "$OUT/trace.$tag"
	if grep -q 'LOST' "$OUT/trace.$tag"; then
		echo "join-trace: events were lost; use fewer --runs" >&2
		exit 1
	fi
}

trace nsboot "$NSBOOT" exec --target "$PID" -- /bin/true
trace nsenter nsenter -t "$PID" -a /bin/true

# phases MODE FILE: one "phase<TAB>median µs" line per phase, in order.
phases() {
	awk -v mode="$1" '
	function flush(   p, i, s1, s2, c, t0) {
		if (!started) return
		p = child_of[driver]
		if (p == "" || !(p in exe_enter) || !(p in exit_t)) { bad++; return }
		t0 = exe_enter[p]
		if (mode == "nsboot") {
			i = child_of[p]; s1 = child_of[i]; s2 = child_of[s1]
			if (i == "" || s1 == "" || s2 == "" || !(s2 in exit_t)) { bad++; return }
			add(1, fork_t[i] - t0)
			add(2, fork_t[s1] - fork_t[i])
			add(4, fork_t[s2] - fork_t[s1])
			add(5, (s1 in setns_out) ? setns_out[s1] - setns_in[s1] : 0)
			add(6, exe_enter[s2] - fork_t[s2])
			add(7, exec_t[s2] - exe_enter[s2])
			add(8, exit_t[s2] - exec_t[s2])
			add(9, exit_t[p] - exit_t[s2])
		} else {
			c = child_of[p]
			if (c == "" || !(c in exit_t) || !(p in setns_in)) { bad++; return }
			add(1, setns_in[p] - t0)
			add(5, setns_out[p] - setns_in[p])
			add(4, fork_t[c] - setns_out[p])
			add(6, exe_enter[c] - fork_t[c])
			add(7, exec_t[c] - exe_enter[c])
			add(8, exit_t[c] - exec_t[c])
			add(9, exit_t[p] - exit_t[c])
		}
		add(10, exit_t[p] - t0)
		good++
		for (k = 1; k <= 10; k++) run_val[good, k] = (k in have) ? cur[k] : ""
		split("", cur); split("", have)
	}
	# Phase k of the current run, in µs; phase 10 is the total.
	function add(k, v) { cur[k] = v * 1e6; have[k] = 1 }
	function reset() {
		split("", child_of); split("", fork_t); split("", exec_t); split("", exit_t)
		split("", exe_enter); split("", setns_in); split("", setns_out)
	}
	function sort(a, m,   i, j, t) {
		for (i = 2; i <= m; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
	}
	# median of phase k over the runs whose total is at most @limit
	function median(k, limit,   m, r, a) {
		m = 0
		for (r = 1; r <= good; r++)
			if (run_val[r, 10] <= limit && run_val[r, k] != "") a[++m] = run_val[r, k]
		if (m == 0) return "-"
		sort(a, m)
		return (m % 2) ? a[(m + 1) / 2] : (a[m / 2] + a[m / 2 + 1]) / 2
	}
	/^#/ { next }
	{
		# "<comm>-<pid> [cpu] flags <secs>.<usecs>: <event>..."; comm may hold "-".
		for (f = 1; f <= NF; f++) if ($f ~ /^\[[0-9]+\]$/) break
		if (f > NF) next
		pid = $(f - 1); sub(/.*-/, "", pid)
		ts = $(f + 2); sub(/:$/, "", ts); ts += 0
		ev = $(f + 3)
		if (ev == "tracing_mark_write:") { flush(); reset(); started = 1; driver = pid; next }
		if (!started) next
		if (ev == "sched_process_fork:") {
			for (g = f + 4; g <= NF; g++) if ($g ~ /^child_pid=/) { c = $g; sub(/^child_pid=/, "", c) }
			if (!(pid in child_of)) { child_of[pid] = c; fork_t[c] = ts }
		} else if (ev == "sched_process_exec:") {
			exec_t[pid] = ts
		} else if (ev == "sched_process_exit:") {
			exit_t[pid] = ts
		} else if (ev ~ /^sys_execve\(/) {
			exe_enter[pid] = ts   # the last execve is the one that ran
		} else if (ev ~ /^sys_setns\(/) {
			if (!(pid in setns_in)) setns_in[pid] = ts
		} else if (ev == "sys_setns") {
			setns_out[pid] = ts
		}
	}
	END {
		flush()
		# The fastest half: runs no slower than the median total, i.e. the
		# runs no other tenant of the CPUs got in the way of.
		for (r = 1; r <= good; r++) tot[r] = run_val[r, 10]
		sort(tot, good)
		half = good ? tot[int((good + 1) / 2)] : 0
		for (k = 1; k <= 10; k++) printf "%d\t%s\t%s\n", k, median(k, 1e18), median(k, half)
		printf "runs\t%d\nbad\t%d\n", good, bad
	}' "$2"
}

phases nsboot "$OUT/trace.nsboot" >"$OUT/phases.nsboot"
phases nsenter "$OUT/trace.nsenter" >"$OUT/phases.nsenter"

# get FILE KEY [COLUMN]: a value of phases(), rounded to µs.
get() {
	awk -F'\t' -v k="$2" -v c="${3:-2}" '$1 == k { v = $c } END { if (v == "" || v == "-") print "-";
		else if (v ~ /^[0-9.]+$/) printf "%.0f", v; else print v }' "$1"
}
NB=$OUT/phases.nsboot NE=$OUT/phases.nsenter
row() { # label key [nsenter?]
	local e1=- e2=-
	[ "${3:-}" = no ] || { e1=$(get "$NE" "$2" 2); e2=$(get "$NE" "$2" 3); }
	echo "| $1 | $(get "$NB" "$2" 2) | $(get "$NB" "$2" 3) | $e1 | $e2 |"
}
echo "| phase (µs; median of all $(get "$NB" runs) / $(get "$NE" runs) runs, and of the faster half) | nsboot exec | faster half | nsenter -a | faster half |"
echo "|---|---:|---:|---:|---:|"
row "1. command starts (execve, ld.so, main) until nsboot forks init / nsenter calls setns" 1
row "2. stage-0 (the forked child): read + decode bootstrap, socketpairs, clone stage-1" 2 no
row "3. stage-1: open + NS_GET_NSTYPE + setns, clone stage-2 (nsenter: setns done until fork)" 4
row "4. ... of which the setns calls, first to last (one per namespace, both)" 5
row "5. forked until execve of /bin/true (nsboot: pid line, GRANDCHILD, CHILD_FINISH, init pipe closed)" 6
row "6. execve of /bin/true (kernel)" 7
row "7. /bin/true runs and exits" 8
row "8. exit of /bin/true until the command exits (reap)" 9
row "total, execve of the command to its exit" 10
[ "$(get "$NB" bad)" = 0 ] && [ "$(get "$NE" bad)" = 0 ] ||
	echo "join-trace: $(get "$NB" bad) nsboot and $(get "$NE" bad) nsenter runs could not be attributed (see $OUT/trace.*)" >&2
