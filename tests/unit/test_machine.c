/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_machine.c - the pure state machine: nsb_plan_build's scripts for
 * every plan shape, the judge (nsb_machine_recv), and a model check that
 * runs the three stages' scripts against each other over simulated sockets
 * for every combination of plan features and proves they always finish.
 */
#include "testutil.h"

#include <stdbool.h>
#include <string.h>

#include "nsboot/machine.h"

#define P NSB_PEER_PARENT
#define C NSB_PEER_CHILD
#define I NSB_PEER_INIT

/* ---- building bootstraps by hand --------------------------------------- */

static void boot(struct nsb_bootstrap *b, uint32_t clone_flags)
{
	nsb_bootstrap_init(b, NSB_DIALECT_RUNC_1_2);
	b->clone_flags = clone_flags;
}

static void boot11(struct nsb_bootstrap *b, uint32_t clone_flags)
{
	nsb_bootstrap_init(b, NSB_DIALECT_RUNC_1_1);
	b->clone_flags = clone_flags;
}

/* MOUNT_SOURCES as the decoder leaves it: the entries, without the string's own NUL. */
static void set_sources(struct nsb_bootstrap *b, const char *entries, size_t len)
{
	b->mount_sources.ptr = entries;
	b->mount_sources.len = len;
	NSB_SET(b, NSB_F_MOUNT_SOURCES);
}

static const char three_mounts[] = "\0/srv/a\0/srv/b"; /* proc, bind /srv/a, bind /srv/b */
#define THREE_MOUNTS sizeof(three_mounts)              /* with the NUL the literal adds */

static void add_join(struct nsb_bootstrap *b, enum nsb_ns_type type, const char *path)
{
	b->ns_paths.paths[b->ns_paths.count].type = type;
	b->ns_paths.paths[b->ns_paths.count].path.ptr = path;
	b->ns_paths.paths[b->ns_paths.count].path.len = strlen(path);
	b->ns_paths.count++;
	NSB_SET(b, NSB_F_NS_PATHS);
}

static void set_str(struct nsb_str *s, const char *text)
{
	s->ptr = text;
	s->len = strlen(text);
}

static void add_maps(struct nsb_bootstrap *b)
{
	set_str(&b->uid_map_text, "0 1000 1\n");
	b->uid_map.count = 1;
	b->uid_map.extents[0] = (struct nsb_idmap_extent){0, 1000, 1};
	NSB_SET(b, NSB_F_UIDMAP);
	set_str(&b->gid_map_text, "0 1000 1\n");
	b->gid_map.count = 1;
	b->gid_map.extents[0] = (struct nsb_idmap_extent){0, 1000, 1};
	NSB_SET(b, NSB_F_GIDMAP);
}

static void add_setgroup(struct nsb_bootstrap *b)
{
	b->setgroup = true;
	NSB_SET(b, NSB_F_SETGROUP);
}

static void add_offsets(struct nsb_bootstrap *b)
{
	set_str(&b->time_offsets_text, "monotonic 5 0\n");
	b->time_offsets.count = 1;
	b->time_offsets.offsets[0] = (struct nsb_time_offset){NSB_CLOCK_MONOTONIC, 5, 0};
	NSB_SET(b, NSB_F_TIMENSOFFSET);
}

static void plan_ok(const struct nsb_bootstrap *b, struct nsb_plan *plan)
{
	struct nsb_error e;
	assert_nsb_ok(nsb_plan_build(b, plan, &e), e);
}

/* The judge refuses @value from @peer as SYNC_UNEXPECTED: offset is the
 * value, pos the script position (NSBT_ANY skips it). */
#define assert_judge_refuses(m, peer, value, pc)                                                         \
	do {                                                                                             \
		struct nsb_error e_;                                                                     \
		assert_nsb_err(nsb_machine_recv((m), (peer), (value), &e_), e_, NSB_ERR_SYNC_UNEXPECTED, \
		               (value), NSB_ATTR_NONE, (uint32_t)(pc));                                  \
	} while (0)

/* ---- comparing scripts -------------------------------------------------- */

struct want {
	enum nsb_op_kind kind;
	enum nsb_peer peer;
	uint32_t arg;
};

#define OP(k)                    \
	{                        \
		NSB_OP_##k, P, 0 \
	}
#define OPA(k, a)                  \
	{                          \
		NSB_OP_##k, P, (a) \
	}
#define SEND(p, v)                           \
	{                                    \
		NSB_OP_SEND, p, NSB_SYNC_##v \
	}
#define RECV(p, v)                           \
	{                                    \
		NSB_OP_RECV, p, NSB_SYNC_##v \
	}
/* The end of every child script: spawn stage-2, hand its pid to stage-0, finish. */
#define CHILD_SPAWN_AND_REPORT \
	OP(SPAWN_INIT), SEND(P, RECVPID_PLS), OP(SEND_PID), RECV(P, RECVPID_ACK), SEND(P, CHILD_FINISH)
/* The end of every parent script: take the pid, report it, release stage-2. */
#define PARENT_PIDS_AND_FINISH                                                                            \
	RECV(C, RECVPID_PLS), OP(RECV_PID), SEND(C, RECVPID_ACK), OP(REPORT_PIDS), RECV(C, CHILD_FINISH), \
	        SEND(I, GRANDCHILD), RECV(I, CHILD_FINISH)
#define N_(a)                      (sizeof(a) / sizeof((a)[0]))
#define assert_script(plan, id, w) check_script((plan), (id), (w), N_(w), __LINE__)

