/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suite_exec.c - `nsboot exec` as a runtime uses it (docs/protocol.md, 'CPU
 * affinity and the cgroup'; docs/kernel-semantics.md rows 2-5, 11, 12):
 *
 *  - placement: --cgroup D with --cpu-affinity-initial/-final, --process
 *    FILE, the all-ones reset when neither is set, an initial mask that
 *    survives the cgroup move (Linux >= 6.2) or is replaced (older), also
 *    when it is disjoint from D; init's "affinity: 0x<mask>" debug line;
 *    masks above CPU 1023; bad lists are usage errors and nothing runs;
 *  - joins: --target on a process in a new namespace of each type;
 *  - the comparison with nsenter(1) and runc exec on a Debian runc
 *    container: tests/root/runc.sh, run as it is (not repeated here).
 *
 * The command nsboot runs is this binary's --print-affinity helper. D is a
 * scratch cpuset cgroup (v1 where cpuset is mounted there, else a v2
 * subtree with +cpuset), removed at the end. CPUs c0 and c1 are the first
 * two CPUs of our own cpuset.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

extern char **environ;

#define EXEC_TIMEOUT_MS 30000u
#define OUT_MAX         16384u

/* ---- the helper: what the command sees ---------------------------------------------- */

static void print_cpus(void)
{
	struct nsb_cpuset *set = malloc(sizeof(*set));
	char buf[256];

	if (set == NULL || probe_getaff(0, set) != 0) {
		(void)printf("cpus=?\n");
	} else {
		(void)printf("cpus=%s\n", probe_cpus_text(set, buf, sizeof(buf)));
	}
	free(set);
	(void)fflush(stdout);
}

int suite_print_affinity(bool wait)
{
	char cg[4096];
	char b;

	print_cpus();
	if (probe_read_text("/proc/self/cgroup", cg, sizeof(cg)) == 0) {
		(void)printf("%s\n", cg);
	}
	(void)printf("end\n");
	(void)fflush(stdout);
	if (wait) {
		while (read(STDIN_FILENO, &b, 1) < 0 && errno == EINTR) {
		}
		print_cpus();
	}
	return 0;
}

/* ---- running nsboot ------------------------------------------------------------------- */

struct run {
	pid_t pid;
	int in, out, err; /* our ends; -1 when closed */
	char o[OUT_MAX], e[OUT_MAX];
	size_t olen, elen;
	int status; /* exit code, 128+signal, -1 if it did not end in time */
	int start_err;
};

static void close_fd(int *fd)
{
	if (*fd >= 0) {
		(void)close(*fd);
		*fd = -1;
	}
}

static long long now_ms(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * run_start - execve @path with @argv, its stdio on pipes; the child first
 * sets its own affinity to @mask (unless NULL), as a runtime running on
 * fewer CPUs would.
 */
static void run_start(struct run *r, const char *path, char **argv, const struct nsb_cpuset *mask)
{
	int pin[2] = {-1, -1}, pout[2] = {-1, -1}, perr[2] = {-1, -1};

	memset(r, 0, sizeof(*r));
	r->pid = -1;
	r->in = r->out = r->err = -1;
	r->status = -1;
	if (pipe2(pin, O_CLOEXEC) != 0 || pipe2(pout, O_CLOEXEC) != 0 || pipe2(perr, O_CLOEXEC) != 0) {
		r->start_err = errno;
		goto out;
	}
	(void)fflush(NULL);
	r->pid = fork();
	if (r->pid == 0) {
		if ((mask == NULL || probe_setaff(0, mask) == 0) && dup2(pin[0], 0) == 0 &&
		    dup2(pout[1], 1) == 1 && dup2(perr[1], 2) == 2) {
			(void)execve(path, argv, environ);
		}
		_exit(124);
	}
	if (r->pid < 0) {
		r->start_err = errno;
		goto out;
	}
	r->in = pin[1];
	r->out = pout[0];
	r->err = perr[0];
	pin[1] = pout[0] = perr[0] = -1;
out:
	for (int i = 0; i < 2; i++) {
		close_fd(&pin[i]);
		close_fd(&pout[i]);
		close_fd(&perr[i]);
	}
}

/* Read stdout and stderr until @needle is in stdout (NULL: until both end) or the deadline. */
static bool run_read(struct run *r, const char *needle, long long deadline)
{
	while (r->out >= 0 || r->err >= 0) {
		struct pollfd fds[2] = {{r->out, POLLIN, 0}, {r->err, POLLIN, 0}};
		int *fd[2] = {&r->out, &r->err};
		char *buf[2] = {r->o, r->e};
		size_t *len[2] = {&r->olen, &r->elen};
		long long left = deadline - now_ms();

		r->o[r->olen] = '\0';
		if (needle != NULL && strstr(r->o, needle) != NULL) {
			return true;
		}
		if (left <= 0) {
			return false;
		}
		if (poll(fds, 2, (int)left) < 0 && errno != EINTR) {
			return false;
		}
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0) {
				continue;
			}
			ssize_t n = read(*fd[i], buf[i] + *len[i], OUT_MAX - 1 - *len[i]);
			if (n > 0) {
				*len[i] += (size_t)n;
			} else if (n == 0 || errno != EINTR || *len[i] == OUT_MAX - 1) {
				close_fd(fd[i]);
			}
		}
	}
	r->o[r->olen] = '\0';
	r->e[r->elen] = '\0';
	return needle == NULL || strstr(r->o, needle) != NULL;
}

