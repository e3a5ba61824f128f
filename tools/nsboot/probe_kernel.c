/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe_kernel.c - kernel features, each decided by trying it: clone3,
 * CLONE_INTO_CGROUP, setns with a pidfd, time namespaces, the id-map
 * extent limit and CAP_SYS_RESOURCE (as the oom_score_adj check sees it).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* ---- namespace holders ------------------------------------------------------- */

/* read_full - read exactly @len bytes; false on EOF or error. */
static bool read_full(int fd, void *buf, size_t len)
{
	unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR) {
			continue;
		}
		if (n <= 0) {
			return false;
		}
		p += n;
		len -= (size_t)n;
	}
	return true;
}

/* close_others - close every fd from 3 up except @keep1 and @keep2. */
static void close_others(int keep1, int keep2)
{
	int lo = keep1 < keep2 ? keep1 : keep2, hi = keep1 < keep2 ? keep2 : keep1;
	long max = sysconf(_SC_OPEN_MAX);

	/* close_range(2) (5.9+) in three ranges around the two fds; else one close per fd. */
	if ((lo <= 3 || syscall(SYS_close_range, 3u, (unsigned)lo - 1u, 0u) == 0) &&
	    (hi - lo <= 1 || syscall(SYS_close_range, (unsigned)lo + 1u, (unsigned)hi - 1u, 0u) == 0) &&
	    syscall(SYS_close_range, (unsigned)hi + 1u, ~0u, 0u) == 0) {
		return;
	}
	if (max < 0 || max > 65536) {
		max = 65536;
	}
	for (int fd = 3; fd < (int)max; fd++) {
		if (fd != lo && fd != hi) {
			(void)close(fd);
		}
	}
}

static void holder_main(int ready, int release, int flags)
{
	char b;

	/*
	 * Keep no other holder's release pipe open: a holder started while
	 * another one lives would otherwise keep that one from seeing EOF.
	 */
	close_others(ready, release);
	int e = unshare(flags) == 0 ? 0 : errno;

	if (write(ready, &e, sizeof(e)) != (ssize_t)sizeof(e) || e != 0) {
		_exit(1);
	}
	/* EOF when the parent closes its end (or dies): then leave. */
	while (read(release, &b, 1) < 0 && errno == EINTR) {
	}
	_exit(0);
}

int probe_holder_start(struct probe_holder *h, int unshare_flags)
{
	int ready[2], release[2];
	int e = 0;

	h->pid = -1;
	h->release_fd = -1;
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
	pid_t pid = fork();
	if (pid == 0) {
		(void)close(ready[0]);
		(void)close(release[1]);
		holder_main(ready[1], release[0], unshare_flags);
	}
	if (pid < 0) {
		e = errno;
	}
	(void)close(ready[1]);
	(void)close(release[0]);
	if (pid > 0 && !read_full(ready[0], &e, sizeof(e))) {
		e = ECHILD;
	}
	(void)close(ready[0]);
	h->pid = pid;
	h->release_fd = release[1];
	if (e != 0) {
		probe_holder_stop(h);
	}
	return e;
}

void probe_holder_stop(struct probe_holder *h)
{
	struct probe_child res = {0};

	if (h->release_fd >= 0) {
		(void)close(h->release_fd);
		h->release_fd = -1;
	}
	if (h->pid > 0) {
		probe_wait(h->pid, 0, PROBE_CHILD_TIMEOUT_MS, &res);
		h->pid = -1;
	}
}

/* ---- clone3 and CLONE_INTO_CGROUP -------------------------------------------- */

enum probe_tri probe_has_clone3(struct probe_note *how)
{
	struct probe_clone_args args;
	struct probe_child res = {0};
	char buf[128];

	memset(&args, 0, sizeof(args));
	args.exit_signal = SIGCHLD;
	pid_t pid = probe_sys_clone3(&args);
	if (pid == 0) {
		_exit(0);
	}
	if (pid < 0) {
		int e = errno;
		char eb[16];
		probe_note_set(how, "clone3(2) with exit_signal SIGCHLD: %s", probe_errname(e, eb));
		return e == ENOSYS ? PROBE_NO : PROBE_UNKNOWN;
	}
	probe_wait(pid, 0, PROBE_CHILD_TIMEOUT_MS, &res);
	probe_note_set(how, "clone3(2) with exit_signal SIGCHLD made a child: %s",
	               probe_child_describe(&res, buf, sizeof(buf)));
	return probe_child_ok(&res) ? PROBE_YES : PROBE_UNKNOWN;
}

