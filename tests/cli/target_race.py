#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""target_race.py NSBOOT [--keep]: the --target process exits after its
namespaces were joined and before stage-2 is released (root only).

Deterministic: nsboot exec's stderr is a pipe filled to the brim before
nsboot starts, so its first log line (--log-level debug) blocks it inside
its wait for stage-0, before any release. The stages go on without it:
stage-1 joins the target's namespaces, and stage-0 exits only once stage-2
reported that it is set up. When stage-0 is a zombie (nsboot has not reaped
it), the target is killed and reaped, which frees its pid, and only then is
the pipe drained. Without --keep, nsboot must refuse to release stage-2:
exit 125, a line saying why, and CMD (echo ran) never runs. With --keep the
target stays alive and CMD must run (the control).

Prints "status=N", then nsboot's stdout and stderr (minus the filler).
"""
import fcntl
import os
import signal
import subprocess
import sys
import threading
import time

FILLER = b"#" * 4096
DEADLINE = time.monotonic() + 30


def until(what, cond):
    while not cond():
        if time.monotonic() > DEADLINE:
            sys.exit(f"target_race.py: timed out waiting for {what}")
        time.sleep(0.005)


def ns(pid, kind):
    return os.stat(f"/proc/{pid}/ns/{kind}").st_ino


def stat_of(pid):
    """(comm, state, ppid) of pid, or None once it is gone."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            s = f.read()
    except OSError:
        return None
    comm = s[s.index(b"(") + 1:s.rindex(b")")].decode(errors="replace")
    fields = s[s.rindex(b")") + 2:].split()
    return comm, fields[0].decode(), int(fields[1])


def stage0_is_zombie(parent):
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        st = stat_of(int(d))
        if st is not None and st[2] == parent and st[0] == "nsb:[0:PARENT]":
            return st[1] == "Z"
    return False


def main():
    nsboot, keep = sys.argv[1], "--keep" in sys.argv[2:]
    target = subprocess.Popen(["unshare", "--uts", "--ipc", "sleep", "1000"])
    until("the target's own namespaces", lambda: ns(target.pid, "uts") != ns("self", "uts"))

    r, w = os.pipe()
    os.set_blocking(w, False)
    try:
        while True:
            os.write(w, FILLER)
    except BlockingIOError:
        pass
    os.set_blocking(w, True)  # nsboot's first write to its stderr blocks
    out = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), f"race-out.{os.getpid()}"), "w+b")
    proc = subprocess.Popen([nsboot, "exec", "--log-level", "debug", "--target", str(target.pid),
                             "--", "sh", "-c", "echo ran"], stdout=out, stderr=w)
    os.close(w)
    until("stage-0 to exit, unreaped", lambda: stage0_is_zombie(proc.pid))
    if not keep:
        target.kill()
        target.wait()
    err = []
    reader = threading.Thread(target=lambda: err.append(read_all(r)))
    reader.start()
    try:
        status = proc.wait(timeout=max(1, DEADLINE - time.monotonic()))
    finally:
        if proc.poll() is None:
            proc.kill()
        if target.poll() is None:
            target.kill()
            target.wait()
    reader.join()
    out.seek(0)
    print(f"status={status}")
    sys.stdout.write(out.read().decode(errors="replace"))
    os.unlink(out.name)
    sys.stdout.write(err[0].decode(errors="replace").lstrip("#"))


def read_all(fd):
    data = b""
    while chunk := os.read(fd, 65536):
        data += chunk
    os.close(fd)
    return data


if __name__ == "__main__":
    main()
