/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent.h - the runtime's side of the init protocol: what runc's Go
 * parent does with `runc init`, as a library.
 *
 *   1. socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC): the init pipe;
 *      pipe2(O_CLOEXEC): the log pipe;
 *   2. start init with _LIBCONTAINER_INITPIPE / _LOGPIPE / _LOGLEVEL set
 *      (execve of an init binary, or a function in a forked child);
 *   3. send the bootstrap, read {"stage1_pid":N,"stage2_pid":M}\n, while
 *      forwarding every log line;
 *   4. wait for stage-0 to exit, reap stage-1 (both were created with
 *      CLONE_PARENT, so they are our children);
 *   5. the cgroup move and the final CPU affinity of stage-2 (see the
 *      config below), then on_ready (whatever else must happen before
 *      stage-2 runs);
 *   6. shutdown(SHUT_WR) of the init pipe: EOF is stage-2's go signal;
 *   7. wait for stage-2 (now the command) to exit.
 *
 * On a failure of init, the stages it knows are SIGKILLed and every log
 * line is read to EOF before returning, which means every stage process
 * has exited (each holds the log pipe until it dies or execs). Stages whose
 * pid was never reported (stage-0 failed before the pid JSON) are children
 * of the caller left for it to reap with waitpid(-1).
 */
#ifndef NSBOOT_PARENT_H
#define NSBOOT_PARENT_H

#include <sys/types.h>

#include "nsboot/bootstrap.h"
#include "nsboot/cpulist.h"
#include "nsboot/error.h"
#include "nsboot/export.h"
#include "nsboot/log.h"
#include "nsboot/sys.h"

NSB_BEGIN_DECLS

struct nsb_parent_result {
	pid_t stage0, stage1, stage2; /* 0 while unknown */
	int stage0_status;            /* waitpid statuses; -1 while not reaped */
	int stage1_status;
	int stage2_status;
	char fatal[NSB_LOG_LINE_MAX]; /* the first FATAL message from init, "" if none */
	char what[256];               /* what the parent itself was doing when it failed */
};

struct nsb_parent_config {
	const struct nsb_sys *sys; /* NULL: nsb_sys_default() */
	const void *bootstrap;     /* one encoded message (nsb_encode) */
	size_t bootstrap_len;
	int log_level;            /* _LIBCONTAINER_LOGLEVEL for init, 0..6 */
	enum nsb_dialect dialect; /* runc-1.1: wait for init's 0x00 byte before sending */

	/* Start init by execve(init_path, init_argv, envp + _LIBCONTAINER_*)... */
	const char *init_path;
	char *const *init_argv;
	char *const *envp; /* base environment; its _LIBCONTAINER_* entries are dropped */
	/* ...or, when init_fn is set, by calling it in a forked child, which
	 * exits with its return value (tests run the executor on fakes so). */
	int (*init_fn)(void *arg, int initpipe, int logpipe);
	void *init_arg;

	/* every log line: level, or -1 with the raw line when it is not in
	 * the log format; @msg is NUL-terminated (so a message with a \u0000
	 * escape ends there; nsboot's init never writes one). May be NULL. */
	void (*on_log)(void *ctx, int level, const char *msg);
	void *log_ctx;
	/* after stage-0 exited 0 and stage-1 was reaped, before stage-2 is
	 * released; non-zero aborts (stage-2 is killed). May be NULL. */
	int (*on_ready)(void *ctx, const struct nsb_parent_result *res);
	void *ready_ctx;

	/*
	 * Appended: CPU affinity and the cgroup, as runc does for an exec
	 * (bootstrap-protocol.md §8). A NULL or empty (count 0) set is unset.
	 *  - affinity_initial is set on the calling thread just before init is
	 *    started, so every stage is born with it; the thread's own mask is
	 *    restored right after (a failure to restore fails the run).
	 *  - Once stage-0 has exited, stage-2 is written to cgroup/cgroup.procs
	 *    (v1 or v2; NULL: it stays where it was born).
	 *  - Right after that move, affinity_final is applied to stage-2; when
	 *    neither mask is set and stage-2 was moved, an all-ones mask resets
	 *    it to every CPU the cgroup allows (without a move nothing is reset:
	 *    the command keeps the caller's mask, as with nsenter). Only then
	 *    on_ready, then the go signal.
	 * Masks of any size up to NSB_CPU_MAX work (no cpu_set_t limit). An
	 * empty cgroup path, one too long for PATH_MAX, or a set whose highest
	 * CPU is out of range is INVALID_ARGUMENT before anything starts.
	 */
	const struct nsb_cpuset *affinity_initial;
	const struct nsb_cpuset *affinity_final;
	const char *cgroup;
};

/*
 * nsb_parent_run - start init and see it through to stage-2's exit.
 * Returns NSB_OK when stage-2 was released and has exited
 * (res->stage2_status; res->fatal is set if its exec failed).
 * NSB_ERR_STAGE_FAILED: stage-0 or stage-1 failed (res->fatal says why);
 * NSB_ERR_SHORT_HEADER / NSB_ERR_TRUNCATED: @bootstrap is shorter than 16
 * bytes or than its own nlmsg_len (init would wait forever for the rest;
 * nothing is started); NSB_ERR_JSON_SYNTAX: the pid line was malformed; NSB_ERR_SYSCALL: a call
 * of the parent failed (err->sys_errno, res->what); NSB_ERR_NOMEM.
 */
NSB_API enum nsb_err nsb_parent_run(const struct nsb_parent_config *cfg, struct nsb_parent_result *res,
                                    struct nsb_error *err);

/*
 * nsb_parse_pid_json - parse exactly {"stage1_pid":N,"stage2_pid":M} (no
 * '\n'), N and M canonical decimals in [1, INT32_MAX]. JSON_SYNTAX with
 * err->pos at the start of the first token that does not match (a key,
 * or the number that is not canonical or out of range).
 */
NSB_API enum nsb_err nsb_parse_pid_json(const char *line, size_t len, pid_t *stage1, pid_t *stage2,
                                        struct nsb_error *err);

NSB_END_DECLS

#endif /* NSBOOT_PARENT_H */
