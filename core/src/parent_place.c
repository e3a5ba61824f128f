/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent_place.c - the initial CPU affinity around init's spawn, and
 * stage-2's cgroup move and final affinity (parent_place.h).
 *
 * Kernel facts relied on (docs/kernel-semantics.md, 'Mask sizes'): sched_setaffinity reads
 * only as many bytes of a longer mask as the kernel has CPUs, and treats
 * a shorter one as zero-extended, so a mask sized for the highest CPU
 * named works on any kernel, and so does an all-ones mask of any length
 * (the reset idiom). sched_getaffinity wants a buffer of at least the
 * kernel's CPU count (EINVAL otherwise), which is not known beforehand: it
 * is retried with a doubled buffer.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "parent_place.h"
#include "sys_call.h"

/* The kernel reads a mask as an array of unsigned long: the uint64_t words
 * of struct nsb_cpuset have that layout on 64-bit and on little-endian
 * machines. */
_Static_assert(sizeof(unsigned long) == sizeof(uint64_t) || __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "CPU masks as uint64_t words need 64-bit longs or little endian");

/* A set that is given at all: non-NULL with a CPU in it. */
static const struct nsb_cpuset *given(const struct nsb_cpuset *set)
{
	return set != NULL && set->count > 0 ? set : NULL;
}

enum nsb_err nsb_place_prepare(struct nsb_place *pl, const struct nsb_sys *sys,
                               const struct nsb_cpuset *initial, const struct nsb_cpuset *final,
                               const char *cgroup)
{
	static const char procs[] = "/cgroup.procs";

	memset(pl, 0, sizeof(*pl));
	pl->sys = sys;
	pl->initial = given(initial);
	pl->final = given(final);
	/* nsb_cpuset_bytes is 0 for a set whose highest CPU is out of range */
	if ((pl->initial != NULL && nsb_cpuset_bytes(pl->initial) == 0) ||
	    (pl->final != NULL && nsb_cpuset_bytes(pl->final) == 0))
		return NSB_ERR_INVALID_ARGUMENT;
	if (cgroup != NULL) {
		size_t len = strlen(cgroup);
		if (len == 0 || len + sizeof(procs) > sizeof(pl->procs))
			return NSB_ERR_INVALID_ARGUMENT;
		memcpy(pl->procs, cgroup, len);
		memcpy(pl->procs + len, procs, sizeof(procs));
		pl->cgroup = cgroup;
	}
	return NSB_OK;
}

enum nsb_err nsb_place_initial_enter(struct nsb_place *pl)
{
	size_t len;

	if (pl->initial == NULL)
		return NSB_OK;
	/* The caller's own mask first, to put back once init is started. */
	for (len = NSB_PLACE_MASK_FIRST;; len *= 2) {
		if (NSB_CALL(pl, sched_getaffinity, 0, len, pl->mask) == 0)
			break;
		if (errno != EINVAL || len >= sizeof(pl->mask)) {
			(void)snprintf(pl->what, sizeof(pl->what),
			               "read the CPU affinity of the runtime (%zu-byte mask)", len);
			return NSB_ERR_SYSCALL;
		}
	}
	pl->mask_len = len;
	if (NSB_CALL(pl, sched_setaffinity, 0, nsb_cpuset_bytes(pl->initial), pl->initial->bits) != 0) {
		char list[64]; /* a long list is cut: the call and errno matter more */
		(void)nsb_cpulist_format(pl->initial, list, sizeof(list));
		(void)snprintf(pl->what, sizeof(pl->what), "set the initial CPU affinity %s", list);
		return NSB_ERR_SYSCALL;
	}
	pl->restore = true;
	return NSB_OK;
}

enum nsb_err nsb_place_initial_leave(struct nsb_place *pl)
{
	if (!pl->restore)
		return NSB_OK;
	pl->restore = false;
	if (NSB_CALL(pl, sched_setaffinity, 0, pl->mask_len, pl->mask) != 0) {
		(void)snprintf(pl->what, sizeof(pl->what), "restore the CPU affinity of the runtime");
		return NSB_ERR_SYSCALL;
	}
	return NSB_OK;
}

/* Write @stage2's pid to cgroup.procs: one write(2), as cgroupfs takes an entry whole. */
static enum nsb_err move(struct nsb_place *pl, pid_t stage2)
{
	char text[16];
	int n = snprintf(text, sizeof(text), "%d", (int)stage2);
	int fd;
	ssize_t w;

	(void)snprintf(pl->what, sizeof(pl->what), "move stage-2 (pid %d) into the cgroup %s", (int)stage2,
	               pl->cgroup);
	fd = NSB_CALL(pl, open, pl->procs, O_WRONLY | O_CLOEXEC, 0);
	if (fd < 0)
		return NSB_ERR_SYSCALL;
	w = NSB_CALL(pl, write, fd, text, (size_t)n);
	if (w != n) {
		const struct nsb_site *failed =
		        pl->last_site; /* the write names the failure, not the close */
		int e = errno;
		(void)NSB_CALL_K(pl, NSB_SITE_CLEANUP, close, fd);
		pl->last_site = failed;
		errno = e;
		if (w >= 0) {
			size_t len = strlen(pl->what);
			(void)snprintf(pl->what + len, sizeof(pl->what) - len,
			               ": short write of %zd of %d bytes", w, n);
			return NSB_ERR_IO;
		}
		return NSB_ERR_SYSCALL;
	}
	/* The move happened at write(2); close has nothing left to report. */
	(void)NSB_CALL_K(pl, NSB_SITE_BEST_EFFORT, close, fd);
	return NSB_OK;
}

enum nsb_err nsb_place_stage2(struct nsb_place *pl, pid_t stage2)
{
	if (pl->cgroup != NULL) {
		enum nsb_err rc = move(pl, stage2);
		if (rc != NSB_OK)
			return rc;
	}
	if (pl->final != NULL) {
		if (NSB_CALL(pl, sched_setaffinity, stage2, nsb_cpuset_bytes(pl->final), pl->final->bits) !=
		    0) {
			char list[64];
			(void)nsb_cpulist_format(pl->final, list, sizeof(list));
			(void)snprintf(pl->what, sizeof(pl->what),
			               "set the final CPU affinity %s of stage-2 (pid %d)", list,
			               (int)stage2);
			return NSB_ERR_SYSCALL;
		}
	} else if (pl->initial == NULL && pl->cgroup != NULL) {
		/* Forget the mask stage-2 inherited from the runtime: on Linux >= 6.2
		 * the move only intersected it with the cgroup's CPUs. */
		memset(pl->mask, 0xff, sizeof(pl->mask));
		if (NSB_CALL(pl, sched_setaffinity, stage2, sizeof(pl->mask), pl->mask) != 0) {
			(void)snprintf(pl->what, sizeof(pl->what),
			               "reset the CPU affinity of stage-2 (pid %d) to all CPUs", (int)stage2);
			return NSB_ERR_SYSCALL;
		}
	}
	return NSB_OK;
}
