/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_stage1.c - the CHILD ops besides JOIN (join.c): unshare, become
 * root in a new user namespace, create stage-2 and hand its pid to stage-0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "init_internal.h"

const char *nsb_flags_names(uint32_t flags, char *buf, size_t cap)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int t = 0; t < NSB_NS_COUNT; t++) {
		if ((flags & nsb_ns_type_flag((enum nsb_ns_type)t)) == 0)
			continue;
		int n = snprintf(buf + len, cap - len, "%s%s", len > 0 ? "|" : "",
		                 nsb_ns_type_name((enum nsb_ns_type)t));
		if (n < 0 || (size_t)n >= cap - len)
			break;
		len += (size_t)n;
	}
	return buf;
}

/*
 * Kernels before 4.3 could fail unshare(2) with a spurious EINVAL while
 * another process read our /proc/<pid>/status or maps; runc retries it 5
 * times, and so do we (on current kernels EINVAL is real and stays).
 */
enum nsb_step nsb_op_unshare(struct nsb_exec *ex, const struct nsb_op *op)
{
	char names[96];

	nsb_flags_names(op->arg, names, sizeof(names));
	nsb_xlog(ex, NSB_LOG_DEBUG, "unshare %s", names);
	for (int tries = 5;; tries--) {
		if (NSB_CALL(ex, unshare, (int)op->arg) == 0)
			return NSB_STEP_OK;
		if (errno != EINVAL || tries <= 1)
			return nsb_xfail_sys(ex, "unshare %s namespaces", names);
	}
}

enum nsb_step nsb_op_setresuid_root(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	if (NSB_CALL(ex, setresuid, 0, 0, 0) < 0)
		return nsb_xfail_sys(ex, "become root in the user namespace");
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_spawn_init(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	nsb_xlog(ex, NSB_LOG_DEBUG, "spawn stage-2");
	pid_t pid = NSB_CALL0(ex, clone_parent);
	if (pid < 0)
		return nsb_xfail_sys(ex, "spawn stage-2");
	if (pid == 0) {
		enum nsb_step step;
		ex->stage = 2;
		ex->init_pid = 0;
		ex->peer_fd[NSB_PEER_PARENT] = ex->sock_init[1];
		nsb_set_name(ex, "[2:INIT]");
		nsb_xlog(ex, NSB_LOG_DEBUG, "~> nsexec stage-2");
		step = nsb_close_fd(ex, &ex->sock_child[1], "stage-1's end of its socket");
		if (step == NSB_STEP_OK)
			step = nsb_run_script(ex, NSB_SCRIPT_INIT);
		ex->exit_status = nsb_finish_stage(ex, step);
		return NSB_STEP_EXIT;
	}
	ex->init_pid = pid;
	return nsb_close_fd(ex, &ex->sock_init[1], "stage-2's end of its socket");
}

enum nsb_step nsb_op_send_pid(struct nsb_exec *ex, const struct nsb_op *op)
{
	int32_t pid = (int32_t)ex->init_pid;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "request stage-0 to forward stage-2 pid (%d)", (int)pid);
	return nsb_write_full(ex, ex->peer_fd[NSB_PEER_PARENT], &pid, sizeof(pid),
	                      "sync with stage-0: write(stage-2 pid)");
}
