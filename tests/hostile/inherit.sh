#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/hostile/inherit.sh [NSBOOT] - what a command run inside a container by
# `nsboot exec --target PID`, `nsenter -t PID -a` and `runc exec` inherits
# from the caller and from the tool: fds, environment, credentials,
# capabilities, no_new_privs, seccomp, securebits, cgroup, cwd and root,
# session and terminal, oom_score_adj, CPU affinity and more.
#
# As root it builds two busybox-static containers:
#   - a runc 1.1 container (`runc spec` defaults: no user namespace, three
#     capabilities, no_new_privs, RLIMIT_NOFILE 1024), run with `runc run -d`
#     and terminal false;
#   - a rootless-style one made with unshare(1): every namespace type, a user
#     namespace whose root is host uid 100000, pivot_root into its rootfs, its
#     own cgroups (pids/memory on v1, the unified tree when there is one).
# Then the same probe (tests/hostile/inherit/inherit.c, built static) runs
# through each tool, started by a caller that looks like an interactive root
# shell: a session with a pty as controlling terminal, fd 7 (a host file) and
# fd 9 (a host directory) open without close-on-exec, a secret in its
# environment, supplementary groups 0 4 27 4242, umask 027, oom_score_adj 123,
# CPU 0 only, RLIMIT_NOFILE 2048/4096, nice 5, SIGUSR1 ignored, SIGUSR2
# blocked, its cwd a host directory. The probe also runs directly under the
# same caller: the column "plain exec" is what any exec passes on.
# In the containers the probe then stays alive, and a process of the
# container with the container's own credentials (`runc exec` in the runc
# one; `nsenter -a`, which makes the namespace's uid 0 without any host
# capability, in the unshare one) tries to take its fds, its terminal and its
# environment through /proc/PID/fd, pidfd_getfd and /proc/PID/environ: what a
# hostile container gets of what the tool let in.
#
# Output: markdown on stdout (one table per container). Progress and errors go
# to stderr. Exit 0 when every run worked, 1 when a run failed (the table still
# prints, with the failure in its column), 77 when it cannot run here.
# Everything it creates (containers, cgroups, files) is removed on exit, and
# every wait is bounded.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
NSBOOT=${1:-$REPO/build/default/tools/nsboot/nsboot}
RUN_TIMEOUT=30 # seconds, for each probe run

say() { echo "inherit: $*" >&2; }
skip() { say "SKIP: $*"; exit 77; }

[ "$(id -u)" -eq 0 ] || skip "needs root"
for tool in runc nsenter unshare setpriv cc python3 timeout; do
	command -v "$tool" >/dev/null || skip "$tool is missing"
done
[ -x "$NSBOOT" ] || { say "no nsboot at $NSBOOT (build it, or pass its path)"; exit 1; }
NSBOOT=$(cd "$(dirname "$NSBOOT")" && pwd)/$(basename "$NSBOOT")
# a static busybox: the containers have no libc
BUSYBOX=/bin/busybox
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed"; then
	skip "busybox-static is missing"
fi

TMP=$(mktemp -d /tmp/nsb-inherit.XXXXXX)
chmod 755 "$TMP" # the rootless container's root (host uid 100000) walks through it
ID="nsb-inherit-$$"
RUNC_ROOT="$TMP/runc-root"
UPID="" # unshare's pid
CGROUPS=()

# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	local cg
	set +e
	if [ -d "$RUNC_ROOT" ]; then
		timeout -k 5 30 runc --root "$RUNC_ROOT" delete -f "$ID" >/dev/null 2>&1
	fi
	if [ -n "$UPID" ]; then
		kill -KILL "$UPID" 2>/dev/null # --kill-child: its pid 1, and so the namespace, go too
		wait "$UPID" 2>/dev/null
	fi
	for cg in "${CGROUPS[@]}"; do
		for _ in $(seq 50); do
			rmdir "$cg" 2>/dev/null && break
			sleep 0.1
		done
		[ -d "$cg" ] && say "could not remove $cg"
	done
	# nothing of ours is mounted in this mount namespace, but be sure before rm
	awk -v t="$TMP" '$5 == t || index($5, t "/") == 1 {print $5}' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m"; done
	rm -rf --one-file-system "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- the probe, the host's side of the caller ----------------------------------------
PROBE="$TMP/inherit"
cc -std=gnu11 -static -O2 -Wall -Wextra -Werror -o "$PROBE" "$HERE/inherit/inherit.c"
mkdir -p "$TMP/host/dir" "$TMP/host/cwd"
echo "host secret" >"$TMP/host/file"
touch "$TMP/host/dir/inherit-host-marker"

