/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe_affinity.c - docs/kernel-semantics.md's affinity table as runnable
 * rows.
 *
 * Before 6.2 a move into a cpuset (or a change of its CPUs) replaces the
 * task's affinity with the cpuset's CPUs. From 6.2 the mask the user set
 * with sched_setaffinity is remembered and every change is intersected with
 * it (all of the cpuset's CPUs when the intersection is empty).
 *
 * Each row is a script of steps run by a forked child in a fresh scratch
 * subtree; an EXPECT step states what the old and what the new semantics
 * predict, so one run says which of the two the kernel follows. CPU sets
 * are roles drawn from the U usable CPUs u[0] < ... < u[U-1], h = U/2:
 *
 *   role     4 CPUs   2 CPUs   meaning
 *   ALL      0-3      0-1      every usable CPU (cgroups B and C)
 *   A        2-3      1        upper half (cgroup A)
 *   LOHI     1,2      0,1      u[h-1], u[h]: half in A
 *   HI1      2        1        u[h]: LOHI inside A
 *   LO1      1        0        u[h-1]: disjoint from A
 *   ZERO_HI  0,2      0,1      u[0], u[h]
 *   LO       0-1      0        lower half: nothing in A
 *
 * With 4 CPUs these are exactly the table's sets; with 2, some rows predict
 * the same mask for both semantics (res->decisive says so) and row 7b,
 * added here, keeps an inheritance check that decides on 2 CPUs too.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probe.h"

enum role { R_NONE, R_EMPTY, R_ALL, R_A, R_LOHI, R_HI1, R_LO1, R_ZERO_HI, R_LO, R_ONES, R_COUNT };

enum op {
	OP_END,
	OP_SET,            /* sched_setaffinity(role) must succeed */
	OP_SET_FAILS,      /* sched_setaffinity(role) fails with err, mask unchanged */
	OP_SET_NULL_FAILS, /* sched_setaffinity(0, 0, NULL) fails with err, mask unchanged */
	OP_MOVE,           /* write ourselves into leaf's cgroup.procs */
	OP_MOVE_FAILS,     /* ... fails with err */
	OP_CPUS,           /* set leaf's cpuset.cpus to role */
	OP_EXPECT,         /* our mask is old_r (old semantics) / new_r (new semantics) */
	OP_FORK,           /* the rest runs in a forked child */
	OP_CLONE_INTO      /* the rest runs in a clone3(CLONE_INTO_CGROUP = leaf) child */
};

struct step {
	enum op op;
	const char *leaf;
	enum role role;
	enum role old_r, new_r;
	int err;
};

struct leaf_def {
	const char *name;
	enum role cpus; /* R_EMPTY: do not write cpuset.cpus */
	bool no_mems;   /* v1: leave cpuset.mems empty */
};

#define MAX_STEPS  8
#define MAX_LEAVES 3

struct probe_aff_row {
	const char *id;
	const char *title;
	unsigned kinds;
	struct leaf_def leaves[MAX_LEAVES];
	struct step steps[MAX_STEPS];
};

#define SET(r)                                     \
	{                                          \
		OP_SET, NULL, r, R_NONE, R_NONE, 0 \
	}
#define SET_FAILS(r, e)                                  \
	{                                                \
		OP_SET_FAILS, NULL, r, R_NONE, R_NONE, e \
	}
#define SET_NULL_FAILS(e)                                          \
	{                                                          \
		OP_SET_NULL_FAILS, NULL, R_NONE, R_NONE, R_NONE, e \
	}
#define MOVE(l)                                       \
	{                                             \
		OP_MOVE, l, R_NONE, R_NONE, R_NONE, 0 \
	}
#define MOVE_FAILS(l, e)                                    \
	{                                                   \
		OP_MOVE_FAILS, l, R_NONE, R_NONE, R_NONE, e \
	}
#define CPUS(l, r)                               \
	{                                        \
		OP_CPUS, l, r, R_NONE, R_NONE, 0 \
	}
#define EXPECT(o, n)                             \
	{                                        \
		OP_EXPECT, NULL, R_NONE, o, n, 0 \
	}
#define FORK()                                           \
	{                                                \
		OP_FORK, NULL, R_NONE, R_NONE, R_NONE, 0 \
	}
#define CLONE_INTO(l)                                       \
	{                                                   \
		OP_CLONE_INTO, l, R_NONE, R_NONE, R_NONE, 0 \
	}

#define K_V1      (1u << PROBE_CG_V1_CPUSET)
#define K_V2      (1u << PROBE_CG_V2_CPUSET)
#define K_V2PLAIN (1u << PROBE_CG_V2_PLAIN)
#define AB                                \
	{                                 \
		{"a", R_A, false},        \
		{                         \
			"b", R_ALL, false \
		}                         \
	}

/* docs/kernel-semantics.md rows 2-14 (row 1, mounting v1, is a layout fact). */
static const struct probe_aff_row rows[] = {
        {"2", "user mask LOHI, move into A", K_V1 | K_V2, AB, {SET(R_LOHI), MOVE("a"), EXPECT(R_A, R_HI1)}},
        {"3",
         "user mask LOHI, move into A, then A -> B",
         K_V1 | K_V2,
         AB,
         {SET(R_LOHI), MOVE("a"), EXPECT(R_A, R_HI1), MOVE("b"), EXPECT(R_ALL, R_LOHI)}},
        {"4",
         "user mask LO1 (disjoint), move into A",
         K_V1 | K_V2,
         AB,
         {SET(R_LO1), MOVE("a"), EXPECT(R_A, R_A)}},
        {"5",
         "user mask LO1, move into A, widen A to ALL (decisive)",
         K_V1 | K_V2,
         AB,
         {SET(R_LO1), MOVE("a"), EXPECT(R_A, R_A), CPUS("a", R_ALL), EXPECT(R_ALL, R_LO1)}},
        {"6",
         "inside A set ZERO_HI, then widen A",
         K_V1 | K_V2,
         AB,
         {MOVE("a"), SET(R_ZERO_HI), EXPECT(R_HI1, R_HI1), CPUS("a", R_ALL), EXPECT(R_ALL, R_ZERO_HI)}},
        {"7",
         "child forked after the parent set LOHI, moved into A",
         K_V1 | K_V2,
         AB,
         {SET(R_LOHI), FORK(), MOVE("a"), EXPECT(R_A, R_HI1)}},
        {"7b",
         "child forked after the parent set LO1, moved into A, A widened (inherited wish)",
         K_V1 | K_V2,
         AB,
         {SET(R_LO1), FORK(), MOVE("a"), EXPECT(R_A, R_A), CPUS("a", R_ALL), EXPECT(R_ALL, R_LO1)}},
        {"8",
         "clone3(CLONE_INTO_CGROUP = A) from a parent with LOHI",
         K_V2,
         AB,
         {SET(R_LOHI), CLONE_INTO("a"), EXPECT(R_A, R_HI1)}},
        {"9",
         "in B set LO1, move B -> C (same effective CPUs)",
         K_V2,
         {{"b", R_ALL, false}, {"c", R_ALL, false}},
         {MOVE("b"), SET(R_LO1), EXPECT(R_LO1, R_LO1), MOVE("c"), EXPECT(R_ALL, R_LO1)}},
        {"10",
         "move between cgroups without the cpuset controller",
         K_V2PLAIN,
         {{"b", R_EMPTY, false}, {"c", R_EMPTY, false}},
         {MOVE("b"), SET(R_LO1), EXPECT(R_LO1, R_LO1), MOVE("c"), EXPECT(R_LO1, R_LO1)}},
        {"11",
         "all-ones mask, move into A, widen A (the reset idiom)",
         K_V1 | K_V2,
         AB,
         {SET(R_ONES), MOVE("a"), EXPECT(R_A, R_A), CPUS("a", R_ALL), EXPECT(R_ALL, R_ALL)}},
        {"12",
         "sched_setaffinity with no CPU allowed by the cpuset",
         K_V1 | K_V2,
         AB,
         {MOVE("a"), SET_FAILS(R_LO, EINVAL), EXPECT(R_A, R_A)}},
        {"13",
         "sched_setaffinity(pid, 0, NULL)",
         PROBE_AFF_NO_CGROUP,
         {{NULL, R_NONE, false}},
         {SET(R_LO1), SET_NULL_FAILS(EINVAL), EXPECT(R_LO1, R_LO1)}},
        {"14",
         "v1: attach to a cpuset with empty cpus or empty mems",
         K_V1,
         {{"e", R_EMPTY, false}, {"m", R_ALL, true}},
         {MOVE_FAILS("e", ENOSPC), MOVE_FAILS("m", ENOSPC)}},
};

#define NROWS (sizeof(rows) / sizeof(rows[0]))

size_t probe_aff_row_count(void)
{
	return NROWS;
}

const struct probe_aff_row *probe_aff_row_at(size_t i)
{
	return i < NROWS ? &rows[i] : NULL;
}

const struct probe_aff_row *probe_aff_row_find(const char *id)
{
	for (size_t i = 0; i < NROWS; i++) {
		if (strcmp(rows[i].id, id) == 0) {
			return &rows[i];
		}
	}
	return NULL;
}

const char *probe_aff_row_id(const struct probe_aff_row *row)
{
	return row->id;
}

const char *probe_aff_row_title(const struct probe_aff_row *row)
{
	return row->title;
}

unsigned probe_aff_row_kinds(const struct probe_aff_row *row)
{
	return row->kinds;
}

const char *probe_semantics_name(enum probe_semantics sem)
{
	switch (sem) {
	case PROBE_SEM_OLD:
		return "old";
	case PROBE_SEM_NEW:
		return "new";
	case PROBE_SEM_UNKNOWN:
	default:
		return "unknown";
	}
}

/* ---- running a row ---------------------------------------------------------- */

/* What the child reports back, in MAP_SHARED memory. */
struct aff_shared {
	bool miss_old; /* some step differed from the old prediction */
	bool miss_new;
	struct probe_note trace;
	struct probe_note error;
};

struct aff_ctx {
	const struct probe_aff_row *row;
	struct probe_scratch scratch;
	bool have_scratch;
	struct nsb_cpuset roles[R_COUNT];
	struct aff_shared *sh;
};

/* make_roles - the role sets from the usable CPUs (see the table at the top). */
static void make_roles(struct aff_ctx *c, const struct nsb_cpuset *usable)
{
	uint32_t n = usable->count, h = n / 2, cpu = 0;

	for (int r = 0; r < R_COUNT; r++) {
		probe_cpus_clear(&c->roles[r]);
	}
	for (uint32_t i = 0; i < n; i++) {
		if (!probe_cpus_nth(usable, i, &cpu)) {
			break;
		}
		probe_cpus_add(&c->roles[R_ALL], cpu);
		probe_cpus_add(&c->roles[i < h ? R_LO : R_A], cpu);
		if (i == h - 1) {
			probe_cpus_add(&c->roles[R_LOHI], cpu);
			probe_cpus_add(&c->roles[R_LO1], cpu);
		}
		if (i == h) {
			probe_cpus_add(&c->roles[R_LOHI], cpu);
			probe_cpus_add(&c->roles[R_HI1], cpu);
			probe_cpus_add(&c->roles[R_ZERO_HI], cpu);
		}
		if (i == 0) {
			probe_cpus_add(&c->roles[R_ZERO_HI], cpu);
		}
	}
	for (int r = 0; r < R_COUNT; r++) {
		probe_cpus_fix(&c->roles[r]);
	}
}

static bool row_decisive(const struct aff_ctx *c)
{
	for (size_t i = 0; i < MAX_STEPS && c->row->steps[i].op != OP_END; i++) {
		const struct step *s = &c->row->steps[i];
		if (s->op == OP_EXPECT && !probe_cpus_equal(&c->roles[s->old_r], &c->roles[s->new_r])) {
			return true;
		}
	}
	return false;
}

static const char *role_text(const struct aff_ctx *c, enum role r, char *buf, size_t cap)
{
	if (r == R_ONES) {
		return "all-ones";
	}
	return probe_cpus_text(&c->roles[r], buf, cap);
}

/* step_fail - an operation the row needs did not work: the row cannot be judged. */
static int step_fail(struct aff_ctx *c, const char *what, const char *leaf, int err)
{
	char eb[16];
	probe_note_set(&c->sh->error, "%s%s%s: %s", what, leaf ? " " : "", leaf ? leaf : "",
	               probe_errname(err, eb));
	return 1;
}

/* expect_errno - a call that must fail with @want; wrong outcome counts against both semantics. */
static void expect_errno(struct aff_ctx *c, int got, int want)
{
	char eb[16];

	probe_note_add(&c->sh->trace, " -> %s", got == 0 ? "success" : probe_errname(got, eb));
	if (got != want) {
		char eb2[16];
		probe_note_add(&c->sh->trace, " (expected %s)", probe_errname(want, eb2));
		c->sh->miss_old = c->sh->miss_new = true;
	}
}

/* expect_unchanged - after a failed call, the mask must be what it was. */
static int expect_unchanged(struct aff_ctx *c, const struct nsb_cpuset *before)
{
	struct nsb_cpuset *now = malloc(sizeof(*now));
	int rc;

	if (!now) {
		return step_fail(c, "malloc", NULL, ENOMEM);
	}
	rc = probe_getaff(0, now);
	if (rc == 0 && !probe_cpus_equal(now, before)) {
		char b1[128];
		probe_note_add(&c->sh->trace, " (mask changed to %s)", probe_cpus_text(now, b1, sizeof(b1)));
		c->sh->miss_old = c->sh->miss_new = true;
	}
	free(now);
	return rc == 0 ? 0 : step_fail(c, "sched_getaffinity", NULL, rc);
}

/* continue_in_child - wait for the child that runs the rest; its result is ours. */
static int continue_in_child(struct aff_ctx *c, pid_t pid, const char *what)
{
	struct probe_child res = {0};

	probe_wait(pid, 0, PROBE_CHILD_TIMEOUT_MS, &res);
	if (probe_child_ok(&res)) {
		return 0;
	}
	if (c->sh->error.text[0] == '\0') {
		char buf[128];
		probe_note_set(&c->sh->error, "%s child: %s", what,
		               probe_child_describe(&res, buf, sizeof(buf)));
	}
	return 1;
}

static int do_expect(struct aff_ctx *c, const struct step *s)
{
	struct nsb_cpuset *seen = malloc(sizeof(*seen));
	char b1[128], b2[128], b3[128];
	int rc;

	if (!seen) {
		return step_fail(c, "malloc", NULL, ENOMEM);
	}
	rc = probe_getaff(0, seen);
	if (rc != 0) {
		free(seen);
		return step_fail(c, "sched_getaffinity", NULL, rc);
	}
	bool old_ok = probe_cpus_equal(seen, &c->roles[s->old_r]);
	bool new_ok = probe_cpus_equal(seen, &c->roles[s->new_r]);
	probe_note_add(&c->sh->trace, "; saw %s (old %s, new %s)", probe_cpus_text(seen, b1, sizeof(b1)),
	               role_text(c, s->old_r, b2, sizeof(b2)), role_text(c, s->new_r, b3, sizeof(b3)));
	c->sh->miss_old |= !old_ok;
	c->sh->miss_new |= !new_ok;
	free(seen);
	return 0;
}

/* do_set - OP_SET / OP_SET_FAILS / OP_SET_NULL_FAILS. */
static int do_set(struct aff_ctx *c, const struct step *s)
{
	char b1[128];
	struct nsb_cpuset *before = NULL;
	int rc;

	if (s->op == OP_SET) {
		probe_note_add(&c->sh->trace, "; set %s", role_text(c, s->role, b1, sizeof(b1)));
		rc = s->role == R_ONES ? probe_setaff_all(0) : probe_setaff(0, &c->roles[s->role]);
		return rc == 0 ? 0 : step_fail(c, "sched_setaffinity", NULL, rc);
	}
	before = malloc(sizeof(*before));
	if (!before) {
		return step_fail(c, "malloc", NULL, ENOMEM);
	}
	rc = probe_getaff(0, before);
	if (rc != 0) {
		free(before);
		return step_fail(c, "sched_getaffinity", NULL, rc);
	}
	if (s->op == OP_SET_FAILS) {
		probe_note_add(&c->sh->trace, "; set %s", role_text(c, s->role, b1, sizeof(b1)));
		rc = probe_setaff(0, &c->roles[s->role]);
	} else {
		probe_note_add(&c->sh->trace, "; sched_setaffinity(0, 0, NULL)");
		rc = syscall(SYS_sched_setaffinity, 0, 0, NULL) == 0 ? 0 : errno;
	}
	expect_errno(c, rc, s->err);
	rc = expect_unchanged(c, before);
	free(before);
	return rc;
}

/* do_clone_into - the rest of the row runs in a child born in leaf's cgroup. */
static int do_clone_into(struct aff_ctx *c, const struct step *s, bool *in_child)
{
	char dir[PATH_MAX];
	struct probe_clone_args args;
	int fd;

	probe_note_add(&c->sh->trace, "; clone3 into %s", s->leaf);
	if (!probe_path(dir, sizeof(dir), "%s/%s", c->scratch.top, s->leaf)) {
		return step_fail(c, "path of", s->leaf, ENAMETOOLONG);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		return step_fail(c, "open", dir, errno);
	}
	memset(&args, 0, sizeof(args));
	args.flags = PROBE_CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)fd;
	pid_t pid = probe_sys_clone3(&args);
	if (pid == 0) {
		*in_child = true;
		return 0;
	}
	int e = errno;
	(void)close(fd);
	if (pid < 0) {
		return step_fail(c, "clone3(CLONE_INTO_CGROUP)", NULL, e);
	}
	return continue_in_child(c, pid, "clone3");
}