/* run_finish - read to the end (or kill it at the deadline) and reap it. */
static void run_finish(struct run *r)
{
	struct probe_child c = {0};
	long long deadline = now_ms() + EXEC_TIMEOUT_MS;

	close_fd(&r->in);
	(void)run_read(r, NULL, deadline);
	if (r->pid > 0) {
		long long left = deadline - now_ms();
		probe_wait(r->pid, 0, left > 0 ? (unsigned)left : 1u, &c);
		r->status = c.exited ? c.code : c.timed_out ? -1 : 128 + c.signal;
	}
	close_fd(&r->out);
	close_fd(&r->err);
	r->pid = -1;
}

/* nsboot ARGS... -- self --print-affinity, to the end. */
static struct run *exec_helper(const struct suite *s, const char *const *args, const struct nsb_cpuset *mask,
                               bool wait)
{
	char *argv[32];
	size_t n = 0;
	struct run *r = malloc(sizeof(*r));

	if (r == NULL) {
		return NULL;
	}
	argv[n++] = (char *)(uintptr_t)s->nsboot;
	argv[n++] = (char *)(uintptr_t) "exec";
	for (; *args != NULL && n < 26; args++) {
		argv[n++] = (char *)(uintptr_t)*args;
	}
	argv[n++] = (char *)(uintptr_t) "--";
	argv[n++] = (char *)(uintptr_t)s->self;
	argv[n++] = (char *)(uintptr_t) "--print-affinity";
	if (wait) {
		argv[n++] = (char *)(uintptr_t) "--wait";
	}
	argv[n] = NULL;
	run_start(r, s->nsboot, argv, mask);
	if (!wait) {
		run_finish(r);
	}
	return r;
}

/* The first "cpus=..." line after @from in the helper's output; "" if none. */
static const char *cpus_line(const struct run *r, size_t from, char *buf, size_t cap)
{
	const char *p = strstr(r->o + (from < r->olen ? from : r->olen), "cpus=");
	size_t n = 0;

	buf[0] = '\0';
	if (p != NULL) {
		p += 5;
		n = strcspn(p, "\n");
		(void)snprintf(buf, cap, "%.*s", (int)n, p);
	}
	return buf;
}

static const char *set_text(const struct nsb_cpuset *set, char *buf, size_t cap)
{
	return probe_cpus_text(set, buf, cap);
}

/* "0x..." as init logs the mask of @set: hex, highest word first. */
static void mask_hex(const struct nsb_cpuset *set, char *buf, size_t cap)
{
	size_t top = set->highest / 64u, len;

	(void)snprintf(buf, cap, "affinity: 0x%llx\n", (unsigned long long)set->bits[top]);
	len = strlen(buf) - 1;
	for (size_t i = top; i-- > 0 && len + 18 < cap;) {
		(void)snprintf(buf + len, cap - len, "%016llx\n", (unsigned long long)set->bits[i]);
		len += 16;
	}
}

static struct nsb_cpuset *cpus_new(void)
{
	struct nsb_cpuset *set = malloc(sizeof(*set));
	if (set != NULL) {
		probe_cpus_clear(set);
	}
	return set;
}

static struct nsb_cpuset *cpus_of(uint32_t a, uint32_t b)
{
	struct nsb_cpuset *set = cpus_new();
	if (set != NULL) {
		probe_cpus_add(set, a);
		probe_cpus_add(set, b);
		probe_cpus_fix(set);
	}
	return set;
}

static const char *outcome(const struct run *r, char *buf, size_t cap)
{
	(void)snprintf(buf, cap, "exit %d%s%s\nstdout: %.1500s\nstderr: %.2500s", r->status,
	               r->start_err != 0 ? ", could not start: " : "",
	               r->start_err != 0 ? strerror(r->start_err) : "", r->o, r->e);
	return buf;
}

/* ---- placement: cgroup and CPU affinity ------------------------------------------------- */

