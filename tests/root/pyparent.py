#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pyparent.py - an independent runtime parent for `nsboot init`.

Written from the protocol facts only (docs/protocol.md: 'Transport', 'The
stages', 'The pid line', 'The log pipe'), sharing no code with
nsboot's own parent side (core/src/parent.c), so the root tests check that
`nsboot init` speaks the wire protocol and not merely nsboot's dialect of it:

  1. socketpair(AF_UNIX, SOCK_STREAM) as the init pipe, a pipe as the log pipe;
  2. spawn `nsboot init -- CMD...` with _LIBCONTAINER_INITPIPE/_LOGPIPE/_LOGLEVEL;
  3. send the bootstrap bytes; read the line {"stage1_pid":N,"stage2_pid":M};
  4. wait for stage-0, reap stage-1 (both stages are our children: CLONE_PARENT);
  5. the release token, then shutdown(SHUT_WR): stage-2's go signal; wait
     for stage-2 with our end of the socket still open.

    pyparent.py --nsboot PATH --bootstrap FILE --result OUT.json [--log-level N]
                [--timeout S] -- CMD [ARGS...]

CMD's stdout and stderr are ours. OUT.json gets stage0_status, pid_line,
stage1, stage2, stage1_status, stage2_status (waitpid statuses as
{"exited": code} or {"signaled": sig}) and logs ([{"level", "msg"}]); a
log line that is not runc's JSON format makes this script fail.
Exit status: 0 when the protocol ran to its end (whatever CMD returned), 1
when init failed (stage-0 did not exit 0), 2 on a protocol violation or timeout.
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading

# core/include/nsboot/init.h, NSB_RELEASE_TOKEN: stage-2 runs nothing without it
RELEASE_TOKEN = b"nsboot:release\n"

LEVELS = ["panic", "fatal", "error", "warning", "info", "debug", "trace"]


def status_json(st):
    if os.WIFEXITED(st):
        return {"exited": os.WEXITSTATUS(st)}
    if os.WIFSIGNALED(st):
        return {"signaled": os.WTERMSIG(st)}
    return {"raw": st}


class Timeout(Exception):
    pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--nsboot", required=True)
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--result", required=True)
    ap.add_argument("--log-level", type=int, default=5)
    ap.add_argument("--timeout", type=int, default=30)
    ap.add_argument("cmd", nargs="*")
    a = ap.parse_args()

    with open(a.bootstrap, "rb") as f:
        bootstrap = f.read()
    out = {"logs": [], "pid_line": None, "stage1": None, "stage2": None,
           "stage0_status": None, "stage1_status": None, "stage2_status": None}
    bad_lines = []

    parent_sock, child_sock = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    log_r, log_w = os.pipe()
    env = dict(os.environ)
    env["_LIBCONTAINER_INITPIPE"] = str(child_sock.fileno())
    env["_LIBCONTAINER_LOGPIPE"] = str(log_w)
    env["_LIBCONTAINER_LOGLEVEL"] = str(a.log_level)
    argv = [a.nsboot, "init", "--"] + a.cmd if a.cmd else [a.nsboot, "init"]
    stage0 = subprocess.Popen(argv, pass_fds=(child_sock.fileno(), log_w), env=env)
    child_sock.close()
    os.close(log_w)

    def read_logs():
        buf = b""
        while True:
            data = os.read(log_r, 65536)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                try:
                    j = json.loads(line)
                    # runc's exact shape: two keys, a known level, "<stage>[<pid>]: " prefix
                    assert set(j) == {"level", "msg"} and j["level"] in LEVELS
                    assert j["msg"].startswith("nsexec")
                    out["logs"].append(j)
                except (ValueError, AssertionError):
                    bad_lines.append(line.decode(errors="replace"))
        if buf:
            bad_lines.append(buf.decode(errors="replace"))
        os.close(log_r)

    logger = threading.Thread(target=read_logs)
    logger.start()

    def on_alarm(sig, frame):
        raise Timeout()

    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(a.timeout)
    rc = 0
    try:
        try:
            parent_sock.sendall(bootstrap)
        except (BrokenPipeError, ConnectionResetError):
            pass  # init died early; its exit status says why
        line = b""
        while not line.endswith(b"\n"):
            try:
                c = parent_sock.recv(1)
            except ConnectionResetError:
                c = b""
            if not c:
                break
            line += c
        out["pid_line"] = line.decode(errors="replace")
        # Popen.wait() gives a return code, not a raw status: rebuild the shape
        code = stage0.wait()
        out["stage0_status"] = {"exited": code} if code >= 0 else {"signaled": -code}
        if code == 0:
            pids = json.loads(line)
            if set(pids) != {"stage1_pid", "stage2_pid"} or line != json.dumps(
                    pids, separators=(",", ":")).encode() + b"\n":
                raise ValueError("pid line is not exactly runc's shape: %r" % line)
            out["stage1"], out["stage2"] = pids["stage1_pid"], pids["stage2_pid"]
            _, st = os.waitpid(out["stage1"], 0)
            out["stage1_status"] = status_json(st)
            # the go signal: the release token, then EOF, our end kept open
            # until stage-2 is reaped (a closed end means a runtime that died)
            try:
                parent_sock.sendall(RELEASE_TOKEN)
            except (BrokenPipeError, ConnectionResetError):
                pass  # stage-2 is gone; its exit status says why
            parent_sock.shutdown(socket.SHUT_WR)
            _, st = os.waitpid(out["stage2"], 0)
            out["stage2_status"] = status_json(st)
        else:
            rc = 1
        # every process init made is our child: none may outlive the run
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
        signal.alarm(0)
    except Timeout:
        rc = 2
        out["error"] = "timeout after %ds" % a.timeout
        for pid in (out["stage2"], out["stage1"], stage0.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        while True:
            try:
                os.waitpid(-1, 0)
            except ChildProcessError:
                break
    except ValueError as e:
        rc = 2
        out["error"] = str(e)
    parent_sock.close()
    logger.join(10)
    if bad_lines:
        rc = 2
        out["bad_log_lines"] = bad_lines
    with open(a.result, "w") as f:
        json.dump(out, f, indent=1)
    return rc


if __name__ == "__main__":
    sys.exit(main())