make_rootfs() { # DIR
	mkdir -p "$1/bin" "$1/proc" "$1/dev" "$1/sys" "$1/tmp" "$1/.oldroot"
	cp "$BUSYBOX" "$1/bin/busybox"
	for c in sh sleep; do ln -s busybox "$1/bin/$c"; done
	cp "$PROBE" "$1/inherit"
	chmod -R go+rX "$1"
}

# ---- the runc container -------------------------------------------------------------
start_runc() {
	local b="$TMP/bundle"
	mkdir -p "$b" "$RUNC_ROOT"
	make_rootfs "$b/rootfs"
	(cd "$b" && runc spec)
	python3 - "$b/config.json" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "3600"]
c["root"]["readonly"] = True
c["hostname"] = "nsb-runc"
json.dump(c, open(p, "w"), indent=1)
EOF
	(cd "$b" && timeout -k 5 60 runc --root "$RUNC_ROOT" run -d "$ID" </dev/null >/dev/null 2>"$TMP/runc-run.err") ||
		{ say "runc run failed: $(cat "$TMP/runc-run.err")"; return 1; }
	RUNC_PID=$(timeout 30 runc --root "$RUNC_ROOT" state "$ID" |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	[ -n "$RUNC_PID" ] || { say "no runc container pid"; return 1; }
}

# ---- the unshare container ----------------------------------------------------------
# The cgroups it starts in: a child of ours in the unified tree and in the v1
# pids and memory hierarchies, whichever exist.
make_cgroups() {
	local line hier rel base dir
	while IFS= read -r line; do
		hier=${line#*:}
		hier=${hier%%:*}
		rel=${line#*:*:}
		case $hier in
		"") base=/sys/fs/cgroup; [ -e "$base/cgroup.controllers" ] || base=/sys/fs/cgroup/unified ;;
		pids | memory) base=/sys/fs/cgroup/$hier ;;
		*) continue ;;
		esac
		[ -e "$base/cgroup.procs" ] || continue
		dir="$base${rel%/}/$ID-unshare"
		mkdir "$dir" && CGROUPS+=("$dir")
	done </proc/self/cgroup
}

start_unshare() {
	local r="$TMP/urootfs"
	make_rootfs "$r"
	make_cgroups
	# the rootfs is bind-mounted onto itself, gets its own /proc, and becomes
	# the root by pivot_root; pid 1 is then busybox sleep
	# shellcheck disable=SC2016 # expanded by the container's shell, not here
	(
		for cg in "${CGROUPS[@]}"; do echo "$BASHPID" >"$cg/cgroup.procs"; done
		exec setpriv --reuid=100000 --regid=100000 --clear-groups \
			unshare --user --map-root-user --mount --propagation private --uts --ipc --net \
			--pid --cgroup --time --fork --kill-child \
			"$r/bin/busybox" sh -c 'set -e; B=$0; R=$1
				$B mount --bind "$R" "$R"; $B mount -t proc proc "$R/proc"; cd "$R"
				$B pivot_root . .oldroot; /bin/busybox umount -l /.oldroot
				/bin/busybox hostname nsb-unshare; cd /; exec /bin/sleep 3600' \
			"$r/bin/busybox" "$r"
	) </dev/null >/dev/null 2>"$TMP/unshare.err" &
	UPID=$!
	UNSHARE_PID=""
	for _ in $(seq 100); do
		UNSHARE_PID=$(awk '{print $1}' "/proc/$UPID/task/$UPID/children" 2>/dev/null || true)
		if [ -n "$UNSHARE_PID" ] && [ "$(cat "/proc/$UNSHARE_PID/comm" 2>/dev/null)" = sleep ]; then
			return 0
		fi
		kill -0 "$UPID" 2>/dev/null || break
		sleep 0.1
	done
	say "the unshare container did not start: $(cat "$TMP/unshare.err")"
	return 1
}

