#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fuzz/make-seeds.py - write the hand-made seeds of corpus/<target>/.

Deterministic: running it again rewrites the same files byte for byte, so
`git status` shows nothing after a re-run. It owns only files named
`edge-*` and `valid-*` (and `runc-*`, copies of corpus/runc/*.bin for the
decode and reader targets); inputs merged by ci/fuzz.sh (named by their
SHA-1) are never touched.

    fuzz/make-seeds.py            # write the seeds
    fuzz/make-seeds.py --check    # exit 1 if a seed is missing or differs

The messages are built from the protocol facts (docs/protocol.md), little-endian
(x86_64, like the runc captures): header {len, type 62000, flags 1, seq 1,
pid 0}, then attributes {u16 len, u16 type, payload, zero padding to 4}.
"""
import argparse
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "corpus")

CLONE_FLAGS, NS_PATHS, UIDMAP, GIDMAP, SETGROUP = 27281, 27282, 27283, 27284, 27285
OOM, ROOTLESS, UIDMAPPATH, GIDMAPPATH, T27290 = 27286, 27287, 27288, 27289, 27290

NEWNS, NEWCGROUP, NEWUTS, NEWIPC = 0x00020000, 0x02000000, 0x04000000, 0x08000000
NEWUSER, NEWPID, NEWNET, NEWTIME = 0x10000000, 0x20000000, 0x40000000, 0x00000080
RUN_FLAGS = NEWNS | NEWUTS | NEWIPC | NEWPID | NEWNET
ALL_FLAGS = RUN_FLAGS | NEWCGROUP | NEWUSER | NEWTIME


def attr(typ, payload, nla_len=None, pad=None):
    """One attribute; nla_len and padding may be forced wrong for edge cases."""
    n = 4 + len(payload) if nla_len is None else nla_len
    padding = b"\0" * ((4 - (4 + len(payload)) % 4) % 4) if pad is None else pad
    return struct.pack("<HH", n, typ) + payload + padding


def u32(typ, value):
    return attr(typ, struct.pack("<I", value))


def string(typ, text):
    if isinstance(text, str):
        text = text.encode()
    return attr(typ, text + b"\0")


def message(*attrs, msg_type=62000, flags=1, seq=1, pid=0, length=None, tail=b""):
    body = b"".join(attrs)
    n = 16 + len(body) if length is None else length
    return struct.pack("<IHHII", n, msg_type, flags, seq, pid) + body + tail


def base(*extra, flags=RUN_FLAGS, rootless=0):
    return message(u32(CLONE_FLAGS, flags), *extra, u32(ROOTLESS, rootless))


def idmap_lines(n):
    """n one-id extents, short enough that 340 lines stay under 4096 bytes."""
    return "".join("%d %d 1\n" % (i, 1000 + i) for i in range(n))


def idmap_fill(total):
    """A map of exactly @total bytes, valid but for its length: 18-byte lines
    "1000000+i 2000000+i 1\n" (so 4095 bytes stay under 340 lines), then one
    line "3..0 3..0 1\n" whose digit counts make up the rest."""
    lines, i = [], 0
    while total - sum(map(len, lines)) > 24:
        lines.append("%d %d 1\n" % (1000000 + i, 2000000 + i))
        i += 1
    rest = total - sum(map(len, lines))
    a = min(10, rest - 5)
    b = rest - 4 - a
    lines.append("%d %d 1\n" % (3 * 10 ** (a - 1), 3 * 10 ** (b - 1)))
    text = "".join(lines)
    assert len(text) == total
    return text


EXEC_PATHS = ",".join("%s:/proc/4242/ns/%s" % (t, t) for t in ("ipc", "uts", "net", "pid", "mnt"))
ALL_PATHS = ",".join("%s:/proc/1/ns/%s" % (t, t)
                     for t in ("user", "ipc", "uts", "net", "pid", "mnt", "cgroup", "time"))
USERNS = (string(UIDMAP, "0 100000 65536\n"), string(GIDMAP, "0 100000 65536\n"))


def decode_seeds():
    s = {}
    # Valid messages, in both dialects where they differ.
    s["valid-exec-all-namespaces"] = message(u32(CLONE_FLAGS, 0), string(NS_PATHS, ALL_PATHS),
                                             u32(ROOTLESS, 0))
    s["valid-run-everything-runc-1.2"] = message(
        u32(CLONE_FLAGS, ALL_FLAGS & ~NEWNET), string(NS_PATHS, "net:/var/run/netns/x"),
        string(UIDMAPPATH, "/usr/bin/newuidmap"), string(UIDMAP, "0 1000 1\n1 100000 65536\n"),
        string(GIDMAP, "0 1000 1\n1 100000 65536\n"), string(GIDMAPPATH, "/usr/bin/newgidmap"),
        u32(SETGROUP, 1), string(OOM, "-1000"), u32(ROOTLESS, 1),
        string(T27290, "monotonic 86400 0\nboottime -5 999999999\n"))
    s["valid-mount-sources-runc-1.1"] = base(string(T27290, b"/src/a\0\0/src/b\0"))
    s["valid-mount-sources-empty-runc-1.1"] = base(attr(T27290, b"\0"))
    s["valid-reordered-attrs"] = message(u32(ROOTLESS, 0), string(OOM, "0"), u32(CLONE_FLAGS, NEWNS))
    s["valid-seq-flags-pid-any"] = message(u32(CLONE_FLAGS, 0), u32(ROOTLESS, 0), flags=0xFFFF,
                                           seq=0xFFFFFFFF, pid=0xFFFFFFFF)
    s["valid-idmap-340-lines"] = base(string(UIDMAP, idmap_lines(340)), string(GIDMAP, "0 0 1\n"),
                                      flags=RUN_FLAGS | NEWUSER)
    s["valid-timens-one-clock"] = base(string(T27290, "boottime 0 0\n"), flags=NEWTIME)
    s["valid-nspath-colon-in-path"] = message(u32(CLONE_FLAGS, 0), string(NS_PATHS, "net:/run/a:b"),
                                              u32(ROOTLESS, 0))
    s["valid-nspath-4095-bytes"] = message(u32(CLONE_FLAGS, 0),
                                           string(NS_PATHS, "net:/" + "p" * 4094), u32(ROOTLESS, 0))
    # Header.
    s["edge-empty"] = b""
    s["edge-short-header"] = message()[:15]
    s["edge-msg-len-small"] = message(length=15)
    s["edge-msg-len-zero"] = message(length=0)
    s["edge-msg-too-big"] = message(length=0x00100001)
    s["edge-msg-len-max"] = message(length=0xFFFFFFFF)
    s["edge-truncated"] = base()[:-1]
    s["edge-trailing-data"] = base() + b"\0"
    s["edge-bad-msg-type"] = message(u32(CLONE_FLAGS, 0), u32(ROOTLESS, 0), msg_type=62001)
    s["edge-header-only"] = message()
    # Framing.
    good = u32(CLONE_FLAGS, 0) + u32(ROOTLESS, 0)
    s["edge-attr-header-short"] = message(good, length=16 + len(good) + 2, tail=b"\x08\0")
    s["edge-nla-len-zero"] = message(good, attr(OOM, b"", nla_len=0))
    s["edge-nla-len-three"] = message(good, attr(OOM, b"", nla_len=3))
    s["edge-attr-overrun"] = message(good, attr(OOM, b"500\0", nla_len=64))
    s["edge-padding-missing"] = message(good, attr(OOM, b"50\0", pad=b""))
    s["edge-padding-nonzero"] = message(good, attr(OOM, b"50\0", pad=b"\x01"))
    s["edge-attr-unknown"] = message(good, u32(27291, 0))
    s["edge-attr-unknown-flag-bits"] = message(good, u32(0xC000 | CLONE_FLAGS, 0))
    s["edge-attr-type-zero"] = message(good, u32(0, 0))
    s["edge-attr-duplicate"] = message(good, u32(CLONE_FLAGS, 0))
    s["edge-missing-clone-flags"] = message(u32(ROOTLESS, 0))
    s["edge-missing-rootless"] = message(u32(CLONE_FLAGS, 0))
    s["edge-missing-both"] = message(string(OOM, "1"))
    # Payload shapes.
    s["edge-u32-size-0"] = message(attr(CLONE_FLAGS, b""), u32(ROOTLESS, 0))
    s["edge-bool-size-0-last"] = message(u32(CLONE_FLAGS, 0), attr(ROOTLESS, b""))
    s["edge-string-size-0-last"] = message(u32(CLONE_FLAGS, 0), u32(ROOTLESS, 0), attr(OOM, b""))
    s["edge-u32-size-3"] = message(attr(CLONE_FLAGS, b"\0\0\0"), u32(ROOTLESS, 0))
    s["edge-u32-size-8"] = message(attr(CLONE_FLAGS, b"\0" * 8), u32(ROOTLESS, 0))
    s["edge-bool-two"] = message(u32(CLONE_FLAGS, 0), u32(ROOTLESS, 2))
    s["edge-bool-high-byte"] = message(u32(CLONE_FLAGS, 0), u32(ROOTLESS, 0x01000000))
    s["edge-clone-flags-outside-mask"] = base(flags=RUN_FLAGS | 0x00000100)
    s["edge-clone-flags-thread"] = base(flags=0x00010000)
    s["edge-string-empty"] = base(attr(OOM, b""))
    s["edge-string-only-nul"] = base(attr(OOM, b"\0"))
    s["edge-string-unterminated"] = base(attr(OOM, b"500"))
    s["edge-string-embedded-nul"] = base(attr(OOM, b"5\x0000\0"))
    s["edge-mount-sources-unterminated-entry-runc-1.1"] = base(string(T27290, b"/src/a\0/b"))
    # Payload grammars through the decoder.
    s["edge-nspaths-relative"] = message(u32(CLONE_FLAGS, 0), string(NS_PATHS, "net:proc/1/ns/net"),
                                         u32(ROOTLESS, 0))
    s["edge-nspaths-duplicate"] = message(u32(CLONE_FLAGS, 0),
                                          string(NS_PATHS, "net:/a,net:/b"), u32(ROOTLESS, 0))
    s["edge-idmap-overlap"] = base(string(UIDMAP, "0 0 10\n5 100 10\n"), flags=NEWUSER)
    s["edge-oom-range"] = base(string(OOM, "1001"))
    s["edge-timens-clock"] = base(string(T27290, "realtime 1 0\n"), flags=NEWTIME)
    s["edge-helper-relative"] = base(string(UIDMAPPATH, "newuidmap"), USERNS[0], flags=NEWUSER)
    # Cross-attribute rules.
    s["edge-ns-clone-and-join"] = message(u32(CLONE_FLAGS, NEWNET), string(NS_PATHS, "net:/proc/1/ns/net"),
                                          u32(ROOTLESS, 0))
    s["edge-idmap-without-newuser"] = base(*USERNS)
    s["edge-setgroup-without-gidmap"] = base(USERNS[0], u32(SETGROUP, 1), flags=NEWUSER)
    s["edge-helper-without-map"] = base(string(GIDMAPPATH, "/usr/bin/newgidmap"), USERNS[0], flags=NEWUSER)
    s["edge-timens-without-newtime"] = base(string(T27290, "monotonic 1 0\n"))
    return s


def reader_seeds(decode):
    s = {}
    for name in ("valid-exec-all-namespaces", "valid-run-everything-runc-1.2", "edge-msg-len-small",
                 "edge-msg-too-big", "edge-short-header", "edge-truncated", "edge-empty"):
        s[name] = decode[name]
    # What follows the message on the init pipe must stay unread.
    s["valid-then-pid-json"] = base() + b'{"stage1_pid":1,"stage2_pid":2}\n'
    s["valid-then-config"] = decode["valid-exec-all-namespaces"] + b'{"ociVersion":"1.2.0"}'
    s["valid-then-second-message"] = base() + base()
    s["edge-cut-in-header"] = base()[:9]
    s["edge-cut-in-body"] = decode["valid-run-everything-runc-1.2"][:40]
    s["edge-length-16-then-data"] = message() + b"\xff" * 8
    return s


def nspaths_seeds():
    return {
        "valid-exec": EXEC_PATHS,
        "valid-all-eight": ALL_PATHS,
        "valid-one": "net:/var/run/netns/ctr",
        "valid-colon-in-path": "mnt:/a:b:c",
        "valid-path-4095-bytes": "user:/" + "x" * 4094,
        "edge-empty": "",
        "edge-path-4096-bytes": "user:/" + "x" * 4095,
        "edge-empty-element": "net:/a,,pid:/b",
        "edge-trailing-comma": "net:/a,",
        "edge-leading-comma": ",net:/a",
        "edge-no-separator": "net/proc/1/ns/net",
        "edge-unknown-type": "network:/proc/1/ns/net",
        "edge-type-case": "NET:/proc/1/ns/net",
        "edge-empty-type": ":/proc/1/ns/net",
        "edge-empty-path": "net:",
        "edge-relative": "net:proc/1/ns/net",
        "edge-duplicate-type": "net:/a,ipc:/b,net:/c",
        "edge-embedded-nul": "net:/a\0b",
    }


def idmap_seeds():
    return {
        "valid-one-line": "0 100000 65536\n",
        "valid-runc-userns-gid": "0 200000 1000\n1000 300000 64536\n",
        "valid-340-lines": idmap_lines(340),
        "valid-max-values": "4294967294 0 1\n0 4294967294 1\n",
        "valid-4095-bytes": idmap_fill(4095),
        "valid-adjacent": "0 0 10\n10 10 10\n",
        "edge-empty": "",
        "edge-341-lines": idmap_lines(341),
        "edge-unterminated": "0 100000 65536",
        "edge-zero-size": "0 0 0\n",
        "edge-range-wrap": "4294967295 0 2\n",
        "edge-last-id-unmappable": "4294967295 0 1\n",
        "edge-host-range-wrap": "0 4294967290 6\n",
        "edge-4096-bytes": idmap_fill(4096),
        "edge-number-range": "4294967296 0 1\n",
        "edge-overlap-container": "0 0 10\n9 100 10\n",
        "edge-overlap-host": "0 0 10\n100 9 10\n",
        "edge-two-spaces": "0  0 1\n",
        "edge-tab": "0\t0 1\n",
        "edge-sign": "+0 0 1\n",
        "edge-negative": "-1 0 1\n",
        "edge-hex": "0x10 0 1\n",
        "edge-two-fields": "0 1\n",
        "edge-four-fields": "0 1 2 3\n",
        "edge-crlf": "0 0 1\r\n",
        "edge-leading-zero": "00 0 1\n",
        "edge-blank-line": "0 0 1\n\n",
    }


def cpulist_seeds():
    return {
        "valid-runtime-spec-example": "0-3, 7,",
        "valid-skip-empty": ",0,1,",
        "valid-spaces-tabs": " \t1 ,\n2-3\r",
        "valid-max": "65535",
        "valid-all": "0-65535",
        "valid-words": "0-63,64,128-191,1000-1023",
        "valid-overlapping": "0-10,5-7,3",
        "edge-empty": "",
        "edge-dash": "-",
        "edge-open-range": "1-",
        "edge-negative": "-3",
        "edge-comma": ",",
        "edge-space": " ",
        "edge-reversed": "54-53",
        "edge-spaced-range": "1 - 2",
        "edge-too-high": "65536",
        "edge-too-high-runc": "65537",
        "edge-huge": "99999999999999999999",
        "edge-plus": "+1",
        "edge-hex": "0x1",
        "edge-leading-zero": "007",
        "edge-double-dash": "1--2",
        "edge-nul": "1\0",
    }


def timens_seeds():
    return {
        "valid-both-clocks": "monotonic 86400 0\nboottime -5 999999999\n",
        "valid-one-clock": "boottime 0 0\n",
        "valid-extremes": "monotonic -9223372036854775808 0\nboottime 9223372036854775807 999999999\n",
        "edge-empty": "",
        "edge-unterminated": "monotonic 1 0",
        "edge-unknown-clock": "realtime 1 0\n",
        "edge-duplicate-clock": "monotonic 1 0\nmonotonic 2 0\n",
        "edge-secs-range": "monotonic 9223372036854775808 0\n",
        "edge-secs-range-negative": "monotonic -9223372036854775809 0\n",
        "edge-nsecs-range": "boottime 0 1000000000\n",
        "edge-nsecs-negative": "boottime 0 -1\n",
        "edge-two-fields": "boottime 0\n",
        "edge-two-spaces": "boottime  0 0\n",
        "edge-three-clocks": "monotonic 1 0\nboottime 1 0\nmonotonic 1 0\n",
        # OOM_SCORE_ADJ shares this target.
        "valid-oom-500": "500",
        "valid-oom-min": "-1000",
        "valid-oom-max": "1000",
        "valid-oom-zero": "0",
        "edge-oom-range-high": "1001",
        "edge-oom-range-low": "-1001",
        "edge-oom-huge": "99999999999999999999",
        "edge-oom-dash": "-",
        "edge-oom-plus": "+5",
        "edge-oom-space": " 5",
        "edge-oom-minus-zero": "-0",
        "edge-oom-newline": "5\n",
    }

# The log pipe's line format (core/include/nsboot/log.h) and the pid line
# (parent.h). Inputs of the `log` target start with a mode byte (fuzz/log.c):
# 0 a log line, 1 level/stage/pid then a text to format, 2 a pid line,
# 3 the same bytes to all three.
LOG_LEVELS = ["panic", "fatal", "error", "warning", "info", "debug", "trace"]
LOG_BODY_END = 4096 - 1 - 3 - 3  # the line up to its text: room for "...", tail, NUL


def log_escape(b):
    simple = {0x5c: b"\\\\", 0x22: b'\\"', 0x08: b"\\b", 0x0a: b"\\n", 0x0d: b"\\r",
              0x09: b"\\t", 0x0c: b"\\f"}
    if b in simple:
        return simple[b]
    if b < 0x20 or b == 0x7f:
        return b"\\u%04x" % b
    return bytes([b])


def log_line(level, stage, pid, text):
    """The line nsb_log_format writes (with its '\n'), cut as it cuts."""
    if isinstance(text, str):
        text = text.encode()
    who = b"nsexec" if stage < 0 else b"nsexec-%d" % stage
    line = b'{"level":"%s", "msg": "%s[%d]: ' % (LOG_LEVELS[level].encode(), who, pid)
    for b in text:
        e = log_escape(b)
        if len(line) + len(e) > LOG_BODY_END:
            line += b"..."
            break
        line += e
    return line + b'"}\n'


def log_parse_seed(level, stage, pid, text):
    return b"\0" + log_line(level, stage, pid, text)[:-1]


def log_format_seed(level, stage, pid, text):
    if isinstance(text, str):
        text = text.encode()
    return b"\1" + bytes([(level + 1) % 256, (stage + 2) % 256]) + struct.pack("<q", pid) + text


def log_seeds():
    debug, fatal = LOG_LEVELS.index("debug"), LOG_LEVELS.index("fatal")
    s = {}
    # Lines nsboot's init wrote (`nsboot exec --log-level debug -- true`, as root).
    real = [
        (debug, -1, 15119, "=> nsexec container setup"),
        (debug, -1, 15119, "bootstrap: 32 bytes, clone flags 0, 0 namespaces to join"),
        (debug, 0, 15119, "forward stage-1 (15120) and stage-2 (15121) pids to the runtime"),
        (debug, 1, 15120, "send RECVPID_PLS to stage-0"),
        (debug, 2, 15121, "wait for the runtime to close the init pipe"),
        (fatal, 2, 15654, "exec /nonexistent/x: execvp: No such file or directory"),
        (fatal, 1, 15659, "join mnt namespace: /proc/self/ns/net is a namespace of type net "
                          "(0x40000000): NS_TYPE_MISMATCH: the namespace file is of another type"),
    ]
    for i, (level, stage, pid, text) in enumerate(real):
        s["valid-real-%d" % i] = log_parse_seed(level, stage, pid, text)
        s["valid-format-real-%d" % i] = log_format_seed(level, stage, pid, text)
    for level, name in enumerate(LOG_LEVELS):
        s["valid-level-" + name] = log_parse_seed(level, level % 4 - 1, 1, "x")
    escapes = "quote \" backslash \\ nl \n cr \r tab \t bs \b ff \f esc \x1b del \x7f nul \0 end"
    s["valid-escapes"] = log_parse_seed(debug, 1, 42, escapes)
    s["valid-format-escapes"] = log_format_seed(debug, 1, 42, escapes)
    s["valid-format-every-byte"] = log_format_seed(4, 0, 7, bytes(range(256)))
    s["valid-utf8-raw"] = log_parse_seed(4, 2, 9, "caf\u00e9 \u20ac")
    s["valid-empty-text"] = log_parse_seed(4, -1, 1, "")
    s["valid-format-negative-pid"] = log_format_seed(2, 0, -(2 ** 63), "min")
    s["valid-format-max-pid"] = log_format_seed(2, 2, 2 ** 63 - 1, "max")
    # Readers accept any JSON escape (but surrogates) and any message.
    s["valid-json-escapes"] = b'\0{"level":"info", "msg": "nsexec[1]: \\/ \\u0041 \\u001B \\u00e9 \\u20AC"}'
    s["valid-nul-escape"] = b'\0{"level":"info", "msg": "nsexec[1]: a\\u0000b"}'
    s["valid-no-prefix"] = b'\0{"level":"warning", "msg": "no stage here"}'
    s["valid-noncanonical-pid"] = b'\0{"level":"info", "msg": "nsexec-1[007]: x"}'
    # Cut lines: long texts, plain and all-escape, and the lengths around the cut.
    head = len(log_line(4, 1, 4242, "")) - 3
    for extra in (-1, 0, 1, 2, 3, 4):
        text = "a" * (LOG_BODY_END - head + extra)
        s["edge-format-cut-%+d" % extra] = log_format_seed(4, 1, 4242, text)
    s["edge-format-cut-escapes"] = log_format_seed(5, 0, 3, b"\x01" * 700)
    s["edge-format-cut-mixed"] = log_format_seed(5, 0, 3, (b"a\x01" * 600)[1:])
    s["edge-format-long"] = log_format_seed(6, -1, 1, "z" * 6000)
    s["valid-cut-line"] = log_parse_seed(4, 1, 4242, "b" * 5000)
    s["valid-cut-escapes"] = log_parse_seed(4, 1, 4242, b"\n" * 3000)
    s["edge-format-level-high"] = log_format_seed(7, 0, 1, "x")
    s["edge-format-level-low"] = log_format_seed(-1, 0, 1, "x")
    s["edge-format-stage-high"] = log_format_seed(0, 3, 1, "x")
    s["edge-format-stage-low"] = log_format_seed(0, -2, 1, "x")
    # Lines to refuse.
    good = log_line(4, 0, 5, "text")[:-1]
    s["edge-newline"] = b"\0" + good + b"\n"
    s["edge-trailing"] = b"\0" + good + b" "
    s["edge-no-brace"] = b"\0" + good[:-1]
    s["edge-unterminated"] = b"\0" + good[:-2]
    s["edge-empty"] = b"\0"
    s["edge-level-unknown"] = b'\0{"level":"notice", "msg": "x"}'
    s["edge-level-upper"] = b'\0{"level":"INFO", "msg": "x"}'
    s["edge-level-prefix"] = b'\0{"level":"warn", "msg": "x"}'
    s["edge-no-space"] = b'\0{"level":"info","msg":"x"}'
    s["edge-surrogate"] = b'\0{"level":"info", "msg": "\\ud83d\\ude00"}'
    s["edge-surrogate-low"] = b'\0{"level":"info", "msg": "\\udfff"}'
    s["edge-bad-escape"] = b'\0{"level":"info", "msg": "\\x41"}'
    s["edge-short-unicode"] = b'\0{"level":"info", "msg": "\\u12"}'
    s["edge-bad-hex"] = b'\0{"level":"info", "msg": "\\u00g1"}'
    s["edge-raw-control"] = b'\0{"level":"info", "msg": "a\tb"}'
    s["edge-backslash-end"] = b'\0{"level":"info", "msg": "\\'
    # The pid line on the init pipe.
    s["valid-pid"] = b'\2{"stage1_pid":15120,"stage2_pid":15121}'
    s["valid-pid-extremes"] = b'\2{"stage1_pid":1,"stage2_pid":2147483647}'
    s["edge-pid-zero"] = b'\2{"stage1_pid":0,"stage2_pid":1}'
    s["edge-pid-leading-zero"] = b'\2{"stage1_pid":012,"stage2_pid":1}'
    s["edge-pid-negative"] = b'\2{"stage1_pid":-5,"stage2_pid":1}'
    s["edge-pid-plus"] = b'\2{"stage1_pid":+5,"stage2_pid":1}'
    s["edge-pid-overflow"] = b'\2{"stage1_pid":1,"stage2_pid":2147483648}'
    s["edge-pid-huge"] = b'\2{"stage1_pid":99999999999999999999,"stage2_pid":1}'
    s["edge-pid-newline"] = b'\2{"stage1_pid":1,"stage2_pid":2}\n'
    s["edge-pid-spaces"] = b'\2{"stage1_pid": 1, "stage2_pid": 2}'
    s["edge-pid-swapped"] = b'\2{"stage2_pid":1,"stage1_pid":2}'
    s["edge-pid-short"] = b'\2{"stage1_pid":1,"stage2_pid":2'
    s["edge-pid-empty-number"] = b'\2{"stage1_pid":,"stage2_pid":2}'
    # All three parsers on one text.
    s["valid-all-log"] = b"\3" + good
    s["valid-all-pid"] = b'\3{"stage1_pid":3,"stage2_pid":4}'
    return s


def all_seeds():
    decode = decode_seeds()
    seeds = {
        "decode": decode,
        "reader": reader_seeds(decode),
        "nspaths": nspaths_seeds(),
        "idmap": idmap_seeds(),
        "cpulist": cpulist_seeds(),
        "timens": timens_seeds(),
        "log": log_seeds(),
    }
    runc = os.path.join(CORPUS, "runc")
    for name in sorted(os.listdir(runc)):
        if name.endswith(".bin"):
            with open(os.path.join(runc, name), "rb") as f:
                data = f.read()
            for target in ("decode", "reader"):
                seeds[target]["runc-" + name[:-4]] = data
    return seeds


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true", help="only compare; exit 1 on a difference")
    args = ap.parse_args()
    bad = 0
    for target, files in all_seeds().items():
        d = os.path.join(CORPUS, target)
        os.makedirs(d, exist_ok=True)
        for name, data in sorted(files.items()):
            if isinstance(data, str):
                data = data.encode()
            path = os.path.join(d, name)
            old = open(path, "rb").read() if os.path.exists(path) else None
            if old == data:
                continue
            if args.check:
                print("make-seeds: %s differs from the generator" % os.path.relpath(path, ROOT))
                bad = 1
                continue
            with open(path, "wb") as f:
                f.write(data)
    if not args.check:
        n = sum(len(v) for v in all_seeds().values())
        print("make-seeds: %d seeds in %s/{%s}" % (n, os.path.relpath(CORPUS, ROOT),
                                                     ",".join(sorted(all_seeds()))))
    return bad


if __name__ == "__main__":
    sys.exit(main())