struct place_env {
	struct probe_layout layout;
	struct probe_scratch sc;
	bool open;
	uint32_t c0, c1;
	char dir_all[PATH_MAX], dir_c0[PATH_MAX]; /* D with all our CPUs, D with c0 only */
	char in_all[64], in_c0[64];               /* how /proc/self/cgroup names them */
	struct nsb_cpuset *only_c0, *only_c1, *both;
	char v1_dir[64]; /* a v1 cpuset hierarchy place_kind mounted, if v1_mounted */
	bool v1_mounted;
};

static bool leaf(struct place_env *e, const char *name, const struct nsb_cpuset *cpus, char *dir, char *in,
                 struct probe_note *why)
{
	const char *top = strrchr(e->sc.top, '/');

	if (probe_scratch_leaf(&e->sc, name, cpus, true, why) != 0) {
		return false;
	}
	(void)probe_path(dir, PATH_MAX, "%s/%s", e->sc.top, name);
	(void)snprintf(in, 64, "%s/%s\n", top != NULL ? top : "/", name);
	return true;
}

/* The hierarchy id /proc/cgroups gives cpuset: 0 on cgroup v2, > 0 on a v1 hierarchy; -1: no cpuset. */
static int cpuset_hierarchy(void)
{
	char text[4096];
	const char *p;
	unsigned hier = 0, n = 0, enabled = 0;

	if (probe_read_text("/proc/cgroups", text, sizeof(text)) != 0 ||
	    (p = strstr(text, "\ncpuset\t")) == NULL || sscanf(p + 8, "%u %u %u", &hier, &n, &enabled) != 3 ||
	    enabled != 1) {
		return -1;
	}
	return (int)hier;
}

/*
 * v1_remount - cpuset is bound to a v1 hierarchy that nobody has mounted:
 * the one suite_affinity's row 1 mounted and unmounted lingers until its
 * dead cgroups are freed, which can take forever. Mounting cpuset again
 * (same options) attaches to it; place_close unmounts it. 0 or errno.
 */
static int v1_remount(struct place_env *e, struct probe_note *why)
{
	(void)snprintf(e->v1_dir, sizeof(e->v1_dir), "/tmp/nsb-v1cpuset.XXXXXX");
	if (mkdtemp(e->v1_dir) == NULL) {
		int rc = errno;
		e->v1_dir[0] = '\0';
		probe_note_set(why, "mkdtemp: %s", strerror(rc));
		return rc;
	}
	if (mount("cgroup", e->v1_dir, "cgroup", MS_NOSUID | MS_NODEV | MS_NOEXEC, "cpuset") != 0) {
		int rc = errno;
		probe_note_set(why, "mount -t cgroup -o cpuset %s: %s", e->v1_dir, strerror(rc));
		(void)rmdir(e->v1_dir);
		e->v1_dir[0] = '\0';
		return rc;
	}
	e->v1_mounted = true;
	return probe_layout_read(&e->layout, why);
}

/* v2_cpuset_wait - cpuset on its way back to cgroup v2: wait up to 20 s for cgroup.controllers to list it. */
static void v2_cpuset_wait(struct place_env *e)
{
	struct probe_note why;

	for (int i = 0; i < 400 && !e->layout.v2_cpuset && cpuset_hierarchy() == 0; i++) {
		struct timespec ts = {0, 50L * 1000L * 1000L};
		(void)nanosleep(&ts, NULL);
		if (probe_layout_read(&e->layout, &why) != 0) {
			return;
		}
	}
}

/* place_kind - the cgroup kind to test on; false (and a skip or failure reported) if none. */
static bool place_kind(struct suite *s, struct place_env *e, const char *name, enum probe_cg_kind *kind)
{
	struct probe_note why;
	int hier = cpuset_hierarchy();

	if (e->layout.v1_cpuset[0] == '\0' && !e->layout.v2_cpuset && hier > 0) {
		if (v1_remount(e, &why) != 0) {
			tap_check(&s->tap, false, name, "cpuset is on an unmounted v1 hierarchy: %s",
			          why.text);
			return false;
		}
		tap_diag(&s->tap, "exec placement: mounted the lingering v1 cpuset hierarchy at %s",
		         e->v1_dir);
	} else if (e->layout.v1_cpuset[0] == '\0' && !e->layout.v2_cpuset && hier == 0) {
		v2_cpuset_wait(e);
	}
	*kind = e->layout.v1_cpuset[0] != '\0' ? PROBE_CG_V1_CPUSET : PROBE_CG_V2_CPUSET;
	if (*kind == PROBE_CG_V2_CPUSET && !e->layout.v2_cpuset) {
		tap_skip(&s->tap, name, hier >= 0, "%s",
		         hier >= 0 ? "the kernel has cpuset, but it did not show on cgroup v2 within 20 s"
		                   : "no cpuset controller in this kernel");
		return false;
	}
	return true;
}

