/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_stage2.c - the INIT ops: a new session, root credentials, the
 * runtime's release, then the command through the sealed trampoline.
 *
 * When stage-2 execs, it holds nothing of nsboot's own: its sync socket is
 * closed by CLOSE_INTERNAL before it waits for the release, the init and
 * log pipes were made close-on-exec in setup, and so is the trampoline's
 * memfd. Only the fds the runtime passed without close-on-exec reach the
 * command (stdio).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "init_internal.h"
#include "internal.h"

extern char **environ;

enum nsb_step nsb_op_setsid(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL0(ex, setsid) < 0)
		return nsb_xfail_sys(ex, "create a new session");
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_setuid_root(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, setuid, 0) < 0)
		return nsb_xfail_sys(ex, "become uid 0");
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_setgid_root(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, setgid, 0) < 0)
		return nsb_xfail_sys(ex, "become gid 0");
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_setgroups_empty(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, setgroups, 0, NULL) < 0)
		return nsb_xfail_sys(ex, "drop supplementary groups");
	return NSB_STEP_OK;
}

/*
 * The release (init.h, NSB_RELEASE_TOKEN): the runtime writes the token and
 * shuts its side down once stage-2 may go (after cgroups, affinity, ...),
 * and stays alive until stage-2 exits. Nothing else releases stage-2: EOF
 * alone is what a runtime that died leaves behind (the kernel closes its
 * files), so without the whole token, or with bytes after it, stage-2
 * exits without running anything. Then the runtime's end of the socket
 * must still be open (no POLLHUP): a runtime that died between its token
 * and our check does not get its command run behind its back. getppid()
 * says nothing here: across a pid namespace it is 0, both at birth and
 * after the runtime died.
 */
enum nsb_step nsb_op_await_release(struct nsb_exec *ex, const struct nsb_op *op)
{
	char buf[NSB_RELEASE_TOKEN_LEN + 1];
	size_t got = 0;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "wait for the runtime's release");
	for (;;) {
		/* past the buffer, bytes are only counted: any of them is too many */
		size_t at = got < sizeof(buf) ? got : 0;
		ssize_t n = NSB_CALL(ex, read, ex->initfd, buf + at, sizeof(buf) - at);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsb_xfail_sys(ex, "wait for the release on the init pipe");
		if (n == 0)
			break;
		got += (size_t)n;
	}
	if (got != NSB_RELEASE_TOKEN_LEN || memcmp(buf, NSB_RELEASE_TOKEN, NSB_RELEASE_TOKEN_LEN) != 0)
		return nsb_xfail(ex, NSB_ERR_NOT_RELEASED,
		                 "the runtime did not release stage-2: %zu bytes before the end of the "
		                 "init pipe, not its %zu-byte release",
		                 got, (size_t)NSB_RELEASE_TOKEN_LEN);
	struct pollfd alive = {ex->initfd, POLLIN, 0};
	if (NSB_CALL(ex, poll, &alive, 1, 0) < 0)
		return nsb_xfail_sys(ex, "check that the runtime is alive");
	if ((alive.revents & POLLHUP) != 0)
		return nsb_xfail(
		        ex, NSB_ERR_NOT_RELEASED,
		        "the runtime released stage-2 but is gone (its end of the init pipe is closed)");
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_close_internal(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	ex->peer_fd[NSB_PEER_PARENT] = -1;
	return nsb_close_fd(ex, &ex->sock_init[1], "stage-2's sync socket");
}

/*
 * The command's path as execvp(3) would find it, without executing
 * anything: @file itself when it holds a '/', else the first PATH entry
 * (empty entries: the working directory; PATH unset: /bin:/usr/bin) naming
 * a regular file with an execute bit. Resolved in stage-2, inside the
 * container's mount namespace: what it finds is the container's own file
 * (even a symlink to /proc/self/exe is harmless now, see nsb_op_exec).
 * Returns 0, or the errno a shell would report: ENOENT, EACCES, or the
 * stat failure that is neither.
 */
static int resolve_command(struct nsb_exec *ex, const char *file)
{
	const char *path = getenv("PATH");
	bool denied = false;
	struct stat st;

	if (strchr(file, '/') != NULL) {
		if (strlen(file) >= sizeof(ex->exec_path))
			return ENAMETOOLONG;
		(void)snprintf(ex->exec_path, sizeof(ex->exec_path), "%s", file);
		if (NSB_CALL(ex, stat, ex->exec_path, &st) < 0)
			return errno;
		return S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0 ? 0 : EACCES;
	}
	if (path == NULL)
		path = "/bin:/usr/bin";
	for (const char *p = path;; p++) {
		const char *end = strchr(p, ':');
		size_t dirlen = end != NULL ? (size_t)(end - p) : strlen(p);
		int n = snprintf(ex->exec_path, sizeof(ex->exec_path), "%.*s%s%s", (int)dirlen, p,
		                 dirlen > 0 ? "/" : "", file);
		if (n > 0 && (size_t)n < sizeof(ex->exec_path)) {
			if (NSB_CALL(ex, stat, ex->exec_path, &st) == 0) {
				if (S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0)
					return 0;
				denied = true;
			} else if (errno == EACCES) {
				denied = true;
			} else if (errno != ENOENT && errno != ENOTDIR) {
				return errno;
			}
		}
		if (end == NULL)
			break;
		p = end;
	}
	return denied ? EACCES : ENOENT;
}

