/* SPDX-License-Identifier: Apache-2.0 */
/*
 * plan.c - derive each stage's script from a decoded bootstrap (pure).
 *
 * The order of the ops is that of docs/protocol.md, 'The stages' (runc >= 1.3), written once
 * here instead of being spread over the stages' control flow: the executor
 * only interprets what this file decides. See machine.h for the protocol.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "nsboot/machine.h"

#define CLONE_NEWUSER_FLAG   0x10000000u
#define CLONE_NEWTIME_FLAG   0x00000080u
#define CLONE_NEWNS_FLAG     0x00020000u
#define CLONE_NEWCGROUP_FLAG 0x02000000u

static void emit(struct nsb_script *s, enum nsb_op_kind kind, enum nsb_peer peer, uint32_t arg)
{
	/* NSB_SCRIPT_MAX bounds the longest script build_scripts() can emit;
	 * test_machine checks the longest plan, so this never drops an op. */
	if (s->count < NSB_SCRIPT_MAX) {
		s->ops[s->count].kind = kind;
		s->ops[s->count].peer = peer;
		s->ops[s->count].arg = arg;
		s->count++;
	}
}

static void emit_op(struct nsb_script *s, enum nsb_op_kind kind, uint32_t arg)
{
	emit(s, kind, NSB_PEER_PARENT, arg);
}

static void emit_send(struct nsb_script *s, enum nsb_peer peer, enum nsb_sync value)
{
	emit(s, NSB_OP_SEND, peer, (uint32_t)value);
}

static void emit_recv(struct nsb_script *s, enum nsb_peer peer, enum nsb_sync value)
{
	emit(s, NSB_OP_RECV, peer, (uint32_t)value);
}

/*
 * MOUNT_SOURCES (runc-1.1 only): well-formed entries; bind sources only
 * where stage-0 has a mount namespace of stage-1's to open them in and a
 * reason to (a user namespace: without one, stage-1 could open them
 * itself). runc's Go parent sends it under exactly these conditions.
 */
static enum nsb_err check_mount_sources(const struct nsb_bootstrap *b, uint32_t joined, struct nsb_error *err)
{
	uint32_t have = b->clone_flags | joined;
	struct nsb_str entry;
	size_t cursor = 0, count = 0;

	if (!NSB_HAS(b, NSB_F_MOUNT_SOURCES))
		return nsb_ok(err);
	if (b->dialect != NSB_DIALECT_RUNC_1_1 ||
	    nsb_mount_sources_parse(b->mount_sources.ptr, b->mount_sources.len, &count, NULL) != NSB_OK)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES, 0);
	while (nsb_mount_sources_next(b->mount_sources, &cursor, &entry)) {
		if (entry.len > 0 && ((have & CLONE_NEWUSER_FLAG) == 0 || (have & CLONE_NEWNS_FLAG) == 0))
			return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES,
			                nsb_pos32(cursor - entry.len - 1));
	}
	return nsb_ok(err);
}

/* The cross-attribute rules the scripts rely on; nsb_decode has checked them for real input. */
static enum nsb_err check_bootstrap(const struct nsb_bootstrap *b, struct nsb_error *err)
{
	uint32_t joined = 0;
	bool newuser = (b->clone_flags & CLONE_NEWUSER_FLAG) != 0;

	if ((b->clone_flags & ~NSB_CLONE_NS_MASK) != 0 || b->ns_paths.count > NSB_NS_COUNT)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_CLONE_FLAGS, 0);
	for (size_t i = 0; i < b->ns_paths.count; i++) {
		const struct nsb_ns_path *p = &b->ns_paths.paths[i];
		uint32_t flag = nsb_ns_type_flag(p->type);
		if (flag == 0 || (joined & flag) != 0 || (b->clone_flags & flag) != 0 ||
		    p->path.ptr == NULL || p->path.len == 0 || p->path.ptr[0] != '/')
			return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, nsb_pos32(i));
		joined |= flag;
	}
	if (!newuser && (NSB_HAS(b, NSB_F_UIDMAP) || NSB_HAS(b, NSB_F_GIDMAP)))
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAP, 0);
	if ((NSB_HAS(b, NSB_F_UIDMAPPATH) && !NSB_HAS(b, NSB_F_UIDMAP)) ||
	    (NSB_HAS(b, NSB_F_GIDMAPPATH) && !NSB_HAS(b, NSB_F_GIDMAP)))
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_UIDMAPPATH, 0);
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET) &&
	    ((b->clone_flags & CLONE_NEWTIME_FLAG) == 0 || b->dialect != NSB_DIALECT_RUNC_1_2))
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_TIMENSOFFSET, 0);
	return check_mount_sources(b, joined, err);
}