/* run_steps - the child's work. Returns its exit code (0: row ran; 1: error noted). */
static int run_steps(void *arg)
{
	struct aff_ctx *c = arg;
	char b1[128];
	int rc;

	/* Start from "no wish": a mask inherited from the caller must not leak into the row. */
	rc = probe_setaff_all(0);
	if (rc != 0) {
		return step_fail(c, "resetting affinity to all-ones", NULL, rc);
	}
	for (size_t i = 0; i < MAX_STEPS && c->row->steps[i].op != OP_END; i++) {
		const struct step *s = &c->row->steps[i];
		bool in_child = false;
		pid_t pid;

		switch (s->op) {
		case OP_SET:
		case OP_SET_FAILS:
		case OP_SET_NULL_FAILS:
			rc = do_set(c, s);
			break;
		case OP_MOVE:
			probe_note_add(&c->sh->trace, "; move to %s", s->leaf);
			rc = probe_scratch_attach(&c->scratch, s->leaf, getpid());
			rc = rc == 0 ? 0 : step_fail(c, "moving into", s->leaf, rc);
			break;
		case OP_MOVE_FAILS:
			probe_note_add(&c->sh->trace, "; move to %s", s->leaf);
			expect_errno(c, probe_scratch_attach(&c->scratch, s->leaf, getpid()), s->err);
			rc = 0;
			break;
		case OP_CPUS:
			probe_note_add(&c->sh->trace, "; %s := %s", s->leaf,
			               role_text(c, s->role, b1, sizeof(b1)));
			rc = probe_scratch_set_cpus(&c->scratch, s->leaf, &c->roles[s->role]);
			rc = rc == 0 ? 0 : step_fail(c, "setting the CPUs of", s->leaf, rc);
			break;
		case OP_EXPECT:
			rc = do_expect(c, s);
			break;
		case OP_FORK:
			probe_note_add(&c->sh->trace, "; fork");
			pid = fork();
			if (pid < 0) {
				return step_fail(c, "fork", NULL, errno);
			}
			if (pid > 0) {
				return continue_in_child(c, pid, "forked");
			}
			rc = 0;
			break;
		case OP_CLONE_INTO:
			rc = do_clone_into(c, s, &in_child);
			if (rc != 0 || !in_child) {
				return rc;
			}
			break;
		case OP_END:
		default:
			rc = 0;
			break;
		}
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

/* setup - scratch subtree with the row's leaves, and the role sets. 0 or errno; res->error says why. */
static int setup(struct aff_ctx *c, enum probe_cg_kind kind, const struct probe_layout *l,
                 struct probe_aff_result *res)
{
	int rc;

	if (c->row->kinds == PROBE_AFF_NO_CGROUP) {
		struct nsb_cpuset *mine = malloc(sizeof(*mine));
		if (!mine) {
			return ENOMEM;
		}
		rc = probe_getaff(0, mine);
		if (rc == 0) {
			make_roles(c, mine);
			res->ncpus = mine->count;
		}
		free(mine);
		return rc;
	}
	rc = probe_scratch_open(&c->scratch, kind, l, &res->error);
	if (rc != 0) {
		return rc == ENOENT ? EOPNOTSUPP : rc;
	}
	c->have_scratch = true;
	make_roles(c, &c->scratch.cpus);
	res->ncpus = c->scratch.cpus.count;
	if (res->ncpus < 2) {
		return 0; /* reported by the caller */
	}
	for (size_t i = 0; i < MAX_LEAVES && c->row->leaves[i].name != NULL; i++) {
		const struct leaf_def *d = &c->row->leaves[i];
		rc = probe_scratch_leaf(&c->scratch, d->name, d->cpus == R_EMPTY ? NULL : &c->roles[d->cpus],
		                        !d->no_mems, &res->error);
		if (rc != 0) {
			return rc;
		}
	}
	return 0;
}

int probe_aff_run(const struct probe_aff_row *row, enum probe_cg_kind kind, const struct probe_layout *l,
                  struct probe_aff_result *res)
{
	struct aff_ctx *c = calloc(1, sizeof(*c));
	struct probe_child child;
	struct probe_note why;
	sigset_t saved;
	char b1[128];
	int rc;

	memset(res, 0, sizeof(*res));
	res->restored = true;
	if (!c) {
		probe_note_set(&res->error, "out of memory");
		return ENOMEM;
	}
	if (row->kinds != PROBE_AFF_NO_CGROUP && !(row->kinds & (1u << kind))) {
		probe_note_set(&res->error, "row %s does not apply to %s", row->id, probe_cg_kind_name(kind));
		free(c);
		return EINVAL;
	}
	c->row = row;
	c->sh = probe_shm_alloc(sizeof(*c->sh));
	if (!c->sh) {
		probe_note_set(&res->error, "mmap: %s", probe_errname(errno, b1));
		free(c);
		return ENOMEM;
	}
	probe_hold_signals(&saved);
	rc = setup(c, kind, l, res);
	if (rc == 0 && res->ncpus < 2) {
		probe_note_set(&res->error, "needs at least 2 usable CPUs, has %u", res->ncpus);
		rc = EOPNOTSUPP;
	}
	if (rc == 0) {
		res->decisive = row_decisive(c);
		if (c->have_scratch) {
			char b2[128];
			probe_note_set(&res->trace, "%s %s: A=%s B=C=%s", probe_cg_kind_name(kind),
			               c->scratch.top, probe_cpus_text(&c->roles[R_A], b1, sizeof(b1)),
			               probe_cpus_text(&c->roles[R_ALL], b2, sizeof(b2)));
		} else {
			probe_note_set(&res->trace, "no cgroup: CPUs %s",
			               probe_cpus_text(&c->roles[R_ALL], b1, sizeof(b1)));
		}
		c->sh->trace = res->trace;
		probe_run_child(run_steps, c, PROBE_CHILD_TIMEOUT_MS, &child);
		res->trace = c->sh->trace;
		res->matches_old = !c->sh->miss_old;
		res->matches_new = !c->sh->miss_new;
		if (!probe_child_ok(&child)) {
			res->error = c->sh->error;
			if (res->error.text[0] == '\0') {
				probe_note_set(&res->error, "%s",
				               probe_child_describe(&child, b1, sizeof(b1)));
			}
			rc = ECANCELED;
		}
	}
	if (c->have_scratch && probe_scratch_close(&c->scratch, &why) != 0) {
		res->restored = false;
		probe_note_add(&res->error, "%scleanup failed: %s", res->error.text[0] ? "; " : "", why.text);
	}
	probe_release_signals(&saved);
	probe_shm_free(c->sh, sizeof(*c->sh));
	free(c);
	return rc;
}

enum probe_semantics probe_affinity_semantics(const struct probe_layout *l, struct probe_note *how,
                                              bool *restored)
{
	const struct probe_aff_row *row = probe_aff_row_find("5");
	struct probe_aff_result *res = NULL;
	enum probe_cg_kind kind = PROBE_CG_V1_CPUSET;
	enum probe_semantics sem = PROBE_SEM_UNKNOWN;

	*restored = true;
	if (!row) {
		probe_note_set(how, "no row 5 in the table");
		return sem;
	}
	if (l->v1_cpuset[0] == '\0') {
		if (!l->v2_cpuset) {
			probe_note_set(how, "no cpuset hierarchy: no v1 cpuset mount, and cpuset %s",
			               l->v2[0] ? "is not available on cgroup2"
			                        : "cannot be used (no cgroup2 mount)");
			return sem;
		}
		kind = PROBE_CG_V2_CPUSET;
	}
	res = malloc(sizeof(*res));
	if (!res) {
		probe_note_set(how, "out of memory");
		return sem;
	}
	int rc = probe_aff_run(row, kind, l, res);
	*restored = res->restored;
	if (rc != 0) {
		char eb[16];
		probe_note_set(how, "row 5 on %s could not run (%s): %s", probe_cg_kind_name(kind),
		               probe_errname(rc, eb), res->error.text);
	} else if (!res->decisive) {
		probe_note_set(how, "row 5 cannot tell old from new with %u usable CPUs: %s", res->ncpus,
		               res->trace.text);
	} else {
		if (res->matches_new && !res->matches_old) {
			sem = PROBE_SEM_NEW;
		} else if (res->matches_old && !res->matches_new) {
			sem = PROBE_SEM_OLD;
		}
		probe_note_set(how, "row 5 (user mask outside A, move into A, widen A) in %s => %s%s",
		               res->trace.text, probe_semantics_name(sem),
		               sem == PROBE_SEM_UNKNOWN ? " (matches neither prediction)" : "");
	}
	if (!res->restored) {
		probe_note_add(how, "; NOT RESTORED: %s", res->error.text);
	}
	free(res);
	return sem;
}
