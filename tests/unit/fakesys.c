/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fakesys.c - the fake seam of fakesys.h.
 */
#include "fakesys.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define CLONE_NEWUSER_FLAG 0x10000000u

enum { FD_NONE, FD_NS, FD_PIDFD, FD_PROC };

struct fk_shared *fk_shared_new(void)
{
	void *p = mmap(NULL, sizeof(struct fk_shared), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
	               0);
	if (p == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	memset(p, 0, sizeof(struct fk_shared));
	return p;
}

void fk_reset(struct fk_shared *sh)
{
	memset(sh, 0, sizeof(*sh));
	sh->fail_stage = -1;
	sh->fail_site = -1;
	sh->corrupt_stage = -1;
	sh->first_failed = -1;
}

int fk_site_index(const struct nsb_site *site)
{
	size_t n = 0;
	const struct nsb_site *const *all = nsb_sys_sites(&n);
	for (size_t i = 0; i < n && i < FK_MAX_SITES; i++) {
		if (all[i] == site)
			return (int)i;
	}
	return -1;
}

/* Append to a shared buffer from any process: reserve with an atomic add. */
static void shared_append(char *buf, size_t cap, size_t *len, const char *text, size_t n)
{
	size_t at = __atomic_fetch_add(len, n, __ATOMIC_SEQ_CST);
	if (at < cap)
		memcpy(buf + at, text, at + n <= cap ? n : cap - at);
}

__attribute__((format(printf, 2, 3))) static void rec(struct fk_ctx *cx, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	size_t len = (size_t)n < sizeof(line) - 2 ? (size_t)n : sizeof(line) - 2;
	line[len++] = '\n';
	shared_append(cx->sh->rec, sizeof(cx->sh->rec), &cx->sh->rec_len, line, len);
}

long fk_rec_find(const struct fk_shared *sh, const char *line)
{
	size_t n = strlen(line);
	size_t len = sh->rec_len < sizeof(sh->rec) ? sh->rec_len : sizeof(sh->rec);
	for (const char *p = sh->rec; p + n <= sh->rec + len; p++) {
		if ((p == sh->rec || p[-1] == '\n') && memcmp(p, line, n) == 0 &&
		    (p + n == sh->rec + len || p[n] == '\n'))
			return (long)(p - sh->rec);
	}
	return -1;
}

bool fk_rec_has(const struct fk_shared *sh, const char *line)
{
	return fk_rec_find(sh, line) >= 0;
}

/* ---- injection ------------------------------------------------------------ */

static void on_site(void *ctx, const struct nsb_site *site)
{
	struct fk_ctx *cx = ctx;
	struct fk_shared *sh = cx->sh;
	int idx = fk_site_index(site);
	bool fail;

	cx->calls++;
	sh->stage_calls[cx->stage] = cx->calls;
	if (idx >= 0)
		sh->executed[idx] = 1;
	fail = (cx->stage == sh->fail_stage && cx->calls == sh->fail_nth) ||
	       (sh->fail_cleanup && site->kind == NSB_SITE_CLEANUP);
	if (idx >= 0 && idx == sh->fail_site &&
	    __atomic_exchange_n(&sh->site_failed_once, 1, __ATOMIC_SEQ_CST) == 0)
		fail = true;
	if (!fail)
		return;
	cx->fail_next = true;
	if (idx >= 0)
		sh->failed[idx] = 1;
	__atomic_fetch_add(&sh->injected, 1, __ATOMIC_SEQ_CST);
	int none = -1;
	(void)__atomic_compare_exchange_n(&sh->first_failed, &none, idx, false, __ATOMIC_SEQ_CST,
	                                  __ATOMIC_SEQ_CST);
}

/* Take the pending injected failure, if any: then the call returns -1/EIO. */
static bool injected(struct fk_ctx *cx)
{
	if (!cx->fail_next)
		return false;
	cx->fail_next = false;
	errno = EIO;
	return true;
}

static void fd_forget(struct fk_ctx *cx, int fd)
{
	if (fd >= 0 && fd < 1024)
		cx->fds[fd].kind = FD_NONE;
}

static int fake_fd(struct fk_ctx *cx, int kind, uint32_t actual, const char *path)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (fd < 0 || fd >= 1024)
		abort();
	cx->fds[fd].kind = kind;
	cx->fds[fd].actual = actual;
	cx->fds[fd].fs_type = 0;
	(void)snprintf(cx->fds[fd].path, sizeof(cx->fds[fd].path), "%s", path);
	return fd;
}

