/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mount_fds.c - runc 1.1's mount sources (dialect runc-1.1, MOUNT_SOURCES
 * with bind sources, sync 0x46/0x47).
 *
 * In a new user namespace, the container's root may not be able to reach a
 * bind mount's source (a 0700 directory of the host), and mount(2) takes a
 * source only from the caller's own mount namespace. So stage-0, with the
 * host's credentials, joins stage-1's new mount namespace, opens each bind
 * source there with O_PATH, and passes the fds to stage-1 over their sync
 * socket, one SCM_RIGHTS message each (one fd, one byte). Stage-1 puts each
 * at the number the runtime chose (_LIBCONTAINER_MOUNT_FDS: placeholders the
 * runtime opened, copies of its init socket) before it forks stage-2, which
 * inherits them; the runtime's code in stage-2 mounts from /proc/self/fd/N.
 *
 *   stage-1                                      stage-0
 *   MOUNTSOURCES_PLS                  ->
 *                                                open /proc/self/ns/mnt, /proc/<stage-1>/ns/mnt
 *                                                setns(stage-1's, CLONE_NEWNS)
 *   recvmsg, dup3(fd, N, O_CLOEXEC)   <-         per bind source: open(O_PATH), sendmsg, close
 *                                                setns(our own, CLONE_NEWNS)
 *   (RECV) MOUNTSOURCES_ACK           <-         MOUNTSOURCES_ACK
 *
 * The numbers are checked in setup, before anything runs (nsb_check_mount_fds):
 * one per MOUNT_SOURCES entry, -1 exactly for the non-bind entries, each
 * above stdio, not the init or log pipe, not twice, and open. Open numbers
 * also cannot collide with the sync sockets created after the check.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "init_internal.h"

/* Control buffer of one message: room for one fd, and (same size after
 * alignment) for two, so that a message with two fds is seen whole and
 * refused; three or more set MSG_CTRUNC. */
union fd_control {
	struct cmsghdr align;
	char buf[CMSG_SPACE(2 * sizeof(int))];
};

enum nsb_step nsb_check_mount_fds(struct nsb_exec *ex)
{
	const struct nsb_init_config *cfg = ex->cfg;
	const struct nsb_plan *plan = &ex->plan;
	struct nsb_str entry;
	size_t cursor = 0;

	if (!cfg->mount_fds_set) {
		if (plan->mount_bind_count == 0)
			return NSB_STEP_OK;
		return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
		                 "MOUNT_SOURCES has %zu bind sources, _LIBCONTAINER_MOUNT_FDS is not set",
		                 plan->mount_bind_count);
	}
	if (NSB_HAS(&ex->boot, NSB_F_MOUNT_SOURCES) == 0)
		return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
		                 "_LIBCONTAINER_MOUNT_FDS is set, the bootstrap has no MOUNT_SOURCES");
	if (cfg->mount_fd_count != plan->mount_source_count || cfg->mount_fds == NULL)
		return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
		                 "_LIBCONTAINER_MOUNT_FDS has %zu entries, MOUNT_SOURCES %zu",
		                 cfg->mount_fds != NULL ? cfg->mount_fd_count : 0, plan->mount_source_count);
	for (size_t i = 0; nsb_mount_sources_next(plan->mount_sources, &cursor, &entry); i++) {
		int fd = cfg->mount_fds[i];
		if ((entry.len == 0) != (fd == -1))
			return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID, "mount %zu ('%s') has fd %d: %s", i,
			                 entry.ptr, fd,
			                 entry.len == 0 ? "not a bind mount, want -1"
			                                : "a bind mount, want an fd");
		if (fd == -1)
			continue;
		if (fd <= 2 || fd == ex->initfd || fd == ex->logfd)
			return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
			                 "mount %zu: fd %d is stdio, the init pipe or the log pipe", i, fd);
		for (size_t k = 0; k < i; k++) {
			if (cfg->mount_fds[k] == fd)
				return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
				                 "mount %zu: fd %d is also mount %zu's", i, fd, k);
		}
		if (NSB_CALL(ex, fcntl, fd, F_GETFD, 0) < 0) {
			if (errno == EBADF)
				return nsb_xfail(ex, NSB_ERR_MOUNT_FDS_INVALID,
				                 "mount %zu: fd %d is not open", i, fd);
			return nsb_xfail_sys(ex, "mount %zu: check fd %d", i, fd);
		}
	}
	return NSB_STEP_OK;
}

/* ---- stage-0 ---------------------------------------------------------------- */

static enum nsb_step send_fd(struct nsb_exec *ex, int fd, const char *source)
{
	char byte = 0;
	struct iovec iov = {&byte, 1};
	union fd_control control;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;