static void check_script(const struct nsb_plan *plan, enum nsb_script_id id, const struct want *w, size_t n,
                         int line)
{
	const struct nsb_script *s = &plan->scripts[id];
	for (size_t i = 0; i < n && i < s->count; i++) {
		const struct nsb_op *op = &s->ops[i];
		bool peer_matters = op->kind == NSB_OP_SEND || op->kind == NSB_OP_RECV;
		if (op->kind != w[i].kind || op->arg != w[i].arg || (peer_matters && op->peer != w[i].peer)) {
			print_error("line %d: script %d op %zu is %s(peer %d, %#x), want %s(peer %d, %#x)\n",
			            line, id, i, nsb_op_name(op->kind), op->peer, op->arg,
			            nsb_op_name(w[i].kind), w[i].peer, w[i].arg);
			fail();
		}
	}
	if (s->count != n) {
		print_error("line %d: script %d has %zu ops, want %zu\n", line, id, s->count, n);
		fail();
	}
}

static const struct want plain_init[] = {
        RECV(P, GRANDCHILD),   OP(SETSID),         OP(SETUID_ROOT),   OP(SETGID_ROOT),
        SEND(P, CHILD_FINISH), OP(CLOSE_INTERNAL), OP(AWAIT_RELEASE), OP(EXEC),
};

/* ---- plan shapes --------------------------------------------------------- */

static void test_plan_run_default_unshares_in_stage1_without_user_exchange(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	uint32_t flags = CL_NEWNS | CL_NEWUTS | CL_NEWIPC | CL_NEWPID | CL_NEWNET;
	boot(&b, flags);
	plan_ok(&b, &plan);

	const struct want setup[] = {OP(DROP_GROUPS), OP(SOCKETPAIRS)};
	const struct want parent[] = {
	        OP(SPAWN_CHILD),
	        PARENT_PIDS_AND_FINISH,
	};
	const struct want child[] = {
	        OPA(UNSHARE, flags),
	        CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_SETUP, setup);
	assert_script(&plan, NSB_SCRIPT_PARENT, parent);
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_script(&plan, NSB_SCRIPT_INIT, plain_init);
	assert_int_equal(plan.join_count, 0);
	assert_false(plan.has_oom);
}

static void test_plan_userns_maps_between_user_unshare_and_the_rest(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWUSER | CL_NEWNS | CL_NEWPID);
	add_maps(&b);
	add_setgroup(&b);
	plan_ok(&b, &plan);

	const struct want parent[] = {
	        OP(SPAWN_CHILD),      RECV(C, USERMAP_PLS),   OP(WRITE_MAPS),
	        SEND(C, USERMAP_ACK), PARENT_PIDS_AND_FINISH,
	};
	const struct want child[] = {
	        OPA(UNSHARE, CL_NEWUSER),
	        SEND(P, USERMAP_PLS),
	        RECV(P, USERMAP_ACK),
	        OP(SETRESUID_ROOT),
	        OPA(UNSHARE, CL_NEWNS | CL_NEWPID),
	        CHILD_SPAWN_AND_REPORT,
	};
	const struct want init[] = {
	        RECV(P, GRANDCHILD), OP(SETSID),          OP(SETUID_ROOT),
	        OP(SETGID_ROOT),     OP(SETGROUPS_EMPTY), SEND(P, CHILD_FINISH),
	        OP(CLOSE_INTERNAL),  OP(AWAIT_RELEASE),   OP(EXEC),
	};
	assert_script(&plan, NSB_SCRIPT_PARENT, parent);
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_script(&plan, NSB_SCRIPT_INIT, init);
	assert_view_eq(plan.uid_map, "0 1000 1\n");
	assert_view_eq(plan.gid_map, "0 1000 1\n");
	assert_ptr_equal(plan.uid_extents, &b.uid_map);
	assert_false(plan.setgroups_deny);
}

static void test_plan_userns_without_maps_still_asks_stage0(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWUSER);
	plan_ok(&b, &plan);
	const struct want child[] = {
	        OPA(UNSHARE, CL_NEWUSER), SEND(P, USERMAP_PLS),   RECV(P, USERMAP_ACK),
	        OP(SETRESUID_ROOT),       CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_int_equal(plan.uid_map.len, 0);
	assert_null(plan.uid_extents);
}

static void test_plan_rootless_without_setgroup_denies_setgroups(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWUSER);
	add_maps(&b);
	b.rootless_euid = true;
	plan_ok(&b, &plan);
	assert_true(plan.setgroups_deny);
	/* rootless: stage-2 keeps its groups even with SETGROUP */
	add_setgroup(&b);
	plan_ok(&b, &plan);
	assert_false(plan.setgroups_deny);
	assert_script(&plan, NSB_SCRIPT_INIT, plain_init);
}

static void test_plan_join_makes_setup_non_dumpable_and_joins_first(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, 0);
	add_join(&b, NSB_NS_NET, "/proc/42/ns/net");
	add_join(&b, NSB_NS_MNT, "/proc/42/ns/mnt");
	plan_ok(&b, &plan);
	const struct want setup[] = {OPA(DUMPABLE, 0), OP(DROP_GROUPS), OP(SOCKETPAIRS)};
	const struct want child[] = {
	        OP(JOIN),
	        CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_SETUP, setup);
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_int_equal(plan.join_count, 2);
	assert_int_equal(plan.join_flags, CL_NEWNET | CL_NEWNS);
}

static void test_plan_join_with_new_user_is_dumpable_only_around_the_maps(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWUSER);
	add_join(&b, NSB_NS_NET, "/run/netns/x");
	plan_ok(&b, &plan);
	const struct want child[] = {
	        OP(JOIN),
	        OPA(UNSHARE, CL_NEWUSER),
	        OPA(DUMPABLE, 1),
	        SEND(P, USERMAP_PLS),
	        RECV(P, USERMAP_ACK),
	        OPA(DUMPABLE, 0),
	        OP(SETRESUID_ROOT),
	        CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
}

