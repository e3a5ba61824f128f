/* SPDX-License-Identifier: Apache-2.0 */
/*
 * machine.c - fuzz target `machine`: the executor's pure state machine
 * (nsb_plan_build and the sync judge nsb_machine_recv) with random plans
 * and random sync sequences.
 *
 * Input: byte 0 = the clone flags to create (bit i = namespace type i);
 * byte 1 = plan features (join one or two other namespaces, by /proc/<pid>
 * paths or not, time offsets, id maps, rootless, setgroup, oom, and "raw":
 * attach maps and offsets even where the flags do not allow them); byte 2 =
 * the receiving stage to attack ((byte & 3) % 3: 0, 1, 2), bit 2: dialect
 * runc-1.1 with MOUNT_SOURCES naming bind sources (which needs a user and a
 * mount namespace, created or joined), bit 3: runtime mode (stage-2
 * returns); then 5-byte records {peer, u32 value} fed to that stage's RECV
 * ops in turn.
 *
 * Invariants (abort() when broken):
 *  - the plan is refused exactly when the bootstrap breaks a cross-attribute
 *    rule (INVALID_ARGUMENT), and otherwise built;
 *  - runc-1.1 unshares the cgroup namespace in stage-2 and never in stage-1;
 *  - a value is accepted exactly when it is the next one of the sequence
 *    docs/protocol.md ('The stages') allows for that stage, derived here
 *    independently from the flags; a refused value leaves the machine where it was, and is
 *    SYNC_UNEXPECTED with the value and position reported;
 *  - a stage that is fed its whole legal sequence ends its script, having
 *    accepted each value once: a run always ends, never loops;
 *  - run against each other over simulated sockets, the three scripts
 *    always finish with nothing left unread (no deadlock).
 */
#include "nsboot/machine.h"
#include "harness.h"

#define NEWUSER   0x10000000u
#define NEWTIME   0x00000080u
#define NEWNS     0x00020000u
#define NEWCGROUP 0x02000000u

/* proc, bind /a, bind /b: MOUNT_SOURCES without the string's own NUL */
static const char sources[] = "\0/a\0/b";

struct input {
	const uint8_t *p;
	size_t left;
};

static bool take(struct input *in, void *out, size_t n)
{
	if (in->left < n)
		return false;
	memcpy(out, in->p, n);
	in->p += n;
	in->left -= n;
	return true;
}

struct built {
	struct nsb_bootstrap b;
	char paths[2][32];
	bool consistent;
};

static void build(uint8_t flags_byte, uint8_t feat, bool mounts, struct built *x)
{
	struct nsb_bootstrap *b = &x->b;
	uint32_t flags = 0, joined = 0;
	bool raw = (feat & 0x80) != 0;

	nsb_bootstrap_init(b, mounts ? NSB_DIALECT_RUNC_1_1 : NSB_DIALECT_RUNC_1_2);
	for (int t = 0; t < NSB_NS_COUNT; t++)
		flags |= (flags_byte >> t) & 1u ? nsb_ns_type_flag((enum nsb_ns_type)t) : 0u;
	b->clone_flags = flags;
	x->consistent = true;
	/* join the first one or two types not created */
	int joins = (feat & 1) ? ((feat & 0x40) ? 2 : 1) : 0;
	for (int t = 0; t < NSB_NS_COUNT && (int)b->ns_paths.count < joins; t++) {
		uint32_t f = nsb_ns_type_flag((enum nsb_ns_type)t);
		if (flags & f)
			continue;
		char *path = x->paths[b->ns_paths.count];
		if (feat & 0x02)
			(void)snprintf(path, 32, "/proc/42/ns/%s", nsb_ns_type_name((enum nsb_ns_type)t));
		else
			(void)snprintf(path, 32, "/run/ns%zu", b->ns_paths.count);
		b->ns_paths.paths[b->ns_paths.count].type = (enum nsb_ns_type)t;
		b->ns_paths.paths[b->ns_paths.count].path.ptr = path;
		b->ns_paths.paths[b->ns_paths.count].path.len = strlen(path);
		b->ns_paths.count++;
		joined |= f;
		NSB_SET(b, NSB_F_NS_PATHS);
	}
	if ((feat & 0x04) && ((flags & NEWTIME) || raw)) {
		b->time_offsets_text.ptr = "boottime 1 0\n";
		b->time_offsets_text.len = 13;
		b->time_offsets.count = 1;
		NSB_SET(b, NSB_F_TIMENSOFFSET);
		/* 27290 is MOUNT_SOURCES in runc-1.1: offsets there are refused */
		x->consistent = x->consistent && (flags & NEWTIME) != 0 && !mounts;
	}
	if (mounts) {
		b->mount_sources.ptr = sources;
		b->mount_sources.len = sizeof(sources);
		NSB_SET(b, NSB_F_MOUNT_SOURCES);
		x->consistent = x->consistent && ((flags | joined) & (NEWUSER | NEWNS)) == (NEWUSER | NEWNS);
	}
	if ((feat & 0x08) && ((flags & NEWUSER) || raw)) {
		b->uid_map_text.ptr = "0 1 1\n";
		b->uid_map_text.len = 6;
		b->uid_map.count = 1;
		b->uid_map.extents[0] = (struct nsb_idmap_extent){0, 1, 1};
		NSB_SET(b, NSB_F_UIDMAP);
		x->consistent = x->consistent && (flags & NEWUSER) != 0;
	}
	b->rootless_euid = (feat & 0x10) != 0;
	if (feat & 0x20) {
		b->setgroup = true;
		NSB_SET(b, NSB_F_SETGROUP);
	}
}