	memset(&control, 0, sizeof(control));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control.buf;
	msg.msg_controllen = CMSG_SPACE(sizeof(int));
	c = &control.align; /* CMSG_FIRSTHDR(&msg): the buffer holds one header */
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	/* MSG_NOSIGNAL: a dead stage-1 is an EPIPE to report, not a silent SIGPIPE.
	 * One byte on a blocking stream socket: sent whole or not at all. */
	do {
		n = NSB_CALL(ex, sendmsg, ex->peer_fd[NSB_PEER_CHILD], &msg, MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return nsb_xfail_sys(ex, "send mount source %s to stage-1", source);
	return NSB_STEP_OK;
}

/* Open each bind source in the current (stage-1's) mount namespace and send it. */
static enum nsb_step send_sources(struct nsb_exec *ex)
{
	struct nsb_str entry;
	size_t cursor = 0;

	for (size_t i = 0; nsb_mount_sources_next(ex->plan.mount_sources, &cursor, &entry); i++) {
		if (entry.len == 0)
			continue; /* not a bind mount: nothing to send */
		nsb_xlog(ex, NSB_LOG_DEBUG, "send mount source %zu: %s", i, entry.ptr);
		/* entry.ptr is NUL-terminated in the message */
		int fd = NSB_CALL(ex, open, entry.ptr, O_PATH | O_CLOEXEC, 0);
		if (fd < 0)
			return nsb_xfail_sys(ex, "open mount source %s", entry.ptr);
		if (send_fd(ex, fd, entry.ptr) != NSB_STEP_OK) {
			(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fd);
			return NSB_STEP_FAIL;
		}
		if (nsb_close_fd(ex, &fd, "mount source") != NSB_STEP_OK)
			return NSB_STEP_FAIL;
	}
	return NSB_STEP_OK;
}

static enum nsb_step open_mntns(struct nsb_exec *ex, const char *path, int *fd)
{
	*fd = NSB_CALL(ex, open, path, O_RDONLY | O_CLOEXEC, 0);
	if (*fd < 0)
		return nsb_xfail_sys(ex, "open mount namespace %s", path);
	return NSB_STEP_OK;
}

enum nsb_step nsb_op_send_mount_sources(struct nsb_exec *ex, const struct nsb_op *op)
{
	char theirs_path[64];
	int fds[2] = {-1, -1}; /* our own mount namespace, stage-1's */
	enum nsb_step step;
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "stage-1 requested %zu mount sources", ex->plan.mount_bind_count);
	(void)snprintf(theirs_path, sizeof(theirs_path), "/proc/%d/ns/mnt", (int)ex->child_pid);
	step = open_mntns(ex, "/proc/self/ns/mnt", &fds[0]);
	if (step == NSB_STEP_OK)
		step = open_mntns(ex, theirs_path, &fds[1]);
	if (step == NSB_STEP_OK && NSB_CALL(ex, setns, fds[1], CLONE_NEWNS) < 0)
		step = nsb_xfail_sys(ex, "join stage-1's mount namespace %s", theirs_path);
	if (step == NSB_STEP_OK)
		step = send_sources(ex);
	/* On failure this process ends at once: only a success needs to go back. */
	if (step == NSB_STEP_OK && NSB_CALL(ex, setns, fds[0], CLONE_NEWNS) < 0)
		step = nsb_xfail_sys(ex, "return to our own mount namespace");
	for (size_t i = 0; i < 2; i++) {
		if (step == NSB_STEP_OK)
			step = nsb_close_fd(ex, &fds[i], "mount namespace fd");
		else if (fds[i] >= 0)
			(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fds[i]);
	}
	return step;
}

/* ---- stage-1 ---------------------------------------------------------------- */

/* Close the fds a refused message brought, so none outlives it. */
static void drop_fds(struct nsb_exec *ex, const struct cmsghdr *c)
{
	size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

	for (size_t k = 0; k < count; k++) {
		int fd;
		memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fd);
	}
}

static enum nsb_step recv_one(struct nsb_exec *ex, size_t index, int target)
{
	char byte = 0;
	struct iovec iov = {&byte, 1};
	union fd_control control;
	struct msghdr msg;
	struct cmsghdr *c;
	ssize_t n;
	int fd;

	do {
		memset(&control, 0, sizeof(control));
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = control.buf;
		msg.msg_controllen = sizeof(control.buf);
		n = NSB_CALL(ex, recvmsg, ex->peer_fd[NSB_PEER_PARENT], &msg, MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return nsb_xfail_sys(ex, "receive mount %zu's source from stage-0", index);
	if (n == 0)
		return nsb_xfail(ex, NSB_ERR_SYNC_SHORT, "receive mount %zu's source: end of stream", index);
	c = CMSG_FIRSTHDR(&msg);
	if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
		return nsb_xfail(ex, NSB_ERR_MOUNT_FD_MESSAGE, "mount %zu: a message without SCM_RIGHTS",
		                 index);
	if ((msg.msg_flags & MSG_CTRUNC) != 0 || c->cmsg_len != CMSG_LEN(sizeof(int))) {
		drop_fds(ex, c);
		return nsb_xfail(ex, NSB_ERR_MOUNT_FD_MESSAGE, "mount %zu: %zu fds in one message%s, want 1",
		                 index, (size_t)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int)),
		                 (msg.msg_flags & MSG_CTRUNC) != 0 ? " and more cut off" : "");
	}
	memcpy(&fd, CMSG_DATA(c), sizeof(int));
	/* fd != target: the target is open (checked in setup), so the kernel
	 * cannot have given us that number */
	if (NSB_CALL(ex, dup3, fd, target, O_CLOEXEC) < 0) {
		enum nsb_step step = nsb_xfail_sys(ex, "mount %zu: put its source at fd %d", index, target);
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fd);
		return step;
	}
	return nsb_close_fd(ex, &fd, "received mount source");
}

enum nsb_step nsb_op_recv_mount_fds(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	for (size_t i = 0; i < ex->cfg->mount_fd_count; i++) {
		int target = ex->cfg->mount_fds[i];
		if (target == -1)
			continue;
		if (recv_one(ex, i, target) != NSB_STEP_OK)
			return NSB_STEP_FAIL;
		nsb_xlog(ex, NSB_LOG_DEBUG, "mount %zu: source at fd %d", i, target);
	}
	return NSB_STEP_OK;
}
