#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# The test functions are called through run_test, which shellcheck cannot follow:
# shellcheck disable=SC2317
# tests/hostile/run.sh [NSBOOT] - the attacker's suite: containers that attack
# `nsboot exec` and an admin who runs it into them. Root only.
#
#   tests/hostile/run.sh                         # build/default/tools/nsboot/nsboot
#   tests/hostile/run.sh path/to/nsboot          # or NSBOOT=path/to/nsboot
#   NSB_MUST_WORK=1 tests/hostile/run.sh         # a skip of what this machine supports fails
#   HOSTILE_ONLY=REGEX                           # only the tests whose name matches
#   HOSTILE_TIMING=1                             # each test's time on stderr
#
# Prints `ok N - name` / `not ok N - name # why` per test and ends with
# `hostile: P passed, F failed`; exits 1 if F > 0, 77 if everything was
# skipped. README.md (next to this file) says what each test attacks.
#
# It builds its own busybox-static rootfs and helpers (src/, compiled with
# gcc here) in a temporary directory, runs nsboot from a fresh copy of the
# binary there for each test (the attacks try to overwrite it), and removes
# everything on any exit: the containers die with the suite.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
SRC_NSBOOT=${1:-${NSBOOT:-$HERE/../../build/default/tools/nsboot/nsboot}}
MUST_WORK=${NSB_MUST_WORK:-0}
RACE_TRIES=${HOSTILE_RACE_TRIES:-50}
EXE_SCAN_RUNS=${HOSTILE_SCAN_RUNS:-10}

T="" # the temporary directory
n=0 passed=0 failed=0 skipped=0
skips=()
handles=() # container handles (tests/hostile/src/container.c); their death kills the container
inits=()   # the containers' inits (host pids)
bgs=()     # other background jobs

# ---- results -----------------------------------------------------------------

ok() {
	n=$((n + 1)) passed=$((passed + 1))
	echo "ok $n - $1"
}

not_ok() { # name why
	n=$((n + 1)) failed=$((failed + 1))
	echo "not ok $n - $1 # $2"
}

skip() { # name why: a failure with NSB_MUST_WORK=1
	if [ "$MUST_WORK" = 1 ]; then
		not_ok "$1" "SKIP forbidden by NSB_MUST_WORK=1: $2"
		return
	fi
	n=$((n + 1)) skipped=$((skipped + 1))
	skips+=("$1: $2")
	echo "ok $n - $1 # SKIP $2"
}

# run_test NAME FUNCTION [ARGS...]: the function returns 0 (pass), 77 (skip,
# reason in WHY) or anything else (fail, reason in WHY).
WHY=""
run_test() {
	local name=$1 rc=0 t0
	shift
	if [ -n "${HOSTILE_ONLY:-}" ] && ! [[ "$name" =~ $HOSTILE_ONLY ]]; then
		return 0
	fi
	WHY=""
	t0=$(date +%s%N)
	"$@" || rc=$?
	if [ "${HOSTILE_TIMING:-0}" = 1 ]; then
		echo "# $((($(date +%s%N) - t0) / 1000000)) ms" >&2
	fi
	case $rc in
	0) ok "$name" ;;
	77) skip "$name" "$WHY" ;;
	*) not_ok "$name" "${WHY:-failed (exit $rc)}" ;;
	esac
}

finish() {
	local s
	for s in "${skips[@]}"; do echo "hostile: SKIPPED $s" >&2; done
	echo "hostile: $passed passed, $failed failed"
	if [ "$failed" -gt 0 ]; then exit 1; fi
	if [ "$passed" -eq 0 ] && [ "$skipped" -gt 0 ]; then exit 77; fi
	exit 0
}

# The whole suite cannot run here: say why, count it, finish.
skip_all() {
	if [ "$MUST_WORK" = 1 ]; then
		not_ok "hostile suite" "SKIP forbidden by NSB_MUST_WORK=1: $1"
	else
		skip "hostile suite" "$1"
	fi
	finish
}