/* place_open - the scratch cgroups; NULL if there is nothing to test on (reported). */
static struct place_env *place_open(struct suite *s, const char *name)
{
	struct place_env *e = calloc(1, sizeof(*e));
	struct probe_note why;
	enum probe_cg_kind kind;
	int rc;

	if (e == NULL || probe_layout_read(&e->layout, &why) != 0) {
		tap_check(&s->tap, false, name, "cgroup layout: %s", e != NULL ? why.text : "out of memory");
		free(e);
		return NULL;
	}
	if (!place_kind(s, e, name, &kind)) {
		return e; /* place_close unmounts what place_kind mounted */
	}
	rc = probe_scratch_open(&e->sc, kind, &e->layout, &why);
	e->open = rc == 0;
	if (rc == 0 && !(probe_cpus_nth(&e->sc.cpus, 0, &e->c0) && probe_cpus_nth(&e->sc.cpus, 1, &e->c1))) {
		tap_skip(&s->tap, name, false, "needs 2 CPUs in our cpuset");
		return e;
	}
	e->only_c0 = cpus_of(e->c0, e->c0);
	e->only_c1 = cpus_of(e->c1, e->c1);
	e->both = cpus_of(e->c0, e->c1);
	if (rc != 0 || e->only_c0 == NULL || e->only_c1 == NULL || e->both == NULL ||
	    !leaf(e, "all", NULL, e->dir_all, e->in_all, &why) ||
	    !leaf(e, "c0", e->only_c0, e->dir_c0, e->in_c0, &why)) {
		tap_check(&s->tap, false, name, "scratch %s cgroups: %s", probe_cg_kind_name(kind), why.text);
		e->dir_c0[0] = '\0';
		return e; /* place_close removes what was made */
	}
	/* "all" inherits (v2) or has no CPUs yet (v1): give it every CPU of the scratch */
	if (probe_scratch_set_cpus(&e->sc, "all", &e->sc.cpus) != 0) {
		tap_check(&s->tap, false, name, "setting the CPUs of %s", e->dir_all);
		e->dir_c0[0] = '\0';
		return e;
	}
	tap_diag(&s->tap, "exec placement: %s scratch %s, c0 = %u, c1 = %u", probe_cg_kind_name(kind),
	         e->sc.top, e->c0, e->c1);
	return e;
}

static bool place_ready(const struct place_env *e)
{
	return e != NULL && e->open && e->dir_c0[0] != '\0';
}

static void place_close(struct suite *s, struct place_env *e)
{
	struct probe_note why;

	if (e == NULL) {
		return;
	}
	if (e->open) {
		int rc = probe_scratch_close(&e->sc, &why);
		tap_check(&s->tap, rc == 0, "exec placement: the scratch cgroups are removed again", "%s",
		          why.text);
	}
	if (e->v1_mounted) {
		int rc = umount2(e->v1_dir, 0) == 0 ? 0 : errno;
		tap_check(&s->tap, rc == 0 && rmdir(e->v1_dir) == 0,
		          "exec placement: the v1 cpuset hierarchy it mounted is unmounted again",
		          "umount %s: %s", e->v1_dir, strerror(rc));
	}
	free(e->only_c0);
	free(e->only_c1);
	free(e->both);
	free(e);
}

/* CMD ran inside @in (a /proc/self/cgroup suffix) with @want CPUs. */
static bool ran_with(const struct run *r, const char *in, const struct nsb_cpuset *want, char *got,
                     size_t cap)
{
	char w[128];
	(void)cpus_line(r, 0, got, cap);
	return r->status == 0 && strstr(r->o, in) != NULL && strcmp(got, set_text(want, w, sizeof(w))) == 0;
}

static void t_initial_final(struct suite *s, struct place_env *e)
{
	char name[256], ic[16], fc[16], got[128], w[128], hex[64], diag[4500];
	(void)snprintf(ic, sizeof(ic), "%u", e->c0);
	(void)snprintf(fc, sizeof(fc), "%u", e->c1);
	const char *args[] = {"--cgroup",
	                      e->dir_all,
	                      "--cpu-affinity-initial",
	                      ic,
	                      "--cpu-affinity-final",
	                      fc,
	                      "--log-level",
	                      "debug",
	                      NULL};
	struct run *r = exec_helper(s, args, NULL, false);

	if (r == NULL) {
		return;
	}
	(void)snprintf(
	        name, sizeof(name),
	        "exec --cgroup D --cpu-affinity-initial %u --cpu-affinity-final %u: CMD runs in D with "
	        "affinity %s",
	        e->c0, e->c1, set_text(e->only_c1, w, sizeof(w)));
	tap_check(&s->tap, ran_with(r, e->in_all, e->only_c1, got, sizeof(got)), name, "%s",
	          outcome(r, diag, sizeof(diag)));
	mask_hex(e->only_c0, hex, sizeof(hex));
	(void)snprintf(name, sizeof(name), "exec --log-level debug: init logs the initial mask (%.*s)",
	               (int)strlen(hex) - 1, hex);
	tap_check(&s->tap, strstr(r->e, hex) != NULL, name, "%s", outcome(r, diag, sizeof(diag)));
	free(r);
}

