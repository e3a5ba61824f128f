#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec_timeout.bats - a setup that never finishes (a stage that waits
# forever, as one a container stopped would) ends with --timeout, or with
# SIGINT / SIGTERM / SIGHUP before the release: exit 125, the command never
# runs, and no stage is left running.
#
# The hang: nsboot exec runs in a user namespace where only root is mapped
# (unshare --map-root-user), with a bootstrap whose uid map names host uid
# 1, which that namespace does not map: the kernel refuses the map write
# (EPERM), so stage-0 runs the map helper, and the helper here waits for as
# long as stage-0 lives. Needs unshare (util-linux) and user namespaces.
load helpers

hang_setup() {
	command -v unshare >/dev/null || skip "needs unshare (util-linux)"
	unshare --user --map-root-user true 2>/dev/null || skip "no user namespaces"
	DIR=$(mktemp -d /tmp/nsb-exec-timeout.XXXXXX)
	printf '#!/bin/sh\nexec </dev/null >/dev/null 2>&1\nwhile kill -0 $PPID; do sleep 0.1; done\n' >"$DIR/helper"
	chmod 755 "$DIR/helper"
	encode_to "$DIR/boot.bin" --clone-flags user --uid-map '0 1 1' --uid-map-helper "$DIR/helper"
}

teardown() {
	[ -z "${DIR:-}" ] || rm -rf "$DIR"
}

# No stage of this test's nsboot exec is left running (the stages are forks
# of it: their command line names $DIR/boot.bin).
no_stage_left() {
	sleep 0.2
	if ps -eo stat=,args= | grep -v '^Z' | grep -F -- "$DIR/boot.bin" | grep -v grep; then
		return 1
	fi
}

@test "help_names_the_timeout_option" {
	run --separate-stderr "$NSBOOT" exec --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"  --timeout SECONDS"* ]]
}

@test "a_timeout_that_is_not_reached_changes_nothing" {
	run --separate-stderr "$NSBOOT" exec --timeout 30 -- sh -c 'echo ran; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = ran ]
}

@test "a_setup_that_hangs_ends_at_the_timeout" {
	hang_setup
	local start=$SECONDS
	run --separate-stderr timeout -s KILL 30 unshare --user --map-root-user \
		"$NSBOOT" exec --timeout 1 --bootstrap "$DIR/boot.bin" -- touch "$DIR/ran"
	[ "$status" -eq 125 ] || { echo "exit $status, stderr: $stderr"; return 1; }
	[[ "$stderr" == *"nsboot exec: TIMEOUT: the setup took longer than 1000 ms"* ]] ||
		{ echo "stderr: $stderr"; return 1; }
	[ $((SECONDS - start)) -lt 10 ]
	[ ! -e "$DIR/ran" ]
	no_stage_left
}

# SIGINT / SIGTERM / SIGHUP while the setup hangs: canceled, not killed, and
# the cancel is what is reported (not a stage's FATAL line from the teardown).
cancel_with() {
	local sig=$1 pid watchdog rc=0 start=$SECONDS
	hang_setup
	# unshare execs nsboot: $! is nsboot's pid (a function would put a subshell there)
	unshare --user --map-root-user \
		"$NSBOOT" exec --bootstrap "$DIR/boot.bin" -- touch "$DIR/ran" 2>"$DIR/err" &
	pid=$!
	# a nsboot that ignores the signal fails the test instead of hanging it
	{ sleep 20 && kill -KILL "$pid"; } </dev/null >/dev/null 2>&1 3>&- &
	watchdog=$!
	# until the helper runs: the setup is stuck
	for _ in $(seq 100); do
		ps -eo args= | grep -v grep | grep -qF "$DIR/helper" && break
		sleep 0.05
	done
	kill -"$sig" "$pid"
	wait "$pid" || rc=$?
	kill "$watchdog" 2>/dev/null || true
	[ "$rc" -eq 125 ] || { echo "exit $rc: $(cat "$DIR/err")"; return 1; }
	grep -q "nsboot exec: CANCELED: canceled by the caller" "$DIR/err" || { cat "$DIR/err"; return 1; }
	[ $((SECONDS - start)) -lt 10 ]
	[ ! -e "$DIR/ran" ]
	no_stage_left
}

@test "sigint_before_the_release_cancels" {
	cancel_with INT
}

@test "sigterm_before_the_release_cancels" {
	cancel_with TERM
}

@test "sighup_before_the_release_cancels" {
	cancel_with HUP
}
