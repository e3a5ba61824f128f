/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe_cgroup.c - where the cgroup hierarchies are, and scratch cgroups
 * that are always removed again.
 *
 * A scratch subtree is TOP = <our cgroup>/nsb-scratch.<pid>.<n> with leaves
 * under it. Tasks only ever go into leaves, which keeps cgroup v2's "no
 * internal processes" rule out of the way. On v2 the cpuset controller is
 * switched on in TOP's subtree_control, and in our own cgroup's first if it
 * is not on there yet (only the root cgroup may do that while it has
 * processes); close switches off exactly what open switched on.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

/* ---- layout ---------------------------------------------------------------- */

/* unescape_octal - mountinfo writes ' ', '\t', '\n', '\\' as \ooo; decode in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' && r[3] >= '0' &&
		    r[3] <= '7') {
			*w++ = (char)((r[1] - '0') * 64 + (r[2] - '0') * 8 + (r[3] - '0'));
			r += 3;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

/* has_token - is @tok one of the comma-separated words of @list? */
static bool has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok);

	for (const char *p = list; *p != '\0';) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		if (len == tl && strncmp(p, tok, tl) == 0) {
			return true;
		}
		if (!end) {
			break;
		}
		p = end + 1;
	}
	return false;
}

struct mount_hit {
	char root[PATH_MAX];
	char point[PATH_MAX];
};

/*
 * find_mounts - the first cgroup v1 mount with cpuset, and the first cgroup2
 * mount, in /proc/self/mountinfo:
 *   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
 */
static int find_mounts(struct mount_hit *v1, bool *have_v1, struct mount_hit *v2, bool *have_v2)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;

	*have_v1 = *have_v2 = false;
	if (!f) {
		return errno;
	}
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL;
		char *field[6] = {NULL};
		char *tok = strtok_r(line, " \n", &save);
		size_t i = 0;

		for (; tok && i < 6; i++, tok = strtok_r(NULL, " \n", &save)) {
			field[i] = tok;
		}
		/* skip optional fields up to the "-" separator */
		while (tok && strcmp(tok, "-") != 0) {
			tok = strtok_r(NULL, " \n", &save);
		}
		char *fstype = tok ? strtok_r(NULL, " \n", &save) : NULL;
		char *source = fstype ? strtok_r(NULL, " \n", &save) : NULL;
		char *super = source ? strtok_r(NULL, " \n", &save) : NULL;
		if (i < 6 || !super) {
			continue;
		}
		struct mount_hit *hit = NULL;
		if (strcmp(fstype, "cgroup2") == 0 && !*have_v2) {
			hit = v2;
			*have_v2 = true;
		} else if (strcmp(fstype, "cgroup") == 0 && !*have_v1 && has_token(super, "cpuset")) {
			hit = v1;
			*have_v1 = true;
		}
		if (hit) {
			unescape_octal(field[3]);
			unescape_octal(field[4]);
			(void)snprintf(hit->root, sizeof(hit->root), "%s", field[3]);
			(void)snprintf(hit->point, sizeof(hit->point), "%s", field[4]);
		}
	}
	free(line);
	(void)fclose(f);
	return 0;
}

/* self_paths - our cgroup paths from /proc/self/cgroup ("N:CONTROLLERS:PATH"). */
static int self_paths(char *v1, size_t v1cap, char *v2, size_t v2cap)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	v1[0] = v2[0] = '\0';
	if (!f) {
		return errno;
	}
	while ((n = getline(&line, &cap, f)) > 0) {
		if (line[n - 1] == '\n') {
			line[n - 1] = '\0';
		}
		char *c1 = strchr(line, ':');
		char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2) {
			continue;
		}
		*c1 = *c2 = '\0';
		if (strcmp(line, "0") == 0 && c1 + 1 == c2) {
			(void)snprintf(v2, v2cap, "%s", c2 + 1);
		} else if (has_token(c1 + 1, "cpuset")) {
			(void)snprintf(v1, v1cap, "%s", c2 + 1);
		}
	}
	free(line);
	(void)fclose(f);
	return 0;
}

/* join_self - directory of cgroup @path in a mount of hierarchy root @root at @point. */
static void join_self(const struct mount_hit *m, const char *path, char *out, size_t cap)
{
	size_t rl = strlen(m->root);
	const char *rel = path;

	if (strcmp(m->root, "/") != 0) {
		if (strncmp(path, m->root, rl) == 0 && (path[rl] == '/' || path[rl] == '\0')) {
			rel = path + rl;
		} else {
			rel = ""; /* our cgroup is outside this mount: use its top */
		}
	}
	if (strcmp(rel, "/") == 0) {
		rel = "";
	}
	if (!probe_path(out, cap, "%s%s", m->point, rel)) {
		(void)snprintf(out, cap, "%s", m->point);
	}
}