/* in_procs - is @pid listed in the cgroup.procs file @path? */
static bool in_procs(const char *path, pid_t pid)
{
	char text[4096], want[32];

	if (probe_read_text(path, text, sizeof(text)) != 0) {
		return false;
	}
	(void)snprintf(want, sizeof(want), "%d", (int)pid);
	for (char *save = NULL, *tok = strtok_r(text, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		if (strcmp(tok, want) == 0) {
			return true;
		}
	}
	return false;
}

/* into_cgroup - clone3 a child into @s's leaf "x"; it checks it is listed there. */
static enum probe_tri into_cgroup(const struct probe_scratch *s, struct probe_note *how)
{
	char dir[PATH_MAX], procs[PATH_MAX], eb[16], buf[128];
	struct probe_clone_args args;
	struct probe_child res = {0};
	int fd;

	if (!probe_path(dir, sizeof(dir), "%s/x", s->top) ||
	    !probe_scratch_file(s, "x", "cgroup.procs", procs, sizeof(procs))) {
		probe_note_set(how, "scratch path too long");
		return PROBE_UNKNOWN;
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		probe_note_set(how, "open %s: %s", dir, probe_errname(errno, eb));
		return PROBE_UNKNOWN;
	}
	memset(&args, 0, sizeof(args));
	args.flags = PROBE_CLONE_INTO_CGROUP;
	args.exit_signal = SIGCHLD;
	args.cgroup = (uint64_t)fd;
	pid_t pid = probe_sys_clone3(&args);
	if (pid == 0) {
		_exit(in_procs(procs, getpid()) ? 0 : 3);
	}
	int e = errno;
	(void)close(fd);
	if (pid < 0) {
		probe_note_set(how, "clone3(CLONE_INTO_CGROUP = %s): %s", dir, probe_errname(e, eb));
		/* ENOSYS: no clone3; E2BIG/EINVAL: a clone3 that predates the cgroup field (< 5.7). */
		return (e == ENOSYS || e == E2BIG || e == EINVAL) ? PROBE_NO : PROBE_UNKNOWN;
	}
	probe_wait(pid, 0, PROBE_CHILD_TIMEOUT_MS, &res);
	if (res.exited && res.code == 3) {
		probe_note_set(
		        how,
		        "clone3(CLONE_INTO_CGROUP = %s) succeeded but the child was not in its cgroup.procs",
		        dir);
		return PROBE_NO;
	}
	probe_note_set(how, "clone3(CLONE_INTO_CGROUP = %s): the child found itself in its cgroup.procs (%s)",
	               dir, probe_child_describe(&res, buf, sizeof(buf)));
	return probe_child_ok(&res) ? PROBE_YES : PROBE_UNKNOWN;
}

enum probe_tri probe_has_clone_into_cgroup(const struct probe_layout *l, struct probe_note *how,
                                           bool *restored)
{
	struct probe_scratch *s = malloc(sizeof(*s));
	struct probe_note why;
	enum probe_tri ans = PROBE_UNKNOWN;
	sigset_t saved;

	*restored = true;
	if (!s) {
		probe_note_set(how, "out of memory");
		return ans;
	}
	if (l->v2[0] == '\0') {
		probe_note_set(how, "no cgroup2 mount to clone a child into");
		free(s);
		return ans;
	}
	probe_hold_signals(&saved);
	if (probe_scratch_open(s, PROBE_CG_V2_PLAIN, l, how) == 0 &&
	    probe_scratch_leaf(s, "x", NULL, false, how) == 0) {
		ans = into_cgroup(s, how);
	}
	if (probe_scratch_close(s, &why) != 0) {
		*restored = false;
		probe_note_add(how, "; NOT RESTORED: %s", why.text);
	}
	probe_release_signals(&saved);
	free(s);
	return ans;
}

/* ---- setns with a pidfd -------------------------------------------------------- */

struct setns_arg {
	int pidfd;
	unsigned long long want_ino;
	int *err; /* shared */
};

static int setns_child(void *p)
{
	struct setns_arg *a = p;
	unsigned long long ino = 0;

	if (setns(a->pidfd, CLONE_NEWUTS) != 0) {
		*a->err = errno;
		return 1;
	}
	*a->err = probe_ns_ino(0, "uts", &ino);
	return (*a->err == 0 && ino == a->want_ino) ? 0 : 2;
}

enum probe_tri probe_has_setns_pidfd(struct probe_note *how)
{
	struct probe_holder h;
	struct probe_child res;
	struct setns_arg a = {-1, 0, NULL};
	enum probe_tri ans = PROBE_UNKNOWN;
	char eb[16], buf[128];
	int rc = probe_holder_start(&h, CLONE_NEWUTS);

	if (rc != 0) {
		probe_note_set(how, "unshare(CLONE_NEWUTS) for a target: %s", probe_errname(rc, eb));
		return ans;
	}
	a.err = probe_shm_alloc(sizeof(int));
	a.pidfd = probe_pidfd_open(h.pid);
	if (a.pidfd < 0 || !a.err) {
		rc = errno;
		probe_note_set(how, "pidfd_open(2): %s", probe_errname(rc, eb));
		ans = rc == ENOSYS ? PROBE_NO : PROBE_UNKNOWN;
		goto out;
	}
	rc = probe_ns_ino(h.pid, "uts", &a.want_ino);
	if (rc != 0) {
		probe_note_set(how, "stat /proc/%d/ns/uts: %s", (int)h.pid, probe_errname(rc, eb));
		goto out;
	}
	probe_run_child(setns_child, &a, PROBE_CHILD_TIMEOUT_MS, &res);
	if (probe_child_ok(&res)) {
		probe_note_set(how,
		               "setns(pidfd, CLONE_NEWUTS) on a child in a new uts namespace: joined it");
		ans = PROBE_YES;
	} else if (res.exited && res.code == 1) {
		probe_note_set(how, "setns(pidfd, CLONE_NEWUTS): %s", probe_errname(*a.err, eb));
		/* Before 5.8 a pidfd is "not a namespace file": EINVAL. */
		ans = *a.err == EINVAL ? PROBE_NO : PROBE_UNKNOWN;
	} else {
		probe_note_set(how, "setns(pidfd, CLONE_NEWUTS): %s, uts namespace %s",
		               probe_child_describe(&res, buf, sizeof(buf)),
		               res.code == 2 ? "not the target's" : "?");
	}
out:
	if (a.pidfd >= 0) {
		(void)close(a.pidfd);
	}
	probe_shm_free(a.err, sizeof(int));
	probe_holder_stop(&h);
	return ans;
}

/* ---- time namespaces ----------------------------------------------------------- */

static int timens_child(void *p)
{
	int *err = p;
	unsigned long long cur = 0, next = 0;

	if (unshare(CLONE_NEWTIME) != 0) {
		*err = errno;
		return 1;
	}
	*err = probe_ns_ino(0, "time", &cur);
	if (*err == 0) {
		*err = probe_ns_ino(0, "time_for_children", &next);
	}
	if (*err != 0) {
		return 2;
	}
	return cur != next ? 0 : 3;
}

enum probe_tri probe_has_time_namespaces(struct probe_note *how)
{
	int *err = probe_shm_alloc(sizeof(int));
	struct probe_child res;
	enum probe_tri ans = PROBE_UNKNOWN;
	char eb[16], buf[128];

	if (!err) {
		probe_note_set(how, "mmap: %s", probe_errname(errno, eb));
		return ans;
	}
	probe_run_child(timens_child, err, PROBE_CHILD_TIMEOUT_MS, &res);
	if (probe_child_ok(&res)) {
		probe_note_set(
		        how,
		        "unshare(CLONE_NEWTIME) in a child: /proc/self/ns/time_for_children became a new "
		        "namespace");
		ans = PROBE_YES;
	} else if (res.exited && res.code == 1) {
		probe_note_set(how, "unshare(CLONE_NEWTIME) in a child: %s", probe_errname(*err, eb));
		/* EINVAL: unknown flag (< 5.6 or CONFIG_TIME_NS off). */
		ans = *err == EINVAL ? PROBE_NO : PROBE_UNKNOWN;
	} else {
		probe_note_set(how, "unshare(CLONE_NEWTIME) in a child: %s (%s)",
		               probe_child_describe(&res, buf, sizeof(buf)),
		               res.code == 2 ? probe_errname(*err, eb) : "time_for_children unchanged");
	}
	probe_shm_free(err, sizeof(int));
	return ans;
}

/* ---- CAP_SYS_RESOURCE ---------------------------------------------------------- */

int probe_cap_effective(unsigned bit)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (bit >= 32u * _LINUX_CAPABILITY_U32S_3) {
		return -1;
	}
	memset(data, 0, sizeof(data));
	if (syscall(SYS_capget, &hdr, data) != 0) {
		return -1;
	}
	return (int)((data[bit / 32].effective >> (bit % 32)) & 1u);
}