static void test_plan_time_offsets_exchanged_after_unshare_before_stage2(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWTIME | CL_NEWPID);
	add_offsets(&b);
	plan_ok(&b, &plan);
	const struct want parent[] = {
	        OP(SPAWN_CHILD),          RECV(C, TIMEOFFSETS_PLS), OP(WRITE_TIMEOFFSETS),
	        SEND(C, TIMEOFFSETS_ACK), PARENT_PIDS_AND_FINISH,
	};
	const struct want child[] = {
	        OPA(UNSHARE, CL_NEWTIME | CL_NEWPID),
	        SEND(P, TIMEOFFSETS_PLS),
	        RECV(P, TIMEOFFSETS_ACK),
	        CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_PARENT, parent);
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_view_eq(plan.time_offsets, "monotonic 5 0\n");
}

static void test_plan_new_time_without_offsets_has_no_offsets_exchange(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, CL_NEWTIME);
	plan_ok(&b, &plan);
	for (size_t i = 0; i < plan.scripts[NSB_SCRIPT_PARENT].count; i++)
		assert_int_not_equal(plan.scripts[NSB_SCRIPT_PARENT].ops[i].arg, NSB_SYNC_TIMEOFFSETS_PLS);
	assert_int_equal(plan.time_offsets.len, 0);
}

static void test_plan_oom_is_written_first_while_dumpable(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, 0);
	add_join(&b, NSB_NS_NET, "/proc/7/ns/net");
	b.oom_score_adj = -17;
	NSB_SET(&b, NSB_F_OOM_SCORE_ADJ);
	plan_ok(&b, &plan);
	const struct want setup[] = {OP(OOM_SCORE_ADJ), OPA(DUMPABLE, 0), OP(DROP_GROUPS), OP(SOCKETPAIRS)};
	assert_script(&plan, NSB_SCRIPT_SETUP, setup);
	assert_true(plan.has_oom);
	assert_int_equal(plan.oom_score_adj, -17);
}

static void test_plan_longest_scripts_fit(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot(&b, NSB_CLONE_NS_MASK & ~CL_NEWNET);
	add_join(&b, NSB_NS_NET, "/proc/1/ns/net");
	add_maps(&b);
	add_offsets(&b);
	add_setgroup(&b);
	b.oom_score_adj = 5;
	NSB_SET(&b, NSB_F_OOM_SCORE_ADJ);
	plan_ok(&b, &plan);
	/* emit() silently drops ops past NSB_SCRIPT_MAX: the longest plan must leave room */
	for (int id = 0; id < NSB_SCRIPT_COUNT; id++)
		assert_true(plan.scripts[id].count < NSB_SCRIPT_MAX);
	assert_int_equal(plan.scripts[NSB_SCRIPT_CHILD].count, 15);
	assert_int_equal(plan.scripts[NSB_SCRIPT_PARENT].count, 14);

	/* runc-1.1: a join, a user namespace and mount sources */
	boot11(&b, NSB_CLONE_NS_MASK & ~CL_NEWNET & ~CL_NEWTIME);
	add_join(&b, NSB_NS_NET, "/proc/1/ns/net");
	add_maps(&b);
	add_setgroup(&b);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	const struct nsb_plan_opts runtime = {.stage2_returns = true};
	struct nsb_error e;
	assert_nsb_ok(nsb_plan_build_opts(&b, &runtime, &plan, &e), e);
	for (int id = 0; id < NSB_SCRIPT_COUNT; id++)
		assert_true(plan.scripts[id].count < NSB_SCRIPT_MAX);
	assert_int_equal(plan.scripts[NSB_SCRIPT_CHILD].count, 16);
	assert_int_equal(plan.scripts[NSB_SCRIPT_PARENT].count, 14);
	assert_int_equal(plan.scripts[NSB_SCRIPT_INIT].count, 9);
}

/* ---- what the plan refuses ------------------------------------------------ */

/* ---- runc-1.1: mount sources, the cgroup namespace in stage-2 ---------------- */

static void test_plan_runc_1_1_mount_sources_exchange_after_the_unshare_before_stage2(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot11(&b, CL_NEWUSER | CL_NEWNS | CL_NEWPID);
	add_maps(&b);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	plan_ok(&b, &plan);

	const struct want parent[] = {
	        OP(SPAWN_CHILD),           RECV(C, USERMAP_PLS),      OP(WRITE_MAPS),
	        SEND(C, USERMAP_ACK),      RECV(C, MOUNTSOURCES_PLS), OP(SEND_MOUNT_SOURCES),
	        SEND(C, MOUNTSOURCES_ACK), PARENT_PIDS_AND_FINISH,
	};
	const struct want child[] = {
	        OPA(UNSHARE, CL_NEWUSER),
	        SEND(P, USERMAP_PLS),
	        RECV(P, USERMAP_ACK),
	        OP(SETRESUID_ROOT),
	        OPA(UNSHARE, CL_NEWNS | CL_NEWPID),
	        SEND(P, MOUNTSOURCES_PLS),
	        OP(RECV_MOUNT_FDS),
	        RECV(P, MOUNTSOURCES_ACK),
	        CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_PARENT, parent);
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_script(&plan, NSB_SCRIPT_INIT, plain_init);
	assert_int_equal(plan.mount_source_count, 3);
	assert_int_equal(plan.mount_bind_count, 2);
	assert_ptr_equal(plan.mount_sources.ptr, three_mounts);
	assert_int_equal(plan.mount_sources.len, THREE_MOUNTS);
	/* 0x46 / 0x47 are the same values as the time offsets of runc >= 1.2 */
	assert_int_equal(NSB_SYNC_MOUNTSOURCES_PLS, NSB_SYNC_TIMEOFFSETS_PLS);
	assert_int_equal(NSB_SYNC_MOUNTSOURCES_ACK, NSB_SYNC_TIMEOFFSETS_ACK);
}

