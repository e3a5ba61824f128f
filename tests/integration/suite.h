/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suite.h - the groups of the privileged integration suite (nsb-integration).
 *
 * Each group asserts rows of docs/kernel-semantics.md (the
 * "row N" in a test name is that table's row) with the expectation for the
 * running kernel: the affinity rows by the semantics detected by experiment
 * (old before 6.2, new after), the namespace rows by the table.
 */
#ifndef NSB_INTEGRATION_SUITE_H
#define NSB_INTEGRATION_SUITE_H

#include <limits.h>
#include <stdbool.h>

#include "probe.h"
#include "tap.h"

struct suite {
	struct tap tap;
	bool root;      /* euid 0: most tests need it */
	char self[256]; /* our own executable, for the exec helpers */
	/* appended: the nsboot binary (--nsboot, NSB_NSBOOT, or next to us in a build tree); "" if none */
	char nsboot[PATH_MAX];
	enum probe_semantics sem; /* what suite_affinity's detection found (unknown before it ran) */
};

/* suite_affinity.c: rows 1-14 (cpuset v1 and v2, without cgroup). */
void suite_affinity(struct suite *s);
/* suite_ns.c: rows 15-23. */
void suite_ns(struct suite *s);
/* suite_maps.c: id maps, setgroups, oom_score_adj, CLONE_INTO_CGROUP. */
void suite_maps(struct suite *s);

/* helper mode: `nsb-integration --print-ns NAME` prints the inode of /proc/self/ns/NAME. */
int suite_print_ns(const char *name);

/* suite_exec.c: `nsboot exec`: cgroup and CPU affinity, joining each namespace type,
 * the runc comparison (tests/root/runc.sh). Runs after suite_affinity (uses s->sem). */
void suite_exec(struct suite *s);
/* helper mode: `nsb-integration --print-affinity [--wait]`: "cpus={...}" and
 * /proc/self/cgroup; with --wait, then a byte from stdin, then "cpus={...}" again. */
int suite_print_affinity(bool wait);

#endif