# ---- cleanup -------------------------------------------------------------------

cleanup() {
	local p i
	trap - EXIT INT TERM HUP
	for p in "${bgs[@]}" "${handles[@]}" "${inits[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
	for p in "${bgs[@]}" "${handles[@]}"; do wait "$p" 2>/dev/null || true; done
	# the containers' inits are not our children: see them go (a pid
	# namespace's teardown takes a moment)
	for p in "${inits[@]}"; do
		for ((i = 0; i < 250; i++)); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = agent ] || break
			sleep 0.02
		done
	done
	if [ -n "$T" ] && [ -d "$T" ]; then rm -rf "$T"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# wait_for SECONDS COMMAND...: run COMMAND every 20 ms until it succeeds; 1 after SECONDS
wait_for() {
	local end=$(($(date +%s%N) + $1 * 1000000000))
	shift
	until "$@"; do
		[ "$(date +%s%N)" -lt "$end" ] || return 1
		sleep 0.02
	done
}

# ---- preconditions -------------------------------------------------------------

[ "$(id -u)" -eq 0 ] || skip_all "not root: the containers need namespaces, pivot_root and id maps"
[ -x "$SRC_NSBOOT" ] || skip_all "no nsboot binary at $SRC_NSBOOT (build it, or pass its path)"
for tool in gcc readelf sha256sum timeout nsenter setpriv; do
	command -v "$tool" >/dev/null || skip_all "$tool is missing (ci/deps.sh hostile)"
done
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] || skip_all "busybox is missing (busybox-static; ci/deps.sh hostile)"
if readelf -l "$BUSYBOX" | grep -q 'program interpreter'; then
	skip_all "$BUSYBOX is dynamically linked: the rootfs needs busybox-static (ci/deps.sh hostile)"
fi
[ "$(uname -m)" = x86_64 ] || skip_all "the planted ELF interpreter (src/loader.c) is x86-64 only"

T=$(mktemp -d /tmp/nsb-hostile.XXXXXX)
chmod 0755 "$T" # like /usr/bin: the binary's directory is no secret
mkdir -p "$T/bin" "$T/host"

CFLAGS=(-std=gnu11 -O2 -Wall -Wextra -Werror)
build() { # out args...
	local out=$1
	shift
	if ! gcc "${CFLAGS[@]}" -o "$T/bin/$out" "$@" 2>"$T/build-$out.err"; then
		cat "$T/build-$out.err" >&2
		return 1
	fi
}
if ! build container "$HERE/src/container.c" || ! build hrun "$HERE/src/hrun.c"; then
	skip_all "cannot compile the host helpers (gcc, libc6-dev)"
fi
build agent -static "$HERE/src/agent.c" ||
	skip_all "cannot link a static program (libc6-dev's libc.a is missing?)"
build loader -nostdlib -static -fno-pie -no-pie -ffreestanding -fno-stack-protector -fno-builtin \
	"$HERE/src/loader.c" || skip_all "cannot build the freestanding loader"

# The interpreter nsboot's binary names: where the container plants its own.
INTERP=$(readelf -l "$SRC_NSBOOT" | sed -n 's/.*Requesting program interpreter: \(.*\)]$/\1/p')

# make_rootfs DIR: busybox-static, the agent, /proc, a world-writable /tmp.
make_rootfs() {
	local d=$1 a
	mkdir -p "$d/bin" "$d/proc" "$d/tmp/hostile" "$d/hostile" "$d/etc"
	chmod 1777 "$d/tmp" "$d/tmp/hostile"
	cp "$BUSYBOX" "$d/bin/busybox"
	for a in sh echo cat ls readlink grep true sleep id; do ln -s busybox "$d/bin/$a"; done
	cp "$T/bin/agent" "$d/hostile/agent"
}
ROOTFS=$T/rootfs
ROOTFS_USER=$T/rootfs-user
make_rootfs "$ROOTFS"
make_rootfs "$ROOTFS_USER"