static int kind_of(const struct fk_ctx *cx, int fd)
{
	return fd >= 0 && fd < 1024 ? cx->fds[fd].kind : FD_NONE;
}

/* ---- files ------------------------------------------------------------------ */

static int fk_open(void *ctx, const char *path, int flags, mode_t mode)
{
	struct fk_ctx *cx = ctx;
	(void)mode;
	if (injected(cx))
		return -1;
	/* a namespace fd reopened through procfs: the same file, recorded as an
	 * open of its path with these flags */
	int self_fd = -1, used = 0;
	if ((sscanf(path, "/proc/self/fd/%d%n", &self_fd, &used) == 1 ||
	     sscanf(path, "/proc/thread-self/fd/%d%n", &self_fd, &used) == 1) &&
	    path[used] == '\0' && kind_of(cx, self_fd) == FD_NS) {
		char same[sizeof(cx->fds[0].path)];
		long fs_type = cx->fds[self_fd].fs_type;
		memcpy(same, cx->fds[self_fd].path, sizeof(same));
		rec(cx, "open %s %#x", same, (unsigned)flags);
		int fd = fake_fd(cx, FD_NS, cx->fds[self_fd].actual, same);
		cx->fds[fd].fs_type = fs_type;
		return fd;
	}
	if (cx->sc != NULL && cx->sc->ns != NULL) {
		for (const struct fk_ns *ns = cx->sc->ns; ns->path != NULL; ns++) {
			if (strcmp(ns->path, path) == 0) {
				rec(cx, "open %s %#x", path, (unsigned)flags);
				int fd = fake_fd(cx, FD_NS, ns->actual, path);
				if (strcmp(path, cx->sh->fs_path) == 0)
					cx->fds[fd].fs_type = cx->sh->fs_type;
				return fd;
			}
		}
	}
	if (strncmp(path, "/proc/", 6) == 0 && strlen(path) > 7 &&
	    strcmp(path + strlen(path) - 7, "/ns/mnt") == 0) {
		rec(cx, "open %s", path);
		return fake_fd(cx, FD_NS, 0x00020000u /* CLONE_NEWNS */, path);
	}
	if ((flags & O_PATH) != 0) { /* a mount source: the real thing, so it can be checked */
		rec(cx, "open-path %s", path);
		return open(path, flags);
	}
	if (strcmp(path, "/proc/thread-self/children") == 0) /* the runtime's children: real */
		return open(path, flags);
	if (strncmp(path, "/proc/", 6) == 0 || strncmp(path, "/sys/fs/cgroup/", 15) == 0) {
		rec(cx, "open %s", path);
		return fake_fd(cx, FD_PROC, 0, path);
	}
	errno = ENOENT;
	return -1;
}

static int fk_close(void *ctx, int fd)
{
	struct fk_ctx *cx = ctx;
	bool fail = injected(cx);
	/* Linux releases the fd even when close reports an error. */
	int r = close(fd);
	fd_forget(cx, fd);
	if (fail) {
		errno = EIO;
		return -1;
	}
	return r;
}

static ssize_t fk_read(void *ctx, int fd, void *buf, size_t count)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	ssize_t n = read(fd, buf, count);
	uint32_t v;
	cx->reads++;
	cx->sh->stage_reads[cx->stage] = cx->reads;
	/* replace a sync value (never a pid, never the bootstrap) by another */
	if (n == 4 && cx->stage == cx->sh->corrupt_stage && cx->reads == cx->sh->corrupt_nth) {
		memcpy(&v, buf, 4);
		if (v >= 0x40 && v <= 0x47 && v != cx->sh->corrupt_value) {
			memcpy(buf, &cx->sh->corrupt_value, 4);
			cx->sh->corrupted = 1;
		}
	}
	return n;
}