/* The receive sequence docs/protocol.md ('The stages') allows each stage,
 * derived from the flags alone. */
struct expect {
	enum nsb_peer peer[8];
	uint32_t value[8];
	size_t n;
};

static void expected(const struct nsb_bootstrap *b, int stage, struct expect *e)
{
	bool user = (b->clone_flags & NEWUSER) != 0;
	bool offsets = NSB_HAS(b, NSB_F_TIMENSOFFSET) != 0;
	bool mounts = NSB_HAS(b, NSB_F_MOUNT_SOURCES) != 0;
	e->n = 0;
#define EXPECT(p, v) (e->peer[e->n] = (p), e->value[e->n++] = (v))
	if (stage == 0) {
		if (user)
			EXPECT(NSB_PEER_CHILD, NSB_SYNC_USERMAP_PLS);
		if (offsets)
			EXPECT(NSB_PEER_CHILD, NSB_SYNC_TIMEOFFSETS_PLS);
		if (mounts)
			EXPECT(NSB_PEER_CHILD, NSB_SYNC_MOUNTSOURCES_PLS);
		EXPECT(NSB_PEER_CHILD, NSB_SYNC_RECVPID_PLS);
		EXPECT(NSB_PEER_CHILD, NSB_SYNC_CHILD_FINISH);
		EXPECT(NSB_PEER_INIT, NSB_SYNC_CHILD_FINISH);
	} else if (stage == 1) {
		if (user)
			EXPECT(NSB_PEER_PARENT, NSB_SYNC_USERMAP_ACK);
		if (offsets)
			EXPECT(NSB_PEER_PARENT, NSB_SYNC_TIMEOFFSETS_ACK);
		if (mounts)
			EXPECT(NSB_PEER_PARENT, NSB_SYNC_MOUNTSOURCES_ACK);
		EXPECT(NSB_PEER_PARENT, NSB_SYNC_RECVPID_ACK);
	} else {
		EXPECT(NSB_PEER_PARENT, NSB_SYNC_GRANDCHILD);
	}
#undef EXPECT
}

/* Feed @in's records to @stage's script; check every verdict against the oracle. */
static void attack(const struct nsb_plan *plan, const struct nsb_bootstrap *b, int stage, struct input *in)
{
	struct nsb_machine m;
	struct expect e;
	size_t accepted = 0;
	const struct nsb_op *op;

	expected(b, stage, &e);
	nsb_machine_init(&m, plan, (enum nsb_script_id)(NSB_SCRIPT_PARENT + stage));
	/* each turn advances the machine or consumes 5 bytes: the loop ends */
	while ((op = nsb_machine_next(&m)) != NULL) {
		if (op->kind != NSB_OP_RECV) {
			nsb_machine_advance(&m);
			continue;
		}
		uint8_t peer_byte;
		uint32_t value;
		if (!take(in, &peer_byte, 1) || !take(in, &value, 4)) {
			/* the input ran out: finish with the legal values, which must take it to the end */
			FUZZ_CHECK(accepted < e.n);
			FUZZ_CHECK(nsb_machine_recv(&m, e.peer[accepted], e.value[accepted], NULL) == NSB_OK);
			accepted++;
			continue;
		}
		enum nsb_peer peer = (enum nsb_peer)(peer_byte % 3);
		size_t pc = m.pc;
		struct nsb_error err;
		bool legal = accepted < e.n && peer == e.peer[accepted] && value == e.value[accepted];
		enum nsb_err rc = nsb_machine_recv(&m, peer, value, &err);
		FUZZ_CHECK((rc == NSB_OK) == legal);
		if (rc == NSB_OK) {
			FUZZ_CHECK(m.pc == pc + 1);
			accepted++;
		} else {
			FUZZ_CHECK(rc == NSB_ERR_SYNC_UNEXPECTED && err.code == rc);
			FUZZ_CHECK(err.offset == value && err.pos == pc && m.pc == pc);
		}
	}
	FUZZ_CHECK(accepted == e.n);
	/* after the end, nothing is accepted */
	FUZZ_CHECK(nsb_machine_recv(&m, NSB_PEER_CHILD, NSB_SYNC_CHILD_FINISH, NULL) ==
	           NSB_ERR_SYNC_UNEXPECTED);
}

