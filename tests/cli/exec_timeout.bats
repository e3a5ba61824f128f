#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec_timeout.bats - a setup that never finishes (a stage that waits
# forever, as one a container stopped would) ends with --timeout, or with
# SIGINT / SIGTERM / SIGHUP before the release: exit 125, the command never
# runs, and no stage is left running.
#
# The hang: nsboot exec runs as nobody with a bootstrap that maps uid 0 in a
# new user namespace, which nobody may not write, so stage-0 runs the map
# helper, and the helper here waits for as long as stage-0 lives. Needs
# root (to become nobody), setpriv and unprivileged user namespaces.
load helpers

NOBODY=65534

hang_setup() {
	[ "$(id -u)" -eq 0 ] || skip "needs root to run nsboot exec as nobody"
	command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups unshare -U true 2>/dev/null ||
		skip "no unprivileged user namespaces"
	DIR=$(mktemp -d /tmp/nsb-exec-timeout.XXXXXX)
	chmod 1777 "$DIR" # the command could create $DIR/ran if it ran
	printf '#!/bin/sh\nexec </dev/null >/dev/null 2>&1\nwhile kill -0 $PPID; do sleep 0.1; done\n' >"$DIR/helper"
	chmod 755 "$DIR/helper"
	encode_to "$DIR/boot.bin" --clone-flags user --uid-map '0 0 1' --uid-map-helper "$DIR/helper"
	chmod 644 "$DIR/boot.bin"
}

teardown() {
	[ -z "${DIR:-}" ] || rm -rf "$DIR"
}

# No stage of nsboot's init is left running (they are named nsb:[N:...]).
no_stage_left() {
	sleep 0.2
	if ps -u $NOBODY -o stat=,comm= | grep -v '^Z' | grep -q 'nsb:\['; then
		ps -u $NOBODY -o pid,ppid,stat,comm
		return 1
	fi
}

@test "help_names_the_timeout_option" {
	run --separate-stderr "$NSBOOT" exec --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"  --timeout SECONDS"* ]]
}

@test "timeout_needs_whole_positive_seconds" {
	for bad in 0 -1 1.5 x '' 2147484; do
		run --separate-stderr "$NSBOOT" exec --timeout "$bad" -- true
		[ "$status" -eq 2 ] || { echo "--timeout '$bad': exit $status"; return 1; }
		[[ "$stderr" == *"--timeout needs whole seconds"* ]] || { echo "stderr: $stderr"; return 1; }
	done
}

@test "a_timeout_that_is_not_reached_changes_nothing" {
	run --separate-stderr "$NSBOOT" exec --timeout 30 -- sh -c 'echo ran; exit 7'
	[ "$status" -eq 7 ]
	[ "$output" = ran ]
}

@test "a_setup_that_hangs_ends_at_the_timeout" {
	hang_setup
	local start=$SECONDS
	run --separate-stderr timeout -s KILL 30 setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$NSBOOT" exec --timeout 1 --bootstrap "$DIR/boot.bin" -- touch "$DIR/ran"
	[ "$status" -eq 125 ] || { echo "exit $status, stderr: $stderr"; return 1; }
	[[ "$stderr" == *"nsboot exec: TIMEOUT: the setup took longer than 1000 ms"* ]] ||
		{ echo "stderr: $stderr"; return 1; }
	[ $((SECONDS - start)) -lt 10 ]
	[ ! -e "$DIR/ran" ]
	no_stage_left
}

# SIGINT / SIGTERM / SIGHUP while the setup hangs: canceled, not killed.
cancel_with() {
	local sig=$1 name=$2 pid watchdog rc=0 start=$SECONDS
	hang_setup
	# setpriv execs nsboot: $! is nsboot's pid (a function would put a subshell there)
	setpriv --reuid=$NOBODY --regid=$NOBODY --clear-groups \
		"$NSBOOT" exec --bootstrap "$DIR/boot.bin" -- touch "$DIR/ran" 2>"$DIR/err" &
	pid=$!
	# a nsboot that ignores the signal fails the test instead of hanging it
	{ sleep 20 && kill -KILL "$pid"; } </dev/null >/dev/null 2>&1 3>&- &
	watchdog=$!
	# until the helper runs: the setup is stuck
	for _ in $(seq 100); do
		ps -u $NOBODY -o args= | grep -q "$DIR/helper" && break
		sleep 0.05
	done
	kill -"$sig" "$pid"
	wait "$pid" || rc=$?
	kill "$watchdog" 2>/dev/null || true
	[ "$rc" -eq 125 ] || { echo "exit $rc: $(cat "$DIR/err")"; return 1; }
	grep -q "nsboot exec: $name before CMD was released" "$DIR/err" || { cat "$DIR/err"; return 1; }
	[ $((SECONDS - start)) -lt 10 ]
	[ ! -e "$DIR/ran" ]
	no_stage_left
}

@test "sigint_before_the_release_cancels" {
	cancel_with INT Interrupt
}

@test "sigterm_before_the_release_cancels" {
	cancel_with TERM Terminated
}

@test "sighup_before_the_release_cancels" {
	cancel_with HUP Hangup
}