static void copy_data(const struct nsb_bootstrap *b, struct nsb_plan *plan)
{
	plan->has_oom = NSB_HAS(b, NSB_F_OOM_SCORE_ADJ) != 0;
	plan->oom_score_adj = b->oom_score_adj;
	plan->join_count = b->ns_paths.count;
	for (size_t i = 0; i < b->ns_paths.count; i++) {
		plan->joins[i] = b->ns_paths.paths[i];
		plan->join_flags |= nsb_ns_type_flag(b->ns_paths.paths[i].type);
	}
	plan->clone_flags = b->clone_flags;
	plan->setgroups_deny = b->rootless_euid && !b->setgroup;
	if (NSB_HAS(b, NSB_F_UIDMAP)) {
		plan->uid_map = b->uid_map_text;
		plan->uid_extents = &b->uid_map;
	}
	if (NSB_HAS(b, NSB_F_GIDMAP)) {
		plan->gid_map = b->gid_map_text;
		plan->gid_extents = &b->gid_map;
	}
	if (NSB_HAS(b, NSB_F_UIDMAPPATH))
		plan->uid_helper = b->uid_map_helper;
	if (NSB_HAS(b, NSB_F_GIDMAPPATH))
		plan->gid_helper = b->gid_map_helper;
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET))
		plan->time_offsets = b->time_offsets_text;
	if (NSB_HAS(b, NSB_F_MOUNT_SOURCES)) {
		struct nsb_str entry;
		size_t cursor = 0;
		plan->mount_sources = b->mount_sources;
		while (nsb_mount_sources_next(b->mount_sources, &cursor, &entry)) {
			plan->mount_source_count++;
			plan->mount_bind_count += entry.len > 0;
		}
	}
}

static void build_scripts(const struct nsb_bootstrap *b, const struct nsb_plan_opts *opts,
                          struct nsb_plan *plan)
{
	struct nsb_script *setup = &plan->scripts[NSB_SCRIPT_SETUP];
	struct nsb_script *parent = &plan->scripts[NSB_SCRIPT_PARENT];
	struct nsb_script *child = &plan->scripts[NSB_SCRIPT_CHILD];
	struct nsb_script *init = &plan->scripts[NSB_SCRIPT_INIT];
	bool joining = plan->join_count > 0;
	bool newuser = (plan->clone_flags & CLONE_NEWUSER_FLAG) != 0;
	bool offsets = plan->time_offsets.len > 0;
	bool mounts = plan->mount_bind_count > 0;
	/* runc 1.1 unshares the cgroup namespace in stage-2, runc >= 1.2 in stage-1 */
	uint32_t late = b->dialect == NSB_DIALECT_RUNC_1_1 ? plan->clone_flags & CLONE_NEWCGROUP_FLAG : 0;
	uint32_t rest = plan->clone_flags & ~CLONE_NEWUSER_FLAG & ~late;

	/* setup: oom_score_adj while still dumpable (a non-dumpable task's
	 * procfs files belong to root); non-dumpable before touching other
	 * namespaces, so nothing in them can ptrace or read us. */
	if (plan->has_oom)
		emit_op(setup, NSB_OP_OOM_SCORE_ADJ, 0);
	if (joining)
		emit_op(setup, NSB_OP_DUMPABLE, 0);
	/* exec mode: nothing decides the command's groups but us, so it gets
	 * none of the caller's (in runtime mode the runtime sets them) */
	if (!opts->stage2_returns)
		emit_op(setup, NSB_OP_DROP_GROUPS, 0);
	emit_op(setup, NSB_OP_SOCKETPAIRS, 0);

	/* stage-0 serves stage-1's requests in the one order stage-1 makes them. */
	emit_op(parent, NSB_OP_SPAWN_CHILD, 0);
	if (newuser) {
		emit_recv(parent, NSB_PEER_CHILD, NSB_SYNC_USERMAP_PLS);
		emit_op(parent, NSB_OP_WRITE_MAPS, 0);
		emit_send(parent, NSB_PEER_CHILD, NSB_SYNC_USERMAP_ACK);
	}
	if (offsets) {
		emit_recv(parent, NSB_PEER_CHILD, NSB_SYNC_TIMEOFFSETS_PLS);
		emit_op(parent, NSB_OP_WRITE_TIMEOFFSETS, 0);
		emit_send(parent, NSB_PEER_CHILD, NSB_SYNC_TIMEOFFSETS_ACK);
	}
	if (mounts) {
		emit_recv(parent, NSB_PEER_CHILD, NSB_SYNC_MOUNTSOURCES_PLS);
		emit_op(parent, NSB_OP_SEND_MOUNT_SOURCES, 0);
		emit_send(parent, NSB_PEER_CHILD, NSB_SYNC_MOUNTSOURCES_ACK);
	}
	emit_recv(parent, NSB_PEER_CHILD, NSB_SYNC_RECVPID_PLS);
	emit_op(parent, NSB_OP_RECV_PID, 0);
	emit_send(parent, NSB_PEER_CHILD, NSB_SYNC_RECVPID_ACK);
	emit_op(parent, NSB_OP_REPORT_PIDS, 0);
	emit_recv(parent, NSB_PEER_CHILD, NSB_SYNC_CHILD_FINISH);
	emit_send(parent, NSB_PEER_INIT, NSB_SYNC_GRANDCHILD);
	emit_recv(parent, NSB_PEER_INIT, NSB_SYNC_CHILD_FINISH);