static void t_reset(struct suite *s, struct place_env *e)
{
	char got[128], w[128], diag[4500];
	const char *args[] = {"--cgroup", e->dir_all, NULL};
	/* started on c0 only: without the reset, Linux >= 6.2 would keep {c0} after the move */
	struct run *r = exec_helper(s, args, e->only_c0, false);

	if (r == NULL) {
		return;
	}
	tap_check(&s->tap, ran_with(r, e->in_all, &e->sc.cpus, got, sizeof(got)),
	          "exec --cgroup D, no affinity option, from a runtime on c0 only: CMD is reset to all of "
	          "D's CPUs",
	          "want %s; %s", set_text(&e->sc.cpus, w, sizeof(w)), outcome(r, diag, sizeof(diag)));
	free(r);
}

static const struct nsb_cpuset *by_semantics(const struct suite *s, const struct nsb_cpuset *new_want,
                                             const struct nsb_cpuset *old_want)
{
	return s->sem == PROBE_SEM_NEW ? new_want : s->sem == PROBE_SEM_OLD ? old_want : NULL;
}

static void t_initial_survives(struct suite *s, struct place_env *e)
{
	char name[256], ic[16], got[128], w[128], hex[64], diag[4500];
	const struct nsb_cpuset *want = by_semantics(s, e->only_c1, &e->sc.cpus);
	(void)snprintf(ic, sizeof(ic), "%u", e->c1);
	const char *args[] = {"--cgroup", e->dir_all, "--cpu-affinity-initial", ic, "--log-level",
	                      "debug",    NULL};
	struct run *r;

	(void)snprintf(
	        name, sizeof(name),
	        "exec --cgroup D --cpu-affinity-initial %u (no final): the mask %s the move into D (%s "
	        "kernel)",
	        e->c1, s->sem == PROBE_SEM_NEW ? "survives" : "is replaced by D's CPUs at",
	        probe_semantics_name(s->sem));
	if (want == NULL) {
		tap_skip(&s->tap, name, false, "the affinity semantics of this kernel were not detected");
		return;
	}
	if ((r = exec_helper(s, args, NULL, false)) == NULL) {
		return;
	}
	tap_check(&s->tap, ran_with(r, e->in_all, want, got, sizeof(got)), name, "want %s; %s",
	          set_text(want, w, sizeof(w)), outcome(r, diag, sizeof(diag)));
	mask_hex(e->only_c1, hex, sizeof(hex));
	(void)snprintf(name, sizeof(name),
	               "exec --log-level debug: initial {%u} shows as '%.*s' in init's log", e->c1,
	               (int)strlen(hex) - 1, hex);
	tap_check(&s->tap, strstr(r->e, hex) != NULL, name, "%s", outcome(r, diag, sizeof(diag)));
	free(r);
}

/* Initial {c1}, D = {c0}: D's CPUs after the move; widen D, and the kernels differ (row 5). */
static void t_initial_disjoint(struct suite *s, struct place_env *e)
{
	char name[300], ic[16], got1[128], got2[128], w1[128], w2[128], diag[4500];
	const struct nsb_cpuset *want = by_semantics(s, e->only_c1, e->both);
	(void)snprintf(ic, sizeof(ic), "%u", e->c1);
	const char *args[] = {"--cgroup", e->dir_c0, "--cpu-affinity-initial", ic, NULL};
	struct run *r;
	bool first;
	int rc;

	(void)snprintf(name, sizeof(name),
	               "exec --cgroup D={%u} --cpu-affinity-initial %u (disjoint): CMD gets D's CPUs; when D "
	               "widens to {%u,%u} the initial mask %s (%s kernel)",
	               e->c0, e->c1, e->c0, e->c1, s->sem == PROBE_SEM_NEW ? "comes back" : "is forgotten",
	               probe_semantics_name(s->sem));
	if (want == NULL) {
		tap_skip(&s->tap, name, false, "the affinity semantics of this kernel were not detected");
		return;
	}
	if ((r = exec_helper(s, args, NULL, true)) == NULL) {
		return;
	}
	first = run_read(r, "end\n", now_ms() + EXEC_TIMEOUT_MS);
	(void)cpus_line(r, 0, got1, sizeof(got1));
	rc = probe_scratch_set_cpus(&e->sc, "c0", e->both);
	size_t mark = r->olen;
	if (r->in >= 0 && write(r->in, "x", 1) != 1) {
		rc = rc != 0 ? rc : errno;
	}
	run_finish(r);
	(void)cpus_line(r, mark, got2, sizeof(got2));
	tap_check(&s->tap,
	          first && rc == 0 && r->status == 0 && strstr(r->o, e->in_c0) != NULL &&
	                  strcmp(got1, set_text(e->only_c0, w1, sizeof(w1))) == 0 &&
	                  strcmp(got2, set_text(want, w2, sizeof(w2))) == 0,
	          name, "after the move %s (want %s), after widening %s (want %s, widening: %s); %s", got1,
	          w1, got2, w2, strerror(rc), outcome(r, diag, sizeof(diag)));
	/* put D back to c0 only: later tests use it */
	(void)probe_scratch_set_cpus(&e->sc, "c0", e->only_c0);
	free(r);
}

