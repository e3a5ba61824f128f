/* SPDX-License-Identifier: Apache-2.0 */
/*
 * suite_ns.c - docs/kernel-semantics.md rows 15-23: time namespaces and setns.
 *
 * Every experiment runs in a forked test child (probe_run_child) that
 * reports through shared memory, so the suite process itself never changes
 * namespace, never becomes multithreaded and never has a child with a
 * garbled exit signal. Targets for setns are holders (probe_holder_*),
 * children that unshare and wait.
 *
 * Row 15 differs between kernels: before "fs/exec: switch timens when a task
 * gets a new mm" (Linux 6.3) a task whose time_for_children differs from its
 * own time namespace cannot create tasks sharing its mm (EINVAL); since then
 * vfork/posix_spawn/pthread_create work and an exec'd child enters the new
 * namespace. Rows 16-23 are the same on 6.1, 6.12 and 6.18.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suite.h"

extern char **environ;

/* The kernel release from which row 15's "new" behaviour is expected. */
#define TIMENS_VM_MAJOR 6
#define TIMENS_VM_MINOR 3

int suite_print_ns(const char *name)
{
	unsigned long long ino = 0;
	int rc = probe_ns_ino(0, name, &ino);

	if (rc != 0) {
		return 1;
	}
	(void)printf("%llu\n", ino);
	return fflush(stdout) == 0 ? 0 : 1;
}

static const char *en(int err, char buf[16])
{
	return err == 0 ? "success" : probe_errname(err, buf);
}

/* in_child - run @fn in a test child; false (and a failed test) if it did not finish. */
static bool in_child(struct suite *s, const char *name, int (*fn)(void *), void *arg)
{
	struct probe_child res;
	char buf[128];

	probe_run_child(fn, arg, PROBE_CHILD_TIMEOUT_MS, &res);
	if (probe_child_ok(&res)) {
		return true;
	}
	tap_check(&s->tap, false, name, "test child: %s", probe_child_describe(&res, buf, sizeof(buf)));
	return false;
}

/* ---- a thread that waits, to make a test child multithreaded ----------------------- */

struct waiter {
	pthread_t thread;
	int fds[2];
	bool running;
};

static void *waiter_main(void *p)
{
	struct waiter *w = p;
	char b;
	while (read(w->fds[0], &b, 1) < 0 && errno == EINTR) {
	}
	return NULL;
}

/*
 * wait_single_threaded - pthread_join returns once the kernel clears the
 * thread's tid, which happens before the thread has left the thread group
 * and dropped its fs_struct; until then setns(user or mnt) still sees a
 * multithreaded caller (EINVAL: seen once in the 6.12 guest). Wait until
 * /proc/self/task lists one task, for at most two seconds.
 */
static void wait_single_threaded(void)
{
	for (int i = 0; i < 2000; i++) {
		DIR *d = opendir("/proc/self/task");
		int n = 0;
		if (d == NULL)
			return;
		for (struct dirent *e; (e = readdir(d)) != NULL;)
			n += e->d_name[0] != '.';
		(void)closedir(d);
		if (n <= 1)
			return;
		(void)usleep(1000);
	}
}

static int waiter_start(struct waiter *w)
{
	if (pipe2(w->fds, O_CLOEXEC) != 0) {
		return errno;
	}
	int rc = pthread_create(&w->thread, NULL, waiter_main, w);
	w->running = rc == 0;
	return rc;
}

static void waiter_stop(struct waiter *w)
{
	(void)close(w->fds[1]);
	if (w->running) {
		(void)pthread_join(w->thread, NULL);
		wait_single_threaded();
	}
	(void)close(w->fds[0]);
	w->running = false;
}

/* ---- row 15: creating tasks after unshare(CLONE_NEWTIME) ------------------------------ */

struct r15 {
	const char *self;
	int unshare_err;
	int thread_rc;
	int vfork_err, spawn_rc;
	int vfork_exit, spawn_exit;
	unsigned long long for_children, vfork_ns, spawn_ns;
};

static void *noop(void *p)
{
	return p;
}

/* read_ino - read the helper's output (a decimal inode) from @fd; 0 if none. */
static unsigned long long read_ino(int fd)
{
	char buf[64];
	size_t len = 0;
	ssize_t n;

	while (len < sizeof(buf) - 1 &&
	       ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0 || (n < 0 && errno == EINTR))) {
		if (n > 0) {
			len += (size_t)n;
		}
	}
	buf[len] = '\0';
	return strtoull(buf, NULL, 10);
}