int probe_layout_read(struct probe_layout *l, struct probe_note *how)
{
	struct mount_hit *m = calloc(2, sizeof(*m));
	char p1[PATH_MAX], p2[PATH_MAX];
	bool h1 = false, h2 = false;
	int rc;

	memset(l, 0, sizeof(*l));
	if (!m) {
		return ENOMEM;
	}
	rc = find_mounts(&m[0], &h1, &m[1], &h2);
	if (rc == 0) {
		rc = self_paths(p1, sizeof(p1), p2, sizeof(p2));
	}
	if (rc != 0) {
		char eb[16];
		probe_note_set(how, "reading /proc/self/mountinfo and /proc/self/cgroup: %s",
		               probe_errname(rc, eb));
		free(m);
		return rc;
	}
	if (h1) {
		(void)snprintf(l->v1_cpuset, sizeof(l->v1_cpuset), "%s", m[0].point);
		join_self(&m[0], p1, l->v1_self, sizeof(l->v1_self));
	}
	if (h2) {
		char ctl[512], path[PATH_MAX];
		(void)snprintf(l->v2, sizeof(l->v2), "%s", m[1].point);
		join_self(&m[1], p2, l->v2_self, sizeof(l->v2_self));
		if (probe_path(path, sizeof(path), "%s/cgroup.controllers", l->v2) &&
		    probe_read_text(path, ctl, sizeof(ctl)) == 0) {
			/* space-separated list: turn it into the comma form has_token reads */
			for (char *c = ctl; *c != '\0'; c++) {
				if (*c == ' ') {
					*c = ',';
				}
			}
			l->v2_cpuset = has_token(ctl, "cpuset");
		}
	}
	probe_note_set(how,
	               "/proc/self/mountinfo: v1 cpuset hierarchy %s%s, cgroup2 %s%s; cpuset %s in "
	               "%s/cgroup.controllers",
	               h1 ? "at " : "", h1 ? l->v1_cpuset : "not mounted", h2 ? "at " : "",
	               h2 ? l->v2 : "not mounted", l->v2_cpuset ? "listed" : "not listed",
	               h2 ? l->v2 : "<cgroup2>");
	free(m);
	return 0;
}

/* ---- scratch subtrees ------------------------------------------------------ */

const char *probe_cg_kind_name(enum probe_cg_kind kind)
{
	switch (kind) {
	case PROBE_CG_V1_CPUSET:
		return "v1 cpuset";
	case PROBE_CG_V2_CPUSET:
		return "v2 cpuset";
	case PROBE_CG_V2_PLAIN:
		return "v2 (no cpuset)";
	case PROBE_CG_KIND_COUNT:
	default:
		return "?";
	}
}

/* File names differ between the hierarchies; everything else is shared. */
static const char *effective_cpus_file(enum probe_cg_kind kind)
{
	return kind == PROBE_CG_V1_CPUSET ? "cpuset.effective_cpus" : "cpuset.cpus.effective";
}

static void why_errno(struct probe_note *why, const char *what, const char *path, int err)
{
	char eb[16];
	probe_note_set(why, "%s %s: %s", what, path, probe_errname(err, eb));
}

static void sleep_10ms(void)
{
	struct timespec ts = {0, 10L * 1000L * 1000L};
	(void)nanosleep(&ts, NULL);
}

/* write_retry - write, retrying EBUSY for up to 2 s (a dying task may still pin a cgroup). */
static int write_retry(const char *path, const char *text)
{
	int rc = 0;
	for (int i = 0; i < 200; i++) {
		rc = probe_write_text(path, text);
		if (rc != EBUSY) {
			break;
		}
		sleep_10ms();
	}
	return rc;
}

/* v2_subtree - write "+cpuset" / "-cpuset" to DIR/cgroup.subtree_control. */
static int v2_subtree(const char *dir, bool on)
{
	char path[PATH_MAX];

	if (!probe_path(path, sizeof(path), "%s/cgroup.subtree_control", dir)) {
		return ENAMETOOLONG;
	}
	return write_retry(path, on ? "+cpuset" : "-cpuset");
}

/* v2_has_cpuset - is cpuset listed in DIR/cgroup.controllers (available to DIR)? */
static bool v2_has_cpuset(const char *dir)
{
	char path[PATH_MAX], ctl[512];

	if (!probe_path(path, sizeof(path), "%s/cgroup.controllers", dir) ||
	    probe_read_text(path, ctl, sizeof(ctl)) != 0) {
		return false;
	}
	for (char *tok = strtok(ctl, " "); tok; tok = strtok(NULL, " ")) {
		if (strcmp(tok, "cpuset") == 0) {
			return true;
		}
	}
	return false;
}