static void test_plan_runc_1_1_mount_sources_of_joined_user_and_mount_namespaces(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot11(&b, CL_NEWPID);
	add_join(&b, NSB_NS_USER, "/proc/9/ns/user");
	add_join(&b, NSB_NS_MNT, "/proc/9/ns/mnt");
	set_sources(&b, "/x", 3);
	plan_ok(&b, &plan);
	const struct want child[] = {
	        OP(JOIN),           OPA(UNSHARE, CL_NEWPID),   SEND(P, MOUNTSOURCES_PLS),
	        OP(RECV_MOUNT_FDS), RECV(P, MOUNTSOURCES_ACK), CHILD_SPAWN_AND_REPORT,
	};
	assert_script(&plan, NSB_SCRIPT_CHILD, child);
	assert_int_equal(plan.mount_bind_count, 1);
}

static void test_plan_mount_sources_without_bind_sources_have_no_exchange(void **state)
{
	(void)state;
	static const char nobinds[] = "\0"; /* two non-bind mounts */
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot11(&b, CL_NEWNS); /* no user namespace needed: nothing to send */
	set_sources(&b, nobinds, sizeof(nobinds));
	plan_ok(&b, &plan);
	assert_int_equal(plan.mount_source_count, 2);
	assert_int_equal(plan.mount_bind_count, 0);
	for (int id = 0; id < NSB_SCRIPT_COUNT; id++) {
		for (size_t i = 0; i < plan.scripts[id].count; i++) {
			assert_int_not_equal(plan.scripts[id].ops[i].arg, NSB_SYNC_MOUNTSOURCES_PLS);
			assert_int_not_equal(plan.scripts[id].ops[i].kind, NSB_OP_RECV_MOUNT_FDS);
		}
	}
	/* no mounts at all: an empty payload */
	set_sources(&b, "", 0);
	plan_ok(&b, &plan);
	assert_int_equal(plan.mount_source_count, 0);
}

static void test_plan_runc_1_1_unshares_cgroup_in_stage2_after_setgroups(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	boot11(&b, CL_NEWUSER | CL_NEWCGROUP | CL_NEWNET);
	add_maps(&b);
	add_setgroup(&b);
	plan_ok(&b, &plan);
	const struct want init[] = {
	        RECV(P, GRANDCHILD),   OP(SETSID),
	        OP(SETUID_ROOT),       OP(SETGID_ROOT),
	        OP(SETGROUPS_EMPTY),   OPA(UNSHARE, CL_NEWCGROUP),
	        SEND(P, CHILD_FINISH), OP(CLOSE_INTERNAL),
	        OP(AWAIT_RELEASE),     OP(EXEC),
	};
	assert_script(&plan, NSB_SCRIPT_INIT, init);
	/* stage-1 unshares the rest without it */
	assert_int_equal(plan.scripts[NSB_SCRIPT_CHILD].ops[4].kind, NSB_OP_UNSHARE);
	assert_int_equal(plan.scripts[NSB_SCRIPT_CHILD].ops[4].arg, CL_NEWNET);

	/* only the cgroup namespace: stage-1 unshares nothing */
	boot11(&b, CL_NEWCGROUP);
	plan_ok(&b, &plan);
	for (size_t i = 0; i < plan.scripts[NSB_SCRIPT_CHILD].count; i++)
		assert_int_not_equal(plan.scripts[NSB_SCRIPT_CHILD].ops[i].kind, NSB_OP_UNSHARE);
	assert_int_equal(plan.scripts[NSB_SCRIPT_INIT].ops[4].arg, CL_NEWCGROUP);

	/* runc >= 1.2 does it in stage-1 with the rest */
	boot(&b, CL_NEWCGROUP | CL_NEWNET);
	plan_ok(&b, &plan);
	assert_int_equal(plan.scripts[NSB_SCRIPT_CHILD].ops[0].arg, CL_NEWCGROUP | CL_NEWNET);
	assert_script(&plan, NSB_SCRIPT_INIT, plain_init);
}

static void test_plan_runtime_mode_returns_from_stage2_after_child_finish(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan, plain;
	struct nsb_error e;
	const struct nsb_plan_opts runtime = {.stage2_returns = true};
	boot11(&b, CL_NEWCGROUP | CL_NEWNET);
	assert_nsb_ok(nsb_plan_build_opts(&b, &runtime, &plan, &e), e);
	const struct want init[] = {
	        RECV(P, GRANDCHILD),
	        OP(SETSID),
	        OP(SETUID_ROOT),
	        OP(SETGID_ROOT),
	        OPA(UNSHARE, CL_NEWCGROUP),
	        SEND(P, CHILD_FINISH),
	        OP(CLOSE_INTERNAL),
	        OP(RETURN),
	};
	assert_script(&plan, NSB_SCRIPT_INIT, init);
	/* setup leaves the groups to the runtime; stage-0's and stage-1's scripts do not change */
	const struct want setup[] = {OP(SOCKETPAIRS)};
	assert_script(&plan, NSB_SCRIPT_SETUP, setup);
	plan_ok(&b, &plain);
	for (int id = NSB_SCRIPT_PARENT; id < NSB_SCRIPT_INIT; id++)
		assert_memory_equal(&plan.scripts[id], &plain.scripts[id], sizeof(plain.scripts[id]));
	/* NULL options are the defaults */
	assert_nsb_ok(nsb_plan_build_opts(&b, NULL, &plan, &e), e);
	assert_memory_equal(&plan.scripts[NSB_SCRIPT_INIT], &plain.scripts[NSB_SCRIPT_INIT],
	                    sizeof(plain.scripts[NSB_SCRIPT_INIT]));
	assert_int_equal(nsb_plan_build_opts(NULL, &runtime, &plan, &e), NSB_ERR_INVALID_ARGUMENT);
}