static int wait_exit(pid_t pid)
{
	struct probe_child c = {0};
	probe_wait(pid, 0, PROBE_CHILD_TIMEOUT_MS, &c);
	return c.exited ? c.code : -1;
}

static void try_vfork(struct r15 *r, char *const argv[])
{
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0) {
		r->vfork_err = errno;
		return;
	}
	pid_t pid = vfork();
	if (pid == 0) {
		/* Only dup2 and execve here: the vfork child borrows our memory. */
		if (dup2(p[1], STDOUT_FILENO) >= 0) {
			(void)execve(argv[0], argv, environ);
		}
		_exit(127);
	}
	r->vfork_err = pid < 0 ? errno : 0;
	(void)close(p[1]);
	if (pid > 0) {
		r->vfork_ns = read_ino(p[0]);
		r->vfork_exit = wait_exit(pid);
	}
	(void)close(p[0]);
}

static void try_spawn(struct r15 *r, char *const argv[])
{
	posix_spawn_file_actions_t fa;
	pid_t pid = -1;
	int p[2];

	if (pipe2(p, O_CLOEXEC) != 0) {
		r->spawn_rc = errno;
		return;
	}
	r->spawn_rc = posix_spawn_file_actions_init(&fa);
	if (r->spawn_rc == 0) {
		r->spawn_rc = posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
		if (r->spawn_rc == 0) {
			r->spawn_rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
		}
		(void)posix_spawn_file_actions_destroy(&fa);
	}
	(void)close(p[1]);
	if (r->spawn_rc == 0) {
		r->spawn_ns = read_ino(p[0]);
		r->spawn_exit = wait_exit(pid);
	}
	(void)close(p[0]);
}

static int row15_child(void *arg)
{
	struct r15 *r = arg;
	char opt[] = "--print-ns", ns[] = "time";
	char *argv[] = {(char *)(uintptr_t)r->self, opt, ns, NULL};
	pthread_t t;

	if (unshare(CLONE_NEWTIME) != 0) {
		r->unshare_err = errno;
		return 0;
	}
	(void)probe_ns_ino(0, "time_for_children", &r->for_children);
	r->thread_rc = pthread_create(&t, NULL, noop, NULL);
	if (r->thread_rc == 0) {
		(void)pthread_join(t, NULL);
	}
	try_vfork(r, argv);
	try_spawn(r, argv);
	return 0;
}

static void row15(struct suite *s, bool want_new)
{
	const char *how = want_new ? "works (>= 6.3)" : "EINVAL (< 6.3)";
	char n1[160], n2[200], n3[200], e1[16];
	struct r15 *r = probe_shm_alloc(sizeof(*r));

	(void)snprintf(n1, sizeof(n1), "row 15: after unshare(CLONE_NEWTIME), pthread_create %s", how);
	(void)snprintf(n2, sizeof(n2), "row 15: after unshare(CLONE_NEWTIME), vfork %s%s", how,
	               want_new ? ", the child enters the new time ns at execve" : "");
	(void)snprintf(n3, sizeof(n3), "row 15: after unshare(CLONE_NEWTIME), posix_spawn %s%s", how,
	               want_new ? ", the child enters the new time ns at execve" : "");
	if (!r) {
		tap_check(&s->tap, false, n1, "mmap failed");
		return;
	}
	r->self = s->self;
	if (in_child(s, n1, row15_child, r)) {
		if (r->unshare_err != 0) {
			tap_check(&s->tap, false, n1, "unshare(CLONE_NEWTIME): %s", en(r->unshare_err, e1));
		} else if (want_new) {
			tap_check(&s->tap, r->thread_rc == 0, n1, "pthread_create: %s", en(r->thread_rc, e1));
			tap_check(&s->tap,
			          r->vfork_err == 0 && r->vfork_exit == 0 && r->vfork_ns == r->for_children,
			          n2, "vfork: %s, helper exit %d, its time ns %llu, time_for_children %llu",
			          en(r->vfork_err, e1), r->vfork_exit, r->vfork_ns, r->for_children);
			tap_check(&s->tap,
			          r->spawn_rc == 0 && r->spawn_exit == 0 && r->spawn_ns == r->for_children,
			          n3,
			          "posix_spawn: %s, helper exit %d, its time ns %llu, time_for_children %llu",
			          en(r->spawn_rc, e1), r->spawn_exit, r->spawn_ns, r->for_children);
		} else {
			tap_check(&s->tap, r->thread_rc == EINVAL, n1, "pthread_create: %s",
			          en(r->thread_rc, e1));
			tap_check(&s->tap, r->vfork_err == EINVAL, n2, "vfork: %s", en(r->vfork_err, e1));
			tap_check(&s->tap, r->spawn_rc == EINVAL, n3, "posix_spawn: %s", en(r->spawn_rc, e1));
		}
	}
	probe_shm_free(r, sizeof(*r));
}

