#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""on_pty.py CMD [ARG]...: run CMD with its stdout on a fresh pseudo-terminal.

Exits with CMD's exit status; stderr is inherited; prints "tty_bytes=N", the
number of bytes CMD wrote to the terminal, on stdout.
"""
import os
import subprocess
import sys

master, slave = os.openpty()
proc = subprocess.run(sys.argv[1:], stdin=subprocess.DEVNULL, stdout=slave, check=False)
os.close(slave)
received = 0
os.set_blocking(master, False)
while True:
    try:
        chunk = os.read(master, 65536)
    except OSError:  # EAGAIN: nothing (more) buffered; EIO: the slave side is gone
        break
    if not chunk:
        break
    received += len(chunk)
os.close(master)
print(f"tty_bytes={received}")
sys.exit(proc.returncode if proc.returncode >= 0 else 128 - proc.returncode)
