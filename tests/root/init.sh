#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/root/init.sh NSBOOT - `nsboot init` for real, as root, driven by an
# independent parent (pyparent.py, written from docs/protocol.md alone) and by
# `nsboot exec`: join namespaces made with unshare(1) and compare inodes,
# create a user namespace with maps, raise oom_score_adj, set time offsets,
# fail cleanly on a path of the wrong type, a path that is no namespace, a
# FIFO as a namespace path (refused without being opened) and a malformed
# bootstrap, and hand the command nothing but stdio (nor
# `nsboot exec` anything of its own).
# Exit 0 passed, 1 failed, 77 skipped (see lib.sh for NSB_MUST_WORK).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
NSBOOT=${1:?usage: init.sh NSBOOT}
need_root
command -v python3 >/dev/null || { skip_or_fail "python3 is missing (ci/deps.sh test)"; exit $?; }
command -v unshare >/dev/null || { skip_or_fail "unshare(1) is missing (util-linux)"; exit $?; }

MARK="nsb-root-$$"        # in every command's argv, to find leftovers
HAVE_TIME=0
[ -e /proc/self/ns/time ] && HAVE_TIME=1

# pyrun NAME ENCODE-ARGS -- CMD...: encode a bootstrap, run it through
# pyparent.py; sets OUT (CMD's stdout), RC (pyparent's exit), RES (result file).
pyrun() {
	local name=$1
	shift
	local enc=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do enc+=("$1"); shift; done
	shift
	"$NSBOOT" encode "${enc[@]}" >"$NSB_TMP/$name.bin" || { fail "encode ${enc[*]}"; return 1; }
	RES="$NSB_TMP/$name.json"
	OUT=$(python3 "$HERE/pyparent.py" --nsboot "$NSBOOT" --bootstrap "$NSB_TMP/$name.bin" --result "$RES" \
		-- "$@" 2>"$NSB_TMP/$name.err")
	RC=$?
	no_leftovers
}

# jq-less access to the result file
res() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$RES" "$1"; }

fatal_of() { res '"\n".join(l["msg"] for l in d["logs"] if l["level"]=="fatal")'; }

no_leftovers() {
	local left
	left=$(pgrep -f "$MARK" | grep -vx "$$" || true)
	[ -z "$left" ] || { fail "processes left behind: $(ps -o pid,cmd -p "$(echo $left | tr ' ' ,)")"; return 1; }
}

case_join_unshare() {
	local flags=(--pid --mount-proc --net --ipc --uts --mount --cgroup)
	[ $HAVE_TIME = 1 ] && flags+=(--time)
	start_target "${flags[@]}" || return 1
	local want ns=() t
	want=$(ns_inodes "$TARGET")
	for t in ipc uts net pid mnt cgroup time; do
		[ -e "/proc/$TARGET/ns/$t" ] || continue
		[ "$(readlink "/proc/$TARGET/ns/$t")" = "$(readlink "/proc/self/ns/$t")" ] && continue
		ns+=(--ns "$t:/proc/$TARGET/ns/$t")
	done
	pyrun join --clone-flags 0 "${ns[@]}" -- sh -c "$NS_LOOP; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	expect_eq "namespaces (independent parent)" "$OUT" "$want" || return 1
	expect_match "debug log" "$(res '"\n".join(l["msg"] for l in d["logs"])')" 'nsexec\[[0-9]+\]: => nsexec container setup' || return 1
	expect_match "affinity log" "$(res '"\n".join(l["msg"] for l in d["logs"])')" 'nsexec\[[0-9]+\]: affinity: 0x[0-9a-f]+' || return 1
	OUT=$("$NSBOOT" exec --target "$TARGET" -- sh -c "$NS_LOOP; : $MARK") || { fail "nsboot exec exit $?"; return 1; }
	expect_eq "namespaces (nsboot exec --target)" "$OUT" "$want" || return 1
	expect_eq "nsenter -t -a agrees" "$(nsenter -t "$TARGET" -a sh -c "$NS_LOOP")" "$OUT" || return 1
	no_leftovers
}

