#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# tests/root/runc.sh NSBOOT - `nsboot exec --target PID` on a real runc
# container (Debian's runc, a busybox-static rootfs) enters the same
# namespaces as `nsenter -t PID -a` and `runc exec`, and sees the
# container's root file system. The container and its bundle are removed
# on exit. Exit 0 passed, 1 failed, 77 skipped (lib.sh: NSB_MUST_WORK).
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
NSBOOT=${1:?usage: runc.sh NSBOOT}
need_root
for tool in runc nsenter; do
	command -v $tool >/dev/null || { skip_or_fail "$tool is missing (ci/deps.sh integration)"; exit $?; }
done
# The rootfs is one static busybox: Debian's busybox-static (the dynamic
# busybox package would need a libc inside the container).
BUSYBOX=/bin/busybox
if ! dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q "install ok installed" || [ ! -x $BUSYBOX ]; then
	skip_or_fail "busybox-static is missing (ci/deps.sh integration)"
	exit $?
fi

ID="nsb-root-$$"
B="$NSB_TMP/bundle"
ROOT="$NSB_TMP/runc-root" # runc's state dir of our own: nothing shared with the host's runc

setup_container() {
	mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/dev" "$B/rootfs/sys" "$B/rootfs/tmp" "$ROOT"
	cp "$BUSYBOX" "$B/rootfs/bin/busybox"
	for c in sh sleep readlink cat ls id hostname true; do ln -s busybox "$B/rootfs/bin/$c"; done
	touch "$B/rootfs/nsb-rootfs-marker"
	(cd "$B" && runc spec) || return 1
	python3 - "$B/config.json" <<'EOF'
import json, sys
p = sys.argv[1]
c = json.load(open(p))
c["process"]["terminal"] = False
c["process"]["args"] = ["sleep", "600"]
c["root"]["readonly"] = True
c["hostname"] = "nsb-container"
json.dump(c, open(p, "w"), indent=1)
EOF
	cleanup_cmd "runc --root '$ROOT' delete -f '$ID'"
	(cd "$B" && runc --root "$ROOT" run -d "$ID" </dev/null >/dev/null 2>"$NSB_TMP/runc.err") ||
		{ fail "runc run: $(cat "$NSB_TMP/runc.err")"; return 1; }
	PID=$(runc --root "$ROOT" state "$ID" | python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
	[ -n "$PID" ] || { fail "no container pid"; return 1; }
}

PROBE='for t in cgroup ipc mnt net pid time user uts; do [ -e /proc/self/ns/$t ] && readlink /proc/self/ns/$t; done; hostname; ls /nsb-rootfs-marker'

case_same_as_nsenter_and_runc_exec() {
	setup_container || return 1
	local ours theirs runcs
	ours=$("$NSBOOT" exec --target "$PID" -- /bin/sh -c "$PROBE") || { fail "nsboot exec exit $?"; return 1; }
	theirs=$(nsenter -t "$PID" -a /bin/sh -c "$PROBE") || { fail "nsenter exit $?"; return 1; }
	runcs=$(runc --root "$ROOT" exec "$ID" /bin/sh -c "$PROBE") || { fail "runc exec exit $?"; return 1; }
	expect_eq "nsboot exec vs nsenter -a" "$ours" "$theirs" || return 1
	expect_eq "nsboot exec vs runc exec" "$ours" "$runcs" || return 1
	expect_match "the container's hostname" "$ours" "^nsb-container$" || return 1
	expect_match "the container's rootfs" "$ours" "^/nsb-rootfs-marker$" || return 1
	# and they differ from ours: the join did something
	[ "$(readlink /proc/self/ns/net)" != "$(readlink "/proc/$PID/ns/net")" ] || fail "container shares our net namespace"
}

run_case "nsboot exec --target = nsenter -t -a = runc exec on a runc container" case_same_as_nsenter_and_runc_exec
finish