static void t_bad_lists(struct suite *s, struct place_env *e)
{
	static const char *const bad[] = {"-",     "1-",    "-3",    ",",   " ",
	                                  "54-53", "1 - 2", "65536", "0x1", "1,,x"};
	char name[200], diag[4500];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		bool ok = true;
		for (int which = 0; which < 2; which++) {
			const char *args[] = {"--cgroup", e->dir_all,
			                      which == 0 ? "--cpu-affinity-initial" : "--cpu-affinity-final",
			                      bad[i], NULL};
			struct run *r = exec_helper(s, args, NULL, false);
			if (r == NULL) {
				return;
			}
			bool good =
			        r->status == 2 && r->olen == 0 && strstr(r->e, "is not a CPU list") != NULL;
			if (!good && ok) {
				(void)outcome(r, diag, sizeof(diag));
			}
			ok = ok && good;
			free(r);
		}
		(void)snprintf(name, sizeof(name),
		               "exec --cpu-affinity-initial/-final '%s': usage error (exit 2), nothing runs",
		               bad[i]);
		tap_check(&s->tap, ok, name, "%s", diag);
	}
}

static void t_above_1023(struct suite *s, struct place_env *e)
{
	char name[300], ic[32], fc[32], got[128], w[128], hex[64], diag[4500];
	(void)snprintf(ic, sizeof(ic), "%u,1500", e->c0);
	(void)snprintf(fc, sizeof(fc), "%u,2000", e->c1);
	const char *args[] = {"--cgroup",
	                      e->dir_all,
	                      "--cpu-affinity-initial",
	                      ic,
	                      "--cpu-affinity-final",
	                      fc,
	                      "--log-level",
	                      "debug",
	                      NULL};
	const char *args_none[] = {"--cgroup", e->dir_all, "--cpu-affinity-final", "2000", NULL};
	struct run *r;

	if ((r = exec_helper(s, args, NULL, false)) == NULL) {
		return;
	}
	/* the kernel keeps the CPUs it has: CPU 2000 is not one of them on this machine */
	(void)snprintf(
	        name, sizeof(name),
	        "exec --cpu-affinity-final %s (a 256-byte mask, beyond cpu_set_t): the kernel keeps %s", fc,
	        set_text(e->only_c1, w, sizeof(w)));
	tap_check(&s->tap, ran_with(r, e->in_all, e->only_c1, got, sizeof(got)), name, "%s",
	          outcome(r, diag, sizeof(diag)));
	mask_hex(e->only_c0, hex, sizeof(hex));
	(void)snprintf(name, sizeof(name), "exec --cpu-affinity-initial %s: init starts on {%u} ('%.*s')", ic,
	               e->c0, (int)strlen(hex) - 1, hex);
	tap_check(&s->tap, strstr(r->e, hex) != NULL, name, "%s", outcome(r, diag, sizeof(diag)));
	free(r);

	if ((r = exec_helper(s, args_none, NULL, false)) == NULL) {
		return;
	}
	tap_check(&s->tap,
	          r->status == 125 && strstr(r->o, "cpus=") == NULL &&
	                  strstr(r->e, "set the final CPU affinity 2000 of stage-2") != NULL &&
	                  strstr(r->e, "sched_setaffinity: Invalid argument") != NULL,
	          "exec --cpu-affinity-final 2000 (no such CPU, row 12): EINVAL, exit 125, CMD never runs",
	          "%s", outcome(r, diag, sizeof(diag)));
	free(r);
}