case_join_user() {
	start_target --user --map-root-user --pid --mount-proc --mount || return 1
	OUT=$("$NSBOOT" exec --target "$TARGET" -- sh -c "$NS_LOOP; id -u; cat /proc/self/uid_map; : $MARK") ||
		{ fail "nsboot exec exit $?"; return 1; }
	expect_eq "namespaces" "$(head -n -2 <<<"$OUT")" "$(ns_inodes "$TARGET")" || return 1
	expect_eq "uid in the joined user namespace" "$(tail -n 2 <<<"$OUT" | head -1)" 0 || return 1
	expect_match "uid_map of the joined namespace" "$(tail -n 1 <<<"$OUT")" "^ +0 +0 +1$" || return 1
	no_leftovers
}

# Namespace files that are no /proc/<pid>/ns link: a bind mount of one (as
# ip-netns makes) and a symbolic link to one. The O_PATH open follows the
# link; both are on nsfs, so both are joined.
case_join_bind_and_symlink() {
	start_target --net --uts || return 1
	local bind="$NSB_TMP/netns" link="$NSB_TMP/uts-link" want
	: >"$bind" && mount --bind "/proc/$TARGET/ns/net" "$bind" || { fail "bind mount of the net namespace"; return 1; }
	cleanup_cmd "umount '$bind'"
	ln -s "/proc/$TARGET/ns/uts" "$link" || { fail "ln -s"; return 1; }
	pyrun bindns --clone-flags 0 --ns "net:$bind" --ns "uts:$link" -- \
		sh -c "readlink /proc/self/ns/net /proc/self/ns/uts; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	want=$(readlink "/proc/$TARGET/ns/net" "/proc/$TARGET/ns/uts")
	expect_eq "namespaces joined through a bind mount and a symlink" "$OUT" "$want"
}

case_new_userns_maps() {
	pyrun maps --clone-flags 'user|mnt|pid' --uid-map '0 100000 65536' --gid-map '0 100000 65536' \
		--gid-map '65536 50 1' --setgroups -- \
		sh -c "cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; id -u; echo \$\$; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	local want
	want=$(printf '%10s %10s %10s\n' 0 100000 65536 0 100000 65536 65536 50 1; printf 'allow\n0\n1')
	expect_eq "maps, setgroups, uid, pid" "$OUT" "$want" || return 1
	# rootless without SETGROUP: stage-0 writes "deny" before gid_map
	pyrun deny --clone-flags user --rootless-euid --uid-map '0 100000 1' --gid-map '0 100000 1' -- \
		sh -c "cat /proc/self/setgroups; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	expect_eq "setgroups (rootless, no SETGROUP)" "$OUT" deny
}

case_oom_raise() {
	local now
	now=$(cat /proc/self/oom_score_adj)
	[ "$now" -le 500 ] || { case_skip "our oom_score_adj is $now, above the 500 to test"; return $?; }
	pyrun oom --clone-flags pid --oom-score-adj 500 -- sh -c "cat /proc/self/oom_score_adj; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	expect_eq "oom_score_adj" "$OUT" 500 || return 1
	# Lowering below our own value needs CAP_SYS_RESOURCE, which these
	# machines' root lacks: then it must fail cleanly, naming the write.
	local capeff
	capeff=$(awk '/^CapEff/ {print $2}' /proc/self/status)
	if (((0x$capeff >> 24) & 1)); then
		return 0
	fi
	pyrun oomlow --clone-flags pid --oom-score-adj -999 -- sh -c "echo ran; : $MARK" || return 1
	expect_eq "pyparent exit (lowering without CAP_SYS_RESOURCE)" "$RC" 1 || return 1
	expect_eq "command output" "$OUT" "" || return 1
	expect_match "FATAL" "$(fatal_of)" "oom_score_adj: write: Permission denied"
}

