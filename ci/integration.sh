#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# ci/integration.sh - build and run the privileged integration suite
# (tests/integration, binary nsb-integration) on this machine, as root.
#
#   ci/integration.sh                    build in build/integration, probe, run the suite
#   CI=true NSB_MUST_WORK=1 ci/integration.sh
#                                        as in CI: a skip of anything this machine
#                                        supports is a failure
#
# Steps: `nsboot probe --json` (what this kernel does, found by experiment), then
# nsb-integration (TAP on stdout, log in build/integration/integration.tap), then a
# check that nothing was left behind (scratch cgroups nsb-scratch.*, a v1 cpuset
# mount on /tmp/nsb-v1cpuset.*); leftovers are removed and fail the run.
# Exit 0 only if the suite's summary says 0 failed and nothing was left.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${NSB_INTEGRATION_BUILD:-build/integration}
timeout_s=${NSB_INTEGRATION_TIMEOUT:-600}
export NSB_MUST_WORK=${NSB_MUST_WORK:-0}

ci/deps.sh build integration

echo "=== integration: build ($build)"
cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=gcc -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" --target nsb-integration nsboot -j "$(nproc)"
suite="$build/tests/integration/nsb-integration"
nsboot="$build/tools/nsboot/nsboot"

# leftovers - list what a run may leave behind: scratch cgroups and the v1 cpuset mount of row 1.
leftovers() {
	local m
	while read -r m; do
		[ -d "$m" ] && find "$m" -mindepth 1 -maxdepth 3 -type d -name 'nsb-scratch.*' 2>/dev/null | sort -r
	done < <(awk '$9 == "cgroup" || $9 == "cgroup2" { print $5 }' /proc/self/mountinfo | sort -u)
	awk '$5 ~ /^\/tmp\/nsb-v1cpuset\./ { print $5 }' /proc/self/mountinfo
	true
}

# clean_leftovers - remove them (deepest first), so a failed run does not poison the next.
clean_leftovers() {
	local p
	while read -r p; do
		[ -n "$p" ] || continue
		if awk -v p="$p" '$5 == p { found = 1 } END { exit !found }' /proc/self/mountinfo; then
			umount "$p" || true
			rmdir "$p" 2>/dev/null || true
		else
			rmdir "$p" 2>/dev/null || echo "integration: could not remove $p" >&2
		fi
	done
}

before=$(leftovers)
if [ -n "$before" ]; then
	echo "integration: leftovers of an earlier run, removing them:" >&2
	echo "$before" >&2
	echo "$before" | clean_leftovers
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "integration: not root: the suite skips what needs root (NSB_MUST_WORK=$NSB_MUST_WORK)" >&2
fi

echo "=== integration: nsboot probe --json"
probe_rc=0
timeout "$timeout_s" "$nsboot" probe --json || probe_rc=$?

echo "=== integration: $suite (NSB_MUST_WORK=$NSB_MUST_WORK)"
log="$build/integration.tap"
suite_rc=0
timeout "$timeout_s" "$suite" --nsboot "$nsboot" | tee "$log" || suite_rc=${PIPESTATUS[0]}

status=0
summary=$(grep -E '^integration: [0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$log" | tail -n 1 || true)
if [ -z "$summary" ]; then
	echo "integration: the suite ended without its summary line (exit $suite_rc)" >&2
	status=1
elif [ "$suite_rc" -ne 0 ]; then
	echo "integration: the suite failed (exit $suite_rc)" >&2
	status=1
fi
if [ "$probe_rc" -ne 0 ]; then
	echo "integration: nsboot probe failed (exit $probe_rc)" >&2
	status=1
fi

after=$(leftovers)
if [ -n "$after" ]; then
	echo "integration: LEFT BEHIND (removing now):" >&2
	echo "$after" >&2
	echo "$after" | clean_leftovers
	status=1
fi

echo "${summary:-integration: no summary}"
exit $status