/*
 * A sealed memfd holding the trampoline (core/tramp/nsb_tramp.c): written
 * here, in stage-2, after the release, so that nothing but stdio and the
 * two pipes is held while waiting. Sealed against every change, so that
 * the file a process in the container can reach through /proc/<pid>/exe
 * is neither the host's binary nor writable.
 */
static enum nsb_step make_trampoline(struct nsb_exec *ex, int *fd)
{
	size_t len = 0;
	const unsigned char *image = nsb_tramp_image(&len);
	const unsigned int flags = MFD_CLOEXEC | MFD_ALLOW_SEALING;

	if (image == NULL)
		return nsb_xfail(ex, NSB_ERR_UNSUPPORTED,
		                 "this build of core has no exec trampoline: refusing to exec");
	/* NSB_MFD_EXEC first; before Linux 6.3 the plain call (internal.h) */
	*fd = NSB_CALL_K(ex, NSB_SITE_FALLBACK, memfd_create, "nsb-exec", flags | NSB_MFD_EXEC);
	if (*fd < 0) /* EINVAL before 6.3; whatever else, the plain call says it again */
		*fd = NSB_CALL(ex, memfd_create, "nsb-exec", flags);
	if (*fd < 0)
		return nsb_xfail_sys(ex, "create the exec trampoline");
	if (nsb_write_full(ex, *fd, image, len, "write the exec trampoline") != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	if (NSB_CALL(ex, fcntl, *fd, F_ADD_SEALS, NSB_MEMFD_SEALS) < 0)
		return nsb_xfail_sys(ex, "seal the exec trampoline");
	return NSB_STEP_OK;
}

/*
 * Exec the command, through the trampoline. The exec'ing process's
 * /proc/self/exe is what a path, symlink or `#!` line naming
 * /proc/self/exe resolves to during that exec, and what an ELF interpreter
 * planted in the container would run as. Stage-2's is the host's nsboot
 * (a fork of it), so stage-2 never execs a path itself: it execs the
 * sealed trampoline by fd (no path is resolved, and the trampoline is
 * static: no interpreter is loaded), and the trampoline, whose exe is now
 * that memfd, execs the command.
 */
enum nsb_step nsb_op_exec(struct nsb_exec *ex, const struct nsb_op *op)
{
	char *const *argv = ex->cfg->argv;
	int fd = -1, e;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "<= nsexec container setup");
	if (argv == NULL || argv[0] == NULL) {
		ex->exit_status = 0;
		return NSB_STEP_EXIT;
	}
	if ((e = resolve_command(ex, argv[0])) != 0) {
		ex->exit_status = e == ENOENT ? NSB_INIT_EXIT_NOT_FOUND : NSB_INIT_EXIT_CANNOT_RUN;
		errno = e;
		return nsb_xfail_sys(ex, "exec %s", argv[0]);
	}
	ex->exit_status = NSB_INIT_EXIT_CANNOT_RUN;
	if (make_trampoline(ex, &fd) != NSB_STEP_OK)
		return NSB_STEP_FAIL; /* fd is close-on-exec and this process exits */
	ex->exec_argv[1] = ex->exec_path;
	nsb_xlog(ex, NSB_LOG_DEBUG, "exec %s (%s) through the trampoline", argv[0], ex->exec_path);
	(void)NSB_CALL(ex, execveat, fd, "", ex->exec_argv, environ, AT_EMPTY_PATH);
	return nsb_xfail_sys(ex, "exec %s through the trampoline", ex->exec_path);
}

/*
 * Runtime mode: the runtime's own code carries on in stage-2 (runc: Go,
 * which reads its config from the init pipe and execs the container
 * process). CLOSE_INTERNAL ran just before: what stage-2 holds now is what
 * the runtime gave it (the init and log pipes at their numbers) plus the
 * mount source fds at the numbers it chose.
 */
enum nsb_step nsb_op_return(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	nsb_xlog(ex, NSB_LOG_DEBUG, "<= nsexec container setup");
	nsb_xlog(ex, NSB_LOG_DEBUG, "return to the runtime in stage-2");
	ex->exit_status = NSB_INIT_CONTINUE;
	return NSB_STEP_EXIT;
}
