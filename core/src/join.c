/* SPDX-License-Identifier: Apache-2.0 */
/*
 * join.c - JOIN: enter the namespaces of NS_PATHS (stage-1).
 *
 * 1. Open every path first: after joining a mount or user namespace the
 *    paths may resolve differently or not at all. O_CLOEXEC so nothing
 *    leaks into the command; O_NONBLOCK|O_NOCTTY so a hostile path (a FIFO,
 *    a tty) can neither block nor become our terminal.
 * 2. ioctl(NS_GET_NSTYPE) on each fd must give the declared type before
 *    any setns: a path of another type, or not a namespace at all, fails
 *    here, having changed nothing.
 * 3. When every path is /proc/<pid>/ns/<type> of one process that is still
 *    alive after the opens (so the pid was not reused in between),
 *    setns(pidfd, all flags) joins everything at once (Linux >= 5.8,
 *    all-or-nothing). Any failure there falls back to step 4, still with
 *    nothing changed.
 * 4. runc's passes: every non-user namespace, skipping EPERM (we may need
 *    the target user namespace's privileges first); then the user
 *    namespace and setresuid(0, 0, 0); then the skipped ones again. A
 *    namespace still not joined is fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "init_internal.h"

#define CLONE_NEWUSER_FLAG 0x10000000u

struct join_set {
	int fds[NSB_NS_COUNT];
	int pidfd;
	char paths[NSB_NS_COUNT][NSB_NS_PATH_MAX]; /* NUL-terminated copies */
};

static const char *type_name(const struct nsb_ns_path *p)
{
	return nsb_ns_type_name(p->type);
}

static enum nsb_step open_all(struct nsb_exec *ex, struct join_set *js)
{
	const struct nsb_plan *plan = &ex->plan;

	for (size_t i = 0; i < plan->join_count; i++) {
		const struct nsb_ns_path *p = &plan->joins[i];
		/* the decoder bounds paths below NSB_NS_PATH_MAX with their NUL */
		memcpy(js->paths[i], p->path.ptr, p->path.len);
		js->paths[i][p->path.len] = '\0';
		js->fds[i] =
		        NSB_CALL(ex, open, js->paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
		if (js->fds[i] < 0)
			return nsb_xfail_sys(ex, "open %s namespace path %s", type_name(p), js->paths[i]);
	}
	return NSB_STEP_OK;
}

static enum nsb_step check_types(struct nsb_exec *ex, const struct join_set *js)
{
	const struct nsb_plan *plan = &ex->plan;

	for (size_t i = 0; i < plan->join_count; i++) {
		const struct nsb_ns_path *p = &plan->joins[i];
		int t = NSB_CALL(ex, ioctl, js->fds[i], (unsigned long)NS_GET_NSTYPE);
		if (t < 0 && (errno == ENOTTY || errno == EINVAL))
			return nsb_xfail(ex, NSB_ERR_NS_NOT_NSFS,
			                 "join %s namespace: %s is not a namespace file", type_name(p),
			                 js->paths[i]);
		if (t < 0)
			return nsb_xfail_sys(ex, "join %s namespace: check the type of %s", type_name(p),
			                     js->paths[i]);
		if ((uint32_t)t != nsb_ns_type_flag(p->type)) {
			char actual[96];
			nsb_flags_names((uint32_t)t, actual, sizeof(actual));
			return nsb_xfail(ex, NSB_ERR_NS_TYPE_MISMATCH,
			                 "join %s namespace: %s is a namespace of type %s (%#x)",
			                 type_name(p), js->paths[i], actual[0] != '\0' ? actual : "unknown",
			                 (unsigned)t);
		}
	}
	return NSB_STEP_OK;
}

static enum nsb_step become_root(struct nsb_exec *ex)
{
	if (NSB_CALL(ex, setresuid, 0, 0, 0) < 0)
		return nsb_xfail_sys(ex, "become root in the joined user namespace");
	return NSB_STEP_OK;
}

/* Step 3. True when everything is joined; false to fall back (nothing changed). */
static bool join_by_pidfd(struct nsb_exec *ex, struct join_set *js)
{
	const struct nsb_plan *plan = &ex->plan;

	if (js->pidfd < 0)
		return false;
	if (NSB_CALL_K(ex, NSB_SITE_FALLBACK, pidfd_send_signal, js->pidfd, 0, 0) < 0) {
		nsb_xlog(ex, NSB_LOG_DEBUG, "pid %d is gone (%s): joining namespace by namespace",
		         (int)plan->join_pid, strerror(errno));
		return false;
	}
	if (NSB_CALL_K(ex, NSB_SITE_FALLBACK, setns, js->pidfd, (int)plan->join_flags) < 0) {
		nsb_xlog(ex, NSB_LOG_DEBUG, "setns(pidfd of %d, %#x): %s: joining namespace by namespace",
		         (int)plan->join_pid, plan->join_flags, strerror(errno));
		return false;
	}
	nsb_xlog(ex, NSB_LOG_DEBUG, "joined every namespace of pid %d at once", (int)plan->join_pid);
	return true;
}

static enum nsb_step setns_one(struct nsb_exec *ex, const struct join_set *js, size_t i, bool skip_eperm,
                               bool *skipped)
{
	const struct nsb_ns_path *p = &ex->plan.joins[i];
	uint32_t flag = nsb_ns_type_flag(p->type);

	nsb_xlog(ex, NSB_LOG_DEBUG, "setns(%#x) into %s namespace (with path %s)", flag, type_name(p),
	         js->paths[i]);
	if (NSB_CALL(ex, setns, js->fds[i], (int)flag) == 0)
		return NSB_STEP_OK;
	if (skip_eperm && errno == EPERM) {
		nsb_xlog(ex, NSB_LOG_DEBUG, "setns into %s namespace: EPERM, retry after the user namespace",
		         type_name(p));
		*skipped = true;
		return NSB_STEP_OK;
	}
	return nsb_xfail_sys(ex, "failed to join {%s} namespace (%s)", type_name(p), js->paths[i]);
}

/* Step 4. */
static enum nsb_step join_in_passes(struct nsb_exec *ex, const struct join_set *js)
{
	const struct nsb_plan *plan = &ex->plan;
	bool skipped[NSB_NS_COUNT] = {false};
	size_t user = plan->join_count;