/* ---- the three scripts against each other -------------------------------- */

struct chan {
	uint32_t q[16];
	size_t head, tail;
};

static int stage_of(enum nsb_peer p)
{
	return p == NSB_PEER_PARENT ? 0 : p == NSB_PEER_CHILD ? 1 : 2;
}

static void simulate(const struct nsb_plan *plan)
{
	struct nsb_machine m[3];
	bool started[3] = {true, false, false};
	struct chan ch[3][3];

	memset(ch, 0, sizeof(ch));
	for (int i = 0; i < 3; i++)
		nsb_machine_init(&m[i], plan, (enum nsb_script_id)(NSB_SCRIPT_PARENT + i));
	for (bool moved = true; moved;) {
		moved = false;
		for (int s = 0; s < 3; s++) {
			const struct nsb_op *op = nsb_machine_next(&m[s]);
			if (!started[s] || op == NULL)
				continue;
			struct chan *out = &ch[s][stage_of(op->peer)];
			struct chan *in = &ch[stage_of(op->peer)][s];
			switch (op->kind) {
			case NSB_OP_SEND:
			case NSB_OP_SEND_PID:
				FUZZ_CHECK(out->tail - out->head < 16);
				out->q[out->tail++ % 16] = op->kind == NSB_OP_SEND ? op->arg : 0xfeedu;
				nsb_machine_advance(&m[s]);
				break;
			case NSB_OP_RECV:
				if (in->head == in->tail)
					continue;
				FUZZ_CHECK(nsb_machine_recv(&m[s], op->peer, in->q[in->head++ % 16], NULL) ==
				           NSB_OK);
				break;
			case NSB_OP_RECV_PID:
				if (ch[1][0].head == ch[1][0].tail)
					continue;
				FUZZ_CHECK(ch[1][0].q[ch[1][0].head++ % 16] == 0xfeedu);
				nsb_machine_advance(&m[s]);
				break;
			case NSB_OP_SPAWN_CHILD:
			case NSB_OP_SPAWN_INIT:
				started[op->kind == NSB_OP_SPAWN_CHILD ? 1 : 2] = true;
				nsb_machine_advance(&m[s]);
				break;
			default:
				nsb_machine_advance(&m[s]);
				break;
			}
			moved = true;
		}
	}
	for (int s = 0; s < 3; s++) {
		FUZZ_CHECK(nsb_machine_next(&m[s]) == NULL); /* nobody stuck */
		for (int t = 0; t < 3; t++)
			FUZZ_CHECK(ch[s][t].head == ch[s][t].tail); /* nothing unread */
	}
}

/* Where each stage unshares the cgroup namespace, and how stage-2 ends. */
static void check_placement(const struct nsb_plan *plan, const struct nsb_bootstrap *b, bool runtime)
{
	const struct nsb_script *child = &plan->scripts[NSB_SCRIPT_CHILD];
	const struct nsb_script *init = &plan->scripts[NSB_SCRIPT_INIT];
	bool late = b->dialect == NSB_DIALECT_RUNC_1_1 && (b->clone_flags & NEWCGROUP) != 0;
	bool in_init = false;

	for (size_t i = 0; i < child->count; i++)
		FUZZ_CHECK(child->ops[i].kind != NSB_OP_UNSHARE || !late ||
		           (child->ops[i].arg & NEWCGROUP) == 0);
	for (size_t i = 0; i < init->count; i++)
		in_init = in_init || (init->ops[i].kind == NSB_OP_UNSHARE && init->ops[i].arg == NEWCGROUP);
	FUZZ_CHECK(in_init == late);
	FUZZ_CHECK(init->ops[init->count - 1].kind == (runtime ? NSB_OP_RETURN : NSB_OP_EXEC));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	uint8_t head[3];
	struct built x;
	struct nsb_plan plan;
	struct nsb_error err;

	if (!take(&in, head, sizeof(head)))
		return 0;
	bool mounts = (head[2] & 4) != 0;
	const struct nsb_plan_opts opts = {.stage2_returns = (head[2] & 8) != 0};
	build(head[0], head[1], mounts, &x);
	enum nsb_err rc = nsb_plan_build_opts(&x.b, &opts, &plan, &err);
	FUZZ_CHECK((rc == NSB_OK) == x.consistent);
	if (rc != NSB_OK) {
		FUZZ_CHECK(rc == NSB_ERR_INVALID_ARGUMENT && err.code == rc);
		return 0;
	}
	for (int i = 0; i < NSB_SCRIPT_COUNT; i++)
		FUZZ_CHECK(plan.scripts[i].count > 0 && plan.scripts[i].count < NSB_SCRIPT_MAX);
	check_placement(&plan, &x.b, opts.stage2_returns);
	simulate(&plan);
	attack(&plan, &x.b, (head[2] & 3) % 3, &in);
	return 0;
}