/* ---- row 16: legacy clone(CLONE_NEWTIME | SIGCHLD) ---------------------------------- */

struct r16 {
	int clone_err;
	int plain_wait_err; /* errno of waitpid without __WALL */
	int child_exit;     /* 0: same time ns as the parent; 1: another */
};

static int row16_child(void *arg)
{
	struct r16 *r = arg;
	unsigned long long mine = 0;
	struct probe_child c = {0};
	int st = 0;

	(void)probe_ns_ino(0, "time", &mine);
	(void)fflush(NULL);
	/* CLONE_NEWTIME (0x80) lies inside CSIGNAL (0xff): the old clone reads it as exit signal bits. */
	long pid = syscall(SYS_clone, (unsigned long)(CLONE_NEWTIME | SIGCHLD), 0UL, NULL, NULL, 0UL);
	if (pid == 0) {
		unsigned long long now = 0;
		(void)probe_ns_ino(0, "time", &now);
		_exit(now == mine ? 0 : 1);
	}
	if (pid < 0) {
		r->clone_err = errno;
		return 0;
	}
	pid_t w = waitpid((pid_t)pid, &st, WNOHANG);
	r->plain_wait_err = w < 0 ? errno : 0;
	probe_wait((pid_t)pid, __WALL, PROBE_CHILD_TIMEOUT_MS, &c);
	r->child_exit = c.exited ? c.code : -1;
	return 0;
}

static void row16(struct suite *s)
{
	const char *name =
	        "row 16: legacy clone(CLONE_NEWTIME|SIGCHLD) succeeds, the child stays in our time ns "
	        "and only waitpid(__WALL) sees it (exit signal 0x91)";
	struct r16 *r = probe_shm_alloc(sizeof(*r));
	char e1[16], e2[16];

	if (r && in_child(s, name, row16_child, r)) {
		tap_check(
		        &s->tap, r->clone_err == 0 && r->plain_wait_err == ECHILD && r->child_exit == 0, name,
		        "clone: %s; waitpid without __WALL: %s; child exit %d (1: it was in another time ns)",
		        en(r->clone_err, e1), en(r->plain_wait_err, e2), r->child_exit);
	}
	probe_shm_free(r, sizeof(*r));
}

/* ---- row 17: clone3 with CLONE_NEWTIME -------------------------------------------------- */

static void row17(struct suite *s)
{
	const char *name = "row 17: clone3(CLONE_NEWTIME) puts the child in a new time namespace";
	struct probe_clone_args args;
	unsigned long long mine = 0;
	struct probe_child c = {0};
	char e1[16], buf[128];

	(void)probe_ns_ino(0, "time", &mine);
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_NEWTIME;
	args.exit_signal = SIGCHLD;
	pid_t pid = probe_sys_clone3(&args);
	if (pid == 0) {
		unsigned long long now = 0;
		(void)probe_ns_ino(0, "time", &now);
		_exit(now != 0 && now != mine ? 0 : 1);
	}
	if (pid < 0) {
		tap_check(&s->tap, false, name, "clone3: %s", en(errno, e1));
		return;
	}
	probe_wait(pid, 0, PROBE_CHILD_TIMEOUT_MS, &c);
	tap_check(&s->tap, probe_child_ok(&c), name, "%s (exit 1: same time ns as the parent)",
	          probe_child_describe(&c, buf, sizeof(buf)));
}

/* ---- row 18: timens_offsets freeze once a task entered -------------------------------- */

struct r18 {
	int unshare_err, first_err, second_err;
	long long delta_ns; /* child's CLOCK_MONOTONIC minus ours */
	int child_exit;
};

static long long mono_ns(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int row18_child(void *arg)
{
	struct r18 *r = arg;

	if (unshare(CLONE_NEWTIME) != 0) {
		r->unshare_err = errno;
		return 0;
	}
	r->first_err = probe_write_text("/proc/self/timens_offsets", "monotonic 100 0");
	long long t0 = mono_ns();
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		r->delta_ns = mono_ns() - t0;
		_exit(0);
	}
	r->child_exit = pid > 0 ? wait_exit(pid) : -1;
	r->second_err = probe_write_text("/proc/self/timens_offsets", "monotonic 200 0");
	return 0;
}

