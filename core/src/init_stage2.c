/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_stage2.c - the INIT ops: a new session, root credentials, the
 * runtime's go signal (EOF on the init pipe), then the command.
 *
 * When stage-2 execs, it holds nothing of nsboot's own: its sync socket is
 * closed by CLOSE_INTERNAL, and the init and log pipes were made
 * close-on-exec in setup. Only the fds the runtime passed without
 * close-on-exec reach the command (stdio).
 */
#include <errno.h>
#include <string.h>

#include "init_internal.h"

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
 * Wait for EOF on the init pipe: the runtime shuts its side down when
 * stage-2 may go (after cgroups, affinity, ...), and stays alive. runc's Go parent sends its
 * config JSON first; bytes before EOF are read and dropped.
 */
enum nsb_step nsb_op_await_release(struct nsb_exec *ex, const struct nsb_op *op)
{
	char buf[4096];
	size_t dropped = 0;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "wait for the runtime to close the init pipe");
	for (;;) {
		ssize_t n = NSB_CALL(ex, read, ex->initfd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsb_xfail_sys(ex, "wait for EOF on the init pipe");
		if (n == 0)
			break;
		dropped += (size_t)n;
	}
	if (dropped > 0)
		nsb_xlog(ex, NSB_LOG_DEBUG, "dropped %zu bytes the runtime sent before EOF", dropped);
	/* A runtime that died closed the pipe too: then we were reparented, and
	 * nobody released us. */
	if (ex->sys->getppid(ex->sys->ctx) != ex->runtime_pid)
		return nsb_xfail(ex, NSB_ERR_SYNC_SHORT,
		                 "the runtime (pid %d) exited before releasing stage-2",
		                 (int)ex->runtime_pid);
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_close_internal(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	ex->peer_fd[NSB_PEER_PARENT] = -1;
	return nsb_close_fd(ex, &ex->sock_init[1], "stage-2's sync socket");
}

enum nsb_step nsb_op_exec(struct nsb_exec *ex, const struct nsb_op *op)
{
	char *const *argv = ex->cfg->argv;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "<= nsexec container setup");
	if (argv == NULL || argv[0] == NULL) {
		ex->exit_status = 0;
		return NSB_STEP_EXIT;
	}
	nsb_xlog(ex, NSB_LOG_DEBUG, "exec %s", argv[0]);
	(void)NSB_CALL(ex, execvp, argv[0], argv);
	ex->exit_status = errno == ENOENT ? NSB_INIT_EXIT_NOT_FOUND : NSB_INIT_EXIT_CANNOT_RUN;
	return nsb_xfail_sys(ex, "exec %s", argv[0]);
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