static ssize_t fk_write(void *ctx, int fd, const void *buf, size_t count)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (kind_of(cx, fd) == FD_PROC) {
		const char *file = strrchr(cx->fds[fd].path, '/');
		if (cx->sc != NULL && cx->sc->write_eperm != NULL && file != NULL &&
		    strstr(cx->sc->write_eperm, file + 1) != NULL) {
			rec(cx, "write %s EPERM", cx->fds[fd].path);
			errno = EPERM;
			return -1;
		}
		rec(cx, "write %s %.*s", cx->fds[fd].path, (int)count, (const char *)buf);
		return (ssize_t)count - (cx->sh->short_writes ? 1 : 0);
	}
	if (fd == 2 && cx->stage != FK_PARENT) {
		shared_append(cx->sh->err, sizeof(cx->sh->err), &cx->sh->err_len, buf, count);
		return (ssize_t)count;
	}
	return write(fd, buf, count);
}

static ssize_t fk_send(void *ctx, int fd, const void *buf, size_t len, int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return send(fd, buf, len, flags);
}

static int fk_fcntl(void *ctx, int fd, int cmd, int arg)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return fcntl(fd, cmd, arg);
}

static int fk_stat(void *ctx, const char *path, struct stat *st)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return stat(path, st);
}

static int fk_socketpair(void *ctx, int domain, int type, int protocol, int sv[2])
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return socketpair(domain, type, protocol, sv);
}

static int fk_pipe2(void *ctx, int fds[2], int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return pipe2(fds, flags);
}

static int fk_dup3(void *ctx, int oldfd, int newfd, int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return dup3(oldfd, newfd, flags);
}

static int fk_close_range(void *ctx, unsigned int first, unsigned int last, int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return (int)syscall(SYS_close_range, first, last, flags);
}

static int fk_shutdown(void *ctx, int fd, int how)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "shutdown %d", how);
	return shutdown(fd, how);
}

static int fk_poll(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return poll(fds, nfds, timeout);
}

/* ---- processes ---------------------------------------------------------------- */

static void become_child(struct fk_ctx *cx, int stage)
{
	cx->stage = stage;
	cx->calls = 0;
	cx->reads = 0;
}

static pid_t fk_clone_parent(void *ctx)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	pid_t pid = (pid_t)syscall(SYS_clone, (unsigned long)(0x00008000 /* CLONE_PARENT */ | SIGCHLD), 0UL,
	                           0UL, 0UL, 0UL);
	if (pid == 0)
		become_child(cx, cx->stage + 1);
	return pid;
}

static pid_t fk_fork(void *ctx)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	pid_t pid = fork();
	if (pid == 0)
		become_child(cx, cx->stage == FK_PARENT ? FK_SPAWN : FK_HELPER);
	return pid;
}

static pid_t fk_waitpid(void *ctx, pid_t pid, int *status, int options)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	pid_t r = waitpid(pid, status, options);
	if (r > 0 && cx->stage == FK_PARENT)
		rec(cx, "reaped %d", (int)r);
	return r;
}

static int fk_kill(void *ctx, pid_t pid, int sig)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return kill(pid, sig);
}

static void list_fds(int *fds, bool *cloexec, int *n)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	*n = 0;
	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL && *n < FK_MAX_FDS) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dirfd(d))
			continue;
		fds[*n] = fd;
		cloexec[*n] = (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0;
		(*n)++;
	}
	closedir(d);
}