static void row18(struct suite *s)
{
	const char *n1 = "time offsets: timens_offsets is writable before any task entered the new time ns";
	const char *n2 = "time offsets: a child in the new time ns sees CLOCK_MONOTONIC 100 s ahead";
	const char *n3 = "row 18: writing timens_offsets after a task entered the time ns is EACCES";
	struct r18 *r = probe_shm_alloc(sizeof(*r));
	char e1[16];

	if (r && in_child(s, n1, row18_child, r)) {
		if (r->unshare_err != 0) {
			tap_check(&s->tap, false, n1, "unshare(CLONE_NEWTIME): %s", en(r->unshare_err, e1));
		} else {
			tap_check(&s->tap, r->first_err == 0, n1, "write: %s", en(r->first_err, e1));
			/* 100 s offset, and well under a second of real time between the two reads. */
			tap_check(&s->tap,
			          r->child_exit == 0 && r->delta_ns >= 99500000000LL &&
			                  r->delta_ns < 102000000000LL,
			          n2, "child exit %d, difference %lld ns", r->child_exit, r->delta_ns);
			tap_check(&s->tap, r->second_err == EACCES, n3, "second write: %s",
			          en(r->second_err, e1));
		}
	}
	probe_shm_free(r, sizeof(*r));
}

/* ---- row 19: setns into a time ns from a multithreaded process ---------------------- */

struct r19 {
	pid_t holder;
	int open_err, thread_err, mt_err, st_err;
};

static int row19_child(void *arg)
{
	struct r19 *r = arg;
	struct waiter w;
	char path[64];

	(void)snprintf(path, sizeof(path), "/proc/%d/ns/time_for_children", (int)r->holder);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r->open_err = errno;
		return 0;
	}
	r->thread_err = waiter_start(&w);
	r->mt_err = setns(fd, CLONE_NEWTIME) == 0 ? 0 : errno;
	waiter_stop(&w);
	r->st_err = setns(fd, CLONE_NEWTIME) == 0 ? 0 : errno;
	(void)close(fd);
	return 0;
}

static void row19(struct suite *s)
{
	const char *name = "row 19: setns into a time ns from a multithreaded process is EUSERS "
	                   "(single-threaded: works)";
	struct r19 *r = probe_shm_alloc(sizeof(*r));
	struct probe_holder h;
	char e1[16], e2[16], e3[16];
	int rc = probe_holder_start(&h, CLONE_NEWTIME);

	if (rc != 0 || !r) {
		tap_check(&s->tap, false, name, "holder unshare(CLONE_NEWTIME): %s", en(rc, e1));
	} else {
		r->holder = h.pid;
		if (in_child(s, name, row19_child, r)) {
			tap_check(
			        &s->tap,
			        r->open_err == 0 && r->thread_err == 0 && r->mt_err == EUSERS &&
			                r->st_err == 0,
			        name,
			        "open: %s, pthread_create: %s, setns multithreaded: %s, single-threaded: %s",
			        en(r->open_err, e1), en(r->thread_err, e2), en(r->mt_err, e3),
			        en(r->st_err, e1));
		}
	}
	probe_holder_stop(&h);
	probe_shm_free(r, sizeof(*r));
}

/* ---- rows 20, 21, 23: setns with a pidfd ---------------------------------------------- */

struct rpidfd {
	pid_t target;
	int open_err;
	int e[2];
	unsigned long long uts_before, uts_after, uts_target;
};

static int row20_child(void *arg)
{
	struct rpidfd *r = arg;
	int fd = probe_pidfd_open(r->target);

	if (fd < 0) {
		r->open_err = errno;
		return 0;
	}
	r->e[0] = setns(fd, 0) == 0 ? 0 : errno;
	r->e[1] = setns(fd, CLONE_NEWUTS | CLONE_VM) == 0 ? 0 : errno;
	(void)close(fd);
	return 0;
}

static int row21_child(void *arg)
{
	struct rpidfd *r = arg;
	int fd = probe_pidfd_open(r->target);

	if (fd < 0) {
		r->open_err = errno;
		return 0;
	}
	(void)probe_ns_ino(0, "uts", &r->uts_before);
	r->e[0] = setns(fd, CLONE_NEWUSER | CLONE_NEWUTS) == 0 ? 0 : errno;
	(void)probe_ns_ino(0, "uts", &r->uts_after);
	(void)close(fd);
	return 0;
}