/* make_top - mkdir BASE/nsb-scratch.<pid>.<n> with a fresh name. */
static int make_top(struct probe_scratch *s, struct probe_note *why)
{
	struct timespec now;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	unsigned long n = (unsigned long)now.tv_nsec;

	for (int tries = 0; tries < 100; tries++, n++) {
		if (!probe_path(s->top, sizeof(s->top), "%s/nsb-scratch.%d.%lu", s->base, (int)getpid(), n)) {
			probe_note_set(why, "scratch cgroup path under %s is too long", s->base);
			return ENAMETOOLONG;
		}
		if (mkdir(s->top, 0755) == 0) {
			s->top_made = true;
			return 0;
		}
		if (errno != EEXIST) {
			int e = errno;
			why_errno(why, "mkdir", s->top, e);
			return e;
		}
	}
	probe_note_set(why, "no free scratch cgroup name under %s", s->base);
	return EEXIST;
}

/* setup_v1 - TOP gets the base's effective CPUs and mems (a v1 child starts empty). */
static int setup_v1(struct probe_scratch *s, struct probe_note *why)
{
	char path[PATH_MAX], text[4096];
	int rc;

	if (!probe_path(path, sizeof(path), "%s/cpuset.effective_cpus", s->base)) {
		return ENAMETOOLONG;
	}
	rc = probe_read_text(path, text, sizeof(text));
	if (rc == 0) {
		(void)probe_path(path, sizeof(path), "%s/cpuset.cpus", s->top);
		rc = probe_write_text(path, text);
	}
	if (rc != 0) {
		why_errno(why, "copying effective CPUs into", path, rc);
		return rc;
	}
	(void)probe_path(path, sizeof(path), "%s/cpuset.effective_mems", s->base);
	rc = probe_read_text(path, s->mems, sizeof(s->mems));
	if (rc == 0) {
		(void)probe_path(path, sizeof(path), "%s/cpuset.mems", s->top);
		rc = probe_write_text(path, s->mems);
	}
	if (rc != 0) {
		why_errno(why, "copying effective mems into", path, rc);
	}
	return rc;
}

/* setup_v2_cpuset - switch cpuset on for TOP's children (and for TOP, in base, if needed). */
static int setup_v2_cpuset(struct probe_scratch *s, struct probe_note *why)
{
	int rc;

	if (!v2_has_cpuset(s->top)) {
		rc = v2_subtree(s->base, true);
		if (rc != 0) {
			why_errno(why, "enabling +cpuset in the subtree_control of", s->base, rc);
			return rc;
		}
		s->base_enabled = true;
	}
	rc = v2_subtree(s->top, true);
	if (rc != 0) {
		why_errno(why, "enabling +cpuset in the subtree_control of", s->top, rc);
	}
	return rc;
}

int probe_scratch_open(struct probe_scratch *s, enum probe_cg_kind kind, const struct probe_layout *l,
                       struct probe_note *why)
{
	const char *base = kind == PROBE_CG_V1_CPUSET ? l->v1_self : l->v2_self;
	int rc;

	memset(s, 0, sizeof(*s));
	s->kind = kind;
	if (kind == PROBE_CG_V1_CPUSET ? l->v1_cpuset[0] == '\0' : l->v2[0] == '\0') {
		probe_note_set(why, "no %s hierarchy is mounted",
		               kind == PROBE_CG_V1_CPUSET ? "v1 cpuset" : "cgroup2");
		return ENOENT;
	}
	if (kind == PROBE_CG_V2_CPUSET && !l->v2_cpuset) {
		probe_note_set(
		        why, "cpuset is not in %s/cgroup.controllers (bound to a v1 hierarchy or not built)",
		        l->v2);
		return EOPNOTSUPP;
	}
	(void)snprintf(s->base, sizeof(s->base), "%s", base);
	rc = make_top(s, why);
	if (rc == 0 && kind == PROBE_CG_V1_CPUSET) {
		rc = setup_v1(s, why);
	} else if (rc == 0 && kind == PROBE_CG_V2_CPUSET) {
		rc = setup_v2_cpuset(s, why);
	}
	if (rc == 0 && kind != PROBE_CG_V2_PLAIN) {
		char path[PATH_MAX];
		(void)probe_path(path, sizeof(path), "%s/%s", s->top, effective_cpus_file(kind));
		rc = probe_read_cpus(path, &s->cpus);
		if (rc != 0) {
			why_errno(why, "reading", path, rc);
		}
	} else if (rc == 0) {
		rc = probe_getaff(0, &s->cpus); /* no cpuset here: the CPUs we may use */
	}
	if (rc != 0) {
		struct probe_note ignored;
		(void)probe_scratch_close(s, &ignored);
	}
	return rc;
}

