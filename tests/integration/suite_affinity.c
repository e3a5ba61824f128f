/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suite_affinity.c - docs/kernel-semantics.md rows 1-14: CPU affinity around
 * cpuset moves, asserted with the prediction of the semantics that the
 * decisive experiment (row 5) detected on this kernel.
 *
 * Order: detection; v2 rows (cpuset in a scratch v2 subtree, then v2
 * without cpuset); row 13 (no cgroup); v1 rows. When no v1 cpuset hierarchy
 * is mounted, row 1 tries to mount one on a scratch directory (after the v2
 * rows gave cpuset back: a controller lives on one hierarchy at a time) and
 * runs the v1 rows there, then unmounts it.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

struct aff_env {
	struct probe_layout layout;
	const char *v1_missing; /* why there is no v1 cpuset hierarchy, once row 1 tried to mount one */
	enum probe_semantics sem;
	struct probe_note how;
};

static unsigned online_cpus(void)
{
	struct nsb_cpuset *set = malloc(sizeof(*set));
	unsigned n = 0;

	if (set && probe_read_cpus("/sys/devices/system/cpu/online", set) == 0) {
		n = set->count;
	}
	free(set);
	return n;
}

/* detect - the semantics by experiment, as `nsboot probe` finds it. */
static void detect(struct suite *s, struct aff_env *e)
{
	const char *name = "affinity semantics found by the decisive experiment (row 5)";
	const char *want = getenv("NSB_EXPECT_SEMANTICS");
	bool restored = true;

	e->sem = PROBE_SEM_UNKNOWN;
	if (e->layout.v1_cpuset[0] == '\0' && !e->layout.v2_cpuset) {
		tap_skip(&s->tap, name, false, "no cpuset hierarchy: not on v1, not available on cgroup v2");
		return;
	}
	if (!s->root) {
		tap_skip(&s->tap, name, true, "needs root to create scratch cpusets");
		return;
	}
	if (online_cpus() < 2) {
		tap_skip(&s->tap, name, false, "needs at least 2 CPUs");
		return;
	}
	e->sem = probe_affinity_semantics(&e->layout, &e->how, &restored);
	s->sem = e->sem; /* suite_exec's expectations */
	tap_check(&s->tap, e->sem != PROBE_SEM_UNKNOWN && restored, name, "%s", e->how.text);
	tap_diag(&s->tap, "affinity semantics: %s (%s)", probe_semantics_name(e->sem), e->how.text);
	if (want != NULL && want[0] != '\0') {
		char tname[160];
		(void)snprintf(tname, sizeof(tname),
		               "detected affinity semantics is '%s' (NSB_EXPECT_SEMANTICS)", want);
		tap_check(&s->tap, strcmp(want, probe_semantics_name(e->sem)) == 0, tname, "detected '%s'",
		          probe_semantics_name(e->sem));
	}
}

/* kind_missing - why this machine has no @kind to run rows on; NULL if it has. */
static const char *kind_missing(const struct aff_env *e, enum probe_cg_kind kind)
{
	const struct probe_layout *l = &e->layout;

	switch (kind) {
	case PROBE_CG_V1_CPUSET:
		if (l->v1_cpuset[0]) {
			return NULL;
		}
		return e->v1_missing ? e->v1_missing : "no v1 cpuset hierarchy";
	case PROBE_CG_V2_CPUSET:
		if (!l->v2[0]) {
			return "no cgroup2 mount";
		}
		return l->v2_cpuset ? NULL
		                    : "cpuset is not available on cgroup v2 here (bound to v1 or not built)";
	case PROBE_CG_V2_PLAIN:
		return l->v2[0] ? NULL : "no cgroup2 mount";
	case PROBE_CG_KIND_COUNT:
	default:
		return "unknown cgroup kind";
	}
}

/* run_row - one row on one kind, asserted for the detected semantics. */
static void run_row(struct suite *s, const struct aff_env *e, const struct probe_aff_row *row,
                    enum probe_cg_kind kind, bool nocg)
{
	struct probe_aff_result *res = malloc(sizeof(*res));
	const char *missing = nocg ? NULL : kind_missing(e, kind);
	char name[256];
	int rc;

	(void)snprintf(name, sizeof(name), "row %s (%s): %s: as %s%s", probe_aff_row_id(row),
	               nocg ? "no cgroup" : probe_cg_kind_name(kind), probe_aff_row_title(row),
	               e->sem == PROBE_SEM_UNKNOWN ? "the detected semantics predicts"
	                                           : probe_semantics_name(e->sem),
	               e->sem == PROBE_SEM_UNKNOWN ? "" : " kernels do");
	if (!res) {
		tap_check(&s->tap, false, name, "out of memory");
		return;
	}
	if (missing) {
		tap_skip(&s->tap, name, false, "%s", missing);
	} else if (!s->root && !nocg) {
		tap_skip(&s->tap, name, true, "needs root");
	} else if ((rc = probe_aff_run(row, kind, &e->layout, res)) == EOPNOTSUPP) {
		tap_skip(&s->tap, name, false, "%s", res->error.text);
	} else if (rc == EBUSY && res->trace.text[0] == '\0') {
		/* cgroup v2 refuses controllers below a cgroup that holds processes (ours, unless root) */
		tap_skip(&s->tap, name, true, "%s (run from a cgroup without processes, e.g. the root)",
		         res->error.text);
	} else if (rc != 0) {
		tap_check(&s->tap, false, name, "could not run: %s%s%s", res->error.text,
		          res->trace.text[0] ? "\ntrace: " : "", res->trace.text);
	} else {
		/* A row where old and new predict the same is asserted even if detection failed. */
		bool ok = (e->sem == PROBE_SEM_OLD ? res->matches_old : res->matches_new) && res->restored &&
		          (e->sem != PROBE_SEM_UNKNOWN || !res->decisive);
		if (!res->decisive) {
			size_t len = strlen(name);
			(void)snprintf(name + len, sizeof(name) - len, " (old and new agree with %u CPUs)",
			               res->ncpus);
		}
		tap_check(&s->tap, ok, name, "%s%s\nmatches old: %s, matches new: %s%s%s",
		          e->sem == PROBE_SEM_UNKNOWN && res->decisive
		                  ? "semantics undetermined, nothing to assert: "
		                  : "",
		          res->trace.text, res->matches_old ? "yes" : "no", res->matches_new ? "yes" : "no",
		          res->restored ? "" : "\nNOT RESTORED: ", res->restored ? "" : res->error.text);
	}
	free(res);
}