/* The helper (newuidmap): record how it was started, end as told. */
static int fk_execve(void *ctx, const char *path, char *const argv[], char *const envp[])
{
	struct fk_ctx *cx = ctx;
	struct fk_shared *sh = cx->sh;
	int fds[FK_MAX_FDS], n;
	bool cloexec[FK_MAX_FDS];
	if (injected(cx))
		return -1;
	if (cx->stage == FK_SPAWN) /* the runtime starting init: the real thing */
		return execve(path, argv, envp);
	int slot = __atomic_fetch_add(&sh->helper_count, 1, __ATOMIC_SEQ_CST);
	if (slot < 4) {
		size_t len = 0;
		for (size_t i = 0; argv[i] != NULL && len < sizeof(sh->helper_argv[0]); i++)
			len += (size_t)snprintf(sh->helper_argv[slot] + len, sizeof(sh->helper_argv[0]) - len,
			                        "%s%s", i > 0 ? " " : "", argv[i]);
	}
	(void)path;
	for (sh->helper_envc = 0; envp[sh->helper_envc] != NULL;)
		sh->helper_envc++;
	list_fds(fds, cloexec, &n);
	for (int i = 0; i < n; i++)
		sh->helper_inherited += fds[i] > 2 && !cloexec[i];
	if (cx->sc != NULL && cx->sc->helper_status < 0)
		(void)raise(SIGKILL);
	_exit(cx->sc != NULL ? cx->sc->helper_status : 0);
}

static pid_t fk_getpid(void *ctx)
{
	(void)ctx;
	return getpid();
}

static pid_t fk_getppid(void *ctx)
{
	(void)ctx;
	return getppid();
}

static int fk_pidfd_open(void *ctx, pid_t pid, unsigned int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (cx->stage == FK_PARENT) /* the runtime's pidfd of stage-0 is real: it is polled */
		return (int)syscall(SYS_pidfd_open, pid, flags);
	rec(cx, "pidfd_open %d", (int)pid);
	char name[32];
	(void)snprintf(name, sizeof(name), "%d", (int)pid);
	return fake_fd(cx, FD_PIDFD, 0, name);
}

static int fk_pidfd_send_signal(void *ctx, int pidfd, int sig, unsigned int flags)
{
	struct fk_ctx *cx = ctx;
	(void)sig, (void)flags;
	if (injected(cx))
		return -1;
	if (kind_of(cx, pidfd) != FD_PIDFD) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

static int fk_prctl(void *ctx, int option, unsigned long arg2)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (option == PR_SET_NAME)
		return prctl(option, arg2, 0UL, 0UL, 0UL);
	rec(cx, "prctl %d %lu", option, arg2);
	return 0;
}

static int fk_sched_getaffinity(void *ctx, pid_t pid, size_t size, void *mask)
{
	struct fk_ctx *cx = ctx;
	unsigned n = cx->sh->fake_cpus;
	if (injected(cx))
		return -1;
	if (n == 0)
		return sched_getaffinity(pid, size, mask);
	if (size * 8 < n) {
		errno = EINVAL;
		return -1;
	}
	/* CPUs 1 and n - 1, bit c of the little-endian byte array */
	memset(mask, 0, size);
	((unsigned char *)mask)[0] = 2;
	((unsigned char *)mask)[(n - 1) / 8] |= (unsigned char)(1u << ((n - 1) % 8));
	return 0;
}

/* The CPUs of a mask of @size bytes as a list ("0-3,9"); "-" when empty. */
void fk_mask_text(const void *mask, size_t size, char *buf, size_t cap)
{
	const unsigned char *m = mask;
	size_t len = 0, c = 0, bits = size * 8;
	buf[0] = '\0';
	while (c < bits && len + 24 < cap) {
		if (!((m[c / 8] >> (c % 8)) & 1u)) {
			c++;
			continue;
		}
		size_t hi = c;
		while (hi + 1 < bits && ((m[(hi + 1) / 8] >> ((hi + 1) % 8)) & 1u))
			hi++;
		len += (size_t)snprintf(buf + len, cap - len, "%s%zu", len ? "," : "", c);
		if (hi > c)
			len += (size_t)snprintf(buf + len, cap - len, "-%zu", hi);
		c = hi + 1;
	}
	if (buf[0] == '\0')
		(void)snprintf(buf, cap, "-");
}

static int fk_sched_setaffinity(void *ctx, pid_t pid, size_t size, const void *mask)
{
	struct fk_ctx *cx = ctx;
	char list[256];
	if (injected(cx))
		return -1;
	fk_mask_text(mask, size, list, sizeof(list));
	rec(cx, "sched_setaffinity %d %zu %s", (int)pid, size, list);
	return 0;
}