# ---- running the probe --------------------------------------------------------------
# run_probe COLUMN STEALER CMD...: the caller runs CMD; the probe's report
# lands in $TMP/COLUMN.out, the caller's session facts in $TMP/COLUMN.info.
# Unless STEALER is "-", CMD holds the probe alive after its report, and
# STEALER (a command line that runs a process in the container with the
# container's own credentials) runs `/inherit steal PID` on it: its output is
# $TMP/COLUMN.steal.
run_probe() {
	local col=$1 stealer=$2 rc=0 caller pid=""
	shift 2
	timeout -k 5 $((RUN_TIMEOUT + 15)) "$PROBE" caller --info "$TMP/$col.info" --out "$TMP/$col.out" \
		--err "$TMP/$col.err" --file "$TMP/host/file" --dir "$TMP/host/dir" --cwd "$TMP/host/cwd" \
		--timeout "$RUN_TIMEOUT" -- "$@" </dev/null &
	caller=$!
	if [ "$stealer" != - ]; then
		for _ in $(seq $((RUN_TIMEOUT * 10))); do
			grep -q '^end' "$TMP/$col.out" 2>/dev/null && break
			kill -0 "$caller" 2>/dev/null || break
			sleep 0.1
		done
		pid=$(awk -F '\t' '$1 == "pid" {print $2; exit}' "$TMP/$col.out" 2>/dev/null || true)
		if [ -n "$pid" ]; then
			# shellcheck disable=SC2086 # STEALER is a command line of ours, without spaces in words
			timeout -k 5 30 $stealer /inherit steal "$pid" </dev/null >"$TMP/$col.steal" 2>&1 ||
				say "$col: the steal failed: $(head -c 300 "$TMP/$col.steal")"
		fi
	fi
	wait "$caller" || rc=$?
	echo "$rc" >"$TMP/$col.rc"
	if [ "$rc" -ne 0 ]; then
		say "$col: exit $rc: $(head -c 300 "$TMP/$col.err" 2>/dev/null)"
		FAILED=1
	fi
}

# load COLUMN: the probe's "key<TAB>value" lines and the caller's facts of
# COLUMN (and what the steal got) into V["COLUMN/key"], its exit status into V["COLUMN/rc"]
declare -A V
load() {
	local k v
	V["$1/rc"]=$(cat "$TMP/$1.rc" 2>/dev/null || echo "?")
	while IFS=$'\t' read -r k v; do
		V["$1/$k"]=$v
	done < <(cat "$TMP/$1.out" "$TMP/$1.info" "$TMP/$1.steal" 2>/dev/null)
}

# A signal mask in hex as signal names.
signames() {
	local mask=$((16#$1)) n out=""
	for n in $(seq 1 64); do
		if (((mask >> (n - 1)) & 1)); then out+="${out:+ }$(kill -l "$n" 2>/dev/null || echo "$n")"; fi
	done
	echo "${out:-none}"
}

# cell COLUMN ROW TARGET: one normalised table cell
cell() {
	local col=$1 row=$2 target=$3 v pid sid tty ctty t same diff
	local rc=${V[$col/rc]-?}
	if [ "$rc" != 0 ]; then
		[ "$row" = ns ] && { echo "**run failed: exit $rc**"; return; }
		echo "—"
		return
	fi
	v=${V[$col/$row]-}
	pid=${V[$col/pid]-}
	case $row in
	ns)
		same=0
		diff=""
		for t in cgroup ipc mnt net pid time user uts; do
			[ -e "/proc/$target/ns/$t" ] || continue
			if grep -qwF -- "$(readlink "/proc/$target/ns/$t")" <<<"${V[$col/ns]-}"; then
				same=$((same + 1))
			else
				diff+="${diff:+ }$t"
			fi
		done
		if [ -z "$diff" ]; then echo "all the target's ($same)"; else echo "target's $same; not: $diff"; fi
		;;
	groups) v=${v% }; echo "${v:-(none)}" ;;
	sid)
		sid=$v
		tty=${V[$col/tty_nr]-}
		ctty=${V[$col/caller_tty_nr]-}
		if [ "$sid" = "$pid" ]; then
			echo "own (session leader)"
		elif [ "$sid" = "${V[$col/caller_sid]-}" ]; then
			echo "the caller's"
		elif [ "$sid" = 0 ] && [ "$tty" = "$ctty" ]; then
			echo "the caller's (leader outside the pid ns: 0)"
		elif [ "$sid" = 0 ]; then
			echo "leader outside the pid ns (0)"
		else
			echo "pid $sid"
		fi
		;;
	pgrp)
		if [ "$v" = "$pid" ]; then echo "own"; elif [ "$v" = 0 ]; then echo "outside the pid ns (0)"; else echo "pid $v"; fi
		;;
	tty_nr)
		if [ "$v" = 0 ]; then echo "none"; elif [ "$v" = "${V[$col/caller_tty_nr]-}" ]; then echo "the caller's pty"; else echo "$v"; fi
		;;
	ppid)
		if [ "$v" = 0 ]; then
			echo "0 (outside the pid ns)"
		elif [ "$v" = "${V[$col/caller_sid]-}" ]; then
			echo "the caller's shell"
		else
			echo "pid $v"
		fi
		;;
	sigblk | sigign) signames "$v" ;;
	cwd | root | fd_links) echo "${v//$TMP/(tmp)}" ;;
	cgroup) echo "${v//$ID/(id)}" ;;
	steal_*) echo "${v:-n/a}" ;;
	*) echo "${v:-?}" ;;
	esac
}