static void rows20_21(struct suite *s)
{
	const char *n20a = "row 20: setns(pidfd, 0) is EINVAL";
	const char *n20b = "row 20: setns(pidfd, CLONE_NEWUTS|CLONE_VM) (a non-namespace bit) is EINVAL";
	const char *n21 =
	        "row 21: setns(pidfd, USER|UTS) on a target in our user ns is EINVAL and joins nothing";
	struct rpidfd *r = probe_shm_alloc(sizeof(*r));
	struct probe_holder h;
	char e1[16], e2[16];
	int rc = probe_holder_start(&h, CLONE_NEWUTS);

	if (rc != 0 || !r) {
		tap_check(&s->tap, false, n20a, "holder unshare(CLONE_NEWUTS): %s", en(rc, e1));
		probe_holder_stop(&h);
		probe_shm_free(r, sizeof(*r));
		return;
	}
	r->target = h.pid;
	(void)probe_ns_ino(h.pid, "uts", &r->uts_target);
	if (in_child(s, n20a, row20_child, r)) {
		tap_check(&s->tap, r->open_err == 0 && r->e[0] == EINVAL, n20a, "pidfd_open: %s, setns: %s",
		          en(r->open_err, e1), en(r->e[0], e2));
		tap_check(&s->tap, r->open_err == 0 && r->e[1] == EINVAL, n20b, "pidfd_open: %s, setns: %s",
		          en(r->open_err, e1), en(r->e[1], e2));
	}
	memset(r->e, 0, sizeof(r->e));
	if (in_child(s, n21, row21_child, r)) {
		tap_check(&s->tap,
		          r->open_err == 0 && r->e[0] == EINVAL && r->uts_after == r->uts_before &&
		                  r->uts_after != r->uts_target,
		          n21, "setns: %s; uts ns before %llu, after %llu, target %llu", en(r->e[0], e1),
		          r->uts_before, r->uts_after, r->uts_target);
	}
	probe_holder_stop(&h);
	probe_shm_free(r, sizeof(*r));
}

static int row23_child(void *arg)
{
	struct rpidfd *r = arg;
	int p[2];
	siginfo_t info;

	if (pipe2(p, O_CLOEXEC) != 0) {
		r->open_err = errno;
		return 0;
	}
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		(void)unshare(CLONE_NEWUTS);
		(void)close(p[1]);
		while (read(p[0], &b, 1) < 0 && errno == EINTR) {
		}
		_exit(0);
	}
	(void)close(p[0]);
	int fd = pid > 0 ? probe_pidfd_open(pid) : -1;
	if (fd < 0) {
		r->open_err = errno;
		(void)close(p[1]);
		if (pid > 0) {
			(void)wait_exit(pid);
		}
		return 0;
	}
	(void)close(p[1]); /* the child leaves: a zombie until we reap it */
	memset(&info, 0, sizeof(info));
	while (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
	}
	r->e[0] = setns(fd, CLONE_NEWUTS) == 0 ? 0 : errno;
	(void)wait_exit(pid);
	r->e[1] = setns(fd, CLONE_NEWUTS) == 0 ? 0 : errno;
	(void)close(fd);
	return 0;
}

static void row23(struct suite *s)
{
	const char *n1 = "row 23: setns on the pidfd of a zombie is ESRCH";
	const char *n2 = "row 23: setns on the pidfd of a reaped process is ESRCH";
	struct rpidfd *r = probe_shm_alloc(sizeof(*r));
	char e1[16], e2[16];

	if (r && in_child(s, n1, row23_child, r)) {
		tap_check(&s->tap, r->open_err == 0 && r->e[0] == ESRCH, n1, "pidfd_open: %s, setns: %s",
		          en(r->open_err, e1), en(r->e[0], e2));
		tap_check(&s->tap, r->open_err == 0 && r->e[1] == ESRCH, n2, "pidfd_open: %s, setns: %s",
		          en(r->open_err, e1), en(r->e[1], e2));
	}
	probe_shm_free(r, sizeof(*r));
}

/* ---- row 22: setns user or mnt from a multithreaded caller --------------------------- */

struct r22 {
	pid_t user_holder, mnt_holder;
	int open_err, thread_err;
	int mt_user, mt_mnt, st_mnt, st_user;
};

