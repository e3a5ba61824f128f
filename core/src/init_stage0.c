/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_stage0.c - the PARENT ops: create stage-1, learn stage-2's pid, and
 * report both pids to the runtime.
 *
 * Socket ends: right after the clone, each process closes the ends it will
 * never use, so that the death of any stage is seen as EOF by its peer
 * (nobody else holds the other end of the socket).
 */
#include <stdio.h>

#include "init_internal.h"

enum nsb_step nsb_op_spawn_child(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	nsb_xlog(ex, NSB_LOG_DEBUG, "spawn stage-1");
	pid_t pid = NSB_CALL0(ex, clone_parent);
	if (pid < 0)
		return nsb_xfail_sys(ex, "spawn stage-1");
	if (pid == 0) {
		enum nsb_step step;
		ex->stage = 1;
		ex->child_pid = 0;
		ex->init_pid = 0;
		ex->peer_fd[NSB_PEER_PARENT] = ex->sock_child[1];
		nsb_set_name(ex, "[1:CHILD]");
		nsb_xlog(ex, NSB_LOG_DEBUG, "~> nsexec stage-1");
		step = nsb_close_fd(ex, &ex->sock_child[0], "stage-0's end of the stage-1 socket");
		if (step == NSB_STEP_OK)
			step = nsb_close_fd(ex, &ex->sock_init[0], "stage-0's end of the stage-2 socket");
		if (step == NSB_STEP_OK)
			step = nsb_run_script(ex, NSB_SCRIPT_CHILD);
		if (step == NSB_STEP_OK)
			nsb_xlog(ex, NSB_LOG_DEBUG, "<~ nsexec stage-1");
		ex->exit_status = nsb_finish_stage(ex, step);
		return NSB_STEP_EXIT;
	}
	ex->child_pid = pid;
	ex->peer_fd[NSB_PEER_CHILD] = ex->sock_child[0];
	ex->peer_fd[NSB_PEER_INIT] = ex->sock_init[0];
	if (nsb_close_fd(ex, &ex->sock_child[1], "stage-1's end of its socket") != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	return nsb_close_fd(ex, &ex->sock_init[1], "stage-2's end of its socket");
}

enum nsb_step nsb_op_recv_pid(struct nsb_exec *ex, const struct nsb_op *op)
{
	int32_t pid = 0;
	(void)op;

	if (nsb_read_full(ex, ex->peer_fd[NSB_PEER_CHILD], &pid, sizeof(pid),
	                  "sync with stage-1: read(stage-2 pid)") != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	if (pid <= 0)
		return nsb_xfail(ex, NSB_ERR_SYNC_UNEXPECTED, "sync with stage-1: stage-2 pid %d", (int)pid);
	ex->init_pid = (pid_t)pid;
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_report_pids(struct nsb_exec *ex, const struct nsb_op *op)
{
	char json[64];
	int n = snprintf(json, sizeof(json), "{\"stage1_pid\":%d,\"stage2_pid\":%d}\n", (int)ex->child_pid,
	                 (int)ex->init_pid);
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "forward stage-1 (%d) and stage-2 (%d) pids to the runtime",
	         (int)ex->child_pid, (int)ex->init_pid);
	return nsb_write_full(ex, ex->initfd, json, (size_t)n, "write the pid JSON to the init pipe");
}
