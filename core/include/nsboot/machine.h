/* SPDX-License-Identifier: Apache-2.0 */
/*
 * machine.h - the pure namespace-join state machine: plans and the sync judge.
 *
 * From a decoded bootstrap, nsb_plan_build() derives one script per process
 * step: SETUP (the process the runtime spawned), PARENT (stage-0, same
 * process), CHILD (stage-1) and INIT (stage-2). A script is a fixed list of
 * operations in the order the stage performs them, including every sync
 * value it sends and every value it expects to receive. The executor
 * (init.h) interprets the scripts through the syscall seam; nothing here
 * makes a system call, so the whole protocol can be checked and fuzzed.
 *
 * The sync protocol (4-byte host-order values on two stream socketpairs,
 * stage-0 <-> stage-1 and stage-0 <-> stage-2):
 *
 *   stage-1                         stage-0                        stage-2
 *   [USERMAP_PLS]       ->          write setgroups, uid/gid maps
 *                       <-          [USERMAP_ACK]
 *   [TIMEOFFSETS_PLS]   ->          write timens_offsets
 *                       <-          [TIMEOFFSETS_ACK]
 *   [MOUNTSOURCES_PLS]  ->          (runc-1.1, same value) open each bind
 *   (receive each fd)   <-          source, one SCM_RIGHTS message each
 *                       <-          [MOUNTSOURCES_ACK]
 *   RECVPID_PLS, pid    ->          (stage-2 pid)
 *                       <-          RECVPID_ACK; pid JSON to the runtime
 *   CHILD_FINISH        ->
 *                                   GRANDCHILD          ->
 *                                                       <-      CHILD_FINISH
 *
 * USERMAP is in the plan exactly when a user namespace is created,
 * TIMEOFFSETS exactly when time offsets are given (runc-1.2), MOUNTSOURCES
 * exactly when MOUNT_SOURCES names at least one bind source (runc-1.1:
 * 0x46/0x47 carry that meaning there; a plan never holds both). runc's stage-0 accepts
 * any request at any time; here a receiving stage accepts only the next
 * value of its script (nsb_judge), once, so anything else is
 * NSB_ERR_SYNC_UNEXPECTED.
 */
#ifndef NSBOOT_MACHINE_H
#define NSBOOT_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsboot/bootstrap.h"
#include "nsboot/error.h"
#include "nsboot/export.h"
#include "nsboot/payload.h"

NSB_BEGIN_DECLS

/* Sync values on the wire (runc's numbers). 0x46/0x47 are MOUNTSOURCES in runc 1.1. */
enum nsb_sync {
	NSB_SYNC_USERMAP_PLS = 0x40,
	NSB_SYNC_USERMAP_ACK = 0x41,
	NSB_SYNC_RECVPID_PLS = 0x42,
	NSB_SYNC_RECVPID_ACK = 0x43,
	NSB_SYNC_GRANDCHILD = 0x44,
	NSB_SYNC_CHILD_FINISH = 0x45,
	NSB_SYNC_TIMEOFFSETS_PLS = 0x46,
	NSB_SYNC_TIMEOFFSETS_ACK = 0x47,
	/* runc-1.1's meaning of 0x46/0x47: stage-0 sends the mount source fds */
	NSB_SYNC_MOUNTSOURCES_PLS = 0x46,
	NSB_SYNC_MOUNTSOURCES_ACK = 0x47
};

/* nsb_sync_name - "USERMAP_PLS" etc.; NULL for a value that is not a sync value. */
NSB_API const char *nsb_sync_name(uint32_t value);

/* The scripts of a plan, one per process step. */
enum nsb_script_id {
	NSB_SCRIPT_SETUP,  /* before stage-0, same process */
	NSB_SCRIPT_PARENT, /* stage-0 */
	NSB_SCRIPT_CHILD,  /* stage-1 */
	NSB_SCRIPT_INIT,   /* stage-2 */
	NSB_SCRIPT_COUNT
};

/* The peer a SEND/RECV talks to. Stage-1 and stage-2 only talk to stage-0. */
enum nsb_peer { NSB_PEER_PARENT, NSB_PEER_CHILD, NSB_PEER_INIT };

