/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe_util.c - plumbing of the probe experiments: notes, small file I/O,
 * children with a hard timeout, raw system calls and CPU sets.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/* ---- notes ----------------------------------------------------------------- */

__attribute__((format(printf, 3, 0))) static void note_vappend(struct probe_note *n, size_t at,
                                                               const char *fmt, va_list ap)
{
	if (at >= sizeof(n->text)) {
		return;
	}
	/* vsnprintf truncates and always terminates: a long note is cut, never overrun.
	 * clang-tidy 14 reports @ap "uninitialized" here when it analyzes several files
	 * in one run (a cross-TU false positive: every caller does va_start). */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	(void)vsnprintf(n->text + at, sizeof(n->text) - at, fmt, ap);
}

void probe_note_set(struct probe_note *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_vappend(n, 0, fmt, ap);
	va_end(ap);
}

void probe_note_add(struct probe_note *n, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	note_vappend(n, strnlen(n->text, sizeof(n->text)), fmt, ap);
	va_end(ap);
}

/* The errno values these experiments can meet, by name: notes say "EINVAL", not "22". */
static const struct {
	int err;
	const char *name;
} errnames[] = {
        {EPERM, "EPERM"},   {ENOENT, "ENOENT"},       {ESRCH, "ESRCH"},   {EINTR, "EINTR"},
        {EIO, "EIO"},       {E2BIG, "E2BIG"},         {EBADF, "EBADF"},   {ECHILD, "ECHILD"},
        {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"},       {EACCES, "EACCES"}, {EFAULT, "EFAULT"},
        {EBUSY, "EBUSY"},   {EEXIST, "EEXIST"},       {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"},
        {EINVAL, "EINVAL"}, {ENOSPC, "ENOSPC"},       {EROFS, "EROFS"},   {ERANGE, "ERANGE"},
        {ENOSYS, "ENOSYS"}, {ENOTEMPTY, "ENOTEMPTY"}, {EUSERS, "EUSERS"}, {EOPNOTSUPP, "EOPNOTSUPP"},
        {EFBIG, "EFBIG"},   {ETIMEDOUT, "ETIMEDOUT"}, {ENXIO, "ENXIO"},   {ENAMETOOLONG, "ENAMETOOLONG"},
};

const char *probe_errname(int err, char buf[16])
{
	for (size_t i = 0; i < sizeof(errnames) / sizeof(errnames[0]); i++) {
		if (errnames[i].err == err) {
			return errnames[i].name;
		}
	}
	(void)snprintf(buf, 16, "E%d", err);
	return buf;
}

/* ---- files ----------------------------------------------------------------- */

int probe_read_text(const char *path, char *buf, size_t cap)
{
	size_t len = 0;
	int rc = 0;
	int fd;

	if (cap == 0) {
		return EINVAL;
	}
	buf[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		return errno;
	}
	for (;;) {
		if (len == cap - 1) {
			char extra;
			ssize_t more = read(fd, &extra, 1);
			rc = more > 0 ? EFBIG : (more < 0 ? errno : 0);
			break;
		}
		ssize_t n = read(fd, buf + len, cap - 1 - len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			rc = errno;
			break;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
	(void)close(fd);
	buf[len] = '\0';
	if (rc != 0) {
		buf[0] = '\0';
		return rc;
	}
	if (len > 0 && buf[len - 1] == '\n') {
		buf[len - 1] = '\0';
	}
	return 0;
}

int probe_write_text(const char *path, const char *text)
{
	size_t len = strlen(text);
	int rc = 0;
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		return errno;
	}
	ssize_t n;
	do {
		n = write(fd, text, len);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		rc = errno;
	} else if ((size_t)n != len) {
		rc = EIO; /* a cgroup or proc file took part of it: nothing to resume */
	}
	if (close(fd) != 0 && rc == 0 && errno != EINTR) {
		rc = errno;
	}
	return rc;
}

bool probe_path(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	/* the same clang-tidy 14 multi-file false positive as in note_vappend */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	n = vsnprintf(buf, cap, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= cap) {
		if (cap > 0) {
			buf[0] = '\0';
		}
		return false;
	}
	return true;
}

/* ---- shared memory and children -------------------------------------------- */

void *probe_shm_alloc(size_t size)
{
	void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

void probe_shm_free(void *p, size_t size)
{
	if (p != NULL) {
		(void)munmap(p, size);
	}
}

bool probe_child_ok(const struct probe_child *c)
{
	return c->started && c->exited && c->code == 0;
}

const char *probe_child_describe(const struct probe_child *c, char *buf, size_t cap)
{
	char eb[16];

	if (!c->started) {
		(void)snprintf(buf, cap, "could not start a child: %s", probe_errname(c->sys_errno, eb));
	} else if (c->timed_out) {
		(void)snprintf(buf, cap, "child killed after the %u ms timeout", PROBE_CHILD_TIMEOUT_MS);
	} else if (c->exited) {
		(void)snprintf(buf, cap, "child exit %d", c->code);
	} else if (c->signal != 0) {
		(void)snprintf(buf, cap, "child killed by signal %d", c->signal);
	} else {
		(void)snprintf(buf, cap, "wait failed: %s", probe_errname(c->sys_errno, eb));
	}
	return buf;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = {.tv_sec = (time_t)(ms / 1000u), .tv_nsec = (long)(ms % 1000u) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
	}
}

static void decode_status(int status, struct probe_child *out)
{
	if (WIFEXITED(status)) {
		out->exited = true;
		out->code = WEXITSTATUS(status);
	} else if (WIFSIGNALED(status)) {
		out->signal = WTERMSIG(status);
	}
}

void probe_wait(pid_t pid, int wflags, unsigned timeout_ms, struct probe_child *out)
{
	unsigned waited = 0;
	int status = 0;

	out->started = true;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG | wflags);
		if (r == pid) {
			decode_status(status, out);
			return;
		}
		if (r < 0 && errno != EINTR) {
			out->sys_errno = errno;
			return;
		}
		if (waited >= timeout_ms) {
			break;
		}
		/* Poll: start fast (most experiments take microseconds), back off to 10 ms. */
		unsigned step = waited < 20 ? 1 : 10;
		sleep_ms(step);
		waited += step;
	}
	out->timed_out = true;
	(void)kill(pid, SIGKILL);
	while (waitpid(pid, &status, wflags) < 0 && errno == EINTR) {
	}
}

void probe_run_child(int (*fn)(void *), void *arg, unsigned timeout_ms, struct probe_child *out)
{
	memset(out, 0, sizeof(*out));
	/* Flush stdio first so the child cannot write the parent's buffered output twice. */
	(void)fflush(NULL);
	pid_t pid = fork();
	if (pid < 0) {
		out->sys_errno = errno;
		return;
	}
	if (pid == 0) {
		_exit(fn(arg) & 0xff);
	}
	probe_wait(pid, 0, timeout_ms, out);
}

void probe_hold_signals(sigset_t *saved)
{
	sigset_t set;

	(void)sigemptyset(&set);
	(void)sigaddset(&set, SIGINT);
	(void)sigaddset(&set, SIGTERM);
	(void)sigaddset(&set, SIGHUP);
	(void)sigprocmask(SIG_BLOCK, &set, saved);
}

void probe_release_signals(const sigset_t *saved)
{
	(void)sigprocmask(SIG_SETMASK, saved, NULL);
}

/* ---- raw system calls ------------------------------------------------------ */

pid_t probe_sys_clone3(const struct probe_clone_args *args)
{
	/* Flush stdio: the child has a copy of the parent's buffers. */
	(void)fflush(NULL);
	return (pid_t)syscall(SYS_clone3, args, sizeof(*args));
}

int probe_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int probe_ns_ino(pid_t pid, const char *name, unsigned long long *ino)
{
	char path[64];
	struct stat st;

	if (pid == 0) {
		(void)snprintf(path, sizeof(path), "/proc/self/ns/%s", name);
	} else {
		(void)snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	}
	if (stat(path, &st) != 0) {
		return errno;
	}
	*ino = (unsigned long long)st.st_ino;
	return 0;
}

void probe_kernel_release(char *buf, size_t cap)
{
	struct utsname u;

	if (uname(&u) != 0) {
		(void)snprintf(buf, cap, "?");
		return;
	}
	(void)snprintf(buf, cap, "%s", u.release);
}

bool probe_kernel_at_least(unsigned major, unsigned minor)
{
	char rel[128];
	char *end = NULL;

	probe_kernel_release(rel, sizeof(rel));
	errno = 0;
	unsigned long ma = strtoul(rel, &end, 10);
	if (errno != 0 || end == rel || *end != '.') {
		return false;
	}
	const char *second = end + 1;
	unsigned long mi = strtoul(second, &end, 10);
	if (errno != 0 || end == second) {
		return false;
	}
	return ma > major || (ma == major && mi >= minor);
}

/* ---- CPU sets -------------------------------------------------------------- */

void probe_cpus_clear(struct nsb_cpuset *s)
{
	memset(s, 0, sizeof(*s));
}

void probe_cpus_add(struct nsb_cpuset *s, uint32_t cpu)
{
	if (cpu <= NSB_CPU_MAX) {
		s->bits[cpu / 64u] |= (uint64_t)1 << (cpu % 64u);
	}
}

void probe_cpus_fix(struct nsb_cpuset *s)
{
	s->count = 0;
	s->highest = 0;
	for (uint32_t w = 0; w < NSB_CPUSET_WORDS; w++) {
		uint64_t v = s->bits[w];
		for (uint32_t b = 0; v != 0; b++, v >>= 1) {
			if (v & 1u) {
				s->count++;
				s->highest = w * 64u + b;
			}
		}
	}
}

bool probe_cpus_equal(const struct nsb_cpuset *a, const struct nsb_cpuset *b)
{
	return memcmp(a->bits, b->bits, sizeof(a->bits)) == 0;
}

bool probe_cpus_nth(const struct nsb_cpuset *s, uint32_t n, uint32_t *cpu)
{
	uint32_t seen = 0;

	for (uint32_t c = 0; c <= NSB_CPU_MAX; c++) {
		if (nsb_cpuset_has(s, c)) {
			if (seen == n) {
				*cpu = c;
				return true;
			}
			seen++;
		}
	}
	return false;
}

const char *probe_cpus_text(const struct nsb_cpuset *s, char *buf, size_t cap)
{
	char list[256];

	if (s->count == 0) {
		(void)snprintf(buf, cap, "{}");
		return buf;
	}
	size_t n = nsb_cpulist_format(s, list, sizeof(list));
	(void)snprintf(buf, cap, "{%s%s}", list, n >= sizeof(list) ? "..." : "");
	return buf;
}

int probe_read_cpus(const char *path, struct nsb_cpuset *out)
{
	char text[4096];
	struct nsb_error err;
	int rc = probe_read_text(path, text, sizeof(text));

	probe_cpus_clear(out);
	if (rc != 0) {
		return rc;
	}
	if (nsb_cpulist_parse(text, strlen(text), out, &err) != NSB_OK) {
		probe_cpus_clear(out);
		return EINVAL;
	}
	return 0;
}

int probe_getaff(pid_t pid, struct nsb_cpuset *out)
{
	probe_cpus_clear(out);
	/* The kernel writes cpumask_size() bytes (<= 1 KiB on x86) and leaves the rest zero. */
	long n = syscall(SYS_sched_getaffinity, pid, sizeof(out->bits), out->bits);
	if (n < 0) {
		int e = errno;
		probe_cpus_clear(out);
		return e;
	}
	probe_cpus_fix(out);
	return 0;
}

int probe_setaff(pid_t pid, const struct nsb_cpuset *set)
{
	size_t bytes = nsb_cpuset_bytes(set);

	if (syscall(SYS_sched_setaffinity, pid, bytes, set->bits) != 0) {
		return errno;
	}
	return 0;
}

int probe_setaff_all(pid_t pid)
{
	/* 1 KiB of ones covers NR_CPUS up to 8192; longer masks are accepted too. */
	uint64_t ones[128];

	memset(ones, 0xff, sizeof(ones));
	if (syscall(SYS_sched_setaffinity, pid, sizeof(ones), ones) != 0) {
		return errno;
	}
	return 0;
}
