#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec_place.bats - `nsboot exec --cpu-affinity-initial/-final LIST, --process
# FILE, --cgroup DIR`: everything that is wrong is a usage error (exit 2)
# found before anything runs, so the command never runs. The tests that run
# a command need root (stage-2 becomes uid 0) and skip without it; the
# privileged integration suite covers the cgroup and kernel behaviour.
load helpers

# exec_rejects WHAT ARGS...: nsboot exec ARGS... -- touch $TMP/ran is a usage
# error whose stderr contains WHAT, and the command did not run.
exec_rejects() {
	local what=$1
	shift
	run --separate-stderr "$NSBOOT" exec "$@" -- touch "$TMP/ran"
	[ "$status" -eq 2 ] || { echo "exit $status, stderr: $stderr"; return 1; }
	[ -z "$output" ] || { echo "stdout: $output"; return 1; }
	[[ "$stderr" == *"$what"* ]] || { echo "want '$what' in stderr: $stderr"; return 1; }
	[[ "$stderr" == *"Try 'nsboot exec --help'."* ]] || { echo "stderr: $stderr"; return 1; }
	[ ! -e "$TMP/ran" ] || { echo "the command ran"; return 1; }
}

process_file() { # JSON: write it to $TMP/process.json
	printf '%s' "$1" >"$TMP/process.json"
}

@test "help_names_the_placement_options" {
	run --separate-stderr "$NSBOOT" exec --help
	[ "$status" -eq 0 ]
	for opt in --cgroup --cpu-affinity-initial --cpu-affinity-final --process; do
		[[ "$output" == *"  $opt"* ]] || { echo "no $opt"; return 1; }
	done
}

@test "exec_rejects_every_malformed_cpu_list_on_both_options" {
	for list in - 1- -3 , ' ' 54-53 '1 - 2' 65536 0x1 '1,,x' 3-2,0; do
		exec_rejects "is not a CPU list" --cpu-affinity-initial "$list"
		exec_rejects "is not a CPU list" --cpu-affinity-final "$list"
	done
}

@test "exec_names_the_cpulist_error_and_its_position" {
	exec_rejects "--cpu-affinity-final: '0,54-53' is not a CPU list: CPULIST_REVERSED at position 2" \
		--cpu-affinity-final 0,54-53
	exec_rejects "CPULIST_TOO_HIGH" --cpu-affinity-initial 65536
	exec_rejects "CPULIST_EMPTY" --cpu-affinity-initial ,
}

@test "exec_never_echoes_control_bytes_of_a_bad_list" {
	exec_rejects "'1?2' is not a CPU list" --cpu-affinity-initial $'1\e2'
}

@test "exec_rejects_a_missing_or_malformed_process_file" {
	exec_rejects "--process $TMP/none.json: No such file or directory" --process "$TMP/none.json"
	process_file '{"execCPUAffinity": '
	exec_rejects "not JSON: error at offset" --process "$TMP/process.json"
	process_file '{} x'
	exec_rejects "not JSON" --process "$TMP/process.json"
	printf '{}\0{}' >"$TMP/process.json"
	exec_rejects "not JSON: a NUL byte at offset 2" --process "$TMP/process.json"
	process_file '[1]'
	exec_rejects "the top level is not a JSON object" --process "$TMP/process.json"
	head -c $((1024 * 1024 + 1)) /dev/zero | tr '\0' ' ' >"$TMP/process.json"
	exec_rejects "larger than 1 MiB" --process "$TMP/process.json"
}

@test "exec_reads_execCPUAffinity_strictly" {
	process_file '{"execCPUAffinity": [1]}'
	exec_rejects "execCPUAffinity is not an object" --process "$TMP/process.json"
	process_file '{"execCPUAffinity": {}, "execCPUAffinity": {}}'
	exec_rejects "execCPUAffinity is given twice" --process "$TMP/process.json"
	process_file '{"execCPUAffinity": {"intial": "0"}}'
	exec_rejects "execCPUAffinity has a member 'intial': only initial and final" --process "$TMP/process.json"
	process_file '{"execCPUAffinity": {"final": "0", "final": "1"}}'
	exec_rejects "execCPUAffinity.final is given twice" --process "$TMP/process.json"
	process_file '{"execCPUAffinity": {"initial": 1}}'
	exec_rejects "execCPUAffinity.initial is not a string" --process "$TMP/process.json"
	process_file '{"execCPUAffinity": {"final": "1-"}}'
	exec_rejects "--process $TMP/process.json: execCPUAffinity.final: '1-' is not a CPU list: CPULIST_SYNTAX" \
		--process "$TMP/process.json"
}

@test "exec_checks_the_process_file_even_where_an_option_overrides_it" {
	process_file '{"execCPUAffinity": {"initial": "9-8"}}'
	exec_rejects "execCPUAffinity.initial: '9-8' is not a CPU list: CPULIST_REVERSED" \
		--cpu-affinity-initial 0 --process "$TMP/process.json"
}

@test "exec_accepts_null_and_empty_affinity_and_ignores_other_members" {
	# a valid file gets as far as the --cgroup check, which comes after it
	for json in '{"execCPUAffinity": null}' '{"execCPUAffinity": {"initial": null, "final": ""}}' \
		'{"args": ["sh"], "env": [], "cwd": "/", "execCPUAffinity": {"initial": "0-1,3", "final": "0"}}' '{}'; do
		process_file "$json"
		exec_rejects "--cgroup $TMP: not a cgroup directory (no cgroup.procs file)" \
			--process "$TMP/process.json" --cgroup "$TMP"
	done
}

@test "exec_rejects_a_cgroup_that_is_not_a_cgroup_directory" {
	exec_rejects "--cgroup needs a directory, not ''" --cgroup ''
	exec_rejects "--cgroup $TMP/none: No such file or directory" --cgroup "$TMP/none"
	touch "$TMP/file"
	exec_rejects "--cgroup $TMP/file: not a directory" --cgroup "$TMP/file"
	exec_rejects "not a cgroup directory (no cgroup.procs file)" --cgroup "$TMP"
}

# ---- as root: the command runs with the mask -----------------------------------------

cpus_allowed() { # the command's Cpus_allowed_list, through nsboot exec ARGS...
	"$NSBOOT" exec "$@" -- sh -c 'grep ^Cpus_allowed_list: /proc/self/status | cut -f2'
}

@test "exec_applies_the_final_affinity_and_lets_the_option_win_over_the_file" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: stage-2 becomes uid 0"
	run cpus_allowed --cpu-affinity-final 0
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	process_file '{"execCPUAffinity": {"final": "0"}}'
	run cpus_allowed --process "$TMP/process.json"
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	[ "$(nproc --all)" -ge 2 ] || skip "one CPU"
	run cpus_allowed --process "$TMP/process.json" --cpu-affinity-final 1
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
}

@test "exec_logs_the_initial_mask_at_debug" {
	[ "$(id -u)" -eq 0 ] || skip "needs root: stage-2 becomes uid 0"
	run --separate-stderr "$NSBOOT" exec --cpu-affinity-initial 0 --log-level debug -- true
	[ "$status" -eq 0 ]
	[[ "$stderr" == *"]: affinity: 0x1"$'\n'* ]] || { echo "$stderr"; return 1; }
}