# start_container VAR ARGS...: VAR=host pid of the container's init
start_container() {
	local var=$1 pidfile="$T/$1.pid" h
	shift
	"$T/bin/container" "$@" >"$pidfile" 2>"$T/$var.err" &
	h=$!
	handles+=("$h")
	if ! wait_for 10 test -s "$pidfile"; then
		cat "$T/$var.err" >&2
		return 1
	fi
	printf -v "$var" '%s' "$(cat "$pidfile")"
	inits+=("$(cat "$pidfile")")
}

# A: new pid, mount, net, uts, ipc namespaces (the container of most tests)
# U: the same plus a user namespace, 0 -> 100000 (65536 ids)
# N: A without a pid namespace
start_container CA "$ROOTFS" || skip_all "cannot start a container (pid, mount, net, uts, ipc)"
start_container CU --user "$ROOTFS_USER" || skip_all "cannot start a user-namespaced container"
start_container CN --no-pid "$ROOTFS" || skip_all "cannot start a container without a pid namespace"

# fresh_copy: a new copy of nsboot for one test; sets COPY, COPY_SUM, COPY_ID (dev ino)
copies=0
fresh_copy() {
	copies=$((copies + 1))
	COPY=$T/host/nsboot.$copies
	cp "$SRC_NSBOOT" "$COPY"
	chmod 0755 "$COPY"
	COPY_SUM=$(sha256sum <"$COPY")
	COPY_ID=$(stat -c '%d %i' "$COPY")
}

# copy_intact: the copy's bytes are those it was made with (else WHY says how)
copy_intact() {
	local now
	now=$(sha256sum <"$COPY")
	[ "$now" = "$COPY_SUM" ] && return 0
	WHY="the nsboot copy was overwritten from inside the container (it now starts with: $(head -c 16 "$COPY" | tr -c '[:print:]' '.'))"
	return 1
}

# nsb ARGS...: the copy, bounded
nsb() {
	timeout --foreground -k 2 15 "$COPY" "$@"
}


# ---- the proof of a real join ------------------------------------------------

# ns_inodes PID: "type:[inode]" of each namespace of PID
ns_inodes() {
	local t
	for t in cgroup ipc mnt net pid time user uts; do
		[ -e "/proc/$1/ns/$t" ] && readlink "/proc/$1/ns/$t"
	done
	return 0
}
# shellcheck disable=SC2016 # run by the container's shell
NS_LOOP='for t in cgroup ipc mnt net pid time user uts; do [ -e /proc/self/ns/$t ] && readlink /proc/self/ns/$t; done; true'

t_userns_join() {
	local want got
	fresh_copy
	want=$(ns_inodes "$CU")
	got=$(nsb exec --target "$CU" -- /bin/sh -c "$NS_LOOP" 2>&1) || {
		WHY="nsboot exec failed: $got"
		return 1
	}
	[ "$got" = "$want" ] || {
		WHY="the command's namespaces '${got//$'\n'/ }' are not the target's '${want//$'\n'/ }'"
		return 1
	}
}

# ---- 1. /proc/self/exe (CVE-2019-5736 class) --------------------------------------