	/* stage-1: join first (the pid of stage-2 must be in the joined pid
	 * namespace), then the user namespace alone, mapped by stage-0, then
	 * the rest; offsets before stage-2 is the first task in the time ns;
	 * mount source fds once the mount namespace is the container's, before
	 * stage-2 is forked (it inherits them). */
	if (joining)
		emit_op(child, NSB_OP_JOIN, 0);
	if (newuser) {
		emit_op(child, NSB_OP_UNSHARE, CLONE_NEWUSER_FLAG);
		if (joining)
			emit_op(child, NSB_OP_DUMPABLE, 1); /* stage-0 writes our procfs maps */
		emit_send(child, NSB_PEER_PARENT, NSB_SYNC_USERMAP_PLS);
		emit_recv(child, NSB_PEER_PARENT, NSB_SYNC_USERMAP_ACK);
		if (joining)
			emit_op(child, NSB_OP_DUMPABLE, 0);
		emit_op(child, NSB_OP_SETRESUID_ROOT, 0);
	}
	if (rest != 0)
		emit_op(child, NSB_OP_UNSHARE, rest);
	if (offsets) {
		emit_send(child, NSB_PEER_PARENT, NSB_SYNC_TIMEOFFSETS_PLS);
		emit_recv(child, NSB_PEER_PARENT, NSB_SYNC_TIMEOFFSETS_ACK);
	}
	if (mounts) {
		emit_send(child, NSB_PEER_PARENT, NSB_SYNC_MOUNTSOURCES_PLS);
		emit_op(child, NSB_OP_RECV_MOUNT_FDS, 0);
		emit_recv(child, NSB_PEER_PARENT, NSB_SYNC_MOUNTSOURCES_ACK);
	}
	emit_op(child, NSB_OP_SPAWN_INIT, 0);
	emit_send(child, NSB_PEER_PARENT, NSB_SYNC_RECVPID_PLS);
	emit_op(child, NSB_OP_SEND_PID, 0);
	emit_recv(child, NSB_PEER_PARENT, NSB_SYNC_RECVPID_ACK);
	emit_send(child, NSB_PEER_PARENT, NSB_SYNC_CHILD_FINISH);

	/* stage-2 */
	emit_recv(init, NSB_PEER_PARENT, NSB_SYNC_GRANDCHILD);
	emit_op(init, NSB_OP_SETSID, 0);
	emit_op(init, NSB_OP_SETUID_ROOT, 0);
	emit_op(init, NSB_OP_SETGID_ROOT, 0);
	if (!b->rootless_euid && b->setgroup)
		emit_op(init, NSB_OP_SETGROUPS_EMPTY, 0);
	if (late != 0)
		emit_op(init, NSB_OP_UNSHARE, late);
	emit_send(init, NSB_PEER_PARENT, NSB_SYNC_CHILD_FINISH);
	if (opts->stage2_returns) {
		emit_op(init, NSB_OP_CLOSE_INTERNAL, 0);
		emit_op(init, NSB_OP_RETURN, 0);
	} else {
		/* wait holding only stdio, the init pipe and the log pipe */
		emit_op(init, NSB_OP_CLOSE_INTERNAL, 0);
		emit_op(init, NSB_OP_AWAIT_RELEASE, 0);
		emit_op(init, NSB_OP_EXEC, 0);
	}
}

enum nsb_err nsb_plan_build_opts(const struct nsb_bootstrap *b, const struct nsb_plan_opts *opts,
                                 struct nsb_plan *plan, struct nsb_error *err)
{
	static const struct nsb_plan_opts defaults = {false};
	enum nsb_err rc;

	if (b == NULL || plan == NULL)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	memset(plan, 0, sizeof(*plan));
	rc = check_bootstrap(b, err);
	if (rc != NSB_OK)
		return rc;
	copy_data(b, plan);
	build_scripts(b, opts != NULL ? opts : &defaults, plan);
	return nsb_ok(err);
}

enum nsb_err nsb_plan_build(const struct nsb_bootstrap *b, struct nsb_plan *plan, struct nsb_error *err)
{
	return nsb_plan_build_opts(b, NULL, plan, err);
}