int probe_scratch_leaf(struct probe_scratch *s, const char *name, const struct nsb_cpuset *cpus, bool mems,
                       struct probe_note *why)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int rc = 0;

	if (s->nleaves == PROBE_SCRATCH_LEAVES || strlen(name) >= PROBE_LEAF_NAME_MAX ||
	    !probe_path(dir, sizeof(dir), "%s/%s", s->top, name)) {
		probe_note_set(why, "too many scratch leaves or name too long: %s", name);
		return EINVAL;
	}
	if (mkdir(dir, 0755) != 0) {
		rc = errno;
		why_errno(why, "mkdir", dir, rc);
		return rc;
	}
	(void)snprintf(s->leaves[s->nleaves++], PROBE_LEAF_NAME_MAX, "%s", name);
	if (s->kind == PROBE_CG_V1_CPUSET && mems) {
		(void)probe_path(path, sizeof(path), "%s/cpuset.mems", dir);
		rc = probe_write_text(path, s->mems);
		if (rc != 0) {
			why_errno(why, "writing mems to", path, rc);
			return rc;
		}
	}
	if (cpus != NULL && s->kind != PROBE_CG_V2_PLAIN) {
		rc = probe_scratch_set_cpus(s, name, cpus);
		if (rc != 0) {
			(void)probe_path(path, sizeof(path), "%s/cpuset.cpus", dir);
			why_errno(why, "writing CPUs to", path, rc);
		}
	}
	return rc;
}

bool probe_scratch_file(const struct probe_scratch *s, const char *leaf, const char *file, char *buf,
                        size_t cap)
{
	return probe_path(buf, cap, "%s/%s/%s", s->top, leaf, file);
}

int probe_scratch_set_cpus(const struct probe_scratch *s, const char *leaf, const struct nsb_cpuset *cpus)
{
	char path[PATH_MAX], text[4096];

	if (!probe_scratch_file(s, leaf, "cpuset.cpus", path, sizeof(path))) {
		return ENAMETOOLONG;
	}
	text[0] = '\0';
	if (cpus->count > 0 && nsb_cpulist_format(cpus, text, sizeof(text)) >= sizeof(text)) {
		return E2BIG;
	}
	return probe_write_text(path, text);
}

int probe_scratch_attach(const struct probe_scratch *s, const char *leaf, pid_t pid)
{
	char path[PATH_MAX], text[32];

	if (!probe_scratch_file(s, leaf, "cgroup.procs", path, sizeof(path))) {
		return ENAMETOOLONG;
	}
	(void)snprintf(text, sizeof(text), "%d", (int)pid);
	return probe_write_text(path, text);
}

/* evacuate - move whatever is still in DIR back to the base cgroup. */
static void evacuate(const struct probe_scratch *s, const char *dir)
{
	char path[PATH_MAX], dest[PATH_MAX];
	FILE *f;
	char line[32];

	if (!probe_path(path, sizeof(path), "%s/cgroup.procs", dir) ||
	    !probe_path(dest, sizeof(dest), "%s/cgroup.procs", s->base)) {
		return;
	}
	f = fopen(path, "re");
	if (!f) {
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		(void)probe_write_text(dest, line);
	}
	(void)fclose(f);
}

/* remove_dir - rmdir a cgroup, evacuating it and retrying while it is busy. */
static int remove_dir(const struct probe_scratch *s, const char *dir)
{
	for (int i = 0; i < 200; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT) {
			return 0;
		}
		if (errno != EBUSY) {
			return errno;
		}
		evacuate(s, dir);
		sleep_10ms();
	}
	return EBUSY;
}

int probe_scratch_close(struct probe_scratch *s, struct probe_note *why)
{
	char dir[PATH_MAX];
	int first = 0;

	why->text[0] = '\0';
	while (s->nleaves > 0) {
		const char *leaf = s->leaves[--s->nleaves];
		if (probe_path(dir, sizeof(dir), "%s/%s", s->top, leaf)) {
			int rc = remove_dir(s, dir);
			if (rc != 0 && first == 0) {
				first = rc;
				why_errno(why, "rmdir", dir, rc);
			}
		}
	}
	if (s->top_made) {
		int rc = remove_dir(s, s->top);
		if (rc != 0 && first == 0) {
			first = rc;
			why_errno(why, "rmdir", s->top, rc);
		}
		s->top_made = rc != 0;
	}
	if (s->base_enabled) {
		int rc = v2_subtree(s->base, false);
		if (rc != 0 && first == 0) {
			first = rc;
			why_errno(why, "restoring -cpuset in the subtree_control of", s->base, rc);
		}
		s->base_enabled = rc != 0;
	}
	return first;
}