/*
 * Operations. @arg of struct nsb_op: the sync value for SEND/RECV, the
 * clone flags for UNSHARE, 0/1 for DUMPABLE, unused otherwise.
 */
enum nsb_op_kind {
	/* SETUP */
	NSB_OP_OOM_SCORE_ADJ, /* write plan->oom_score_adj to /proc/self/oom_score_adj */
	NSB_OP_DUMPABLE,      /* prctl(PR_SET_DUMPABLE, arg) */
	NSB_OP_SOCKETPAIRS,   /* the two sync socketpairs */
	/* PARENT */
	NSB_OP_SPAWN_CHILD,       /* clone stage-1 */
	NSB_OP_WRITE_MAPS,        /* setgroups, uid_map, gid_map of stage-1 */
	NSB_OP_WRITE_TIMEOFFSETS, /* /proc/<stage-1>/timens_offsets */
	NSB_OP_RECV_PID,          /* the 4-byte stage-2 pid after RECVPID_PLS */
	NSB_OP_REPORT_PIDS,       /* {"stage1_pid":N,"stage2_pid":M}\n to the init pipe */
	/* CHILD */
	NSB_OP_JOIN,           /* join every namespace of plan->joins */
	NSB_OP_UNSHARE,        /* unshare(arg) */
	NSB_OP_SETRESUID_ROOT, /* setresuid(0, 0, 0) */
	NSB_OP_SPAWN_INIT,     /* clone stage-2 */
	NSB_OP_SEND_PID,       /* the 4-byte stage-2 pid after RECVPID_PLS */
	/* INIT */
	NSB_OP_SETSID,
	NSB_OP_SETUID_ROOT,
	NSB_OP_SETGID_ROOT,
	NSB_OP_SETGROUPS_EMPTY, /* setgroups(0, NULL) */
	NSB_OP_AWAIT_RELEASE,   /* NSB_RELEASE_TOKEN, EOF, and a live runtime: the go signal */
	NSB_OP_CLOSE_INTERNAL,  /* close every fd of nsboot's own */
	NSB_OP_EXEC,            /* the command through the sealed trampoline, or exit 0 without one */
	/* any stage */
	NSB_OP_SEND, /* write sync value arg to peer */
	NSB_OP_RECV, /* read a sync value from peer; it must equal arg */
	/* runc-1.1 mount sources */
	NSB_OP_SEND_MOUNT_SOURCES, /* PARENT: in stage-1's mount ns, open and send each bind source */
	NSB_OP_RECV_MOUNT_FDS,     /* CHILD: receive each, dup3 onto its _LIBCONTAINER_MOUNT_FDS number */
	/* INIT, runtime mode (struct nsb_plan_opts.stage2_returns) */
	NSB_OP_RETURN, /* stage-2 returns to the caller of nsb_init_run (NSB_INIT_CONTINUE) */
	/* SETUP, exec mode: the command gets no supplementary group of the caller's */
	NSB_OP_DROP_GROUPS, /* setgroups(0, NULL) while still in the caller's user namespace */
	NSB_OP__COUNT
};

/* nsb_op_name - "JOIN" etc.; NULL if out of range. */
NSB_API const char *nsb_op_name(enum nsb_op_kind kind);

struct nsb_op {
	enum nsb_op_kind kind;
	enum nsb_peer peer; /* SEND/RECV only */
	uint32_t arg;
};

/* Longest script: stage-1 with a join, a user namespace and mount sources has 16 ops. */
#define NSB_SCRIPT_MAX 20u

struct nsb_script {
	size_t count;
	struct nsb_op ops[NSB_SCRIPT_MAX];
};

/*
 * struct nsb_plan - what each stage does, and the data it does it with.
 * Views point into the decoded message's buffer and into the bootstrap
 * itself, which must both outlive the plan.
 */
struct nsb_plan {
	struct nsb_script scripts[NSB_SCRIPT_COUNT];

	bool has_oom;
	int32_t oom_score_adj;

	/* namespaces to join, in message order, and their CLONE_NEW* union */
	size_t join_count;
	struct nsb_ns_path joins[NSB_NS_COUNT];
	uint32_t join_flags;