ROWS=(
	"ns|namespaces"
	"fds|open fds (number:kind)"
	"host_dir_fd|host directory reachable through an fd"
	"env|environment (names)"
	"uid|uid (real eff saved fs)"
	"gid|gid (real eff saved fs)"
	"groups|supplementary groups"
	"CapInh|CapInh"
	"CapPrm|CapPrm"
	"CapEff|CapEff"
	"CapBnd|CapBnd"
	"CapAmb|CapAmb"
	"no_new_privs|NoNewPrivs"
	"seccomp|seccomp mode"
	"securebits|securebits"
	"dumpable|dumpable"
	"lsm|LSM label"
	"cgroup|cgroups (path: controllers)"
	"cwd|cwd"
	"root|root"
	"ppid|parent pid"
	"sid|session"
	"pgrp|process group"
	"tty_nr|controlling tty"
	"tiocsti|TIOCSTI on fd 0 succeeds"
	"oom_score_adj|oom_score_adj"
	"cpus|CPU affinity"
	"nofile|RLIMIT_NOFILE soft/hard"
	"umask|umask"
	"nice|nice"
	"sigblk|blocked signals"
	"sigign|ignored signals"
	"steal_fds|a process of the container takes its fds above 2"
	"steal_tty|... takes its fd 0"
	"steal_env|... reads its environment"
)

# table TARGET COLUMN:HEADER...
table() {
	local target=$1 row key label c line
	shift
	line="| property |"
	for c in "$@"; do line+=" ${c#*:} |"; done
	echo "$line"
	line="|---|"
	for c in "$@"; do line+="---|"; done
	echo "$line"
	for row in "${ROWS[@]}"; do
		key=${row%%|*}
		label=${row#*|}
		line="| $label |"
		for c in "$@"; do
			if [ "${c%%:*}" = "-" ]; then
				line+=" n/a |"
			else
				line+=" $(cell "${c%%:*}" "$key" "$target") |"
			fi
		done
		echo "$line"
	done
}

FAILED=0
say "building the containers in $TMP"
start_runc
start_unshare

HOLD=(/inherit probe --hold 20)
RUNC_STEAL="runc --root $RUNC_ROOT exec $ID"
say "probing: plain exec"
run_probe plain - "$PROBE" probe
say "probing the runc container (pid $RUNC_PID)"
run_probe runc_nsboot "$RUNC_STEAL" "$NSBOOT" exec --target "$RUNC_PID" -- "${HOLD[@]}"
run_probe runc_nsenter "$RUNC_STEAL" nsenter -t "$RUNC_PID" -a "${HOLD[@]}"
run_probe runc_runc "$RUNC_STEAL" runc --root "$RUNC_ROOT" exec "$ID" "${HOLD[@]}"
# the unshare container's root: nsenter -a into its user namespace makes
# uid 0 there (host uid 100000) with no host capability and no group
U_STEAL="nsenter -t $UNSHARE_PID -a"
say "probing the unshare container (pid $UNSHARE_PID)"
run_probe u_nsboot "$U_STEAL" "$NSBOOT" exec --target "$UNSHARE_PID" -- "${HOLD[@]}"
run_probe u_nsenter "$U_STEAL" nsenter -t "$UNSHARE_PID" -a "${HOLD[@]}"
for col in plain runc_nsboot runc_nsenter runc_runc u_nsboot u_nsenter; do load "$col"; done

echo "Measured $(date -u +%Y-%m-%d) on Linux $(uname -r) ($(uname -m)); $(runc --version | head -1);"
echo "$(nsenter --version); nsboot: ${NSBOOT#"$REPO"/} (tree at $(git -C "$REPO" describe --always --dirty 2>/dev/null || echo '?'))."
echo "Rerun: \`tests/hostile/inherit.sh [NSBOOT]\` as root."
echo
echo "### A runc container (\`runc spec\` defaults, terminal false)"
echo
table "$RUNC_PID" runc_nsboot:"nsboot exec --target" runc_nsenter:"nsenter -t -a" runc_runc:"runc exec" plain:"plain exec (caller)"
echo
echo "### An unshare container (user namespace: root is host uid 100000; every namespace type)"
echo
table "$UNSHARE_PID" u_nsboot:"nsboot exec --target" u_nsenter:"nsenter -t -a" -:"runc exec" plain:"plain exec (caller)"
exit "$FAILED"