static void test_plan_rejects_mount_sources_it_cannot_serve(void **state)
{
	(void)state;
	static const char unterminated[] = {'/', 'a'};
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	struct nsb_error e;

	/* a bind source without a user namespace: pos = the entry's start */
	boot11(&b, CL_NEWNS);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES,
	               1);
	/* ... without a mount namespace */
	boot11(&b, CL_NEWUSER);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES,
	               1);
	/* joined namespaces count, created or joined */
	add_join(&b, NSB_NS_MNT, "/run/mnt");
	plan_ok(&b, &plan);
	/* entries not NUL-terminated (a hand-built bootstrap) */
	boot11(&b, CL_NEWUSER | CL_NEWNS);
	set_sources(&b, unterminated, sizeof(unterminated));
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES,
	               0);
	/* 27290 has one meaning per dialect: never both exchanges on 0x46 */
	boot(&b, CL_NEWUSER | CL_NEWNS);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES,
	               0);
	boot11(&b, CL_NEWTIME);
	add_offsets(&b);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_TIMENSOFFSET,
	               0);
}

static void test_plan_rechecks_cross_attribute_rules(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	struct nsb_error e;

	boot(&b, CL_NEWNET); /* maps without a new user namespace */
	add_maps(&b);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAP, 0);

	boot(&b, CL_NEWNET); /* created and joined */
	add_join(&b, NSB_NS_NET, "/proc/1/ns/net");
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);

	boot(&b, 0); /* the same type twice */
	add_join(&b, NSB_NS_NET, "/a");
	add_join(&b, NSB_NS_NET, "/b");
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 1);

	boot(&b, 0); /* a relative path */
	add_join(&b, NSB_NS_NET, "net");
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);

	boot(&b, 0x1u); /* a flag outside the namespace mask */
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_CLONE_FLAGS,
	               0);

	boot(&b, CL_NEWPID); /* offsets without a new time namespace */
	add_offsets(&b);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_TIMENSOFFSET,
	               0);

	boot(&b, CL_NEWUSER); /* a helper without its map */
	set_str(&b.uid_map_helper, "/usr/bin/newuidmap");
	NSB_SET(&b, NSB_F_UIDMAPPATH);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAPPATH, 0);

	boot(&b, CL_NEWUSER); /* the gid helper without its map */
	set_str(&b.gid_map_helper, "/usr/bin/newgidmap");
	NSB_SET(&b, NSB_F_GIDMAPPATH);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAPPATH, 0);

	boot(&b, CL_NEWNET); /* a gid map alone without a new user namespace */
	set_str(&b.gid_map_text, "0 1000 1\n");
	NSB_SET(&b, NSB_F_GIDMAP);
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAP, 0);

	boot(&b, 0); /* more paths than namespace types */
	b.ns_paths.count = NSB_NS_COUNT + 1;
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_CLONE_FLAGS,
	               0);

	boot(&b, 0); /* a type that is not one */
	add_join(&b, (enum nsb_ns_type)NSB_NS_COUNT, "/a");
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);

	boot(&b, 0); /* no path, an empty path */
	add_join(&b, NSB_NS_NET, "/a");
	b.ns_paths.paths[0].path.ptr = NULL;
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);
	b.ns_paths.paths[0].path.ptr = "";
	b.ns_paths.paths[0].path.len = 0;
	assert_nsb_err(nsb_plan_build(&b, &plan, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);

	assert_int_equal(nsb_plan_build(NULL, &plan, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_plan_build(&b, NULL, &e), NSB_ERR_INVALID_ARGUMENT);
}

/* ---- the judge ------------------------------------------------------------- */

static void userns_plan(struct nsb_plan *plan)
{
	struct nsb_bootstrap b;
	boot(&b, CL_NEWUSER | CL_NEWTIME);
	add_maps(&b);
	add_offsets(&b);
	plan_ok(&b, plan);
}

/* Walk stage-0's machine over its non-RECV ops up to the next RECV. */
static void skip_to_recv(struct nsb_machine *m)
{
	const struct nsb_op *op;
	while ((op = nsb_machine_next(m)) != NULL && op->kind != NSB_OP_RECV)
		nsb_machine_advance(m);
}

static void test_judge_accepts_exactly_the_planned_sequence(void **state)
{
	(void)state;
	struct nsb_plan plan;
	struct nsb_machine m;
	struct nsb_error e;
	const struct {
		enum nsb_peer from;
		uint32_t value;
	} seq[] = {
	        {C, NSB_SYNC_USERMAP_PLS},  {C, NSB_SYNC_TIMEOFFSETS_PLS}, {C, NSB_SYNC_RECVPID_PLS},
	        {C, NSB_SYNC_CHILD_FINISH}, {I, NSB_SYNC_CHILD_FINISH},
	};
	userns_plan(&plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_PARENT);
	for (size_t i = 0; i < N_(seq); i++) {
		skip_to_recv(&m);
		assert_int_equal(nsb_machine_expected(&m), seq[i].value);
		assert_nsb_ok(nsb_machine_recv(&m, seq[i].from, seq[i].value, &e), e);
	}
	skip_to_recv(&m);
	assert_null(nsb_machine_next(&m));
	/* after the end, nothing at all is accepted */
	assert_judge_refuses(&m, C, NSB_SYNC_CHILD_FINISH, (uint32_t)plan.scripts[NSB_SCRIPT_PARENT].count);
}

static void test_judge_rejects_out_of_order_repeated_and_wrong_peer_values(void **state)
{
	(void)state;
	struct nsb_plan plan;
	struct nsb_machine m;
	struct nsb_error e;
	userns_plan(&plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_PARENT);
	skip_to_recv(&m);
	size_t pc = m.pc;
	/* TIMEOFFSETS before USERMAP, RECVPID first, unknown values, 0, the ACKs */
	const uint32_t bad[] = {NSB_SYNC_TIMEOFFSETS_PLS,
	                        NSB_SYNC_RECVPID_PLS,
	                        NSB_SYNC_CHILD_FINISH,
	                        NSB_SYNC_USERMAP_ACK,
	                        NSB_SYNC_GRANDCHILD,
	                        0,
	                        0x3f,
	                        0x48,
	                        UINT32_MAX};
	for (size_t i = 0; i < N_(bad); i++) {
		assert_judge_refuses(&m, C, bad[i], (uint32_t)pc);
		assert_int_equal(m.pc, pc); /* a rejected value does not move the machine */
	}
	/* the right value from the wrong stage */
	assert_judge_refuses(&m, I, NSB_SYNC_USERMAP_PLS, (uint32_t)pc);
	assert_nsb_ok(nsb_machine_recv(&m, C, NSB_SYNC_USERMAP_PLS, &e), e);
	/* a second USERMAP_PLS: runc would map twice; here it is a protocol error */
	skip_to_recv(&m);
	assert_judge_refuses(&m, C, NSB_SYNC_USERMAP_PLS, NSBT_ANY);
}

static void test_judge_refuses_a_value_when_the_script_is_not_at_a_recv(void **state)
{
	(void)state;
	struct nsb_plan plan;
	struct nsb_machine m;
	userns_plan(&plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_PARENT); /* at SPAWN_CHILD */
	assert_int_equal(nsb_machine_expected(&m), 0);
	assert_judge_refuses(&m, C, NSB_SYNC_USERMAP_PLS, 0);
	assert_int_equal(m.pc, 0);
}

static void test_judge_accepts_mount_sources_request_only_when_planned(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_plan plan;
	struct nsb_machine m;
	struct nsb_error e;

	/* planned: after USERMAP, stage-0 takes 0x46 once, then RECVPID */
	boot11(&b, CL_NEWUSER | CL_NEWNS);
	set_sources(&b, three_mounts, THREE_MOUNTS);
	plan_ok(&b, &plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_PARENT);
	skip_to_recv(&m);
	assert_judge_refuses(&m, C, NSB_SYNC_MOUNTSOURCES_PLS, 1); /* before USERMAP */
	assert_nsb_ok(nsb_machine_recv(&m, C, NSB_SYNC_USERMAP_PLS, &e), e);
	skip_to_recv(&m);
	assert_int_equal(nsb_machine_expected(&m), NSB_SYNC_MOUNTSOURCES_PLS);
	assert_nsb_ok(nsb_machine_recv(&m, C, NSB_SYNC_MOUNTSOURCES_PLS, &e), e);
	skip_to_recv(&m);
	assert_int_equal(nsb_machine_recv(&m, C, NSB_SYNC_MOUNTSOURCES_PLS, &e), NSB_ERR_SYNC_UNEXPECTED);
	/* stage-1 waits for 0x47 only after receiving the fds */
	nsb_machine_init(&m, &plan, NSB_SCRIPT_CHILD);
	skip_to_recv(&m); /* USERMAP_ACK */
	assert_nsb_ok(nsb_machine_recv(&m, P, NSB_SYNC_USERMAP_ACK, &e), e);
	skip_to_recv(&m);
	assert_int_equal(m.script->ops[m.pc - 1].kind, NSB_OP_RECV_MOUNT_FDS);
	assert_nsb_ok(nsb_machine_recv(&m, P, NSB_SYNC_MOUNTSOURCES_ACK, &e), e);

	/* not planned (only non-bind mounts): 0x46 is a protocol error */
	set_sources(&b, "\0", 2);
	plan_ok(&b, &plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_PARENT);
	skip_to_recv(&m);
	assert_nsb_ok(nsb_machine_recv(&m, C, NSB_SYNC_USERMAP_PLS, &e), e);
	skip_to_recv(&m);
	assert_judge_refuses(&m, C, NSB_SYNC_MOUNTSOURCES_PLS, NSBT_ANY);
}

static void test_judge_stage2_accepts_only_grandchild(void **state)
{
	(void)state;
	struct nsb_plan plan;
	struct nsb_machine m;
	struct nsb_error e;
	userns_plan(&plan);
	nsb_machine_init(&m, &plan, NSB_SCRIPT_INIT);
	for (uint32_t v = NSB_SYNC_USERMAP_PLS; v <= NSB_SYNC_TIMEOFFSETS_ACK; v++) {
		if (v != NSB_SYNC_GRANDCHILD)
			assert_int_equal(nsb_machine_recv(&m, P, v, &e), NSB_ERR_SYNC_UNEXPECTED);
	}
	assert_nsb_ok(nsb_machine_recv(&m, P, NSB_SYNC_GRANDCHILD, &e), e);
}

/* ---- model check: the three scripts against each other --------------------- */

/* A one-direction channel of sync values, and the stage-2 pid as a token. */
struct chan {
	uint32_t q[32];
	size_t head, tail;
};

struct sim {
	struct nsb_machine m[3]; /* by stage */
	bool started[3];
	struct chan ch[3][3]; /* ch[from][to] */
	size_t accepted_by_parent;
	uint32_t accepted[16];
};

static bool chan_pop(struct chan *c, uint32_t *v)
{
	if (c->head == c->tail)
		return false;
	*v = c->q[c->head++ % 32];
	return true;
}

static void chan_push(struct chan *c, uint32_t v)
{
	assert_true(c->tail - c->head < 32);
	c->q[c->tail++ % 32] = v;
}

/* The peer index as a stage number: PARENT=0, CHILD=1, INIT=2. */
static int peer_stage(enum nsb_peer p)
{
	return p == P ? 0 : p == C ? 1 : 2;
}

#define PID_TOKEN 0x70696400u

/* One step of @stage; false when it is blocked or done. */
static bool sim_step(struct sim *s, int stage)
{
	struct nsb_machine *m = &s->m[stage];
	const struct nsb_op *op = nsb_machine_next(m);
	struct nsb_error e;
	uint32_t v;

	if (!s->started[stage] || op == NULL)
		return false;
	switch (op->kind) {
	case NSB_OP_SEND:
		chan_push(&s->ch[stage][peer_stage(op->peer)], op->arg);
		break;
	case NSB_OP_SEND_PID:
		chan_push(&s->ch[stage][0], PID_TOKEN);
		break;
	case NSB_OP_RECV:
		if (!chan_pop(&s->ch[peer_stage(op->peer)][stage], &v))
			return false;
		assert_nsb_ok(nsb_machine_recv(m, op->peer, v, &e), e);
		if (stage == 0 && s->accepted_by_parent < 16)
			s->accepted[s->accepted_by_parent++] = v;
		return true;
	case NSB_OP_RECV_PID:
		if (!chan_pop(&s->ch[1][0], &v))
			return false;
		assert_int_equal(v, PID_TOKEN);
		break;
	case NSB_OP_SPAWN_CHILD:
		s->started[1] = true;
		break;
	case NSB_OP_SPAWN_INIT:
		s->started[2] = true;
		break;
	default:
		break;
	}
	nsb_machine_advance(m);
	return true;
}

static void check_plan_runs_to_the_end(const struct nsb_bootstrap *b, const struct nsb_plan_opts *opts)
{
	struct nsb_plan plan;
	struct sim s;
	struct nsb_error e;
	uint32_t oracle[8];
	size_t n_oracle = 0;

	assert_nsb_ok(nsb_plan_build_opts(b, opts, &plan, &e), e);
	memset(&s, 0, sizeof(s));
	for (int i = 0; i < 3; i++)
		nsb_machine_init(&s.m[i], &plan, (enum nsb_script_id)(NSB_SCRIPT_PARENT + i));
	s.started[0] = true;
	/* Round-robin until nobody can move: at most every op of every script. */
	for (int rounds = 0; rounds < 3 * (int)NSB_SCRIPT_MAX; rounds++) {
		bool moved = false;
		for (int st = 0; st < 3; st++)
			while (sim_step(&s, st))
				moved = true;
		if (!moved)
			break;
	}
	for (int st = 0; st < 3; st++) {
		if (nsb_machine_next(&s.m[st]) != NULL) {
			print_error("clone flags %#x: stage-%d stuck at op %zu (%s)\n", b->clone_flags, st,
			            s.m[st].pc, nsb_op_name(nsb_machine_next(&s.m[st])->kind));
			fail();
		}
		for (int to = 0; to < 3; to++)
			assert_int_equal(s.ch[st][to].head, s.ch[st][to].tail); /* nothing left unread */
	}
	/* What stage-0 accepted is what docs/protocol.md ('The stages') allows,
	 * derived here independently. */
	if (b->clone_flags & CL_NEWUSER)
		oracle[n_oracle++] = NSB_SYNC_USERMAP_PLS;
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET))
		oracle[n_oracle++] = NSB_SYNC_TIMEOFFSETS_PLS;
	if (NSB_HAS(b, NSB_F_MOUNT_SOURCES) && b->mount_sources.len > 1)
		oracle[n_oracle++] = NSB_SYNC_MOUNTSOURCES_PLS;
	oracle[n_oracle++] = NSB_SYNC_RECVPID_PLS;
	oracle[n_oracle++] = NSB_SYNC_CHILD_FINISH;
	oracle[n_oracle++] = NSB_SYNC_CHILD_FINISH;
	assert_int_equal(s.accepted_by_parent, n_oracle);
	assert_memory_equal(s.accepted, oracle, n_oracle * sizeof(uint32_t));
}

