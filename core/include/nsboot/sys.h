/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sys.h - the system-call seam of the executor and the parent side.
 *
 * Every system call the executor (init.h) and the parent side (parent.h)
 * make goes through one struct nsb_sys: a table of function pointers with the
 * shapes of the calls themselves, plus a context pointer handed back as the
 * first argument. nsb_sys_default() is the real thing. Tests build their own
 * table whose namespace-touching entries are fakes that record what was
 * asked for and that fail on demand, so that every failure path runs
 * without privileges.
 *
 * Contract of every entry: the return value and errno are those of the
 * real call (-1 and errno set on failure). clone_parent and fork return
 * 0 in the child, like fork(2).
 *
 * The optional @site hook is called before every call, with a static
 * description of the call site (struct nsb_site). Fault injection uses it
 * to name and count call sites; it must not change errno's meaning for the
 * call (it runs before the call).
 */
#ifndef NSBOOT_SYS_H
#define NSBOOT_SYS_H

#include <poll.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "nsboot/export.h"

struct statfs;
struct timespec;

NSB_BEGIN_DECLS

/*
 * What happens when the call at a site fails. Tests use this to know what
 * to assert when they inject a failure there.
 */
enum nsb_site_kind {
	NSB_SITE_FATAL,       /* failure ends the run: FATAL log line, exit 1 */
	NSB_SITE_BEST_EFFORT, /* failure is ignored (log writes) */
	NSB_SITE_FALLBACK,    /* failure takes another path that can still succeed */
	NSB_SITE_CLEANUP      /* only reached after another failure; failure is ignored */
};

/* struct nsb_site - one call site in core, static storage. */
struct nsb_site {
	const char *call; /* the seam entry: "setns", "write", ... */
	const char *file; /* source file, as __FILE__ */
	int line;
	enum nsb_site_kind kind;
};

struct nsb_sys {
	void *ctx;
	/* optional, may be NULL: told about each call before it is made */
	void (*site)(void *ctx, const struct nsb_site *site);

	/* files and descriptors */
	int (*open)(void *ctx, const char *path, int flags, mode_t mode);
	int (*close)(void *ctx, int fd);
	ssize_t (*read)(void *ctx, int fd, void *buf, size_t count);
	ssize_t (*write)(void *ctx, int fd, const void *buf, size_t count);
	ssize_t (*send)(void *ctx, int fd, const void *buf, size_t len, int flags);
	int (*fcntl)(void *ctx, int fd, int cmd, int arg);
	int (*stat)(void *ctx, const char *path, struct stat *st);
	int (*socketpair)(void *ctx, int domain, int type, int protocol, int sv[2]);
	int (*pipe2)(void *ctx, int fds[2], int flags);
	int (*dup3)(void *ctx, int oldfd, int newfd, int flags);
	int (*close_range)(void *ctx, unsigned int first, unsigned int last, int flags);
	int (*shutdown)(void *ctx, int fd, int how);
	int (*poll)(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout);

	/* processes */
	pid_t (*clone_parent)(void *ctx); /* clone(CLONE_PARENT | SIGCHLD) */
	pid_t (*fork)(void *ctx);
	pid_t (*waitpid)(void *ctx, pid_t pid, int *status, int options);
	int (*kill)(void *ctx, pid_t pid, int sig);
	int (*execve)(void *ctx, const char *path, char *const argv[], char *const envp[]);
	pid_t (*getpid)(void *ctx);  /* cannot fail; not a fault-injection site */
	pid_t (*getppid)(void *ctx); /* cannot fail; not a fault-injection site */
	int (*pidfd_open)(void *ctx, pid_t pid, unsigned int flags);
	int (*pidfd_send_signal)(void *ctx, int pidfd, int sig, unsigned int flags);
	int (*prctl)(void *ctx, int option, unsigned long arg2);
	int (*sched_getaffinity)(void *ctx, pid_t pid, size_t size, void *mask);

	/* namespaces */
	int (*setns)(void *ctx, int fd, int nstype);
	int (*unshare)(void *ctx, int flags);
	int (*ioctl)(void *ctx, int fd, unsigned long request); /* NS_GET_NSTYPE and friends */

	/* credentials */
	pid_t (*setsid)(void *ctx);
	int (*setuid)(void *ctx, uid_t uid);
	int (*setgid)(void *ctx, gid_t gid);
	int (*setresuid)(void *ctx, uid_t r, uid_t e, uid_t s);
	int (*setresgid)(void *ctx, gid_t r, gid_t e, gid_t s);
	int (*setgroups)(void *ctx, size_t size, const gid_t *list);

	/* appended: CPU affinity of a task (the parent side, parent.h); @size
	 * bytes of mask, any length (the kernel reads what it needs) */
	int (*sched_setaffinity)(void *ctx, pid_t pid, size_t size, const void *mask);

	/* appended: fd passing over a unix socket (runc-1.1 mount sources, SCM_RIGHTS) */
	ssize_t (*sendmsg)(void *ctx, int fd, const struct msghdr *msg, int flags);
	ssize_t (*recvmsg)(void *ctx, int fd, struct msghdr *msg, int flags);

	/* appended: the hostile-container defences. memfd_create for stage-2's
	 * sealed exec trampoline, execveat(AT_EMPTY_PATH) to run it by fd,
	 * fstatfs to tell an nsfs file before opening it for real. */
	int (*memfd_create)(void *ctx, const char *name, unsigned int flags);
	int (*execveat)(void *ctx, int dirfd, const char *path, char *const argv[], char *const envp[],
	                int flags);
	int (*fstatfs)(void *ctx, int fd, struct statfs *buf);

	/* appended: the parent side's checks on the stages. waitid(P_PID, pid,
	 * WEXITED | WNOHANG | WNOWAIT) tells a child of the caller (0) from any
	 * other process (ECHILD) without reaping it; clock_gettime
	 * (CLOCK_MONOTONIC) measures the setup timeout. The POSIX types are
	 * spelled as plain ones so that this header stays strict C11: @idtype
	 * is an idtype_t, @id an id_t, @info a siginfo_t *, @clock a clockid_t. */
	int (*waitid)(void *ctx, int idtype, unsigned int id, void *info, int options);
	int (*clock_gettime)(void *ctx, int clock, struct timespec *ts);
};

/* nsb_sys_default - the real system calls; a static table, never NULL. */
NSB_API const struct nsb_sys *nsb_sys_default(void);

/*
 * nsb_sys_sites - every call site of core linked into this program: sets
 * *count and returns an array of that many pointers (NULL with *count 0 if
 * the program holds none). Fault injection checks that it visited each.
 */
NSB_API const struct nsb_site *const *nsb_sys_sites(size_t *count);

NSB_END_DECLS

#endif /* NSBOOT_SYS_H */