# plant ROOTFS VARIANT: the container's preparations before the admin comes.
# Every variant plants the interpreter; "sh" makes /bin/sh a link to
# /proc/self/exe, "script" adds a #!/proc/self/exe script.
plant() {
	local r=$1
	rm -f "$r"/tmp/hostile/*.log "$r/tmp/hostile/stop"
	mkdir -p "$r$(dirname "$INTERP")"
	cp "$T/bin/loader" "$r$INTERP"
	case $2 in
	sh) ln -sfn /proc/self/exe "$r/bin/sh" ;;
	script) printf '#!/proc/self/exe\necho hello\n' >"$r/hostile/evil" && chmod 0755 "$r/hostile/evil" ;;
	esac
}

unplant() {
	rm -f "$1$INTERP" "$1/hostile/evil"
	ln -sfn busybox "$1/bin/sh"
}

# every loader has its writer done (or the writer never started)
daemons_done() {
	local f=$1
	[ ! -e "$f" ] && return 0
	[ "$(grep -c '^loader' "$f")" -le "$(grep -c '^writer done' "$f")" ]
}

# t_exe PID ROOTFS VARIANT: the admin runs the copy into the container that
# planted VARIANT; nothing in there may run or rewrite the host's binary.
t_exe() {
	local pid=$1 r=$2 v=$3 out rc=0 log dev ino hits
	local -a cmd
	if [ -z "$INTERP" ]; then
		WHY="$SRC_NSBOOT names no ELF interpreter (static): a planted loader cannot observe it"
		return 77
	fi
	case $v in
	sh) cmd=(/bin/sh -c 'echo hello') ;;
	script) cmd=(/hostile/evil) ;;
	self) cmd=(/proc/self/exe) ;;
	loader) cmd=(/bin/busybox echo hello) ;;
	esac
	log=$r/tmp/hostile/exe.log
	fresh_copy
	read -r dev ino <<<"$COPY_ID"
	plant "$r" "$v"
	out=$(nsb exec --target "$pid" -- "${cmd[@]}" 2>&1) || rc=$?
	wait_for 8 daemons_done "$log" || true
	unplant "$r"
	hits=$(grep -h "^loader.* dev=$dev ino=$ino" "$log" 2>/dev/null | head -n 1)
	if ! copy_intact; then
		WHY="$WHY, by a daemon of the planted interpreter that ran as the host's nsboot ($hits)"
		return 1
	fi
	if [ -n "$hits" ]; then
		WHY="a process in the container ran with the host's nsboot as its exe ($hits); $(grep -h '^writer:' "$log" | head -n 1)"
		return 1
	fi
	if [ "$v" = loader ]; then
		if [ -e "$log" ] && grep -q '^loader' "$log"; then
			WHY="nsboot ran a dynamically linked program inside the container, which loaded the planted interpreter: $(grep '^loader' "$log" | head -n 1)"
			return 1
		fi
		if [ "$rc" -ne 0 ] || [ "$out" != hello ]; then
			WHY="the command did not run: exit $rc, output '$out'"
			return 1
		fi
	fi
	return 0
}

# t_exe_scan PID ROOTFS: the stages' /proc/PID/exe. A process in the container
# opens every exe link it can while the admin runs nsboot exec; none may be
# the host's binary.
t_exe_scan() {
	local pid=$1 log=$2/tmp/hostile/scan.log stop=$2/tmp/hostile/stop dev ino bg i rc=0 out hits
	fresh_copy
	read -r dev ino <<<"$COPY_ID"
	rm -f "$log" "$stop"
	timeout --foreground -k 1 40 nsenter -t "$pid" -a /hostile/agent scan /tmp/hostile/scan.log "$dev" "$ino" 30 \
		/tmp/hostile/stop >/dev/null 2>&1 &
	bg=$!
	bgs+=("$bg")
	wait_for 5 grep -qs 'scan: ready' "$log" || {
		WHY="the scanner did not start in the container"
		return 1
	}
	for ((i = 0; i < EXE_SCAN_RUNS; i++)); do
		out=$(nsb exec --target "$pid" -- /bin/busybox true 2>&1) || rc=$?
	done
	touch "$stop"
	wait_for 10 grep -qs '^scan done' "$log" || true
	wait "$bg" 2>/dev/null || true
	[ "$rc" -eq 0 ] || {
		WHY="nsboot exec failed (exit $rc): $out"
		return 1
	}
	hits=$(grep -c 'HIT' "$log" || true)
	if [ "$hits" -gt 0 ]; then
		copy_intact || true
		WHY="the container opened $hits stages' /proc/PID/exe and got the host's nsboot (first: $(grep -h 'HIT' "$log" | head -n 1 | cut -d' ' -f3-)); ${WHY:-the copy was not overwritten}"
		return 1
	fi
	copy_intact || return 1
	grep -q '^scan done' "$log" || {
		WHY="the scanner did not finish"
		return 1
	}
	echo "# $(grep -h 'summary' "$log")"
}

# ---- 2. the release race ---------------------------------------------------------

# t_race PID: as soon as stage-2 exists, stop nsboot exec, then kill it
# (hrun --race); the command, which appends "ran TRY" to /ran in the
# container, must never run in a try where nsboot exec had not released
# stage-2 (tries where it had, "late", do not count; see src/hrun.c).
t_race() {
	local pid=$1 rep=$T/race.$1 ran counted summary left
	fresh_copy
	rm -f "$ROOTFS/ran" "$rep"
	# shellcheck disable=SC2016 # expanded by the container's shell
	timeout --foreground -k 2 150 "$T/bin/hrun" --report "$rep" --deadline 120 --grace 1 --race "$RACE_TRIES" -- \
		"$COPY" exec --target "$pid" -- /bin/sh -c 'echo ran $HOSTILE_TRY >> /ran' >/dev/null 2>&1 || {
		WHY="the race runner failed"
		return 1
	}
	summary=$(grep '^race ' "$rep" || echo "race: no summary")
	counted=$(grep -c '^try [0-9]* stage2=[0-9]* waiting' "$rep" || true)
	# the tries that counted and whose command ran anyway
	ran=$(awk 'FNR == NR { if ($1 == "try" && $4 == "waiting") w[$2] = 1; next }
		$1 == "ran" && ($2 in w) { n++ } END { print n + 0 }' "$rep" "$ROOTFS/ran" 2>/dev/null || echo 0)
	[ -e "$ROOTFS/ran" ] || ran=0
	left=$(grep -E '^left ' "$rep" | head -n 3 | tr '\n' ';')
	if [ "$ran" -gt 0 ]; then
		WHY="the command ran in $ran of $counted tries where nsboot exec was stopped before releasing stage-2, then killed ($summary)"
		return 1
	fi
	if [ -n "$left" ]; then
		WHY="processes outlived the killed nsboot exec: $left"
		return 1
	fi
	if [ "$counted" -lt "$RACE_TRIES" ]; then
		WHY="only $counted tries had stage-2 waiting, want $RACE_TRIES ($summary; $(grep -c missed "$rep") missed, $(grep -c late "$rep") late)"
		return 1
	fi
	echo "# $summary; $(grep -c missed "$rep") missed, $(grep -c ' late' "$rep") late; the command ran in none of the $counted"
}

# ---- 3. supplementary groups ------------------------------------------------------

GROUPS_ARG=4,6,24 # adm, disk, cdrom
t_groups() {
	local pid=$1 out host
	host=$(setpriv --groups "$GROUPS_ARG" -- grep '^Groups:' /proc/self/status)
	[[ "$host" =~ ^Groups:[[:space:]]+4\ 6\ 24 ]] || {
		WHY="setpriv --groups $GROUPS_ARG does not set them here: $host"
		return 77
	}
	fresh_copy
	out=$(setpriv --groups "$GROUPS_ARG" -- timeout --foreground -k 2 15 "$COPY" exec --target "$pid" -- \
		/bin/sh -c 'grep "^Groups:" /proc/self/status' 2>&1) || {
		WHY="nsboot exec failed: $out"
		return 1
	}
	[[ "$out" =~ ^Groups:[[:space:]]*$ ]] || {
		WHY="the admin's groups reached the command: '${out//$'\t'/ }' (want an empty list)"
		return 1
	}
}

# ---- 4. closed standard fds -------------------------------------------------------

# t_closed REDIRS LEVEL WANT CMD...: nsboot exec with the fds REDIRS closes
t_closed() {
	local redirs=$1 level=$2 want=$3 rc=0
	shift 3
	fresh_copy
	case $redirs in
	2) nsb exec --log-level "$level" --target "$CA" -- "$@" 2>&- >/dev/null || rc=$? ;;
	01) nsb exec --log-level "$level" --target "$CA" -- "$@" 0<&- 1>&- 2>/dev/null || rc=$? ;;
	012) nsb exec --log-level "$level" --target "$CA" -- "$@" 0<&- 1>&- 2>&- || rc=$? ;;
	esac
	[ "$rc" -eq "$want" ] || {
		WHY="exit $rc, want the command's $want$([ "$rc" -eq 141 ] && echo ' (141: killed by SIGPIPE writing into a socket)')"
		return 1
	}
}

# Under strace: no text of nsboot's (its log lines, its errors) or of the
# command goes into a socket, whichever of fds 0-2 are closed.
t_closed_socket() {
	local st=$T/strace.out redirs bad="" rc
	if ! command -v strace >/dev/null; then
		WHY="strace is missing (ci/deps.sh hostile)"
		return 77
	fi
	if ! strace -qq -o /dev/null true 2>/dev/null; then
		WHY="strace cannot trace here"
		return 77
	fi
	fresh_copy
	# a write into a socket of text that is no protocol's: a log line, an
	# error of nsboot exec's, or the command's output
	local text_in_socket='<socket:\[[0-9]+\]>, .{0,24}"((panic|fatal|error|warning|info|debug|trace): |nsboot exec: |HOSTILE-)'
	local -a cmd=(/bin/sh -c 'echo HOSTILE-OUT; echo HOSTILE-ERR >&2; exit 0')
	local -a tr=(timeout --foreground -k 2 20 strace -f -qq -y -s 48 -o "$st" -e 'trace=write,writev,sendto,sendmsg,pwrite64')
	for redirs in 0 1 2 012; do
		rc=0
		case $redirs in
		0) "${tr[@]}" "$COPY" exec --log-level debug --target "$CA" -- "${cmd[@]}" 0<&- >/dev/null 2>&1 || rc=$? ;;
		1) "${tr[@]}" "$COPY" exec --log-level debug --target "$CA" -- "${cmd[@]}" 1>&- 2>/dev/null || rc=$? ;;
		2) "${tr[@]}" "$COPY" exec --log-level debug --target "$CA" -- "${cmd[@]}" 2>&- >/dev/null || rc=$? ;;
		012) "${tr[@]}" "$COPY" exec --log-level debug --target "$CA" -- "${cmd[@]}" 0<&- 1>&- 2>&- || rc=$? ;;
		esac
		if grep -qE "$text_in_socket" "$st"; then
			bad+="fds $redirs closed (exit $rc): $(grep -E "$text_in_socket" "$st" | head -n 1 | cut -c1-110); "
		fi
	done
	[ -z "$bad" ] || {
		WHY="text written into a socket: $bad"
		return 1
	}
}

# ---- 5. SIGCHLD ignored ------------------------------------------------------------

t_sigchld() {
	local rep=$T/sigchld.rep out
	fresh_copy
	rm -f "$rep"
	out=$(timeout --foreground -k 2 30 "$T/bin/hrun" --report "$rep" --deadline 15 --sigchld-ignore -- \
		"$COPY" exec --target "$CA" -- /bin/sh -c 'echo HOSTILE-OUT' 2>"$T/sigchld.err") || true
	if ! grep -qx 'status exit 0' "$rep" || [ "$out" != HOSTILE-OUT ]; then
		WHY="$(grep '^status' "$rep" | head -n 1), output '$out': $(head -c 200 "$T/sigchld.err")"
		return 1
	fi
	! grep -q '^left' "$rep" || {
		WHY="left behind: $(grep '^left' "$rep" | tr '\n' ';')"
		return 1
	}
}

# ---- 6. a stage-2 the container stops ----------------------------------------------

# stop2_start: a process in container A that SIGSTOPs the next process to
# appear in its pid namespace: stage-2 of the admin's nsboot exec.
STOP2_LOG=$ROOTFS/tmp/hostile/stop2.log
stop2_bg=""
stop2_start() {
	rm -f "$STOP2_LOG" "$ROOTFS/tmp/hostile/stop"
	timeout --foreground -k 1 30 nsenter -t "$CA" -a /hostile/agent stop2 /tmp/hostile/stop2.log 25 /tmp/hostile/stop \
		>/dev/null 2>&1 &
	stop2_bg=$!
	bgs+=("$stop2_bg")
	wait_for 5 grep -qs 'stop2: ready' "$STOP2_LOG"
}

stop2_end() {
	touch "$ROOTFS/tmp/hostile/stop"
	wait "$stop2_bg" 2>/dev/null || true
}

# t_stopped_report REP OUT MAX: exit 125 within MAX s, nothing left, the
# command never ran, and stage-2 was really stopped
t_stopped_report() {
	local rep=$1 out=$2 max=$3 status elapsed
	status=$(grep '^status' "$rep" | head -n 1)
	elapsed=$(awk '$1 == "elapsed" { print $2 }' "$rep")
	if ! grep -q 'stop2: stopped pid [0-9]* (nsb' "$STOP2_LOG"; then
		WHY="the container did not stop stage-2 ($(tail -n 1 "$STOP2_LOG")): nsboot exec $status after ${elapsed}s"
		return 1
	fi
	WHY="$status after ${elapsed}s, want exit 125 within ${max}s"
	[ "$status" = "status exit 125" ] || return 1
	awk -v e="$elapsed" -v m="$max" 'BEGIN { exit !(e <= m) }' || return 1
	if grep -q '^left' "$rep"; then
		WHY="exit 125 but left behind: $(grep '^left' "$rep" | tr '\n' ';')"
		return 1
	fi
	if grep -q HOSTILE-RAN "$out"; then
		WHY="the command ran"
		return 1
	fi
	WHY=""
}

# stopped_run REP OUT HRUN-ARGS... -- NSBOOT-ARGS...: nsboot exec under hrun
# while the container's stopper waits for stage-2. The stopper spins on the
# next pids; if it came too late (it stopped the command, or nothing and the
# command ran), the run says nothing about nsboot: up to 3 attempts.
stopped_run() {
	local rep=$1 out=$2 attempt
	local -a hargs=()
	shift 2
	while [ "$1" != -- ]; do
		hargs+=("$1")
		shift
	done
	shift
	for attempt in 1 2 3; do
		rm -f "$rep"
		stop2_start || {
			WHY="the stopper did not start in the container"
			return 1
		}
		timeout --foreground -k 2 30 "$T/bin/hrun" --report "$rep" "${hargs[@]}" -- "$COPY" "$@" >"$out" 2>&1 || true
		stop2_end
		grep -q 'stop2: stopped pid [0-9]* (nsb' "$STOP2_LOG" && return 0
		if grep -q 'stop2: stopped pid' "$STOP2_LOG" || grep -q HOSTILE-RAN "$out"; then
			echo "# attempt $attempt: the stopper came too late ($(tail -n 1 "$STOP2_LOG")), again"
			continue
		fi
		return 0
	done
}

t_stopped_timeout() {
	local rep=$T/stop2-timeout.rep out=$T/stop2-timeout.out why
	fresh_copy
	stopped_run "$rep" "$out" --deadline 12 --grace 1 -- \
		exec --timeout 2 --target "$CA" -- /bin/sh -c 'echo HOSTILE-RAN' || return 1
	t_stopped_report "$rep" "$out" 6 && return 0
	why=$WHY
	if grep -q 'status exit 2$' "$rep" && ! "$COPY" exec --help | grep -q -- '--timeout'; then
		# the evidence for today: the same without --timeout
		stopped_run "$rep" "$out" --deadline 8 --grace 1 -- \
			exec --target "$CA" -- /bin/sh -c 'echo HOSTILE-RAN' || true
		why="this nsboot has no --timeout (usage error); without it: $(grep -E '^(status|left)' "$rep" | tr '\n' ';')"
	fi
	WHY=$why
	return 1
}

t_stopped_sigint() {
	local rep=$T/stop2-int.rep out=$T/stop2-int.out
	fresh_copy
	stopped_run "$rep" "$out" --deadline 10 --grace 1 --signal INT@1 -- \
		exec --target "$CA" -- /bin/sh -c 'echo HOSTILE-RAN' || return 1
	t_stopped_report "$rep" "$out" 5 || {
		WHY="SIGINT 1 s into the setup: $WHY$(grep -q '^left' "$rep" && echo "; left: $(grep '^left' "$rep" | tr '\n' ';')")"
		return 1
	}
}

# ---- 7. a pid line naming a stranger ------------------------------------------------

# The pid line reaches nsb_parent_run from init, and a hostile or broken init
# can name any pid in it: the parent must neither kill nor move a process it
# did not start. That takes a fake init, which the CLI never runs: the
# scripted inits of the parent's unit test do it, with a real stranger
# process, and this test requires their verdict (next to the nsboot build).
t_pidline_stranger() {
	local bin out t
	bin=$(dirname "$SRC_NSBOOT")/../../tests/unit/test_parent
	if [ ! -x "$bin" ]; then
		WHY="no $bin next to this nsboot (build the unit tests)"
		return 77
	fi
	out=$(timeout --foreground -k 2 120 "$bin" 2>&1) || true
	for t in test_a_stranger_as_stage2_is_refused_and_survives test_a_stranger_as_stage1_is_refused_and_survives \
		test_a_child_from_before_is_refused_and_left_alone; do
		grep -q "^\[       OK \] $t\$" <<<"$out" || {
			WHY="$t did not pass: $(grep -A3 "$t" <<<"$out" | head -n 4 | tr '\n' ' ')"
			return 1
		}
	done
}

# ---- the run ----------------------------------------------------------------------

echo "# hostile: nsboot $SRC_NSBOOT; containers A=$CA (pid) U=$CU (user, pid) N=$CN (no pid); interpreter ${INTERP:-none}"
run_test "userns container: the command is in every namespace of the target" t_userns_join
for c in A U; do
	if [ $c = A ]; then pid=$CA r=$ROOTFS; else pid=$CU r=$ROOTFS_USER; fi
	run_test "exe [$c]: /bin/sh -> /proc/self/exe and a planted interpreter" t_exe "$pid" "$r" sh
	run_test "exe [$c]: a #!/proc/self/exe script as the command" t_exe "$pid" "$r" script
	run_test "exe [$c]: the command /proc/self/exe" t_exe "$pid" "$r" self
	run_test "exe [$c]: a planted interpreter alone never runs" t_exe "$pid" "$r" loader
	run_test "exe [$c]: the stages' /proc/PID/exe, opened from inside during $EXE_SCAN_RUNS runs" t_exe_scan "$pid" "$r"
done
run_test "release race [A]: nsboot exec killed before release, $RACE_TRIES tries: the command never runs" t_race "$CA"
run_test "release race [N, no pid ns]: nsboot exec killed before release, $RACE_TRIES tries: the command never runs" t_race "$CN"
run_test "groups [U]: the admin's supplementary groups do not reach the command" t_groups "$CU"
run_test "groups [A]: the admin's supplementary groups do not reach the command" t_groups "$CA"
run_test "closed fds: 2>&- with --log-level debug exits 0, not 141" t_closed 2 debug 0 /bin/busybox true
run_test "closed fds: 2>&- with a command not found exits 127" t_closed 2 warning 127 /nonexistent
run_test "closed fds: 0<&- 1>&- exits 0" t_closed 01 debug 0 /bin/busybox true
run_test "closed fds: 0<&- 1>&- 2>&- exits 0" t_closed 012 debug 0 /bin/busybox true
run_test "closed fds: nothing printed into a socket (strace)" t_closed_socket
run_test "SIGCHLD ignored: nsboot exec still works" t_sigchld
run_test "stopped stage-2 [A]: --timeout 2 exits 125 within 6 s, nothing left" t_stopped_timeout
run_test "stopped stage-2 [A]: SIGINT during setup exits 125, nothing left" t_stopped_sigint
run_test "a pid line naming a stranger: the stranger is neither killed nor moved" t_pidline_stranger
finish