static void test_model_every_plan_shape_runs_to_the_end(void **state)
{
	(void)state;
	static const uint32_t all[] = {CL_NEWNS,   CL_NEWCGROUP, CL_NEWUTS, CL_NEWIPC,
	                               CL_NEWUSER, CL_NEWPID,    CL_NEWNET, CL_NEWTIME};
	size_t runs = 0;
	/* every subset of the 8 clone flags x join one other type or not x
	 * offsets or not x rootless x setgroup */
	for (uint32_t mask = 0; mask < 256; mask++) {
		uint32_t flags = 0;
		for (int i = 0; i < 8; i++)
			flags |= (mask >> i) & 1u ? all[i] : 0u;
		for (int variant = 0; variant < 16; variant++) {
			struct nsb_bootstrap b;
			boot(&b, flags);
			if ((variant & 1) && !(flags & CL_NEWNET))
				add_join(&b, NSB_NS_NET, "/proc/3/ns/net");
			if ((variant & 2) && (flags & CL_NEWTIME))
				add_offsets(&b);
			if ((variant & 4) && (flags & CL_NEWUSER))
				add_maps(&b);
			if (variant & 8) {
				b.rootless_euid = true;
				b.setgroup = (mask & 1) != 0;
			}
			check_plan_runs_to_the_end(&b, NULL);
			runs++;
		}
	}
	assert_int_equal(runs, 256 * 16);
}

