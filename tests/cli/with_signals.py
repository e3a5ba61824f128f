#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""with_signals.py [ign:SIG | dfl:SIG]... -- CMD [ARG]...: exec CMD with those
signal dispositions (SIG as in signal.Signals: SIGPIPE, SIGCHLD, ...).

Python starts with SIGPIPE ignored and subprocesses reset it; this sets each
named signal explicitly, so a test knows what CMD inherits.
"""
import os
import signal
import sys

args = sys.argv[1:]
while args and args[0] != "--":
    how, _, name = args.pop(0).partition(":")
    signal.signal(signal.Signals[name], {"ign": signal.SIG_IGN, "dfl": signal.SIG_DFL}[how])
if not args or len(args) < 2:
    sys.exit("usage: with_signals.py [ign:SIG | dfl:SIG]... -- CMD [ARG]...")
os.execvp(args[1], args[1:])
