/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suite_maps.c - the facts of docs/kernel-semantics.md that are the same on
 * every kernel ('Maps, setgroups, oom_score_adj, dumpable')
 * that the executor relies on: id maps (340 extents, one write), setgroups
 * deny, oom_score_adj bounds and CAP_SYS_RESOURCE, and clone3's
 * CLONE_INTO_CGROUP placing a child.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "suite.h"

static const char *en(int err, char buf[16])
{
	return err == 0 ? "success" : probe_errname(err, buf);
}

static void idmaps(struct suite *s)
{
	const char *n340 = "uid_map: 340 extents in one write are accepted";
	const char *n341 = "uid_map: 341 extents are EINVAL";
	const char *nmax = "uid_map: the extent limit found by the probe's search is 340";
	const char *ntwice = "uid_map: a second write is EPERM (one successful write only)";
	struct probe_note how;
	struct probe_holder h;
	char e1[16], e2[16], path[64];
	int rc;

	rc = probe_idmap_write(340);
	tap_check(&s->tap, rc == 0, n340, "write: %s", en(rc, e1));
	rc = probe_idmap_write(341);
	tap_check(&s->tap, rc == EINVAL, n341, "write: %s", en(rc, e1));
	int max = probe_idmap_max_extents(&how);
	tap_check(&s->tap, max == 340, nmax, "%s", how.text);

	rc = probe_holder_start(&h, CLONE_NEWUSER);
	if (rc != 0) {
		tap_check(&s->tap, false, ntwice, "unshare(CLONE_NEWUSER): %s", en(rc, e1));
		return;
	}
	(void)snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)h.pid);
	int first = probe_write_text(path, "0 0 1\n");
	int second = probe_write_text(path, "1 1 1\n");
	tap_check(&s->tap, first == 0 && second == EPERM, ntwice, "first write: %s, second: %s",
	          en(first, e1), en(second, e2));
	probe_holder_stop(&h);
}

static void setgroups(struct suite *s)
{
	const char *name = "setgroups: 'deny' is accepted, then 'allow' is EPERM";
	struct probe_holder h;
	char e1[16], e2[16], path[64];
	int rc = probe_holder_start(&h, CLONE_NEWUSER);

	if (rc != 0) {
		tap_check(&s->tap, false, name, "unshare(CLONE_NEWUSER): %s", en(rc, e1));
		return;
	}
	(void)snprintf(path, sizeof(path), "/proc/%d/setgroups", (int)h.pid);
	int deny = probe_write_text(path, "deny");
	int allow = probe_write_text(path, "allow");
	tap_check(&s->tap, deny == 0 && allow == EPERM, name, "deny: %s, allow: %s", en(deny, e1),
	          en(allow, e2));
	probe_holder_stop(&h);
}

struct room {
	int over, raise, lower;
};

static int oom_child(void *arg)
{
	struct room *r = arg;
	char cur[32];

	r->over = probe_write_text("/proc/self/oom_score_adj", "1001");
	if (probe_read_text("/proc/self/oom_score_adj", cur, sizeof(cur)) != 0) {
		return 1;
	}
	r->raise = probe_write_text("/proc/self/oom_score_adj", "500");
	r->lower = probe_write_text("/proc/self/oom_score_adj", "-1000");
	return 0;
}

static void oom(struct suite *s)
{
	const char *n1 = "oom_score_adj: 1001 is EINVAL";
	const char *n2 = "oom_score_adj: raising to 500 works";
	char n3[160], e1[16];
	struct probe_child c;
	struct room *r = probe_shm_alloc(sizeof(*r));
	/* The capability bit (capget) decides the expectation: CI's root lacks it, the guests' root has it. */
	int capbit = probe_cap_effective(PROBE_CAP_SYS_RESOURCE);
	enum probe_tri cap = capbit < 0 ? PROBE_UNKNOWN : (capbit ? PROBE_YES : PROBE_NO);

	(void)snprintf(n3, sizeof(n3), "oom_score_adj: lowering 500 -> -1000 %s",
	               cap == PROBE_YES ? "works with CAP_SYS_RESOURCE"
	                                : "is EACCES without CAP_SYS_RESOURCE");
	if (!r) {
		tap_check(&s->tap, false, n1, "mmap failed");
		return;
	}
	probe_run_child(oom_child, r, PROBE_CHILD_TIMEOUT_MS, &c);
	if (!probe_child_ok(&c)) {
		tap_check(&s->tap, false, n1, "test child failed");
	} else {
		tap_check(&s->tap, r->over == EINVAL, n1, "write: %s", en(r->over, e1));
		tap_check(&s->tap, r->raise == 0, n2, "write: %s", en(r->raise, e1));
		if (cap == PROBE_UNKNOWN) {
			tap_check(&s->tap, false, n3, "capget failed");
		} else {
			tap_check(&s->tap, r->lower == (cap == PROBE_YES ? 0 : EACCES), n3, "write: %s",
			          en(r->lower, e1));
		}
	}
	probe_shm_free(r, sizeof(*r));
}

static void into_cgroup(struct suite *s)
{
	const char *name = "clone3(CLONE_INTO_CGROUP) starts the child in the given cgroup v2 cgroup";
	struct probe_layout *l = calloc(1, sizeof(*l));
	struct probe_note how;
	bool restored = true;

	if (!l || probe_layout_read(l, &how) != 0) {
		tap_check(&s->tap, false, name, "cgroup layout: %s", l ? how.text : "out of memory");
	} else if (l->v2[0] == '\0') {
		tap_skip(&s->tap, name, false, "no cgroup2 mount");
	} else {
		enum probe_tri ok = probe_has_clone_into_cgroup(l, &how, &restored);
		tap_check(&s->tap, ok == PROBE_YES && restored, name, "%s", how.text);
	}
	free(l);
}

void suite_maps(struct suite *s)
{
	if (!s->root) {
		tap_skip(&s->tap, "id maps, setgroups, oom_score_adj, CLONE_INTO_CGROUP", true, "needs root");
		return;
	}
	idmaps(s);
	setgroups(s);
	oom(s);
	into_cgroup(s);
}