/* runc-1.1: every subset of its 7 clone flags x join user and mount or not x
 * bind sources or not x runtime mode or not */
static void test_model_every_runc_1_1_plan_shape_runs_to_the_end(void **state)
{
	(void)state;
	static const uint32_t all[] = {CL_NEWNS,   CL_NEWCGROUP, CL_NEWUTS, CL_NEWIPC,
	                               CL_NEWUSER, CL_NEWPID,    CL_NEWNET};
	size_t runs = 0, exchanges = 0;
	for (uint32_t mask = 0; mask < 128; mask++) {
		uint32_t flags = 0;
		for (int i = 0; i < 7; i++)
			flags |= (mask >> i) & 1u ? all[i] : 0u;
		for (int variant = 0; variant < 8; variant++) {
			struct nsb_bootstrap b;
			const struct nsb_plan_opts opts = {.stage2_returns = (variant & 4) != 0};
			boot11(&b, flags);
			if (variant & 1) {
				if (!(flags & CL_NEWUSER))
					add_join(&b, NSB_NS_USER, "/proc/3/ns/user");
				if (!(flags & CL_NEWNS))
					add_join(&b, NSB_NS_MNT, "/proc/3/ns/mnt");
			}
			bool servable =
			        (variant & 1) || (flags & (CL_NEWUSER | CL_NEWNS)) == (CL_NEWUSER | CL_NEWNS);
			if ((variant & 2) && servable) {
				set_sources(&b, three_mounts, THREE_MOUNTS);
				exchanges++;
			}
			check_plan_runs_to_the_end(&b, &opts);
			runs++;
		}
	}
	assert_int_equal(runs, 128 * 8);
	assert_int_equal(exchanges, 2 * (128 + 32));
}

