/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_run.c - the script interpreter of the executor.
 *
 * A stage walks its script (machine.h) op by op: RECV goes through the
 * judge, every other op through one table entry. The first failing op ends
 * the stage: nsb_finish_stage() logs the FATAL line, SIGKILLs the stages
 * this process created or learned about, and yields exit status 1.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "init_internal.h"

static enum nsb_step op_send(struct nsb_exec *ex, const struct nsb_op *op);

static const nsb_op_fn op_table[NSB_OP__COUNT] = {
        [NSB_OP_OOM_SCORE_ADJ] = nsb_op_oom,
        [NSB_OP_DUMPABLE] = nsb_op_dumpable,
        [NSB_OP_SOCKETPAIRS] = nsb_op_socketpairs,
        [NSB_OP_SPAWN_CHILD] = nsb_op_spawn_child,
        [NSB_OP_WRITE_MAPS] = nsb_op_write_maps,
        [NSB_OP_WRITE_TIMEOFFSETS] = nsb_op_write_timeoffsets,
        [NSB_OP_RECV_PID] = nsb_op_recv_pid,
        [NSB_OP_REPORT_PIDS] = nsb_op_report_pids,
        [NSB_OP_JOIN] = nsb_op_join,
        [NSB_OP_UNSHARE] = nsb_op_unshare,
        [NSB_OP_SETRESUID_ROOT] = nsb_op_setresuid_root,
        [NSB_OP_SPAWN_INIT] = nsb_op_spawn_init,
        [NSB_OP_SEND_PID] = nsb_op_send_pid,
        [NSB_OP_SETSID] = nsb_op_setsid,
        [NSB_OP_SETUID_ROOT] = nsb_op_setuid_root,
        [NSB_OP_SETGID_ROOT] = nsb_op_setgid_root,
        [NSB_OP_SETGROUPS_EMPTY] = nsb_op_setgroups_empty,
        [NSB_OP_AWAIT_RELEASE] = nsb_op_await_release,
        [NSB_OP_CLOSE_INTERNAL] = nsb_op_close_internal,
        [NSB_OP_EXEC] = nsb_op_exec,
        [NSB_OP_SEND] = op_send,
        [NSB_OP_RECV] = NULL, /* judged in run_recv */
        [NSB_OP_SEND_MOUNT_SOURCES] = nsb_op_send_mount_sources,
        [NSB_OP_RECV_MOUNT_FDS] = nsb_op_recv_mount_fds,
        [NSB_OP_RETURN] = nsb_op_return,
        [NSB_OP_DROP_GROUPS] = nsb_op_drop_groups,
};

static const char *const peer_names[] = {
        [NSB_PEER_PARENT] = "stage-0",
        [NSB_PEER_CHILD] = "stage-1",
        [NSB_PEER_INIT] = "stage-2",
};

/* 0x46/0x47 are TIMEOFFSETS in runc >= 1.2 and MOUNTSOURCES in runc 1.1: name them as the dialect does. */
static const char *sync_label(const struct nsb_exec *ex, uint32_t value)
{
	static const char *const mountsources[] = {"MOUNTSOURCES_PLS", "MOUNTSOURCES_ACK"};
	const char *name = nsb_sync_name(value);

	if (ex->cfg->dialect == NSB_DIALECT_RUNC_1_1 &&
	    (value == NSB_SYNC_MOUNTSOURCES_PLS || value == NSB_SYNC_MOUNTSOURCES_ACK))
		return mountsources[value - NSB_SYNC_MOUNTSOURCES_PLS];
	return name != NULL ? name : "not a sync value";
}

enum nsb_step nsb_read_full(struct nsb_exec *ex, int fd, void *buf, size_t len, const char *what)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = NSB_CALL(ex, read, fd, (char *)buf + got, len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return nsb_xfail_sys(ex, "%s", what);
		if (n == 0)
			return nsb_xfail(ex, NSB_ERR_SYNC_SHORT, "%s: end of stream after %zu of %zu bytes",
			                 what, got, len);
		got += (size_t)n;
	}
	return NSB_STEP_OK;
}

enum nsb_step nsb_write_full(struct nsb_exec *ex, int fd, const void *buf, size_t len, const char *what)
{
	size_t put = 0;

	while (put < len) {
		ssize_t n = NSB_CALL(ex, write, fd, (const char *)buf + put, len - put);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n == 0 ? nsb_xfail(ex, NSB_ERR_SYNC_SHORT, "%s: wrote %zu of %zu bytes", what,
			                          put, len)
			              : nsb_xfail_sys(ex, "%s", what);
		put += (size_t)n;
	}
	return NSB_STEP_OK;
}