/* ---- namespaces and credentials -------------------------------------------------- */

static const char *const ns_names[32] = {
        [7] = "time", [17] = "mnt",  [25] = "cgroup", [26] = "uts",
        [27] = "ipc", [28] = "user", [29] = "pid",    [30] = "net",
};

const char *fk_joined(const struct fk_shared *sh, uint32_t flag)
{
	for (unsigned bit = 0; bit < 32; bit++) {
		if (flag == 1u << bit)
			return sh->joined[bit];
	}
	return "";
}

/* stage-1's joins, by type: @what for each CLONE_NEW* bit of @nstype */
static void note_joined(struct fk_ctx *cx, uint32_t nstype, const char *pid, const char *path)
{
	if (cx->stage != FK_STAGE1)
		return;
	for (unsigned bit = 0; bit < 32; bit++) {
		if ((nstype & (1u << bit)) == 0)
			continue;
		if (path != NULL)
			(void)snprintf(cx->sh->joined[bit], sizeof(cx->sh->joined[bit]), "%s", path);
		else
			(void)snprintf(cx->sh->joined[bit], sizeof(cx->sh->joined[bit]), "/proc/%s/ns/%s%s",
			               pid, ns_names[bit] != NULL ? ns_names[bit] : "?",
			               cx->sh->pid_moved ? " (moved)" : "");
	}
}

static int fk_setns(void *ctx, int fd, int nstype)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (kind_of(cx, fd) == FD_PIDFD) {
		/* the namespaces the process has now: with pid_moved, not the ones opened */
		rec(cx, "setns pidfd %#x", (unsigned)nstype);
		note_joined(cx, (uint32_t)nstype, cx->fds[fd].path, NULL);
		return 0;
	}
	if (kind_of(cx, fd) != FD_NS || cx->fds[fd].actual != (uint32_t)nstype) {
		errno = EINVAL;
		return -1;
	}
	if (cx->sc != NULL && (uint32_t)nstype == cx->sc->setns_eperm && !cx->setns_eperm_done) {
		cx->setns_eperm_done = 1;
		rec(cx, "setns %s EPERM", cx->fds[fd].path);
		errno = EPERM;
		return -1;
	}
	rec(cx, "setns %s", cx->fds[fd].path);
	note_joined(cx, (uint32_t)nstype, NULL, cx->fds[fd].path);
	return 0;
}

static int fk_unshare(void *ctx, int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "unshare %#x", (unsigned)flags);
	return 0;
}

static int fk_ioctl(void *ctx, int fd, unsigned long request)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (request != NS_GET_NSTYPE || kind_of(cx, fd) != FD_NS || cx->fds[fd].actual == 0) {
		errno = ENOTTY;
		return -1;
	}
	return (int)cx->fds[fd].actual;
}

static pid_t fk_setsid(void *ctx)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "setsid");
	return 1;
}

static int fk_setuid(void *ctx, uid_t uid)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "setuid %u", (unsigned)uid);
	return 0;
}

static int fk_setgid(void *ctx, gid_t gid)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "setgid %u", (unsigned)gid);
	return 0;
}

static int fk_setresuid(void *ctx, uid_t r, uid_t e, uid_t s)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "setresuid %u %u %u", (unsigned)r, (unsigned)e, (unsigned)s);
	return 0;
}

static int fk_setresgid(void *ctx, gid_t r, gid_t e, gid_t s)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	rec(cx, "setresgid %u %u %u", (unsigned)r, (unsigned)e, (unsigned)s);
	return 0;
}

static int fk_setgroups(void *ctx, size_t size, const gid_t *list)
{
	struct fk_ctx *cx = ctx;
	(void)list;
	if (injected(cx))
		return -1;
	if (cx->sc != NULL && cx->sc->setgroups_eperm) {
		rec(cx, "setgroups %zu EPERM", size);
		errno = EPERM;
		return -1;
	}
	rec(cx, "setgroups %zu", size);
	return 0;
}

/* ---- fd passing ------------------------------------------------------------------ */

