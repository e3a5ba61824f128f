/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent_place.h - where the parent side puts init: the initial CPU
 * affinity around the spawn, then stage-2's cgroup and final affinity
 * (parent.h; docs/protocol.md, 'CPU affinity and the cgroup'). Private to core.
 *
 * Order, as runc: nsb_place_initial_enter() just before init is forked,
 * nsb_place_initial_leave() right after (in the parent, whatever the fork
 * did); nsb_place_stage2() once stage-0 has exited, before the go signal.
 * Every call goes through the seam, so fault injection reaches each site.
 *
 * A failing function returns NSB_ERR_SYSCALL (errno and pl->last_site name
 * the call) or NSB_ERR_IO (short write); pl->what says what it was doing.
 */
#ifndef NSBOOT_PARENT_PLACE_H
#define NSBOOT_PARENT_PLACE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsboot/cpulist.h"
#include "nsboot/error.h"
#include "nsboot/sys.h"

/* The largest mask handled: every CPU a CPU list can name (NSB_CPU_MAX). */
#define NSB_PLACE_MASK_BYTES (NSB_CPUSET_WORDS * sizeof(uint64_t))
/* The first size tried for reading a mask: cpu_set_t's, which fits most machines. */
#define NSB_PLACE_MASK_FIRST 128u

struct nsb_place {
	const struct nsb_sys *sys;
	const struct nsb_site *last_site;
	const struct nsb_cpuset *initial; /* NULL when unset */
	const struct nsb_cpuset *final;   /* NULL when unset */
	const char *cgroup;               /* NULL: no move */
	bool restore;                     /* mask holds the caller's own affinity, to put back */
	size_t mask_len;
	uint64_t mask[NSB_CPUSET_WORDS]; /* the caller's saved mask, or the all-ones reset */
	char procs[PATH_MAX];            /* cgroup "/cgroup.procs" */
	char what[256];                  /* what failed (as nsb_parent_result.what: long paths are cut) */
};

/*
 * nsb_place_prepare - check @initial, @final and @cgroup (parent.h's
 * rules) and set @pl up; nothing is called. NSB_OK or NSB_ERR_INVALID_ARGUMENT.
 */
enum nsb_err nsb_place_prepare(struct nsb_place *pl, const struct nsb_sys *sys,
                               const struct nsb_cpuset *initial, const struct nsb_cpuset *final,
                               const char *cgroup);

/* nsb_place_initial_enter - save the calling thread's mask and set the initial one (if any). */
enum nsb_err nsb_place_initial_enter(struct nsb_place *pl);

/* nsb_place_initial_leave - put the saved mask back, if enter changed it. */
enum nsb_err nsb_place_initial_leave(struct nsb_place *pl);

/*
 * nsb_place_stage2 - move @stage2 into the cgroup (if any), then apply the
 * final mask, or the all-ones reset when neither mask is set and it moved.
 */
enum nsb_err nsb_place_stage2(struct nsb_place *pl, pid_t stage2);

#endif /* NSBOOT_PARENT_PLACE_H */