static int row22_child(void *arg)
{
	struct r22 *r = arg;
	struct waiter w;
	char p1[64], p2[64];

	(void)snprintf(p1, sizeof(p1), "/proc/%d/ns/user", (int)r->user_holder);
	(void)snprintf(p2, sizeof(p2), "/proc/%d/ns/mnt", (int)r->mnt_holder);
	int ufd = open(p1, O_RDONLY | O_CLOEXEC);
	int mfd = open(p2, O_RDONLY | O_CLOEXEC);
	if (ufd < 0 || mfd < 0) {
		r->open_err = errno;
		return 0;
	}
	r->thread_err = waiter_start(&w);
	r->mt_user = setns(ufd, CLONE_NEWUSER) == 0 ? 0 : errno;
	r->mt_mnt = setns(mfd, CLONE_NEWNS) == 0 ? 0 : errno;
	waiter_stop(&w);
	/* Controls: single-threaded, both joins work (mnt first: joining the user ns drops our caps here). */
	r->st_mnt = setns(mfd, CLONE_NEWNS) == 0 ? 0 : errno;
	r->st_user = setns(ufd, CLONE_NEWUSER) == 0 ? 0 : errno;
	(void)close(ufd);
	(void)close(mfd);
	return 0;
}

static void row22(struct suite *s)
{
	const char *name =
	        "row 22: setns user or mnt ns from a multithreaded caller is EINVAL (single-threaded: works)";
	struct r22 *r = probe_shm_alloc(sizeof(*r));
	struct probe_holder hu, hm;
	char e1[16], e2[16], e3[16], e4[16], e5[16];
	int rc1 = probe_holder_start(&hu, CLONE_NEWUSER);
	int rc2 = probe_holder_start(&hm, CLONE_NEWNS);

	if (rc1 != 0 || rc2 != 0 || !r) {
		tap_check(&s->tap, false, name,
		          "holders: unshare(CLONE_NEWUSER): %s, unshare(CLONE_NEWNS): %s", en(rc1, e1),
		          en(rc2, e2));
	} else {
		r->user_holder = hu.pid;
		r->mnt_holder = hm.pid;
		if (in_child(s, name, row22_child, r)) {
			tap_check(&s->tap,
			          r->open_err == 0 && r->thread_err == 0 && r->mt_user == EINVAL &&
			                  r->mt_mnt == EINVAL && r->st_mnt == 0 && r->st_user == 0,
			          name,
			          "open: %s, thread: %s; multithreaded: user %s, mnt %s; single-threaded: "
			          "mnt %s, user %s",
			          en(r->open_err, e1), en(r->thread_err, e2), en(r->mt_user, e3),
			          en(r->mt_mnt, e4), en(r->st_mnt, e5), en(r->st_user, e1));
		}
	}
	probe_holder_stop(&hu);
	probe_holder_stop(&hm);
	probe_shm_free(r, sizeof(*r));
}

/* ---- the group -------------------------------------------------------------------- */

static void skip_all(struct suite *s, const char *const names[], size_t n, bool supported, const char *why)
{
	for (size_t i = 0; i < n; i++) {
		tap_skip(&s->tap, names[i], supported, "%s", why);
	}
}

void suite_ns(struct suite *s)
{
	static const char *const timens_rows[] = {"rows 15-19: time namespace rows"};
	static const char *const pidfd_rows[] = {"rows 20, 21, 23: setns with a pidfd"};
	struct probe_note how;

	if (!s->root) {
		skip_all(s, timens_rows, 1, true, "needs root");
		skip_all(s, pidfd_rows, 1, true, "needs root");
		skip_all(s, (const char *const[]){"row 22: setns user/mnt from a multithreaded caller"}, 1,
		         true, "needs root");
		return;
	}
	enum probe_tri timens = probe_has_time_namespaces(&how);
	tap_diag(&s->tap, "time namespaces: %s", how.text);
	if (timens == PROBE_YES) {
		row15(s, probe_kernel_at_least(TIMENS_VM_MAJOR, TIMENS_VM_MINOR));
		row16(s);
		row17(s);
		row18(s);
		row19(s);
	} else {
		skip_all(s, timens_rows, 1, timens != PROBE_NO, how.text);
	}
	enum probe_tri pidfd = probe_has_setns_pidfd(&how);
	tap_diag(&s->tap, "setns with a pidfd: %s", how.text);
	if (pidfd == PROBE_YES) {
		rows20_21(s);
		row23(s);
	} else {
		skip_all(s, pidfd_rows, 1, pidfd != PROBE_NO, how.text);
	}
	row22(s);
}
