# SPDX-License-Identifier: Apache-2.0
# tests/root/lib.sh - shared by the root suites: results, skipping, cleanup.
#
# A suite sources this, calls need_root, registers what it creates with
# cleanup_pid / cleanup_cmd, runs its cases with run_case, and ends with
# finish. Skipping: a case (or the whole suite) that cannot run here says
# why and the suite exits 77 (ctest SKIP_RETURN_CODE), unless
# NSB_MUST_WORK=1 (CI), where a skip is a failure: CI machines support all
# of it. Every process, container and file a suite creates is removed on
# exit, whatever happened.
set -uo pipefail

NSB_TMP=$(mktemp -d /tmp/nsb-root.XXXXXX)
_pids=()
_cmds=()
_failed=0
_skipped=0
_passed=0

_cleanup() {
	local i
	for ((i = ${#_cmds[@]} - 1; i >= 0; i--)); do eval "${_cmds[$i]}" >/dev/null 2>&1; done
	for p in "${_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	for p in "${_pids[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$NSB_TMP"
}
trap _cleanup EXIT

cleanup_pid() { _pids+=("$1"); }
cleanup_cmd() { _cmds+=("$1"); }

skip_or_fail() { # why
	if [ "${NSB_MUST_WORK:-0}" = 1 ]; then
		echo "FAIL (NSB_MUST_WORK=1 forbids skipping): $1"
		return 1
	fi
	echo "SKIP: $1"
	return 77
}

need_root() {
	if [ "$(id -u)" -ne 0 ]; then
		skip_or_fail "needs root (namespaces, maps, procfs of other processes)"
		exit $?
	fi
}

fail() { echo "    FAIL: $*"; return 1; }

expect_eq() { # what got want
	[ "$2" = "$3" ] || fail "$1: got '$2', want '$3'"
}

expect_match() { # what text pattern
	grep -qE -- "$3" <<<"$2" || fail "$1: '$3' not in: $2"
}

# run_case NAME FUNCTION: 0 ok, 77 skipped, anything else failed
run_case() {
	local name=$1 rc
	shift
	echo "=== $name"
	"$@"
	rc=$?
	case $rc in
	0) echo "    ok"; _passed=$((_passed + 1)) ;;
	77) _skipped=$((_skipped + 1)) ;;
	*) echo "    FAILED ($name)"; _failed=$((_failed + 1)) ;;
	esac
}

case_skip() { # why: inside a case
	skip_or_fail "$1"
}

finish() {
	echo "root suite: $_passed passed, $_failed failed, $_skipped skipped"
	[ $_failed -eq 0 ] || exit 1
	[ $_skipped -eq 0 ] || exit 77
	exit 0
}

# ns_inodes PID: "type:[inode]" lines of every namespace of PID, sorted by type
ns_inodes() {
	local t
	for t in cgroup ipc mnt net pid time user uts; do
		[ -e "/proc/$1/ns/$t" ] && readlink "/proc/$1/ns/$t"
	done
}

# The same from inside a command: a shell loop the command runs.
NS_LOOP='for t in cgroup ipc mnt net pid time user uts; do [ -e /proc/self/ns/$t ] && readlink /proc/self/ns/$t; done'

# start_target ARGS...: `unshare ARGS... sleep 600` in the background; sets
# TARGET to the pid of sleep (the process whose namespaces differ).
# --kill-child: sleep dies with unshare, which cleanup kills.
start_target() {
	unshare --fork --kill-child "$@" sleep 600 </dev/null >/dev/null 2>&1 &
	local u=$! i
	cleanup_pid "$u"
	TARGET=""
	for i in $(seq 100); do
		TARGET=$(awk '{print $1}' "/proc/$u/task/$u/children" 2>/dev/null)
		[ -n "$TARGET" ] && [ "$(readlink "/proc/$TARGET/exe" 2>/dev/null)" != "$(readlink "/proc/$u/exe")" ] && return 0
		TARGET=""
		sleep 0.05
	done
	fail "unshare $* did not start"
}
