/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init.h - the executor: runc's C-side init (`runc init` before Go starts),
 * hardened. It reads one bootstrap from the init pipe, builds the plan
 * (machine.h) and carries it out in setup, stage-0, stage-1 and stage-2
 * through the syscall seam (sys.h). See spec §6.
 *
 * Processes: the caller's process runs setup and stage-0 (named
 * "nsboot:[0:PARENT]"); it creates stage-1 with clone(CLONE_PARENT|SIGCHLD),
 * which creates stage-2 the same way, so both are children of the runtime,
 * which reaps stage-1 and keeps stage-2. Stage-0 writes
 * {"stage1_pid":N,"stage2_pid":M}\n to the init pipe and exits 0 only
 * after stage-2 reported CHILD_FINISH. Stage-2 then waits for EOF on the
 * init pipe (the runtime's go signal), closes nsboot's own fds and execs
 * the command.
 *
 * Failure, in any stage: one FATAL log line naming the operation, the
 * failed call and errno; SIGKILL to the stages this one created or knows;
 * exit status 1 (126/127 when only the final exec fails, like a shell).
 * A stage whose peer dies sees EOF on its sync socket and fails the same
 * way, so no stage outlives a failure.
 */
#ifndef NSBOOT_INIT_H
#define NSBOOT_INIT_H

#include <stdint.h>

#include "nsboot/bootstrap.h"
#include "nsboot/export.h"
#include "nsboot/sys.h"

NSB_BEGIN_DECLS

/* Exit statuses of nsb_init_run besides 0. */
#define NSB_INIT_EXIT_FAILURE    1
#define NSB_INIT_EXIT_CANNOT_RUN 126 /* the command exists but exec failed */
#define NSB_INIT_EXIT_NOT_FOUND  127 /* the command was not found */

struct nsb_init_config {
	const struct nsb_sys *sys; /* NULL: nsb_sys_default() */
	enum nsb_dialect dialect;  /* runc-1.1 also writes the 0x00 "past setup" byte first */
	uint32_t max_len;          /* cap on the bootstrap; 0: NSB_DEFAULT_MAX_LEN */
	/* the environment, as strings (NULL = unset): decimal in [0, INT_MAX] */
	const char *initpipe; /* _LIBCONTAINER_INITPIPE: required */
	const char *logpipe;  /* _LIBCONTAINER_LOGPIPE: no log lines without it */
	const char *loglevel; /* _LIBCONTAINER_LOGLEVEL: default 5 (debug) */
	/* what stage-2 execs (execvp, PATH search); NULL or empty: exit 0 */
	char *const *argv;
};

/*
 * nsb_init_run - run the init. Returns in every process that ends
 * (stage-0, stage-1, a failed stage, stage-2 without a command) with that
 * process's exit status; the caller must exit with it at once and do
 * nothing else (it may be any of the stages). Stage-2 with a command
 * returns only if exec failed. With @cfg->initpipe NULL it does nothing and
 * returns 0: not started by a runtime (runc returns to Go the same way).
 * Before failing with no log pipe, FATAL lines go to fd 2 as
 * "FATAL: <stage>[<pid>]: <text>".
 */
NSB_API int nsb_init_run(const struct nsb_init_config *cfg);

NSB_END_DECLS

#endif /* NSBOOT_INIT_H */