static ssize_t fk_sendmsg(void *ctx, int fd, const struct msghdr *msg, int flags)
{
	struct fk_ctx *cx = ctx;
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(3 * sizeof(int))];
	} control;
	struct msghdr m = *msg;
	const struct cmsghdr *c = CMSG_FIRSTHDR(msg);
	int passed, copies = cx->sh->mount_msg == FK_MSG_NO_FD       ? 0
	                     : cx->sh->mount_msg == FK_MSG_TWO_FDS   ? 2
	                     : cx->sh->mount_msg == FK_MSG_THREE_FDS ? 3
	                                                             : 1;
	if (injected(cx))
		return -1;
	if (cx->sh->eintr_msg && !cx->eintr_send_done) {
		cx->eintr_send_done = true;
		errno = EINTR;
		return -1;
	}
	if (c == NULL || c->cmsg_type != SCM_RIGHTS)
		abort(); /* core sends nothing else */
	memcpy(&passed, CMSG_DATA(c), sizeof(int));
	rec(cx, "sendmsg fd");
	if (copies == 1)
		return sendmsg(fd, msg, flags);
	memset(&control, 0, sizeof(control));
	m.msg_control = copies > 0 ? control.buf : NULL;
	m.msg_controllen = copies > 0 ? CMSG_SPACE((size_t)copies * sizeof(int)) : 0;
	if (copies > 0) {
		struct cmsghdr *d = CMSG_FIRSTHDR(&m);
		d->cmsg_level = SOL_SOCKET;
		d->cmsg_type = SCM_RIGHTS;
		d->cmsg_len = CMSG_LEN((size_t)copies * sizeof(int));
		for (int i = 0; i < copies; i++)
			memcpy(CMSG_DATA(d) + (size_t)i * sizeof(int), &passed, sizeof(int));
	}
	return sendmsg(fd, &m, flags);
}

static ssize_t fk_recvmsg(void *ctx, int fd, struct msghdr *msg, int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (cx->sh->eintr_msg && !cx->eintr_recv_done) {
		cx->eintr_recv_done = true;
		errno = EINTR;
		return -1;
	}
	ssize_t n = recvmsg(fd, msg, flags);
	struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(msg) : NULL;
	if (c != NULL && cx->sh->mount_msg == FK_MSG_WRONG_LEVEL)
		c->cmsg_level = SOL_IP;
	if (c != NULL && cx->sh->mount_msg == FK_MSG_WRONG_TYPE)
		c->cmsg_type = SCM_CREDENTIALS;
	return n;
}

/* ---- hostile-container defences ------------------------------------------- */

/* A real memfd: the trampoline image is written and sealed for real. */
static int fk_memfd_create(void *ctx, const char *name, unsigned int flags)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (cx->sc != NULL && cx->sc->no_mfd_exec && (flags & 0x0010u) != 0) { /* MFD_EXEC */
		rec(cx, "memfd_create %s MFD_EXEC EINVAL", name);
		errno = EINVAL;
		return -1;
	}
	rec(cx, "memfd_create %s", name);
	return (int)syscall(SYS_memfd_create, name, flags);
}

/* core's internal accessor of the embedded trampoline (core/src/init_internal.h) */
const unsigned char *nsb_tramp_image(size_t *len);

/* Does @fd hold exactly the trampoline core embeds? */
static bool holds_tramp_image(int fd)
{
	size_t len = 0;
	const unsigned char *image = nsb_tramp_image(&len);
	unsigned char buf[65536];
	ssize_t n = pread(fd, buf, sizeof(buf), 0);
	return image != NULL && n >= 0 && (size_t)n == len && memcmp(buf, image, len) == 0;
}

/* Stage-2 running its command through the trampoline: record the fds, the
 * memfd it execs and the argv; record the command's argv[0] (the
 * trampoline's argv[2]) as "execveat CMD"; exit 0 as the command would. */