	for (size_t i = 0; i < plan->join_count; i++) {
		if (plan->joins[i].type == NSB_NS_USER) {
			user = i;
			continue;
		}
		if (setns_one(ex, js, i, true, &skipped[i]) != NSB_STEP_OK)
			return NSB_STEP_FAIL;
	}
	if (user < plan->join_count) {
		bool unused = false;
		if (setns_one(ex, js, user, false, &unused) != NSB_STEP_OK || become_root(ex) != NSB_STEP_OK)
			return NSB_STEP_FAIL;
	}
	for (size_t i = 0; i < plan->join_count; i++) {
		bool unused = false;
		if (skipped[i] && setns_one(ex, js, i, false, &unused) != NSB_STEP_OK)
			return NSB_STEP_FAIL;
	}
	return NSB_STEP_OK;
}

static enum nsb_step join_set_close(struct nsb_exec *ex, struct join_set *js, enum nsb_step step)
{
	for (size_t i = 0; i < ex->plan.join_count; i++) {
		if (js->fds[i] < 0)
			continue;
		if (step == NSB_STEP_OK) {
			step = nsb_close_fd(ex, &js->fds[i], "namespace fd");
		} else {
			(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, js->fds[i]);
			js->fds[i] = -1;
		}
	}
	if (js->pidfd >= 0) {
		if (step == NSB_STEP_OK)
			return nsb_close_fd(ex, &js->pidfd, "pidfd");
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, js->pidfd);
		js->pidfd = -1;
	}
	return step;
}

enum nsb_step nsb_op_join(struct nsb_exec *ex, const struct nsb_op *op)
{
	struct join_set *js = malloc(sizeof(*js)); /* 32 KiB of paths: not on the stack */
	enum nsb_step step;
	(void)op;

	/* The seam has no malloc, so no test can fail this one.
	 * GCOVR_EXCL_START: OutOfMemory */
	if (js == NULL)
		return nsb_xfail(ex, NSB_ERR_NOMEM, "join namespaces");
	/* GCOVR_EXCL_STOP: OutOfMemory */
	for (size_t i = 0; i < NSB_NS_COUNT; i++)
		js->fds[i] = -1;
	js->pidfd = -1;
	if (ex->plan.join_pid > 0) {
		/* Before the opens: if the process is alive after them, they were its namespaces. */
		js->pidfd = NSB_CALL_K(ex, NSB_SITE_FALLBACK, pidfd_open, (pid_t)ex->plan.join_pid, 0);
		if (js->pidfd < 0)
			nsb_xlog(ex, NSB_LOG_DEBUG, "pidfd_open(%d): %s: joining namespace by namespace",
			         (int)ex->plan.join_pid, strerror(errno));
	}
	step = open_all(ex, js);
	if (step == NSB_STEP_OK)
		step = check_types(ex, js);
	if (step == NSB_STEP_OK) {
		if (join_by_pidfd(ex, js))
			step = (ex->plan.join_flags & CLONE_NEWUSER_FLAG) != 0 ? become_root(ex)
			                                                       : NSB_STEP_OK;
		else
			step = join_in_passes(ex, js);
	}
	step = join_set_close(ex, js, step);
	free(js);
	return step;
}
