#!/usr/bin/env bats
# SPDX-License-Identifier: Apache-2.0
# exec_hardening.bats - nsboot run by an admin against a hostile container:
# started with fds 0-2 closed, SIGPIPE, SIGCHLD ignored, control bytes in what
# init reports, a --bootstrap with bytes after the message, _LIBCONTAINER_*
# variables, a --target that exits while it is joined, and a process without
# CAP_SYS_PTRACE reaching for /proc/<nsboot>/exe. Each test performs the attack;
# those that run a command in namespaces need root (stage-2 becomes uid 0).
load helpers

# a test that left nsboot exec running in the background (BG_PID) ends it
teardown() {
	if [ -n "${BG_PID:-}" ]; then
		touch "$TMP/done"
		kill -KILL "$BG_PID" 2>/dev/null || :
		wait "$BG_PID" 2>/dev/null || :
	fi
}

need_root() {
	[ "$(id -u)" -eq 0 ] || skip "needs root: stage-2 becomes uid 0"
}

# with_signals [ign:SIG | dfl:SIG]... -- CMD...: CMD with those dispositions.
with_signals() {
	python3 "$BATS_TEST_DIRNAME/with_signals.py" "$@"
}

# sig_state SIGNUM: "ignored" or "default", from the SigIgn line in $output.
sig_state() {
	local mask
	mask=$(printf '%s\n' "$output" | sed -n 's/^SigIgn:[[:space:]]*//p')
	[ -n "$mask" ] || { echo "no SigIgn line in: $output"; return 1; }
	if (((0x$mask >> ($1 - 1)) & 1)); then echo ignored; else echo default; fi
}

# ---- fds 0-2 --------------------------------------------------------------------------