static int oom_child(void *p)
{
	int *err = p;
	*err = probe_write_text("/proc/self/oom_score_adj", "-1000");
	return 0;
}

enum probe_tri probe_has_cap_sys_resource(struct probe_note *how)
{
	int *err = probe_shm_alloc(sizeof(int));
	int cap = probe_cap_effective(PROBE_CAP_SYS_RESOURCE);
	char cur[32] = "?", eb[16], buf[128];
	struct probe_child res;
	enum probe_tri ans = PROBE_UNKNOWN;
	const char *capword = cap < 0 ? "capget failed" : (cap ? "set" : "clear");

	if (!err) {
		probe_note_set(how, "mmap: %s", probe_errname(errno, eb));
		return ans;
	}
	(void)probe_read_text("/proc/self/oom_score_adj", cur, sizeof(cur));
	if (strcmp(cur, "-1000") == 0) {
		/* Nothing lower to try: the capability bit is all there is. */
		probe_note_set(
		        how,
		        "oom_score_adj is already -1000, no lowering to try; capget: CAP_SYS_RESOURCE %s",
		        capword);
		ans = cap < 0 ? PROBE_UNKNOWN : (cap ? PROBE_YES : PROBE_NO);
		goto out;
	}
	probe_run_child(oom_child, err, PROBE_CHILD_TIMEOUT_MS, &res);
	if (!probe_child_ok(&res)) {
		probe_note_set(how, "lowering oom_score_adj in a child: %s",
		               probe_child_describe(&res, buf, sizeof(buf)));
	} else if (*err == 0 || *err == EACCES) {
		ans = *err == 0 ? PROBE_YES : PROBE_NO;
		probe_note_set(how,
		               "a child lowering oom_score_adj %s -> -1000: %s; capget: CAP_SYS_RESOURCE %s",
		               cur, *err == 0 ? "allowed" : "EACCES", capword);
	} else {
		probe_note_set(how, "a child lowering oom_score_adj %s -> -1000: %s", cur,
		               probe_errname(*err, eb));
	}
out:
	probe_shm_free(err, sizeof(int));
	return ans;
}

