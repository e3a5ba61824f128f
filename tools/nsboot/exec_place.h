/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exec_place.h - where `nsboot exec` runs the command: its cgroup and its
 * CPU affinity (runtime-spec process.execCPUAffinity; docs/protocol.md, 'CPU
 * affinity and the cgroup'). Parsed and checked before anything runs; a bad value is a usage
 * error (exit 2). core's parent side (parent.h) applies them.
 */
#ifndef NSBOOT_EXEC_PLACE_H
#define NSBOOT_EXEC_PLACE_H

#include <stdbool.h>

#include "nsboot/cpulist.h"

/* Largest --process file read: a process object is a few KiB. */
#define EXEC_PROCESS_MAX ((size_t)1024 * 1024)

struct exec_place {
	struct nsb_cpuset initial, final; /* count 0: unset */
	bool initial_opt, final_opt;      /* set by an option: --process does not change it */
	const char *process;              /* --process FILE */
	const char *cgroup;               /* --cgroup DIR */
};

/*
 * exec_place_cpus - --cpu-affinity-initial (@final false) or
 * --cpu-affinity-final TEXT: a CPU list ("" means unset). Returns -1 when
 * taken, else the exit status after printing the usage error.
 */
int exec_place_cpus(struct exec_place *pl, bool final, const char *text);

/*
 * exec_place_finish - after every option: read --process FILE for the masks
 * no option gave, and check that --cgroup DIR is a cgroup directory (it
 * has a cgroup.procs file). -1 when fine, else the exit status.
 */
int exec_place_finish(struct exec_place *pl);

/*
 * exec_place_process_json - the execCPUAffinity of a runtime-spec process
 * object in @json (@len bytes): sets the masks no option gave; both values
 * are checked either way. Strict: the top level is an object, at most one
 * execCPUAffinity, null or an object with at most one "initial" and one
 * "final", each a string (a CPU list, "" for unset) or null; anything else
 * in it is an error. Other members of the process object are not read.
 * NULL when fine, else a message in @why.
 */
const char *exec_place_process_json(struct exec_place *pl, const char *json, size_t len, char *why,
                                    size_t cap);

#endif /* NSBOOT_EXEC_PLACE_H */
