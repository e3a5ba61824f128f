/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_setup.c - nsb_init_run: the environment, the bootstrap, the plan,
 * and the SETUP ops (oom_score_adj, dumpable, the sync socketpairs).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "init_affinity.h"
#include "init_internal.h"

/* nsb_env_int - see init.h. */
bool nsb_env_int(const char *s, int *out)
{
	long v = 0;

	if (s == NULL || *s == '\0')
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
		if (v > INT_MAX)
			return false;
	}
	*out = (int)v;
	return true;
}

static enum nsb_step env_fd(struct nsb_exec *ex, const char *name, const char *value, int *fd)
{
	if (!nsb_env_int(value, fd))
		return nsb_xfail(ex, NSB_ERR_ENV_INVALID, "bad value for %s=%s", name, value);
	/* Ours from now on: never inherited by the command stage-2 execs. */
	if (NSB_CALL(ex, fcntl, *fd, F_SETFD, FD_CLOEXEC) < 0)
		return nsb_xfail_sys(ex, "%s=%d: set close-on-exec", name, *fd);
	return NSB_STEP_OK;
}

static enum nsb_step setup_env(struct nsb_exec *ex)
{
	const struct nsb_init_config *cfg = ex->cfg;

	/* The log pipe first: every later failure is reported through it. */
	if (cfg->logpipe != NULL &&
	    env_fd(ex, "_LIBCONTAINER_LOGPIPE", cfg->logpipe, &ex->logfd) != NSB_STEP_OK) {
		ex->logfd = -1;
		return NSB_STEP_FAIL;
	}
	if (cfg->loglevel != NULL && !nsb_env_int(cfg->loglevel, &ex->loglevel)) {
		ex->loglevel = NSB_LOG_DEBUG;
		return nsb_xfail(ex, NSB_ERR_ENV_INVALID, "bad value for _LIBCONTAINER_LOGLEVEL=%s",
		                 cfg->loglevel);
	}
	return env_fd(ex, "_LIBCONTAINER_INITPIPE", cfg->initpipe, &ex->initfd);
}

static ssize_t read_through_seam(void *ctx, int fd, void *buf, size_t count)
{
	struct nsb_exec *ex = ctx;
	return NSB_CALL(ex, read, fd, buf, count);
}

static enum nsb_step load_bootstrap(struct nsb_exec *ex)
{
	struct nsb_decode_opts opts = {ex->cfg->dialect, ex->cfg->max_len,
	                               ex->cfg->allow_missing_rootless_euid};
	struct nsb_plan_opts popts = {ex->cfg->stage2_returns};
	struct nsb_error err;

	if (ex->cfg->dialect == NSB_DIALECT_RUNC_1_1) {
		/* runc 1.0-1.1's parent waits for one 0x00 byte before it sends anything. */
		static const char past_setup = 0;
		if (nsb_write_full(ex, ex->initfd, &past_setup, 1, "tell the runtime we are past setup") !=
		    NSB_STEP_OK)
			return NSB_STEP_FAIL;
	}
	if (nsb_read_message(ex->initfd, &opts, read_through_seam, ex, &ex->msg, &err) != NSB_OK)
		return nsb_xfail_err(ex, &err, "read bootstrap from the init pipe");
	if (nsb_decode(ex->msg.data, ex->msg.len, &opts, &ex->boot, &err) != NSB_OK)
		return nsb_xfail_err(ex, &err, "decode bootstrap");
	if (nsb_plan_build_opts(&ex->boot, &popts, &ex->plan, &err) != NSB_OK)
		return nsb_xfail_err(ex, &err, "plan bootstrap");
	if (nsb_check_mount_fds(ex) != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	nsb_xlog(ex, NSB_LOG_DEBUG, "bootstrap: %zu bytes, clone flags %#x, %zu namespaces to join",
	         ex->msg.len, ex->plan.clone_flags, ex->plan.join_count);
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_oom(struct nsb_exec *ex, const struct nsb_op *op)
{
	char text[16];
	int n = snprintf(text, sizeof(text), "%d", (int)ex->plan.oom_score_adj);
	int fd;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "update /proc/self/oom_score_adj to '%s'", text);
	fd = NSB_CALL(ex, open, "/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return nsb_xfail_sys(ex, "open /proc/self/oom_score_adj");
	/* One write: procfs takes the whole value or fails. */
	ssize_t w = NSB_CALL(ex, write, fd, text, (size_t)n);
	if (w != n) {
		enum nsb_step step = w < 0 ? nsb_xfail_sys(ex, "write '%s' to /proc/self/oom_score_adj", text)
		                           : nsb_xfail(ex, NSB_ERR_IO,
		                                       "write '%s' to /proc/self/oom_score_adj: "
		                                       "short write of %zd bytes",
		                                       text, w);
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fd);
		return step;
	}
	return nsb_close_fd(ex, &fd, "/proc/self/oom_score_adj");
}

enum nsb_step nsb_op_dumpable(struct nsb_exec *ex, const struct nsb_op *op)
{
	nsb_xlog(ex, NSB_LOG_DEBUG, "set process as %sdumpable", op->arg ? "" : "non-");
	if (NSB_CALL(ex, prctl, PR_SET_DUMPABLE, (unsigned long)op->arg) < 0)
		return nsb_xfail_sys(ex, "set process as %sdumpable", op->arg ? "" : "non-");
	return NSB_STEP_OK;
}

/*
 * Exec mode: the command must not inherit the caller's supplementary
 * groups (joining a user namespace, they would show as the overflow gid
 * and still grant their host access). Dropped here, still in the caller's
 * user namespace, where a privileged caller may; an unprivileged caller
 * (EPERM) keeps its own groups, which grant nothing it does not have.
 */
enum nsb_step nsb_op_drop_groups(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, setgroups, 0, NULL) == 0)
		return NSB_STEP_OK;
	if (errno != EPERM)
		return nsb_xfail_sys(ex, "drop the caller's supplementary groups");
	nsb_xlog(ex, NSB_LOG_DEBUG, "not permitted to drop the caller's supplementary groups: keeping them");
	return NSB_STEP_OK;
}