case_time_offsets() {
	[ $HAVE_TIME = 1 ] || { case_skip "no time namespaces in this kernel"; return $?; }
	pyrun time --clone-flags 'time|pid' --time-offset monotonic:86400:0 --time-offset boottime:3600:5 -- \
		sh -c "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	expect_match "monotonic offset" "$OUT" "^monotonic +86400 +0$" || return 1
	expect_match "boottime offset" "$OUT" "^boottime +3600 +5$" || return 1
	local up host
	up=$(tail -1 <<<"$OUT")
	host=$(cut -d. -f1 /proc/uptime)
	[ "$up" -ge $((host + 3590)) ] || fail "uptime inside $up, outside $host: no boottime offset"
}

case_bad_paths() {
	start_target --net --ipc || return 1
	pyrun wrongtype --clone-flags 0 --ns "net:/proc/$TARGET/ns/ipc" -- sh -c "echo ran; : $MARK" || return 1
	expect_eq "pyparent exit (wrong type)" "$RC" 1 || return 1
	expect_eq "command output" "$OUT" "" || return 1
	expect_match "FATAL" "$(fatal_of)" "/proc/$TARGET/ns/ipc is a namespace of type ipc .*NS_TYPE_MISMATCH" || return 1
	pyrun notns --clone-flags 0 --ns "net:/etc/hostname" -- sh -c "echo ran; : $MARK" || return 1
	expect_eq "pyparent exit (not a namespace)" "$RC" 1 || return 1
	expect_match "FATAL" "$(fatal_of)" "/etc/hostname is not a namespace file: NS_NOT_NSFS" || return 1
	pyrun missing --clone-flags 0 --ns "net:/nonexistent/ns" -- sh -c "echo ran; : $MARK" || return 1
	expect_eq "pyparent exit (missing path)" "$RC" 1 || return 1
	expect_match "FATAL" "$(fatal_of)" "open net namespace path /nonexistent/ns: open: No such file or directory"
}

# A FIFO named as a namespace path: opening it for reading would release a
# writer blocked in open(2) (and, without O_NONBLOCK, block stage-1). It must
# be refused as no namespace file without ever being opened for reading.
case_fifo_path() {
	local fifo="$NSB_TMP/ns-fifo" marker="$NSB_TMP/fifo-opened" w
	mkfifo "$fifo" || { fail "mkfifo $fifo"; return 1; }
	# the writer's open(2) returns only once someone opens the FIFO for reading
	(exec 3>"$fifo" && echo opened >"$marker") &
	w=$!
	cleanup_pid "$w"
	pyrun fifo --clone-flags 0 --ns "net:$fifo" -- sh -c "echo ran; : $MARK" || return 1
	sleep 0.2 # time for a released writer to leave its mark
	kill -KILL "$w" 2>/dev/null
	wait "$w" 2>/dev/null
	expect_eq "pyparent exit (a FIFO as the net namespace)" "$RC" 1 || return 1
	expect_eq "command output" "$OUT" "" || return 1
	expect_match "FATAL" "$(fatal_of)" "$fifo is not a namespace file: NS_NOT_NSFS" || return 1
	[ ! -e "$marker" ] || fail "the FIFO was opened for reading: its writer got through"
}

case_malformed_bootstrap() {
	# a valid header and CLONE_FLAGS, then an attribute of unknown type 27300
	python3 -c 'import struct,sys; a=struct.pack("=HHI",8,27281,0)+struct.pack("=HHI",8,27287,0)+struct.pack("=HHI",8,27300,0); sys.stdout.buffer.write(struct.pack("=IHHII",16+len(a),62000,1,1,0)+a)' >"$NSB_TMP/bad.bin"
	RES="$NSB_TMP/bad.json"
	OUT=$(python3 "$HERE/pyparent.py" --nsboot "$NSBOOT" --bootstrap "$NSB_TMP/bad.bin" --result "$RES" \
		-- sh -c "echo ran; : $MARK" 2>/dev/null)
	RC=$?
	no_leftovers || return 1
	expect_eq "pyparent exit" "$RC" 1 || return 1
	expect_eq "command output" "$OUT" "" || return 1
	expect_match "FATAL" "$(fatal_of)" "decode bootstrap: at offset 32, attribute 27300.*ATTR_UNKNOWN"
}