@test "every_command_starts_with_closed_stdio_fds_made_dev_null" {
	# decode's output into a closed stdout was a failed write (exit 2); its input
	# from a closed stdin a failed read; now they are /dev/null
	run --separate-stderr bash -c '"$0" decode "$1" >&-' "$NSBOOT" "$CORPUS/run-oom.bin"
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	run --separate-stderr bash -c '"$0" decode --json <&-' "$NSBOOT"
	[ "$status" -eq 1 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$output" == '{"error":"SHORT_HEADER",'* ]]
}

@test "exec_with_stderr_closed_logs_nowhere_and_exits_with_cmds_status" {
	need_root
	# an internal socket became fd 2: log lines went into it, then SIGPIPE (141)
	run bash -c '"$0" exec --log-level debug -- sh -c "exit 3" 2>&-' "$NSBOOT"
	[ "$status" -eq 3 ] || { echo "exit $status: $output"; return 1; }
	run bash -c '"$0" exec --log-level debug -- true 0<&- 2>&-' "$NSBOOT"
	[ "$status" -eq 0 ] || { echo "exit $status: $output"; return 1; }
}

@test "exec_hands_cmd_dev_null_for_each_closed_stdio_fd" {
	need_root
	run bash -c '"$0" exec -- readlink /proc/self/fd/0 /proc/self/fd/2 0<&- 2>&-' "$NSBOOT"
	[ "$status" -eq 0 ] || { echo "exit $status: $output"; return 1; }
	[ "$output" = $'/dev/null\n/dev/null' ]
}

# ---- SIGPIPE, SIGCHLD ----------------------------------------------------------------------

# into_closed_pipe FD CMD...: CMD with FD (1 or 2) a pipe nobody reads; its exit status.
into_closed_pipe() {
	python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
rc = subprocess.run(sys.argv[2:], **{sys.argv[1]: w}).returncode
sys.exit(rc if rc >= 0 else 128 - rc)' "$@"
}

@test "a_write_into_a_closed_pipe_is_an_error_not_death_by_sigpipe" {
	run --separate-stderr into_closed_pipe stdout "$NSBOOT" decode "$CORPUS/run-oom.bin"
	[ "$status" -eq 2 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$stderr" == "nsboot decode: writing standard output: Broken pipe" ]]
}

@test "exec_logging_into_a_closed_pipe_still_exits_with_cmds_status" {
	need_root
	run --separate-stderr into_closed_pipe stderr \
		python3 "$BATS_TEST_DIRNAME/with_signals.py" dfl:SIGPIPE -- "$NSBOOT" exec --log-level debug -- sh -c 'exit 4'
	[ "$status" -eq 4 ] || { echo "exit $status"; return 1; }
}

@test "cmd_gets_sigpipe_as_nsboot_was_started_with_it" {
	need_root
	run --separate-stderr with_signals dfl:SIGPIPE -- "$NSBOOT" exec -- grep ^SigIgn: /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(sig_state 13)" = default ]
	run --separate-stderr with_signals ign:SIGPIPE -- "$NSBOOT" exec -- grep ^SigIgn: /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(sig_state 13)" = ignored ]
}

@test "exec_started_with_sigchld_ignored_works_and_cmd_gets_it_at_default" {
	need_root
	# children auto-reaped: waitpid failed with ECHILD (exit 125)
	run --separate-stderr with_signals ign:SIGCHLD -- "$NSBOOT" exec -- sh -c 'exit 5'
	[ "$status" -eq 5 ] || { echo "exit $status: $stderr"; return 1; }
	run --separate-stderr with_signals ign:SIGCHLD -- "$NSBOOT" exec -- grep ^SigIgn: /proc/self/status
	[ "$status" -eq 0 ]
	[ "$(sig_state 17)" = default ]
}

# ---- what init says, escaped ---------------------------------------------------------------

@test "exec_escapes_control_bytes_in_init_fatal_lines" {
	need_root
	# a namespace path from the bootstrap, in stage-1's FATAL line
	run --separate-stderr "$NSBOOT" exec --ns $'net:/a\e]0;owned\a\e[31m\nb\xff' -- true
	[ "$status" -eq 125 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$stderr" == *'open net namespace path /a\x1b]0;owned\x07\x1b[31m\x0ab\xff: '* ]] || { echo "$stderr"; return 1; }
	# the command's name, in stage-2's FATAL line (the path is looked up before any exec)
	run -127 --separate-stderr "$NSBOOT" exec --log-level debug -- $'/nonexistent\e[2J\r'
	[ "$status" -eq 127 ] || { echo "exit $status: $stderr"; return 1; }
	[[ "$stderr" == *'nsboot exec: nsexec-2['*']: exec /nonexistent\x1b[2J\x0d: stat: '* ]] || { echo "$stderr"; return 1; }
	# nothing raw: no byte below 0x20 but the line ends, no 0x7f, nothing above 0x7e
	"$NSBOOT" exec --ns $'net:/a\e\x7f\xff' --log-level trace -- true 2>"$TMP/err" || :
	[ -s "$TMP/err" ]
	if LC_ALL=C grep -n '[^[:print:]]' "$TMP/err"; then
		echo "raw bytes in the lines above"
		return 1
	fi
}

# ---- --bootstrap FILE: what decode rejects -------------------------------------------------

@test "exec_bootstrap_rejects_exactly_what_decode_rejects_before_starting" {
	local hdr='30f20100 01000000 00000000' clone0='0800916a 00000000' rootless0='0800976a 00000000'
	cat "$CORPUS/run-default-exec.bin" "$CORPUS/run-default-exec.bin" >"$TMP/trailing"
	cat "$CORPUS/run-default.bin" >"$TMP/one-zero"
	printf '\0' >>"$TMP/one-zero"
	hexfile "$TMP/type" "20000000 10000100 01000000 00000000 $clone0 $rootless0"
	hexfile "$TMP/dup" "28000000 $hdr $clone0 $clone0 $rootless0"
	hexfile "$TMP/clonejoin" "2c000000 $hdr 0800916a 00000040 0b00926a 6e65743a 2f780000 $rootless0"
	hexfile "$TMP/nomissing" "18000000 $hdr $clone0"
	: >"$TMP/empty"
	for m in trailing one-zero type dup clonejoin nomissing empty; do
		run --separate-stderr "$NSBOOT" decode "$TMP/$m"
		[ "$status" -eq 1 ] || { echo "$m: decode exit $status"; return 1; }
		want=${stderr/#nsboot decode:/nsboot exec:}
		run --separate-stderr "$NSBOOT" exec --bootstrap "$TMP/$m" -- touch "$TMP/ran"
		[ "$status" -eq 125 ] || { echo "$m: exec exit $status: $stderr"; return 1; }
		[ "$stderr" = "$want" ] || { echo "$m: got '$stderr', want '$want'"; return 1; }
		[ ! -e "$TMP/ran" ] || { echo "$m: the command ran"; return 1; }
	done
	[[ "$want" == *"SHORT_HEADER at offset 0"* ]]
	run --separate-stderr "$NSBOOT" exec --bootstrap "$TMP/trailing" -- true
	[ "$stderr" = "nsboot exec: $TMP/trailing: TRAILING_DATA at offset 152: the buffer is longer than nlmsg_len" ]
}

@test "exec_bootstrap_runs_a_message_decode_accepts" {
	need_root
	"$NSBOOT" encode --clone-flags 0 >"$TMP/ok"
	"$NSBOOT" decode "$TMP/ok" >/dev/null
	run --separate-stderr "$NSBOOT" exec --bootstrap "$TMP/ok" -- sh -c 'echo ran'
	[ "$status" -eq 0 ] || { echo "exit $status: $stderr"; return 1; }
	[ "$output" = ran ]
}

# ---- _LIBCONTAINER_* ------------------------------------------------------------------------

@test "init_and_exec_strip_every_libcontainer_variable" {
	need_root
	local probe='env | grep ^_LIBCONTAINER_ || echo none'
	"$NSBOOT" encode --clone-flags 0 >"$TMP/b"
	run --separate-stderr env _LIBCONTAINER_STATEDIR=/x _LIBCONTAINER_FIFOFD=9 _LIBCONTAINER_=y \
		python3 "$NSB_SOURCE_DIR/tests/root/pyparent.py" --nsboot "$NSBOOT" --bootstrap "$TMP/b" \
		--result "$TMP/res.json" -- sh -c "$probe"
	[ "$status" -eq 0 ] || { echo "pyparent exit $status: $stderr"; return 1; }
	[ "$output" = none ] || { echo "CMD of nsboot init got: $output"; return 1; }
	run --separate-stderr env _LIBCONTAINER_STATEDIR=/x _LIBCONTAINER_INITPIPE=9 \
		"$NSBOOT" exec -- sh -c "$probe"
	[ "$status" -eq 0 ]
	[ "$output" = none ] || { echo "CMD of nsboot exec got: $output"; return 1; }
}

# ---- --target exits while it is joined ----------------------------------------------------

@test "exec_refuses_to_release_when_the_target_exited_during_setup" {
	need_root
	command -v unshare >/dev/null || skip "unshare(1) is missing (util-linux)"
	# control: the same sequence with the target alive runs CMD
	run --separate-stderr env TMPDIR="$TMP" python3 "$BATS_TEST_DIRNAME/target_race.py" "$NSBOOT" --keep
	[ "$status" -eq 0 ] || { echo "harness exit $status: $stderr"; return 1; }
	[ "${lines[0]}" = status=0 ] || { echo "$output"; return 1; }
	[ "${lines[1]}" = ran ]
	run --separate-stderr env TMPDIR="$TMP" python3 "$BATS_TEST_DIRNAME/target_race.py" "$NSBOOT"
	[ "$status" -eq 0 ] || { echo "harness exit $status: $stderr"; return 1; }
	[ "${lines[0]}" = status=125 ] || { echo "$output"; return 1; }
	[[ "$output" != *$'\nran\n'* ]] || { echo "CMD ran: $output"; return 1; }
	[[ "${lines[-1]}" =~ ^"nsboot exec: --target "[0-9]+" exited while its namespaces were being joined: its pid may now name another process; CMD was not run"$ ]] || { echo "$output"; return 1; }
}

@test "exec_of_a_pid_with_no_process_fails_before_reading_its_namespaces" {
	run --separate-stderr "$NSBOOT" exec --target 2147483647 -- true
	[ "$status" -eq 125 ]
	[ "$stderr" = "nsboot exec: --target 2147483647: No such process" ]
}

@test "init_gives_cmd_sigpipe_at_default_when_the_runtime_started_it_so" {
	need_root
	# pyparent (Python's subprocess) starts nsboot init with SIGPIPE at its default
	"$NSBOOT" encode --clone-flags 0 >"$TMP/b"
	run --separate-stderr python3 "$NSB_SOURCE_DIR/tests/root/pyparent.py" --nsboot "$NSBOOT" \
		--bootstrap "$TMP/b" --result "$TMP/res.json" -- grep ^SigIgn: /proc/self/status
	[ "$status" -eq 0 ] || { echo "pyparent exit $status: $stderr"; return 1; }
	[ "$(sig_state 13)" = default ] || { echo "$output"; return 1; }
}

# ---- /proc/<nsboot exec>/exe --------------------------------------------------------------

@test "exec_is_not_dumpable_so_proc_exe_is_closed_to_a_process_without_cap_sys_ptrace" {
	need_root
	command -v setpriv >/dev/null || skip "setpriv(1) is missing (util-linux)"
	local nocap=(setpriv --inh-caps=-sys_ptrace --bounding-set=-sys_ptrace)
	local pid n=0 probe='
import errno, os, sys
for path in ("/proc/%s/exe" % sys.argv[1], "/proc/%s/fd/0" % sys.argv[1]):
    try:
        os.close(os.open(path, os.O_RDONLY))
        print(path, "opened")
    except OSError as e:
        print(path, errno.errorcode[e.errno])'
	# nsboot exec without CAP_SYS_PTRACE too: only its dumpable flag stands in the way
	"${nocap[@]}" "$NSBOOT" exec -- sh -c 'echo >"$0"; while [ ! -e "$1" ]; do sleep 0.02; done' \
		"$TMP/ready" "$TMP/done" >"$TMP/exec.out" 2>&1 3>&- &
	pid=$! BG_PID=$!
	while [ ! -e "$TMP/ready" ] && [ $n -lt 1500 ]; do sleep 0.02; n=$((n + 1)); done
	[ "$(cat "/proc/$pid/comm")" = nsboot ] || { echo "pid $pid is not nsboot exec"; return 1; }
	run "${nocap[@]}" python3 -c "$probe" "$pid"
	run_status=$status run_output=$output
	# control: with CAP_SYS_PTRACE the same opens work
	run python3 -c "$probe" "$pid"
	touch "$TMP/done"
	wait "$pid"
	BG_PID=
	[ "$output" = "/proc/$pid/exe opened"$'\n'"/proc/$pid/fd/0 opened" ] || { echo "control: $output"; return 1; }
	[ "$run_status" -eq 0 ]
	[[ "$run_output" =~ ^"/proc/$pid/exe "(EACCES|EPERM)$'\n'"/proc/$pid/fd/0 "(EACCES|EPERM)$ ]] || { echo "without CAP_SYS_PTRACE: $run_output"; return 1; }
}

@test "exec_target_must_be_a_process_not_another_of_its_threads" {
	# a pidfd pins a process; a thread id has none (EINVAL, or ENOENT since Linux 6.9)
	run --separate-stderr python3 -c '
import subprocess, sys, threading
tid, go = [], threading.Event()
t = threading.Thread(target=lambda: (tid.append(threading.get_native_id()), go.wait()))
t.start()
while not tid:
    pass
r = subprocess.run([sys.argv[1], "exec", "--target", str(tid[0]), "--", "true"], stderr=subprocess.PIPE)
go.set()
print(r.returncode, r.stderr.decode().strip().replace(str(tid[0]), "TID"))' "$NSBOOT"
	[ "$output" = "125 nsboot exec: --target TID: not a process id (a thread's?)" ] || { echo "$output $stderr"; return 1; }
}

@test "exec_timeout_takes_whole_seconds_from_1_to_86400" {
	for bad in 0 86401 -1 1.5 x ''; do
		run --separate-stderr "$NSBOOT" exec --timeout "$bad" -- true
		[ "$status" -eq 2 ] || { echo "--timeout '$bad': exit $status"; return 1; }
		[[ "$stderr" == *"--timeout needs seconds from 1 to 86400"* ]] || { echo "$stderr"; return 1; }
	done
}
