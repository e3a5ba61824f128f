/* SPDX-License-Identifier: Apache-2.0 */
/*
 * join.c - JOIN: enter the namespaces of NS_PATHS (stage-1).
 *
 * 1. Open every path first: after joining a mount or user namespace the
 *    paths may resolve differently or not at all. Nothing that is not a
 *    namespace file is ever opened for reading: each path is opened with
 *    O_PATH, which resolves it but calls no filesystem's or driver's
 *    open. It follows symbolic links: /proc/<pid>/ns/<type> is a link the
 *    kernel resolves itself, and with O_NOFOLLOW the fd would be that
 *    procfs link, refused; where any link leads is what fstatfs then
 *    judges, so following one cannot smuggle anything in. A FIFO
 *    cannot block or see a reader, a device node cannot act, a FUSE
 *    server gets no open request. fstatfs on that fd must say nsfs
 *    (NSFS_MAGIC): anything else is NS_NOT_NSFS. Only then is the file
 *    opened for real, through the O_PATH fd (/proc/self/fd/N names that
 *    very file, not the path again), O_RDONLY|O_CLOEXEC|O_NOCTTY|
 *    O_NONBLOCK, because setns and ioctl refuse O_PATH fds. /proc here is
 *    the runtime's own: stage-1 has joined nothing yet. Resolving a path
 *    can still wait on a filesystem it crosses (a hung NFS or FUSE
 *    server); opening the file at its end cannot.
 * 2. ioctl(NS_GET_NSTYPE) on each fd must give the declared type before
 *    any setns: a namespace of another type fails here, having changed
 *    nothing.
 * 3. Join by those fds and nothing else: the fds pin the namespaces that
 *    were checked, whatever the process that held them does meanwhile
 *    (setns, unshare, exit; its pid reused). setns(pidfd, flags) would
 *    enter that process's namespaces at the time of the call instead, so
 *    it is not used. runc's passes: every non-user namespace, skipping
 *    EPERM (we may need the target user namespace's privileges first);
 *    then the user namespace and setresuid(0, 0, 0); then the skipped ones
 *    again. A namespace still not joined is fatal.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "init_internal.h"

struct join_set {
	int fds[NSB_NS_COUNT];
	int pathfd; /* the O_PATH fd of the path being opened, -1 between paths */
	char paths[NSB_NS_COUNT][NSB_NS_PATH_MAX]; /* NUL-terminated copies */
};

static const char *type_name(const struct nsb_ns_path *p)
{
	return nsb_ns_type_name(p->type);
}

/* Step 1 for path @i: O_PATH, nsfs or NS_NOT_NSFS, then the real fd. */
static enum nsb_step open_one(struct nsb_exec *ex, struct join_set *js, size_t i)
{
	const struct nsb_ns_path *p = &ex->plan.joins[i];
	struct statfs fs;
	char self[40];

	js->pathfd = NSB_CALL(ex, open, js->paths[i], O_PATH | O_CLOEXEC, 0);
	if (js->pathfd < 0)
		return nsb_xfail_sys(ex, "open %s namespace path %s", type_name(p), js->paths[i]);
	if (NSB_CALL(ex, fstatfs, js->pathfd, &fs) < 0)
		return nsb_xfail_sys(ex, "join %s namespace: check the filesystem of %s", type_name(p),
		                     js->paths[i]);
	if ((unsigned long)fs.f_type != (unsigned long)NSFS_MAGIC) {
		nsb_xlog(ex, NSB_LOG_DEBUG, "%s is on a filesystem of type %#lx, not nsfs (%#lx)",
		         js->paths[i], (unsigned long)fs.f_type, (unsigned long)NSFS_MAGIC);
		return nsb_xfail(ex, NSB_ERR_NS_NOT_NSFS, "join %s namespace: %s is not a namespace file",
		                 type_name(p), js->paths[i]);
	}
	(void)snprintf(self, sizeof(self), "/proc/self/fd/%d", js->pathfd);
	js->fds[i] = NSB_CALL(ex, open, self, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK, 0);
	if (js->fds[i] < 0)
		return nsb_xfail_sys(ex, "join %s namespace: reopen %s through %s", type_name(p),
		                     js->paths[i], self);
	return nsb_close_fd(ex, &js->pathfd, "O_PATH fd of a namespace path");
}

static enum nsb_step open_all(struct nsb_exec *ex, struct join_set *js)
{
	const struct nsb_plan *plan = &ex->plan;

	for (size_t i = 0; i < plan->join_count; i++) {
		const struct nsb_ns_path *p = &plan->joins[i];
		/* the decoder bounds paths below NSB_NS_PATH_MAX with their NUL */
		memcpy(js->paths[i], p->path.ptr, p->path.len);
		js->paths[i][p->path.len] = '\0';
		if (open_one(ex, js, i) != NSB_STEP_OK)
			return NSB_STEP_FAIL;
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

/* Step 3. */
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
	if (js->pathfd >= 0) { /* only after a failure: open_one closes it on success */
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, js->pathfd);
		js->pathfd = -1;
	}
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
	js->pathfd = -1;
	step = open_all(ex, js);
	if (step == NSB_STEP_OK)
		step = check_types(ex, js);
	if (step == NSB_STEP_OK)
		step = join_in_passes(ex, js);
	step = join_set_close(ex, js, step);
	free(js);
	return step;
}