/* Exec mode: the trampoline's argv (init_internal.h), made before any stage exists. */
static enum nsb_step alloc_exec_argv(struct nsb_exec *ex)
{
	static char name[] = "nsb-exec"; /* argv strings are char *, never written */
	char *const *argv = ex->cfg->argv;
	size_t n = 0;

	if (ex->cfg->stage2_returns || argv == NULL || argv[0] == NULL)
		return NSB_STEP_OK;
	while (argv[n] != NULL)
		n++;
	ex->exec_argv = calloc(n + 3, sizeof(char *));
	if (ex->exec_argv == NULL)
		return nsb_xfail(ex, NSB_ERR_NOMEM, "allocate the command's argv");
	ex->exec_argv[0] = name;
	for (size_t i = 0; i < n; i++)
		ex->exec_argv[i + 2] = argv[i];
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_socketpairs(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ex->sock_child) < 0) {
		ex->sock_child[0] = ex->sock_child[1] = -1;
		return nsb_xfail_sys(ex, "sync socketpair between stage-0 and stage-1");
	}
	if (NSB_CALL(ex, socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ex->sock_init) < 0) {
		ex->sock_init[0] = ex->sock_init[1] = -1;
		return nsb_xfail_sys(ex, "sync socketpair between stage-0 and stage-2");
	}
	return NSB_STEP_OK;
}

int nsb_init_run(const struct nsb_init_config *cfg)
{
	/* On the stack (about 12 KiB): no allocation that could fail before
	 * there is a way to report it. */
	struct nsb_exec exec;
	struct nsb_exec *ex = &exec;
	enum nsb_step step;
	int status;

	if (cfg == NULL || cfg->initpipe == NULL)
		return 0; /* not started by a runtime: nothing to do */
	memset(ex, 0, sizeof(*ex));
	ex->sys = cfg->sys != NULL ? cfg->sys : nsb_sys_default();
	ex->cfg = cfg;
	ex->stage = NSB_LOG_STAGE_SETUP;
	ex->loglevel = NSB_LOG_DEBUG;
	ex->logfd = ex->initfd = -1;
	ex->sock_child[0] = ex->sock_child[1] = ex->sock_init[0] = ex->sock_init[1] = -1;
	ex->peer_fd[0] = ex->peer_fd[1] = ex->peer_fd[2] = -1;

	step = setup_env(ex);
	if (step == NSB_STEP_OK) {
		nsb_xlog(ex, NSB_LOG_DEBUG, "=> nsexec container setup");
		nsb_init_log_affinity(ex); /* init_affinity.c */
		step = load_bootstrap(ex);
	}
	if (step == NSB_STEP_OK)
		step = alloc_exec_argv(ex);
	if (step == NSB_STEP_OK)
		step = nsb_run_script(ex, NSB_SCRIPT_SETUP);
	if (step == NSB_STEP_OK) {
		ex->stage = 0;
		nsb_set_name(ex, "[0:PARENT]");
		nsb_xlog(ex, NSB_LOG_DEBUG, "~> nsexec stage-0");
		step = nsb_run_script(ex, NSB_SCRIPT_PARENT);
		if (step == NSB_STEP_OK)
			nsb_xlog(ex, NSB_LOG_DEBUG, "<~ nsexec stage-0");
	}
	status = nsb_finish_stage(ex, step);
	nsb_message_free(&ex->msg);
	free(ex->exec_argv);
	return status;
}