enum nsb_step nsb_close_fd(struct nsb_exec *ex, int *fd, const char *what)
{
	int f = *fd;

	if (f < 0)
		return NSB_STEP_OK;
	*fd = -1;
	/* Linux releases the fd even when close fails (EINTR, EIO): never retry. */
	if (NSB_CALL(ex, close, f) < 0)
		return nsb_xfail_sys(ex, "close %s (fd %d)", what, f);
	return NSB_STEP_OK;
}

void nsb_set_name(struct nsb_exec *ex, const char *stage)
{
	char name[64];
	const char *base = ex->cfg->process_name != NULL ? ex->cfg->process_name : "nsb";

	/* Only for ps(1) and debugging: a failure changes nothing else. The
	 * kernel keeps 15 bytes: "nsb:[0:PARENT]" and "runc:[0:PARENT]" fit
	 * whole ("nsboot:[0:PARENT]" would show as "nsboot:[0:PAREN"). */
	(void)snprintf(name, sizeof(name), "%s:%s", base, stage);
	if (NSB_CALL_K(ex, NSB_SITE_BEST_EFFORT, prctl, PR_SET_NAME, (unsigned long)(uintptr_t)name) < 0)
		nsb_xlog(ex, NSB_LOG_DEBUG, "cannot set the process name %s: %s", name, strerror(errno));
}

static enum nsb_step op_send(struct nsb_exec *ex, const struct nsb_op *op)
{
	char what[96];

	nsb_xlog(ex, NSB_LOG_DEBUG, "send %s to %s", sync_label(ex, op->arg), peer_names[op->peer]);
	(void)snprintf(what, sizeof(what), "sync with %s: write(%s)", peer_names[op->peer],
	               sync_label(ex, op->arg));
	return nsb_write_full(ex, ex->peer_fd[op->peer], &op->arg, sizeof(op->arg), what);
}

static enum nsb_step run_recv(struct nsb_exec *ex, struct nsb_machine *m, const struct nsb_op *op)
{
	char what[96];
	uint32_t got = 0;
	uint32_t expected = op->arg;
	struct nsb_error err;

	(void)snprintf(what, sizeof(what), "sync with %s: read(%s)", peer_names[op->peer],
	               sync_label(ex, expected));
	if (nsb_read_full(ex, ex->peer_fd[op->peer], &got, sizeof(got), what) != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	if (nsb_machine_recv(m, op->peer, got, &err) != NSB_OK)
		return nsb_xfail(ex, err.code, "sync with %s: expected %s (%#x), got %s (%#x)",
		                 peer_names[op->peer], sync_label(ex, expected), expected,
		                 sync_label(ex, got), got);
	nsb_xlog(ex, NSB_LOG_DEBUG, "%s sent %s", peer_names[op->peer], sync_label(ex, got));
	return NSB_STEP_OK;
}

enum nsb_step nsb_run_script(struct nsb_exec *ex, enum nsb_script_id id)
{
	struct nsb_machine m;
	const struct nsb_op *op;

	nsb_machine_init(&m, &ex->plan, id);
	while ((op = nsb_machine_next(&m)) != NULL) {
		enum nsb_step step;
		if (op->kind == NSB_OP_RECV) {
			step = run_recv(ex, &m, op); /* the judge advances the machine */
		} else {
			step = op_table[op->kind](ex, op);
			if (step == NSB_STEP_OK)
				nsb_machine_advance(&m);
		}
		if (step != NSB_STEP_OK)
			return step;
	}
	return NSB_STEP_OK;
}

static void kill_stage(struct nsb_exec *ex, pid_t pid, const char *name)
{
	if (pid <= 0)
		return;
	/* Best effort: a stage we cannot kill still dies on its own, on EOF of its sync socket. */
	if (NSB_CALL_K(ex, NSB_SITE_CLEANUP, kill, pid, SIGKILL) < 0)
		nsb_xlog(ex, NSB_LOG_WARNING, "kill %s (pid %d): %s", name, (int)pid, strerror(errno));
}

int nsb_finish_stage(struct nsb_exec *ex, enum nsb_step step)
{
	switch (step) {
	case NSB_STEP_OK:
		return 0;
	case NSB_STEP_EXIT:
		return ex->exit_status;
	case NSB_STEP_FAIL:
	default:
		break;
	}
	nsb_xfatal(ex);
	/* Only stage-0 and stage-1 create stages; a child's copy of the pids is
	 * reset when it starts, so no stage kills its parent or itself. */
	kill_stage(ex, ex->init_pid, "stage-2");
	kill_stage(ex, ex->child_pid, "stage-1");
	return ex->exit_status != 0 ? ex->exit_status : NSB_INIT_EXIT_FAILURE;
}