static void run_kind(struct suite *s, const struct aff_env *e, enum probe_cg_kind kind)
{
	for (size_t i = 0; i < probe_aff_row_count(); i++) {
		const struct probe_aff_row *row = probe_aff_row_at(i);
		if (probe_aff_row_kinds(row) & (1u << kind)) {
			run_row(s, e, row, kind, false);
		}
	}
}

static void run_nocg(struct suite *s, const struct aff_env *e)
{
	for (size_t i = 0; i < probe_aff_row_count(); i++) {
		const struct probe_aff_row *row = probe_aff_row_at(i);
		if (probe_aff_row_kinds(row) == PROBE_AFF_NO_CGROUP) {
			run_row(s, e, row, PROBE_CG_V1_CPUSET, true);
		}
	}
}

static int mount_v1_cpuset(const char *dir)
{
	/* EBUSY while cpuset csses of the v2 rows are still being released: wait for them. */
	for (int i = 0; i < 300; i++) {
		if (mount("cgroup", dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "cpuset") == 0) {
			return 0;
		}
		if (errno != EBUSY) {
			return errno;
		}
		struct timespec ts = {0, 10L * 1000L * 1000L};
		(void)nanosleep(&ts, NULL);
	}
	return EBUSY;
}

/* v1_rows - the v1 rows: on the mounted hierarchy, or on one row 1 mounts for the purpose. */
static void v1_rows(struct suite *s, struct aff_env *e)
{
	const char *name =
	        "row 1: mounting a v1 cpuset hierarchy works (6.1) or fails EINVAL (no CONFIG_CPUSETS_V1)";
	char dir[] = "/tmp/nsb-v1cpuset.XXXXXX";
	char eb[16];
	int rc;

	if (e->layout.v1_cpuset[0] != '\0') {
		tap_skip(&s->tap, name, false, "a v1 cpuset hierarchy is already mounted at %s",
		         e->layout.v1_cpuset);
		run_kind(s, e, PROBE_CG_V1_CPUSET);
		return;
	}
	if (!s->root) {
		tap_skip(&s->tap, name, true, "needs root");
		run_kind(s, e, PROBE_CG_V1_CPUSET);
		return;
	}
	if (mkdtemp(dir) == NULL) {
		tap_check(&s->tap, false, name, "mkdtemp %s: %s", dir, probe_errname(errno, eb));
		return;
	}
	rc = mount_v1_cpuset(dir);
	if (rc == EBUSY) {
		tap_skip(&s->tap, name, false, "cpuset is in use on cgroup v2 (mount: EBUSY)");
	} else {
		tap_check(&s->tap, rc == 0 || rc == EINVAL, name, "mount -t cgroup -o cpuset: %s",
		          probe_errname(rc, eb));
	}
	if (rc == 0) {
		struct probe_note how;
		tap_diag(&s->tap, "mounted a v1 cpuset hierarchy at %s for the v1 rows", dir);
		if (probe_layout_read(&e->layout, &how) != 0) {
			tap_check(&s->tap, false, "cgroup layout after mounting v1 cpuset", "%s", how.text);
		}
		run_kind(s, e, PROBE_CG_V1_CPUSET);
		rc = umount2(dir, 0) == 0 ? 0 : errno;
		tap_check(&s->tap, rc == 0, "the v1 cpuset hierarchy row 1 mounted is unmounted again",
		          "umount %s: %s", dir, probe_errname(rc, eb));
		(void)probe_layout_read(&e->layout, &how);
	} else {
		e->v1_missing =
		        rc == EINVAL ? "the kernel has no v1 cpuset: mounting one is EINVAL (row 1)"
		                     : "no v1 cpuset hierarchy is mounted and none could be mounted (row 1)";
		run_kind(s, e, PROBE_CG_V1_CPUSET); /* each skips, naming the reason */
	}
	(void)rmdir(dir);
}

void suite_affinity(struct suite *s)
{
	struct aff_env *e = calloc(1, sizeof(*e));

	if (!e || probe_layout_read(&e->layout, &e->how) != 0) {
		tap_check(&s->tap, false, "cgroup layout is readable", "%s",
		          e ? e->how.text : "out of memory");
		free(e);
		return;
	}
	tap_diag(&s->tap, "cgroup layout: %s", e->how.text);
	detect(s, e);
	run_kind(s, e, PROBE_CG_V2_CPUSET);
	run_kind(s, e, PROBE_CG_V2_PLAIN);
	run_nocg(s, e);
	v1_rows(s, e);
	free(e);
}