/* ---- names ------------------------------------------------------------------ */

static void test_sync_and_op_names_cover_every_value(void **state)
{
	(void)state;
	assert_string_equal(nsb_sync_name(NSB_SYNC_USERMAP_PLS), "USERMAP_PLS");
	assert_string_equal(nsb_sync_name(NSB_SYNC_TIMEOFFSETS_ACK), "TIMEOFFSETS_ACK");
	assert_null(nsb_sync_name(0x3f));
	assert_null(nsb_sync_name(0x48));
	assert_null(nsb_sync_name(0));
	for (int k = 0; k < NSB_OP__COUNT; k++)
		assert_non_null(nsb_op_name((enum nsb_op_kind)k));
	assert_null(nsb_op_name(NSB_OP__COUNT));
	assert_string_equal(nsb_op_name(NSB_OP_JOIN), "JOIN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plan_run_default_unshares_in_stage1_without_user_exchange),
	        cmocka_unit_test(test_plan_userns_maps_between_user_unshare_and_the_rest),
	        cmocka_unit_test(test_plan_userns_without_maps_still_asks_stage0),
	        cmocka_unit_test(test_plan_rootless_without_setgroup_denies_setgroups),
	        cmocka_unit_test(test_plan_join_makes_setup_non_dumpable_and_joins_first),
	        cmocka_unit_test(test_plan_join_with_new_user_is_dumpable_only_around_the_maps),
	        cmocka_unit_test(test_plan_time_offsets_exchanged_after_unshare_before_stage2),
	        cmocka_unit_test(test_plan_new_time_without_offsets_has_no_offsets_exchange),
	        cmocka_unit_test(test_plan_oom_is_written_first_while_dumpable),
	        cmocka_unit_test(test_plan_longest_scripts_fit),
	        cmocka_unit_test(test_plan_runc_1_1_mount_sources_exchange_after_the_unshare_before_stage2),
	        cmocka_unit_test(test_plan_runc_1_1_mount_sources_of_joined_user_and_mount_namespaces),
	        cmocka_unit_test(test_plan_mount_sources_without_bind_sources_have_no_exchange),
	        cmocka_unit_test(test_plan_runc_1_1_unshares_cgroup_in_stage2_after_setgroups),
	        cmocka_unit_test(test_plan_runtime_mode_returns_from_stage2_after_child_finish),
	        cmocka_unit_test(test_plan_rejects_mount_sources_it_cannot_serve),
	        cmocka_unit_test(test_plan_rechecks_cross_attribute_rules),
	        cmocka_unit_test(test_judge_accepts_exactly_the_planned_sequence),
	        cmocka_unit_test(test_judge_rejects_out_of_order_repeated_and_wrong_peer_values),
	        cmocka_unit_test(test_judge_refuses_a_value_when_the_script_is_not_at_a_recv),
	        cmocka_unit_test(test_judge_accepts_mount_sources_request_only_when_planned),
	        cmocka_unit_test(test_judge_stage2_accepts_only_grandchild),
	        cmocka_unit_test(test_model_every_plan_shape_runs_to_the_end),
	        cmocka_unit_test(test_model_every_runc_1_1_plan_shape_runs_to_the_end),
	        cmocka_unit_test(test_sync_and_op_names_cover_every_value),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