	uint32_t clone_flags;   /* every namespace to create */
	bool setgroups_deny;    /* write "deny" to setgroups before gid_map */
	struct nsb_str uid_map; /* exact text, no NUL; len 0 = none */
	struct nsb_str gid_map;
	struct nsb_str uid_helper; /* NUL-terminated in the buffer; len 0 = none */
	struct nsb_str gid_helper;
	/* the parsed maps, for the helper's argv; point into the bootstrap, NULL = none */
	const struct nsb_idmap *uid_extents;
	const struct nsb_idmap *gid_extents;
	struct nsb_str time_offsets; /* exact text, no NUL; len 0 = none */

	/* runc-1.1 MOUNT_SOURCES: the entries ("" for a mount that is not a
	 * bind mount), their number, and how many are bind sources; the
	 * exchange is planned exactly when mount_bind_count > 0 */
	struct nsb_str mount_sources;
	size_t mount_source_count;
	size_t mount_bind_count;
};

/*
 * nsb_plan_build - derive the scripts from a decoded bootstrap.
 * @b must be what nsb_decode accepted; the cross-attribute rules it relies
 * on are checked again (INVALID_ARGUMENT), so a hand-built @b cannot make a
 * plan that deadlocks. Also INVALID_ARGUMENT: time offsets in runc-1.1 or
 * mount sources in runc-1.2 (the two meanings of 27290), and bind sources
 * without both a user and a mount namespace (each created or joined).
 * Dialect runc-1.1 also moves CLONE_NEWCGROUP from stage-1 to stage-2,
 * after its credentials and before its CHILD_FINISH, where runc 1.1 does it.
 */
NSB_API enum nsb_err nsb_plan_build(const struct nsb_bootstrap *b, struct nsb_plan *plan,
                                    struct nsb_error *err);

/* Options of nsb_plan_build_opts; all zero is nsb_plan_build. */
struct nsb_plan_opts {
	/* runtime mode: the INIT script ends SEND CHILD_FINISH, CLOSE_INTERNAL,
	 * RETURN (the runtime's own code takes over in stage-2, as runc's Go does)
	 * instead of AWAIT_RELEASE, CLOSE_INTERNAL, EXEC */
	bool stage2_returns;
};

/* nsb_plan_build_opts - nsb_plan_build with options; @opts NULL = all zero. */
NSB_API enum nsb_err nsb_plan_build_opts(const struct nsb_bootstrap *b, const struct nsb_plan_opts *opts,
                                         struct nsb_plan *plan, struct nsb_error *err);

/* struct nsb_machine - one stage's position in its script. */
struct nsb_machine {
	const struct nsb_script *script;
	size_t pc; /* index of the next op */
};

/* nsb_machine_init - start @m at the first op of @plan's script @id. */
NSB_API void nsb_machine_init(struct nsb_machine *m, const struct nsb_plan *plan, enum nsb_script_id id);

/* nsb_machine_next - the op to perform next, or NULL when the script is done. */
NSB_API const struct nsb_op *nsb_machine_next(const struct nsb_machine *m);

/* nsb_machine_advance - mark the current op done (not for RECV: use nsb_machine_recv). */
NSB_API void nsb_machine_advance(struct nsb_machine *m);

/*
 * nsb_machine_recv - judge a received sync value.
 * The current op must be a RECV from @from with arg == @got: then the
 * machine advances and NSB_OK is returned. Anything else (another value, a
 * value from the wrong peer, a value when the script expects no receive, a
 * value after the end) is NSB_ERR_SYNC_UNEXPECTED and the machine does not
 * move; err->offset holds the value received and err->pos the op index.
 */
NSB_API enum nsb_err nsb_machine_recv(struct nsb_machine *m, enum nsb_peer from, uint32_t got,
                                      struct nsb_error *err);

/* nsb_machine_expected - the value the current RECV op waits for; 0 if it is not a RECV. */
NSB_API uint32_t nsb_machine_expected(const struct nsb_machine *m);

NSB_END_DECLS

#endif /* NSBOOT_MACHINE_H */
