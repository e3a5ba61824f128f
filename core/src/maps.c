/* SPDX-License-Identifier: Apache-2.0 */
/*
 * maps.c - stage-0 writes stage-1's procfs files: setgroups, uid_map,
 * gid_map (WRITE_MAPS) and timens_offsets (WRITE_TIMEOFFSETS).
 *
 * Each file gets exactly the payload text, without its NUL, in one
 * write(2): the kernel accepts a map or offsets only whole, in a single
 * write, and a second write fails. A map write refused with EPERM falls
 * back to the helper named by UIDMAPPATH / GIDMAPPATH (newuidmap(1)), run
 * with an argv sized to the map, an empty environment and nothing open but
 * fds 0-2; only exit status 0 is success (a signal is a failure).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coverage.h"
#include "init_internal.h"

/* Write @text to /proc/<stage-1>/@file. With @eperm non-NULL, EPERM is not
 * a failure: *eperm is set and the caller decides. */
static enum nsb_step write_proc(struct nsb_exec *ex, const char *file, struct nsb_str text, bool *eperm)
{
	char path[64];
	enum nsb_step step = NSB_STEP_OK;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%d/%s", (int)ex->child_pid, file);
	nsb_xlog(ex, NSB_LOG_DEBUG, "update %s to '%.*s'", path, (int)text.len, text.ptr);
	fd = NSB_CALL(ex, open, path, O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return nsb_xfail_sys(ex, "open %s", path);
	ssize_t n = NSB_CALL(ex, write, fd, text.ptr, text.len);
	if (n < 0 && errno == EPERM && eperm != NULL) {
		*eperm = true;
	} else if (n < 0) {
		step = nsb_xfail_sys(ex, "update %s", path);
	} else if ((size_t)n != text.len) {
		step = nsb_xfail(ex, NSB_ERR_IO, "update %s: wrote %zd of %zu bytes", path, n, text.len);
	}
	if (step != NSB_STEP_OK) {
		(void)NSB_CALL_K(ex, NSB_SITE_CLEANUP, close, fd);
		return step;
	}
	return nsb_close_fd(ex, &fd, path);
}

/* argv for "<helper> <pid> <c> <h> <s> ...": one malloc holding the
 * pointer array and the number strings after it. */
static char **helper_argv(const char *helper, pid_t pid, const struct nsb_idmap *map)
{
	size_t nargs = 2 + 3 * map->count;
	size_t size = (nargs + 1) * sizeof(char *) + (nargs - 1) * 12;
	char **argv = malloc(size);
	char *text;

	/* The seam has no malloc, so no test can fail this one (nor run_helper's
	 * check below). GCOVR_EXCL_START: OutOfMemory */
	if (argv == NULL)
		return NULL;
	/* GCOVR_EXCL_STOP: OutOfMemory */
	text = (char *)(argv + nargs + 1);
	argv[0] = (char *)(uintptr_t)helper; /* execve takes char *const[]; never written */
	argv[1] = text;
	text += snprintf(text, 12, "%d", (int)pid) + 1;
	for (size_t i = 0; i < map->count; i++) {
		const uint32_t v[3] = {map->extents[i].container_id, map->extents[i].host_id,
		                       map->extents[i].size};
		for (size_t k = 0; k < 3; k++) {
			argv[2 + 3 * i + k] = text;
			text += snprintf(text, 12, "%u", v[k]) + 1;
		}
	}
	argv[nargs] = NULL;
	return argv;
}

/* In the forked helper process: never returns. */
static void helper_child(struct nsb_exec *ex, char **argv)
{
	static char *const empty_env[] = {NULL};

	/* Everything but 0-2 close-on-exec (Linux >= 5.11): the helper gets
	 * no fd of ours, yet the log pipe stays usable to report an exec failure. */
	if (NSB_CALL(ex, close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) < 0) {
		nsb_xfail_sys(ex, "id map helper: mark fds close-on-exec");
		nsb_xfatal(ex);
		NSB_COVERAGE_FLUSH();
		_exit(NSB_INIT_EXIT_FAILURE);
	}
	(void)NSB_CALL(ex, execve, argv[0], argv, empty_env);
	nsb_xfail_sys(ex, "id map helper: exec %s", argv[0]);
	nsb_xfatal(ex);
	NSB_COVERAGE_FLUSH();
	_exit(NSB_INIT_EXIT_NOT_FOUND);
}

static enum nsb_step run_helper(struct nsb_exec *ex, const char *what, struct nsb_str helper,
                                const struct nsb_idmap *map)
{
	char **argv = helper_argv(helper.ptr, ex->child_pid, map);
	int status = 0;
	pid_t pid;

	/* GCOVR_EXCL_START: OutOfMemory (helper_argv's malloc) */
	if (argv == NULL)
		return nsb_xfail(ex, NSB_ERR_NOMEM, "%s helper %s", what, helper.ptr);
	/* GCOVR_EXCL_STOP: OutOfMemory */
	nsb_xlog(ex, NSB_LOG_DEBUG, "update /proc/%d/%s got EPERM: trying %s", (int)ex->child_pid, what,
	         helper.ptr);
	pid = NSB_CALL0(ex, fork);
	if (pid < 0) {
		free(argv);
		return nsb_xfail_sys(ex, "%s helper %s: fork", what, helper.ptr);
	}
	if (pid == 0)
		helper_child(ex, argv);
	free(argv);
	for (;;) {
		if (NSB_CALL(ex, waitpid, pid, &status, 0) == pid)
			break;
		if (errno != EINTR)
			return nsb_xfail_sys(ex, "%s helper %s: wait", what, helper.ptr);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return NSB_STEP_OK;
	if (WIFSIGNALED(status))
		return nsb_xfail(ex, NSB_ERR_HELPER_FAILED, "%s helper %s: killed by signal %d", what,
		                 helper.ptr, WTERMSIG(status));
	/* waitpid without WUNTRACED/WCONTINUED: a helper that was not killed exited */
	return nsb_xfail(ex, NSB_ERR_HELPER_FAILED, "%s helper %s: exit status %d", what, helper.ptr,
	                 WEXITSTATUS(status));
}

static enum nsb_step write_map(struct nsb_exec *ex, const char *file, struct nsb_str text,
                               struct nsb_str helper, const struct nsb_idmap *map)
{
	bool eperm = false;

	if (text.len == 0)
		return NSB_STEP_OK;
	if (write_proc(ex, file, text, helper.len > 0 ? &eperm : NULL) != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	return eperm ? run_helper(ex, file, helper, map) : NSB_STEP_OK;
}

enum nsb_step nsb_op_write_maps(struct nsb_exec *ex, const struct nsb_op *op)
{
	const struct nsb_plan *plan = &ex->plan;
	static const struct nsb_str deny = {"deny", 4};
	(void)op;

	nsb_xlog(ex, NSB_LOG_DEBUG, "stage-1 requested userns mappings");
	/* setgroups before gid_map: the kernel refuses "deny" once a gid_map exists. */
	if (plan->setgroups_deny && write_proc(ex, "setgroups", deny, NULL) != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	if (write_map(ex, "uid_map", plan->uid_map, plan->uid_helper, plan->uid_extents) != NSB_STEP_OK)
		return NSB_STEP_FAIL;
	return write_map(ex, "gid_map", plan->gid_map, plan->gid_helper, plan->gid_extents);
}

enum nsb_step nsb_op_write_timeoffsets(struct nsb_exec *ex, const struct nsb_op *op)
{
	(void)op;
	nsb_xlog(ex, NSB_LOG_DEBUG, "stage-1 requested time namespace offsets");
	return write_proc(ex, "timens_offsets", ex->plan.time_offsets, NULL);
}