static int fk_execveat(void *ctx, int dirfd, const char *path, char *const argv[], char *const envp[],
                       int flags)
{
	struct fk_ctx *cx = ctx;
	struct fk_shared *sh = cx->sh;
	char link[64];
	(void)path, (void)envp, (void)flags;
	if (injected(cx))
		return -1;
	list_fds(sh->exec_fds, sh->exec_cloexec, &sh->exec_nfds);
	sh->exec_dirfd = dirfd;
	sh->exec_seals = fcntl(dirfd, F_GET_SEALS);
	sh->exec_image_ok = holds_tramp_image(dirfd);
	(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", dirfd);
	ssize_t n = readlink(link, sh->exec_fd_link, sizeof(sh->exec_fd_link) - 1);
	sh->exec_fd_link[n > 0 ? n : 0] = '\0';
	for (size_t i = 0, end = 0; i < 4; i++) {
		end = end || argv[i] == NULL;
		(void)snprintf(sh->exec_argv[i], sizeof(sh->exec_argv[i]), "%s", end ? "" : argv[i]);
	}
	rec(cx, "execveat %s", argv[0] != NULL && argv[1] != NULL && argv[2] != NULL ? argv[2] : "?");
	sh->exec_count++;
	_exit(0);
}

/* A fake namespace fd is on nsfs (or on fs_type, fk_shared); anything
 * else is asked of the kernel. */
static int fk_fstatfs(void *ctx, int fd, struct statfs *buf)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	if (kind_of(cx, fd) == FD_NS) {
		memset(buf, 0, sizeof(*buf));
		buf->f_type = cx->fds[fd].fs_type != 0 ? cx->fds[fd].fs_type : 0x6e736673; /* NSFS_MAGIC */
		return 0;
	}
	return fstatfs(fd, buf);
}

/* ---- the parent side's checks ------------------------------------------- */

/* Real: the parent asks whether the pids of the pid line are its children. */
static int fk_waitid(void *ctx, int idtype, unsigned int id, void *info, int options)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return waitid((idtype_t)idtype, (id_t)id, (siginfo_t *)info, options);
}

static int fk_clock_gettime(void *ctx, int clock, struct timespec *ts)
{
	struct fk_ctx *cx = ctx;
	if (injected(cx))
		return -1;
	return clock_gettime((clockid_t)clock, ts);
}

void fk_sys(struct nsb_sys *sys, struct fk_ctx *cx, struct fk_shared *sh, const struct fk_scenario *sc,
            int stage)
{
	memset(cx, 0, sizeof(*cx));
	cx->sh = sh;
	cx->sc = sc;
	cx->stage = stage;
	*sys = (struct nsb_sys){
	        .ctx = cx,
	        .site = on_site,
	        .open = fk_open,
	        .close = fk_close,
	        .read = fk_read,
	        .write = fk_write,
	        .send = fk_send,
	        .fcntl = fk_fcntl,
	        .stat = fk_stat,
	        .socketpair = fk_socketpair,
	        .pipe2 = fk_pipe2,
	        .dup3 = fk_dup3,
	        .close_range = fk_close_range,
	        .shutdown = fk_shutdown,
	        .poll = fk_poll,
	        .clone_parent = fk_clone_parent,
	        .fork = fk_fork,
	        .waitpid = fk_waitpid,
	        .kill = fk_kill,
	        .execve = fk_execve,
	        .getpid = fk_getpid,
	        .getppid = fk_getppid,
	        .pidfd_open = fk_pidfd_open,
	        .pidfd_send_signal = fk_pidfd_send_signal,
	        .prctl = fk_prctl,
	        .sched_getaffinity = fk_sched_getaffinity,
	        .setns = fk_setns,
	        .unshare = fk_unshare,
	        .ioctl = fk_ioctl,
	        .setsid = fk_setsid,
	        .setuid = fk_setuid,
	        .setgid = fk_setgid,
	        .setresuid = fk_setresuid,
	        .setresgid = fk_setresgid,
	        .setgroups = fk_setgroups,
	        .sched_setaffinity = fk_sched_setaffinity,
	        .sendmsg = fk_sendmsg,
	        .recvmsg = fk_recvmsg,
	        .memfd_create = fk_memfd_create,
	        .execveat = fk_execveat,
	        .fstatfs = fk_fstatfs,
	        .waitid = fk_waitid,
	        .clock_gettime = fk_clock_gettime,
	};
}