case_stage2_fds() {
	pyrun fds --clone-flags 'pid|mnt' -- sh -c "ls /proc/self/fd | tr '\n' ' '; : $MARK" || return 1
	expect_eq "pyparent exit" "$RC" 0 || return 1
	# ls's own: stdio and its directory handle; nothing of nsboot's
	expect_eq "fds the command holds" "$OUT" "0 1 2 3 "
}

# nsboot exec runs init in its own forked child: what that child held of
# nsboot's (fds, the runtime's variables) must not reach CMD, nor any fd of
# the harness's above 2: CMD gets stdio, and ls its own directory fd 3.
case_exec_handover() {
	local probe="ls /proc/self/fd | tr '\n' ' '; env | grep -c '^_LIBCONTAINER_'; : $MARK" got
	got=$(_LIBCONTAINER_INITPIPE=9 _LIBCONTAINER_STATEDIR=/nonexistent "$NSBOOT" exec -- sh -c "$probe" 2>&1)
	expect_eq "exit status" $? 0 || return 1
	expect_eq "fds and _LIBCONTAINER_ variables CMD got" "$got" "0 1 2 3 0" || return 1
	no_leftovers
}

# Only stdio and --preserve-fds reach CMD: a host fd the caller left open
# (here 4 and 9, without close-on-exec) must not, or a container could use it.
case_exec_caller_fds() {
	local probe="for f in 3 4 5 9; do [ -e /proc/self/fd/\$f ] && printf '%s ' \$f; done; : $MARK" got
	got=$("$NSBOOT" exec -- sh -c "$probe" 3</dev/null 4</ 9</ 2>&1)
	expect_eq "fds above 2 CMD got by default" "$got" "" || return 1
	got=$("$NSBOOT" exec --preserve-fds 2 -- sh -c "$probe" 3</dev/null 4</ 9</ 2>&1)
	expect_eq "fds above 2 CMD got with --preserve-fds 2" "$got" "3 4 " || return 1
	no_leftovers
}

case_exec_exit_status() {
	"$NSBOOT" exec -- sh -c "exit 7; : $MARK"
	expect_eq "exit status passed on" $? 7 || return 1
	"$NSBOOT" exec -- sh -c "kill -TERM \$\$; : $MARK"
	expect_eq "killed by SIGTERM" $? 143 || return 1
	"$NSBOOT" exec -- /nonexistent-$MARK 2>/dev/null
	expect_eq "command not found" $? 127 || return 1
	no_leftovers
}

run_case "join namespaces made by unshare (pyparent, nsboot exec, nsenter)" case_join_unshare
run_case "join a user namespace" case_join_user
run_case "join through a bind-mounted namespace file and a symlink" case_join_bind_and_symlink
run_case "new user namespace with maps and setgroups" case_new_userns_maps
run_case "raise oom_score_adj; lowering fails cleanly without CAP_SYS_RESOURCE" case_oom_raise
run_case "time namespace offsets" case_time_offsets
run_case "wrong type, not a namespace, missing path" case_bad_paths
run_case "a FIFO as a namespace path is refused without being opened" case_fifo_path
run_case "malformed bootstrap" case_malformed_bootstrap
run_case "stage-2 leaves the command nothing but stdio" case_stage2_fds
run_case "nsboot exec exit statuses" case_exec_exit_status
run_case "nsboot exec hands CMD no fd and no _LIBCONTAINER_ variable of its own" case_exec_handover
run_case "nsboot exec hands CMD only stdio and --preserve-fds of the caller's fds" case_exec_caller_fds
finish
