/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init.h - the executor: runc's C-side init (`runc init` before Go starts),
 * hardened. It reads one bootstrap from the init pipe, builds the plan
 * (machine.h) and carries it out in setup, stage-0, stage-1 and stage-2
 * through the syscall seam (sys.h). See docs/protocol.md, 'The stages'.
 *
 * Processes: the caller's process runs setup and stage-0 (named
 * "nsb:[0:PARENT]"); it creates stage-1 with clone(CLONE_PARENT|SIGCHLD),
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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsboot/bootstrap.h"
#include "nsboot/export.h"
#include "nsboot/sys.h"

NSB_BEGIN_DECLS

/* Exit statuses of nsb_init_run besides 0. */
#define NSB_INIT_EXIT_FAILURE    1
#define NSB_INIT_EXIT_CANNOT_RUN 126 /* the command exists but exec failed */
#define NSB_INIT_EXIT_NOT_FOUND  127 /* the command was not found */

/*
 * The release: in exec mode stage-2 runs its command only after reading
 * exactly these bytes and then EOF on the init pipe, with the runtime's end
 * of the pipe still open (the runtime is alive). EOF alone, a partial or a
 * different message, or a runtime that is gone means nobody released it:
 * stage-2 exits without running anything. nsb_parent_run sends it.
 */
#define NSB_RELEASE_TOKEN     "nsboot:release\n"
#define NSB_RELEASE_TOKEN_LEN (sizeof(NSB_RELEASE_TOKEN) - 1)

/* What nsb_init_run returns in stage-2 in runtime mode (stage2_returns). */
#define NSB_INIT_CONTINUE (-1)

struct nsb_init_config {
	const struct nsb_sys *sys; /* NULL: nsb_sys_default() */
	enum nsb_dialect dialect;  /* runc-1.1 also writes the 0x00 "past setup" byte first */
	uint32_t max_len;          /* cap on the bootstrap; 0: NSB_DEFAULT_MAX_LEN */
	/* the environment, as strings (NULL = unset): decimal in [0, INT_MAX] */
	const char *initpipe; /* _LIBCONTAINER_INITPIPE: required */
	const char *logpipe;  /* _LIBCONTAINER_LOGPIPE: no log lines without it */
	const char *loglevel; /* _LIBCONTAINER_LOGLEVEL: default 5 (debug) */
	/* what stage-2 execs (PATH searched as execvp does); NULL or empty: exit 0 */
	char *const *argv;

	/* Appended for runtimes that vendor core (core/compat/runc-1.1); all
	 * zero is the behaviour described above. */
	/* process names "<name>:[0:PARENT]", "<name>:[1:CHILD]", "<name>:[2:INIT]";
	 * NULL: "nsb" (the kernel keeps 15 bytes: "nsb" and "runc" fit whole) */
	const char *process_name;
	/* runtime mode: stage-2 does not wait for EOF on the init pipe nor exec;
	 * right after its CHILD_FINISH it closes every fd of core's own and
	 * nsb_init_run returns NSB_INIT_CONTINUE, with the init pipe and the log
	 * pipe still open at their numbers (close-on-exec) and the mount fds in
	 * place: the runtime's own code goes on in stage-2 (runc: Go) */
	bool stage2_returns;
	/* liberal decoding: a bootstrap without ROOTLESS_EUID means false
	 * (struct nsb_decode_opts.allow_missing_rootless_euid) */
	bool allow_missing_rootless_euid;
	/* _LIBCONTAINER_MOUNT_FDS (runc-1.1), parsed by the caller: one entry per
	 * entry of MOUNT_SOURCES, -1 for a mount that is not a bind mount, else
	 * the fd number stage-1 puts that bind source at (dup3, close-on-exec).
	 * Each number must be open already (runc: placeholders) and none may be
	 * the init or log pipe or appear twice. mount_fds_set false: the variable
	 * is unset, which is right exactly when the bootstrap has no MOUNT_SOURCES */
	bool mount_fds_set;
	const int *mount_fds;
	size_t mount_fd_count;
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
 * Runtime mode (@cfg->stage2_returns): stage-2 returns NSB_INIT_CONTINUE
 * instead of waiting and exec'ing; the caller carries on in stage-2.
 */
NSB_API int nsb_init_run(const struct nsb_init_config *cfg);

/*
 * nsb_run_sealed - make this process run from a sealed copy of its own
 * executable, before it starts any stage that enters a container (exe_seal.c
 * says why). If /proc/self/exe is already a memfd sealed against writes,
 * returns NSB_OK at once (the copy itself, after the re-exec). Otherwise
 * copies the loaded part of the executable into a memfd, seals it
 * (F_SEAL_WRITE, SHRINK, GROW, SEAL) and execveat()s it with @argv and
 * @envp: it does not return then. Fds without close-on-exec survive, as
 * in any exec. On failure returns NSB_ERR_SYSCALL with err->sys_errno and
 * *@call (if @call is not NULL) the seam entry that failed; the process
 * is unchanged. @sys NULL: nsb_sys_default().
 */
NSB_API enum nsb_err nsb_run_sealed(const struct nsb_sys *sys, char *const argv[], char *const envp[],
                                    const char **call, struct nsb_error *err);

/*
 * nsb_env_int - the rule for every _LIBCONTAINER_* integer: decimal digits
 * only (no sign, no spaces), value in [0, INT_MAX]. Returns false for NULL,
 * "" and anything else; *out is set only on success. Exported so that a
 * runtime adapter checks the variables it reads itself by the same rule.
 */
NSB_API bool nsb_env_int(const char *s, int *out);

NSB_END_DECLS

#endif /* NSBOOT_INIT_H */