static void t_process_file(struct suite *s, struct place_env *e)
{
	char path[] = "/tmp/nsb-process.XXXXXX", json[256], fc[16], got[128], w[128], hex[64], diag[4500];
	int fd = mkstemp(path);
	struct run *r;

	if (fd < 0) {
		tap_check(&s->tap, false, "exec --process FILE", "mkstemp: %s", strerror(errno));
		return;
	}
	int n = snprintf(
	        json, sizeof(json),
	        "{\"args\":[\"x\"],\"cwd\":\"/\",\"execCPUAffinity\":{\"initial\":\"%u\",\"final\":\"%u\"}}",
	        e->c1, e->c0);
	bool wrote = write(fd, json, (size_t)n) == n;
	(void)close(fd);
	(void)snprintf(fc, sizeof(fc), "%u", e->c1);
	const char *args[] = {"--cgroup", e->dir_all, "--process", path, "--log-level", "debug", NULL};
	const char *args_over[] = {"--cgroup", e->dir_all, "--process", path, "--cpu-affinity-final",
	                           fc,         NULL};

	if ((r = exec_helper(s, args, NULL, false)) != NULL) {
		mask_hex(e->only_c1, hex, sizeof(hex));
		tap_check(&s->tap,
		          wrote && ran_with(r, e->in_all, e->only_c0, got, sizeof(got)) && strstr(r->e, hex),
		          "exec --process FILE: execCPUAffinity initial and final are applied", "file %s; %s",
		          json, outcome(r, diag, sizeof(diag)));
		free(r);
	}
	if ((r = exec_helper(s, args_over, NULL, false)) != NULL) {
		tap_check(&s->tap, ran_with(r, e->in_all, e->only_c1, got, sizeof(got)),
		          "exec --process FILE --cpu-affinity-final: the option wins over the file",
		          "want %s; %s", set_text(e->only_c1, w, sizeof(w)), outcome(r, diag, sizeof(diag)));
		free(r);
	}
	(void)unlink(path);
}

static void placement(struct suite *s)
{
	const char *name = "exec placement: scratch cpuset cgroups";
	struct place_env *e;

	if (!s->root) {
		tap_skip(&s->tap, name, true, "needs root");
		return;
	}
	if ((e = place_open(s, name)) == NULL) {
		return;
	}
	if (place_ready(e)) {
		t_initial_final(s, e);
		t_reset(s, e);
		t_initial_survives(s, e);
		t_initial_disjoint(s, e);
		t_above_1023(s, e);
		t_process_file(s, e);
		t_bad_lists(s, e);
	}
	place_close(s, e);
}

/* ---- joins: --target on a process in a new namespace of each type -------------------- */

struct target {
	pid_t middle, pid;
	int release;
};

/* The middle unshares, forks the target (which enters a new pid or time ns by
 * being born) and waits; both end when @release is closed. */
static void target_main(int ready, int release, int flags)
{
	int e = unshare(flags) == 0 ? 0 : errno;
	pid_t t = -1;
	char b;

	if (e == 0) {
		t = fork();
		if (t == 0) {
			(void)close(ready);
			while (read(release, &b, 1) < 0 && errno == EINTR) {
			}
			_exit(0);
		}
		e = t < 0 ? errno : 0;
	}
	if (write(ready, &e, sizeof(e)) != (ssize_t)sizeof(e) ||
	    write(ready, &t, sizeof(t)) != (ssize_t)sizeof(t)) {
		_exit(1);
	}
	(void)close(ready);
	while (read(release, &b, 1) < 0 && errno == EINTR) {
	}
	if (t > 0) {
		(void)waitpid(t, NULL, 0);
	}
	_exit(0);
}

static void target_stop(struct target *t)
{
	struct probe_child c;
	if (t->release >= 0) {
		(void)close(t->release);
		t->release = -1;
	}
	if (t->middle > 0) {
		probe_wait(t->middle, 0, PROBE_CHILD_TIMEOUT_MS, &c);
		t->middle = -1;
	}
}

static int target_start(struct target *t, int flags)
{
	int ready[2], release[2], e = 0;

	t->middle = t->pid = -1;
	t->release = -1;
	if (pipe2(ready, O_CLOEXEC) != 0) {
		return errno;
	}
	if (pipe2(release, O_CLOEXEC) != 0) {
		e = errno;
		(void)close(ready[0]);
		(void)close(ready[1]);
		return e;
	}
	(void)fflush(NULL);
	t->middle = fork();
	if (t->middle == 0) {
		(void)close(ready[0]);
		(void)close(release[1]);
		target_main(ready[1], release[0], flags);
	}
	e = t->middle < 0 ? errno : 0;
	(void)close(ready[1]);
	(void)close(release[0]);
	t->release = release[1];
	if (e == 0 && (read(ready[0], &e, sizeof(e)) != (ssize_t)sizeof(e) ||
	               (e == 0 && read(ready[0], &t->pid, sizeof(t->pid)) != (ssize_t)sizeof(t->pid)))) {
		e = ECHILD;
	}
	(void)close(ready[0]);
	if (e == 0 && (flags & CLONE_NEWUSER) != 0) {
		char path[64];
		static const char *const files[] = {"uid_map", "gid_map"};
		for (size_t i = 0; i < 2 && e == 0; i++) {
			(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)t->middle, files[i]);
			e = probe_write_text(path, "0 0 4294967295\n");
		}
	}
	if (e != 0) {
		target_stop(t);
	}
	return e;
}