/* ---- id-map extents ------------------------------------------------------------- */

#define IDMAP_SEARCH_MAX 400u /* "i i 1\n" lines up to 400 stay under the one-page write limit */

int probe_idmap_write(unsigned n)
{
	struct probe_holder h;
	char *text = malloc((size_t)n * 24u + 1u);
	size_t len = 0;
	int rc;

	if (!text) {
		return ENOMEM;
	}
	text[0] = '\0';
	for (unsigned i = 0; i < n; i++) {
		len += (size_t)sprintf(text + len, "%u %u 1\n", i, i);
	}
	rc = probe_holder_start(&h, CLONE_NEWUSER);
	if (rc == 0) {
		char path[64];
		(void)snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)h.pid);
		rc = probe_write_text(path, text);
		probe_holder_stop(&h);
	}
	free(text);
	return rc;
}

int probe_idmap_max_extents(struct probe_note *how)
{
	unsigned lo = 1, hi = IDMAP_SEARCH_MAX + 1, tries = 1;
	char eb[16];
	int rc = probe_idmap_write(lo);
	int fail_err = 0;

	if (rc != 0) {
		probe_note_set(how, "writing one extent to a new user namespace's uid_map: %s",
		               probe_errname(rc, eb));
		return -1;
	}
	/* Invariant: lo extents are accepted; hi are refused (or hi is past the search range). */
	while (hi - lo > 1) {
		unsigned mid = lo + (hi - lo) / 2;
		rc = probe_idmap_write(mid);
		tries++;
		if (rc == 0) {
			lo = mid;
		} else if (rc == EINVAL) {
			hi = mid;
			fail_err = rc;
		} else {
			probe_note_set(how, "writing %u extents to uid_map: %s", mid, probe_errname(rc, eb));
			return -1;
		}
	}
	if (hi > IDMAP_SEARCH_MAX) {
		probe_note_set(
		        how,
		        "uid_map of fresh user namespaces accepted up to %u extents (\"i i 1\" lines), the "
		        "most one page holds: a lower bound",
		        lo);
	} else {
		probe_note_set(
		        how,
		        "uid_map of fresh user namespaces (binary search, %u writes): %u extents accepted, "
		        "%u refused with %s",
		        tries, lo, hi, probe_errname(fail_err, eb));
	}
	return (int)lo;
}
