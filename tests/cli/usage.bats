#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# usage.bats - help, version, and usage errors (exit 2, nothing on stdout, a
# pointer to --help on stderr).
load helpers

# expect_usage_error CMD ARGS...: exit 2, stdout empty, "Try 'nsboot ...--help'" on stderr.
expect_usage_error() {
	run --separate-stderr "$NSBOOT" "$@"
	[ "$status" -eq 2 ] || { echo "exit $status: $stderr"; return 1; }
	[ -z "$output" ] || { echo "stdout: $output"; return 1; }
	[[ "$stderr" == *"Try 'nsboot "*"--help'."* ]] || { echo "stderr: $stderr"; return 1; }
}

@test "help_lists_every_command_on_stdout" {
	for form in --help -h help; do
		run --separate-stderr "$NSBOOT" "$form"
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[ "${lines[0]}" = "Usage: nsboot COMMAND [OPTIONS] [ARGS]" ]
		[[ "$output" == *$'\n  decode   '* ]]
		[[ "$output" == *$'\n  encode   '* ]]
	done
}

@test "no_command_prints_usage_on_stderr_and_exits_2" {
	run --separate-stderr "$NSBOOT"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[[ "$stderr" == "Usage: nsboot COMMAND"* ]]
}

@test "version_prints_NSBOOT_VERSION_from_nsboot_h" {
	want=$(sed -n 's/^#define NSBOOT_VERSION "\(.*\)"$/\1/p' "$NSB_SOURCE_DIR/core/include/nsboot/nsboot.h")
	[ -n "$want" ]
	run --separate-stderr "$NSBOOT" --version
	[ "$status" -eq 0 ]
	[ "$output" = "nsboot $want" ]
}

@test "every_subcommand_has_help_also_via_nsboot_help" {
	for cmd in decode encode probe init exec; do
		run --separate-stderr "$NSBOOT" "$cmd" --help
		[ "$status" -eq 0 ]
		[ -z "$stderr" ]
		[[ "${lines[0]}" == "Usage: nsboot $cmd "* ]]
		direct=$output
		run --separate-stderr "$NSBOOT" help "$cmd"
		[ "$status" -eq 0 ]
		[ "$output" = "$direct" ]
		run --separate-stderr "$NSBOOT" "$cmd" -h
		[ "$output" = "$direct" ]
	done
}

@test "unknown_commands_are_usage_errors" {
	expect_usage_error frobnicate
	expect_usage_error help frobnicate
	expect_usage_error help decode encode
}

@test "decode_usage_errors_exit_2" {
	expect_usage_error decode --frobnicate "$CORPUS/run-oom.bin"
	expect_usage_error decode -x "$CORPUS/run-oom.bin"
	expect_usage_error decode --json=yes "$CORPUS/run-oom.bin"
	expect_usage_error decode --dialect=runc-9 "$CORPUS/run-oom.bin"
	expect_usage_error decode --max-len 0 "$CORPUS/run-oom.bin"
	expect_usage_error decode --max-len 4294967296 "$CORPUS/run-oom.bin"
	expect_usage_error decode --max-len 12k "$CORPUS/run-oom.bin"
	expect_usage_error decode --max-len
	expect_usage_error decode "$CORPUS/run-oom.bin" "$CORPUS/run-default.bin"
}

@test "decode_of_an_unreadable_file_exits_2_naming_it" {
	run --separate-stderr "$NSBOOT" decode --json "$TMP/does-not-exist"
	[ "$status" -eq 2 ]
	[ -z "$output" ]
	[ "$stderr" = "nsboot decode: $TMP/does-not-exist: No such file or directory" ]
	run --separate-stderr "$NSBOOT" decode "$TMP"
	[ "$status" -eq 2 ]
	[[ "$stderr" == *"Is a directory"* ]]
}

@test "encode_usage_errors_exit_2" {
	expect_usage_error encode
	expect_usage_error encode --setgroups
	expect_usage_error encode --clone-flags
	expect_usage_error encode --clone-flags mount
	expect_usage_error encode --clone-flags 'mnt||uts'
	expect_usage_error encode --clone-flags ''
	expect_usage_error encode --clone-flags 0x100000000
	expect_usage_error encode --clone-flags 0 --clone-flags 0
	expect_usage_error encode --clone-flags 0 --seq -1
	expect_usage_error encode --clone-flags 0 --oom-score-adj 1 --oom-score-adj 2
	expect_usage_error encode --clone-flags 0 --dialect runc-1.0
	expect_usage_error encode --clone-flags 0 stray
	expect_usage_error encode --clone-flags 0 --frobnicate
	expect_usage_error encode --clone-flags time --time-offset monotonic:1:0 --dialect runc-1.1
	expect_usage_error encode --clone-flags 0 --mount-source /x
	expect_usage_error encode --clone-flags time --time-offset 'monotonic 1 0'
	expect_usage_error encode --clone-flags 0 --ns 'net:/a,uts:/b'
	expect_usage_error encode --clone-flags user --uid-map $'0 0 1\n1 1 1'
}

@test "exec_usage_errors_exit_2_before_anything_runs" {
	expect_usage_error exec
	expect_usage_error exec --target 0 -- true
	expect_usage_error exec --target 2147483648 -- true
	expect_usage_error exec --target 12x -- true
	expect_usage_error exec --ns net -- true
	expect_usage_error exec --ns mount:/proc/self/ns/mnt -- true
	expect_usage_error exec --ns net:proc/self/ns/net -- true
	expect_usage_error exec --ns net:/a,b -- true
	expect_usage_error exec --ns net:/proc/self/ns/net --ns net:/proc/self/ns/net -- true
	expect_usage_error exec --oom-score-adj 1001 -- true
	expect_usage_error exec --log-level loud -- true
	expect_usage_error exec --target 1 --bootstrap "$CORPUS/run-oom.bin" -- true
	expect_usage_error exec --frobnicate -- true
	expect_usage_error exec --target
}

@test "exec_failures_of_its_own_before_cmd_exit_125_not_2" {
	# a pid with no process: it cannot be pinned (pidfd)
	run --separate-stderr "$NSBOOT" exec --target 2147483647 -- true
	[ "$status" -eq 125 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$stderr" == *"--target 2147483647: No such process"* ]] || { echo "stderr: $stderr"; return 1; }
	run --separate-stderr "$NSBOOT" exec --bootstrap /nonexistent/bootstrap.bin -- true
	[ "$status" -eq 125 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$stderr" == *"/nonexistent/bootstrap.bin"* ]] || { echo "stderr: $stderr"; return 1; }
}