static void join_one(struct suite *s, const char *type, int flag)
{
	char name[200], eb[16], diag[4500];
	unsigned long long want = 0, ours = 0, got;
	struct target t;
	struct run *r = NULL;
	char pid[16];
	int rc;

	(void)snprintf(name, sizeof(name), "exec --target PID joins the %s namespace of PID", type);
	if (probe_ns_ino(0, type, &ours) != 0) {
		tap_skip(&s->tap, name, false, "this kernel has no %s namespaces", type);
		return;
	}
	if ((rc = target_start(&t, flag)) != 0) {
		tap_check(&s->tap, false, name, "target in a new %s namespace: %s", type,
		          probe_errname(rc, eb));
		return;
	}
	(void)probe_ns_ino(t.pid, type, &want);
	(void)snprintf(pid, sizeof(pid), "%d", (int)t.pid);
	char *argv[] = {s->nsboot,
	                (char *)(uintptr_t) "exec",
	                (char *)(uintptr_t) "--target",
	                pid,
	                (char *)(uintptr_t) "--",
	                s->self,
	                (char *)(uintptr_t) "--print-ns",
	                (char *)(uintptr_t)type,
	                NULL};
	if ((r = malloc(sizeof(*r))) != NULL) {
		run_start(r, s->nsboot, argv, NULL);
		run_finish(r);
		got = strtoull(r->o, NULL, 10);
		tap_check(&s->tap, r->status == 0 && want != 0 && want != ours && got == want, name,
		          "target %s ns %llu, ours %llu, CMD's %llu; %s", type, want, ours, got,
		          outcome(r, diag, sizeof(diag)));
		free(r);
	}
	target_stop(&t);
}

static void joins(struct suite *s)
{
	static const struct {
		const char *type;
		int flag;
	} types[] = {
	        {"ipc", CLONE_NEWIPC},   {"uts", CLONE_NEWUTS},       {"net", CLONE_NEWNET},
	        {"mnt", CLONE_NEWNS},    {"cgroup", CLONE_NEWCGROUP}, {"pid", CLONE_NEWPID},
	        {"time", CLONE_NEWTIME}, {"user", CLONE_NEWUSER},
	};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		if (!s->root) {
			char name[128];
			(void)snprintf(name, sizeof(name), "exec --target PID joins the %s namespace of PID",
			               types[i].type);
			tap_skip(&s->tap, name, true, "needs root");
			continue;
		}
		join_one(s, types[i].type, types[i].flag);
	}
}

/* ---- the comparison with nsenter and runc exec: tests/root/runc.sh -------------------- */

static void runc_comparison(struct suite *s)
{
	const char *name = "exec --target on a Debian runc container = nsenter -t PID -a = runc exec "
	                   "(tests/root/runc.sh)";
	const char *src = getenv("NSB_SOURCE_DIR");
	char script[PATH_MAX], diag[4500];
	struct run *r;

#ifdef NSB_SOURCE_DIR
	if (src == NULL || src[0] == '\0') {
		src = NSB_SOURCE_DIR;
	}
#endif
	if (src == NULL || !probe_path(script, sizeof(script), "%s/tests/root/runc.sh", src) ||
	    access(script, R_OK) != 0 || access("/bin/bash", X_OK) != 0) {
		tap_skip(&s->tap, name, false, "no source tree with tests/root/runc.sh and bash here");
		return;
	}
	if (!s->root) {
		tap_skip(&s->tap, name, true, "needs root");
		return;
	}
	if ((r = malloc(sizeof(*r))) == NULL) {
		return;
	}
	/* runc.sh NSBOOT: exit 0 passed, 77 skipped (it names why; NSB_MUST_WORK=1 turns that into 1) */
	char *argv[] = {(char *)(uintptr_t) "bash", script, s->nsboot, NULL};
	run_start(r, "/bin/bash", argv, NULL);
	run_finish(r);
	if (r->status == 77) {
		tap_skip(&s->tap, name, false, "runc.sh skipped: %.300s", r->o);
	} else {
		tap_check(&s->tap, r->status == 0, name, "%s", outcome(r, diag, sizeof(diag)));
	}
	free(r);
}

void suite_exec(struct suite *s)
{
	if (s->nsboot[0] == '\0' || access(s->nsboot, X_OK) != 0) {
		tap_skip(&s->tap, "nsboot exec tests", true,
		         "no nsboot binary: pass --nsboot PATH or set NSB_NSBOOT (got '%s')", s->nsboot);
		return;
	}
	tap_diag(&s->tap, "nsboot exec tests with %s", s->nsboot);
	placement(s);
	joins(s);
	runc_comparison(s);
}
