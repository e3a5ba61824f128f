/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sys.c - the real system calls behind struct nsb_sys, and the list of
 * call sites (see sys_call.h).
 *
 * Calls glibc lacks on older releases (pidfd_open, pidfd_send_signal,
 * close_range) and clone with CLONE_PARENT go through syscall(2), so the
 * core builds on any glibc and fails at run time with ENOSYS where the
 * kernel lacks them.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "coverage.h"
#include "nsboot/sys.h"

static int sys_open(void *ctx, const char *path, int flags, mode_t mode)
{
	(void)ctx;
	return open(path, flags, mode);
}

static int sys_close(void *ctx, int fd)
{
	(void)ctx;
	return close(fd);
}

static ssize_t sys_read(void *ctx, int fd, void *buf, size_t count)
{
	(void)ctx;
	return read(fd, buf, count);
}

static ssize_t sys_write(void *ctx, int fd, const void *buf, size_t count)
{
	(void)ctx;
	return write(fd, buf, count);
}

static ssize_t sys_send(void *ctx, int fd, const void *buf, size_t len, int flags)
{
	(void)ctx;
	return send(fd, buf, len, flags);
}

static int sys_fcntl(void *ctx, int fd, int cmd, int arg)
{
	(void)ctx;
	return fcntl(fd, cmd, arg);
}

static int sys_stat(void *ctx, const char *path, struct stat *st)
{
	(void)ctx;
	return stat(path, st);
}

static int sys_socketpair(void *ctx, int domain, int type, int protocol, int sv[2])
{
	(void)ctx;
	return socketpair(domain, type, protocol, sv);
}

static int sys_pipe2(void *ctx, int fds[2], int flags)
{
	(void)ctx;
	return pipe2(fds, flags);
}

static int sys_dup3(void *ctx, int oldfd, int newfd, int flags)
{
	(void)ctx;
	return dup3(oldfd, newfd, flags);
}

static int sys_close_range(void *ctx, unsigned int first, unsigned int last, int flags)
{
	(void)ctx;
#ifdef SYS_close_range
	return (int)syscall(SYS_close_range, first, last, flags);
#else
	(void)first, (void)last, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_shutdown(void *ctx, int fd, int how)
{
	(void)ctx;
	return shutdown(fd, how);
}

static int sys_poll(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout)
{
	(void)ctx;
	return poll(fds, nfds, timeout);
}

/*
 * clone(CLONE_PARENT | SIGCHLD) with no new stack: like fork(2), the child
 * runs on a copy-on-write copy of the caller's stack and returns 0. glibc
 * has no wrapper with these semantics (clone(3) needs a stack and a
 * function). No atfork handlers run: the executor is single-threaded.
 */
static pid_t sys_clone_parent(void *ctx)
{
	(void)ctx;
	return (pid_t)syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), 0UL, 0UL, 0UL, 0UL);
}

static pid_t sys_fork(void *ctx)
{
	(void)ctx;
	return fork();
}

static pid_t sys_waitpid(void *ctx, pid_t pid, int *status, int options)
{
	(void)ctx;
	return waitpid(pid, status, options);
}

static int sys_kill(void *ctx, pid_t pid, int sig)
{
	(void)ctx;
	return kill(pid, sig);
}

static int sys_execve(void *ctx, const char *path, char *const argv[], char *const envp[])
{
	(void)ctx;
	NSB_COVERAGE_FLUSH();
	return execve(path, argv, envp);
}

static pid_t sys_getpid(void *ctx)
{
	(void)ctx;
	return getpid();
}

static pid_t sys_getppid(void *ctx)
{
	(void)ctx;
	return getppid();
}

static int sys_pidfd_open(void *ctx, pid_t pid, unsigned int flags)
{
	(void)ctx;
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, flags);
#else
	(void)pid, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_pidfd_send_signal(void *ctx, int pidfd, int sig, unsigned int flags)
{
	(void)ctx;
#ifdef SYS_pidfd_send_signal
	return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, (void *)0, flags);
#else
	(void)pidfd, (void)sig, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_prctl(void *ctx, int option, unsigned long arg2)
{
	(void)ctx;
	return prctl(option, arg2, 0UL, 0UL, 0UL);
}

static int sys_sched_getaffinity(void *ctx, pid_t pid, size_t size, void *mask)
{
	(void)ctx;
	return sched_getaffinity(pid, size, (cpu_set_t *)mask);
}

static int sys_setns(void *ctx, int fd, int nstype)
{
	(void)ctx;
	return setns(fd, nstype);
}

static int sys_unshare(void *ctx, int flags)
{
	(void)ctx;
	return unshare(flags);
}

static int sys_ioctl(void *ctx, int fd, unsigned long request)
{
	(void)ctx;
	return ioctl(fd, request);
}

static pid_t sys_setsid(void *ctx)
{
	(void)ctx;
	return setsid();
}

static int sys_setuid(void *ctx, uid_t uid)
{
	(void)ctx;
	return setuid(uid);
}

static int sys_setgid(void *ctx, gid_t gid)
{
	(void)ctx;
	return setgid(gid);
}

