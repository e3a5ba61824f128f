/* SPDX-License-Identifier: Apache-2.0 */
/*
 * machine.c - the sync judge: a stage's position in its script, and the
 * one rule for received values (the next op must be a RECV of exactly that
 * value from exactly that peer). Pure: no system calls.
 */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"
#include "nsboot/machine.h"

static const struct {
	uint32_t value;
	const char *name;
} sync_names[] = {
        {NSB_SYNC_USERMAP_PLS, "USERMAP_PLS"},         {NSB_SYNC_USERMAP_ACK, "USERMAP_ACK"},
        {NSB_SYNC_RECVPID_PLS, "RECVPID_PLS"},         {NSB_SYNC_RECVPID_ACK, "RECVPID_ACK"},
        {NSB_SYNC_GRANDCHILD, "GRANDCHILD"},           {NSB_SYNC_CHILD_FINISH, "CHILD_FINISH"},
        {NSB_SYNC_TIMEOFFSETS_PLS, "TIMEOFFSETS_PLS"}, {NSB_SYNC_TIMEOFFSETS_ACK, "TIMEOFFSETS_ACK"},
};

const char *nsb_sync_name(uint32_t value)
{
	for (size_t i = 0; i < sizeof(sync_names) / sizeof(sync_names[0]); i++) {
		if (sync_names[i].value == value)
			return sync_names[i].name;
	}
	return NULL;
}

static const char *const op_names[NSB_OP__COUNT] = {
        [NSB_OP_OOM_SCORE_ADJ] = "OOM_SCORE_ADJ",
        [NSB_OP_DUMPABLE] = "DUMPABLE",
        [NSB_OP_SOCKETPAIRS] = "SOCKETPAIRS",
        [NSB_OP_SPAWN_CHILD] = "SPAWN_CHILD",
        [NSB_OP_WRITE_MAPS] = "WRITE_MAPS",
        [NSB_OP_WRITE_TIMEOFFSETS] = "WRITE_TIMEOFFSETS",
        [NSB_OP_RECV_PID] = "RECV_PID",
        [NSB_OP_REPORT_PIDS] = "REPORT_PIDS",
        [NSB_OP_JOIN] = "JOIN",
        [NSB_OP_UNSHARE] = "UNSHARE",
        [NSB_OP_SETRESUID_ROOT] = "SETRESUID_ROOT",
        [NSB_OP_SPAWN_INIT] = "SPAWN_INIT",
        [NSB_OP_SEND_PID] = "SEND_PID",
        [NSB_OP_SETSID] = "SETSID",
        [NSB_OP_SETUID_ROOT] = "SETUID_ROOT",
        [NSB_OP_SETGID_ROOT] = "SETGID_ROOT",
        [NSB_OP_SETGROUPS_EMPTY] = "SETGROUPS_EMPTY",
        [NSB_OP_AWAIT_RELEASE] = "AWAIT_RELEASE",
        [NSB_OP_CLOSE_INTERNAL] = "CLOSE_INTERNAL",
        [NSB_OP_EXEC] = "EXEC",
        [NSB_OP_SEND] = "SEND",
        [NSB_OP_RECV] = "RECV",
        [NSB_OP_SEND_MOUNT_SOURCES] = "SEND_MOUNT_SOURCES",
        [NSB_OP_RECV_MOUNT_FDS] = "RECV_MOUNT_FDS",
        [NSB_OP_RETURN] = "RETURN",
        [NSB_OP_DROP_GROUPS] = "DROP_GROUPS",
};

const char *nsb_op_name(enum nsb_op_kind kind)
{
	return (unsigned)kind < (unsigned)NSB_OP__COUNT ? op_names[kind] : NULL;
}

void nsb_machine_init(struct nsb_machine *m, const struct nsb_plan *plan, enum nsb_script_id id)
{
	m->script = &plan->scripts[id];
	m->pc = 0;
}

const struct nsb_op *nsb_machine_next(const struct nsb_machine *m)
{
	return m->pc < m->script->count ? &m->script->ops[m->pc] : NULL;
}

void nsb_machine_advance(struct nsb_machine *m)
{
	if (m->pc < m->script->count)
		m->pc++;
}

uint32_t nsb_machine_expected(const struct nsb_machine *m)
{
	const struct nsb_op *op = nsb_machine_next(m);
	return op != NULL && op->kind == NSB_OP_RECV ? op->arg : 0u;
}

enum nsb_err nsb_machine_recv(struct nsb_machine *m, enum nsb_peer from, uint32_t got, struct nsb_error *err)
{
	const struct nsb_op *op = nsb_machine_next(m);

	if (op == NULL || op->kind != NSB_OP_RECV || op->peer != from || op->arg != got)
		return nsb_fail(err, NSB_ERR_SYNC_UNEXPECTED, got, NSB_ATTR_NONE, nsb_pos32(m->pc));
	m->pc++;
	return nsb_ok(err);
}
