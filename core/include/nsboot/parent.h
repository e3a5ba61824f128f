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
 *      forwarding every log line. The two pids are used only if each is a
 *      child of the caller (stage-1 and stage-2 are created with
 *      CLONE_PARENT) that was not one before init started, neither is
 *      stage-0 and they differ: otherwise NSB_ERR_PID_NOT_CHILD, and
 *      nothing is done to them (no kill, no cgroup, no affinity);
 *   4. wait for stage-0 to exit, reap stage-1;
 *   5. the cgroup move and the final CPU affinity of stage-2 (see the
 *      config below), then on_ready (whatever else must happen before
 *      stage-2 runs);
 *   6. the release: all of NSB_RELEASE_TOKEN (init.h) on the init pipe,
 *      then shutdown(SHUT_WR). Stage-2 runs its command only on the whole
 *      token followed by EOF while our end is still open; our end stays
 *      open until stage-2 is reaped;
 *   7. wait for stage-2 (now the command) to exit.
 * Steps 1-6 are the setup: setup_timeout_ms and cancel (below) apply to
 * every wait in them, and nothing after them.
 *
 * On a failure (of init, of the parent, a timeout, a cancel): stage-0 and
 * the stages it reported are SIGKILLed, and so is every child of the
 * calling thread that was not one when the call began (the stages whose
 * pid was never reported, and anything they created with CLONE_PARENT);
 * every log line is read to EOF (every stage process has exited: each holds
 * the log pipe until it dies or execs), and all of them are reaped. So the
 * call returns with no child of its own left behind, and never waits for
 * or signals a child the caller had before.
 *
 * How the new children are told: the kernel lists the children of the
 * calling thread in /proc/thread-self/children (CONFIG_PROC_CHILDREN; a
 * zombie is listed until reaped). It is read before init is started and
 * again after a failure. Children created with CLONE_PARENT by a child of
 * this thread are this thread's too; children of other threads are not
 * listed. The caller's side of the contract, while the call runs:
 *  - the calling thread starts no other process (signal handlers included);
 *  - no other thread of the process exits while it has children (the
 *    kernel hands them to a live thread of the process, maybe this one),
 *    and the process is not a child subreaper receiving orphans (they go to
 *    a live thread too); such a process would be taken as the run's;
 *  - no thread reaps with waitpid(-1) / waitid(P_ALL) (a stage reaped
 *    behind our back frees its pid for reuse).
 * Without the file (ENOENT: a kernel built without CONFIG_PROC_CHILDREN,
 * or no procfs) the run goes on: the pid line is still checked with
 * waitid(), but the stages whose pid was never reported (stage-0 failed
 * before the pid line) are left for the caller to reap.
 */
#ifndef NSBOOT_PARENT_H
#define NSBOOT_PARENT_H

#include <signal.h>
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
	 * (docs/protocol.md, 'CPU affinity and the cgroup'). A NULL or empty
	 * (count 0) set is unset.
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

	/*
	 * Appended: a way out of the setup (steps 1-6 above), which a stage
	 * that is stopped (SIGSTOP from inside the container) would otherwise
	 * make wait forever.
	 *  - setup_timeout_ms: > 0, the setup fails with NSB_ERR_TIMEOUT once
	 *    it has taken that long (measured on CLOCK_MONOTONIC from the
	 *    call); 0: no limit; < 0 is INVALID_ARGUMENT.
	 *  - cancel: when non-NULL and *cancel is non-zero, the setup fails
	 *    with NSB_ERR_CANCELED (before anything starts, if it is set
	 *    already). A signal handler may set it: it is looked at whenever a
	 *    wait of the setup returns (EINTR included) and at least every
	 *    100 ms, so a signal that lands just before a wait begins is seen.
	 * Either way every stage is killed and reaped (see above). Neither
	 * applies after the release: the command runs as long as it runs.
	 */
	int setup_timeout_ms;
	const volatile sig_atomic_t *cancel;
};

/*
 * nsb_parent_run - start init and see it through to stage-2's exit.
 * Returns NSB_OK when stage-2 was released and has exited
 * (res->stage2_status; res->fatal is set if its exec failed).
 * NSB_ERR_STAGE_FAILED: stage-0 or stage-1 failed (res->fatal says why);
 * NSB_ERR_PID_NOT_CHILD: the pid line named a process that cannot be a
 * stage (res->what names it); NSB_ERR_TIMEOUT / NSB_ERR_CANCELED: the setup
 * ran out of time / was canceled (res->what says what it was waiting for);
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