static int sys_setresuid(void *ctx, uid_t r, uid_t e, uid_t s)
{
	(void)ctx;
	return setresuid(r, e, s);
}

static int sys_setresgid(void *ctx, gid_t r, gid_t e, gid_t s)
{
	(void)ctx;
	return setresgid(r, e, s);
}

static int sys_setgroups(void *ctx, size_t size, const gid_t *list)
{
	(void)ctx;
	return setgroups(size, list);
}

static int sys_sched_setaffinity(void *ctx, pid_t pid, size_t size, const void *mask)
{
	(void)ctx;
	return sched_setaffinity(pid, size, (const cpu_set_t *)mask);
}

static ssize_t sys_sendmsg(void *ctx, int fd, const struct msghdr *msg, int flags)
{
	(void)ctx;
	return sendmsg(fd, msg, flags);
}

static ssize_t sys_recvmsg(void *ctx, int fd, struct msghdr *msg, int flags)
{
	(void)ctx;
	return recvmsg(fd, msg, flags);
}

static int sys_memfd_create(void *ctx, const char *name, unsigned int flags)
{
	(void)ctx;
#ifdef SYS_memfd_create
	return (int)syscall(SYS_memfd_create, name, flags);
#else
	(void)name, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_execveat(void *ctx, int dirfd, const char *path, char *const argv[], char *const envp[],
                        int flags)
{
	(void)ctx;
	NSB_COVERAGE_FLUSH();
#ifdef SYS_execveat
	return (int)syscall(SYS_execveat, dirfd, path, argv, envp, flags);
#else
	(void)dirfd, (void)path, (void)argv, (void)envp, (void)flags;
	errno = ENOSYS;
	return -1;
#endif
}

static int sys_fstatfs(void *ctx, int fd, struct statfs *buf)
{
	(void)ctx;
	return fstatfs(fd, buf);
}

static int sys_waitid(void *ctx, int idtype, unsigned int id, void *info, int options)
{
	(void)ctx;
	return waitid((idtype_t)idtype, (id_t)id, (siginfo_t *)info, options);
}

static int sys_clock_gettime(void *ctx, int clock, struct timespec *ts)
{
	(void)ctx;
	return clock_gettime((clockid_t)clock, ts);
}

static const struct nsb_sys sys_default = {
        .ctx = NULL,
        .site = NULL,
        .open = sys_open,
        .close = sys_close,
        .read = sys_read,
        .write = sys_write,
        .send = sys_send,
        .fcntl = sys_fcntl,
        .stat = sys_stat,
        .socketpair = sys_socketpair,
        .pipe2 = sys_pipe2,
        .dup3 = sys_dup3,
        .close_range = sys_close_range,
        .shutdown = sys_shutdown,
        .poll = sys_poll,
        .clone_parent = sys_clone_parent,
        .fork = sys_fork,
        .waitpid = sys_waitpid,
        .kill = sys_kill,
        .execve = sys_execve,
        .getpid = sys_getpid,
        .getppid = sys_getppid,
        .pidfd_open = sys_pidfd_open,
        .pidfd_send_signal = sys_pidfd_send_signal,
        .prctl = sys_prctl,
        .sched_getaffinity = sys_sched_getaffinity,
        .setns = sys_setns,
        .unshare = sys_unshare,
        .ioctl = sys_ioctl,
        .setsid = sys_setsid,
        .setuid = sys_setuid,
        .setgid = sys_setgid,
        .setresuid = sys_setresuid,
        .setresgid = sys_setresgid,
        .setgroups = sys_setgroups,
        .sched_setaffinity = sys_sched_setaffinity,
        .sendmsg = sys_sendmsg,
        .recvmsg = sys_recvmsg,
        .memfd_create = sys_memfd_create,
        .execveat = sys_execveat,
        .fstatfs = sys_fstatfs,
        .waitid = sys_waitid,
        .clock_gettime = sys_clock_gettime,
};

const struct nsb_sys *nsb_sys_default(void)
{
	return &sys_default;
}

/* Section bounds, provided by the linker when any object defines a site;
 * weak so that a program without sites still links. The linker chooses
 * these reserved names (__start_<section>); they cannot be spelled otherwise. */
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
extern const struct nsb_site *const __start_nsb_sites[] __attribute__((weak, visibility("hidden")));
/* NOLINTNEXTLINE(bugprone-reserved-identifier,cert-dcl37-c,cert-dcl51-cpp) */
extern const struct nsb_site *const __stop_nsb_sites[] __attribute__((weak, visibility("hidden")));

const struct nsb_site *const *nsb_sys_sites(size_t *count)
{
	/* As integers: the bounds are two symbols the linker placed around one
	 * section, which C cannot know is one object; weak ones are 0 when absent. */
	uintptr_t start = (uintptr_t)__start_nsb_sites;
	uintptr_t stop = (uintptr_t)__stop_nsb_sites;

	if (start == 0 || stop < start) {
		*count = 0;
		return NULL;
	}
	*count = (size_t)((stop - start) / sizeof(const struct nsb_site *));
	return __start_nsb_sites;
}
