/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_encode.c - nsb_encode: the exact bytes runc's Go encoder writes
 * (compared with bytes written by hand with msgbuild), runc's attribute
 * order, the size query, STRING_TOO_LONG, refusal of anything the decoder
 * would reject, and decode(encode(x)) == x.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define D12 NSB_DIALECT_RUNC_1_2
#define D11 NSB_DIALECT_RUNC_1_1

static struct nsb_bootstrap in, out; /* large: keep them off the stack */

static struct nsb_str view(const char *s)
{
	struct nsb_str v = {s, strlen(s)};
	return v;
}

static void ext(struct nsb_idmap *map, uint32_t c, uint32_t h, uint32_t s)
{
	map->extents[map->count].container_id = c;
	map->extents[map->count].host_id = h;
	map->extents[map->count].size = s;
	map->count++;
}

/* Append an extent to @b's UID or GID map and mark the map present. */
static void uid_ext(struct nsb_bootstrap *b, uint32_t c, uint32_t h, uint32_t s)
{
	ext(&b->uid_map, c, h, s);
	NSB_SET(b, NSB_F_UIDMAP);
}

static void gid_ext(struct nsb_bootstrap *b, uint32_t c, uint32_t h, uint32_t s)
{
	ext(&b->gid_map, c, h, s);
	NSB_SET(b, NSB_F_GIDMAP);
}

/* Append a namespace path of @type to @b and mark NS_PATHS present. */
static void add_ns_path(struct nsb_bootstrap *b, enum nsb_ns_type type, struct nsb_str path)
{
	b->ns_paths.paths[b->ns_paths.count].type = type;
	b->ns_paths.paths[b->ns_paths.count].path = path;
	b->ns_paths.count++;
	NSB_SET(b, NSB_F_NS_PATHS);
}

/* Set `in`'s UID map helper path and mark it present. */
static void uid_helper(struct nsb_str path)
{
	in.uid_map_helper = path;
	NSB_SET(&in, NSB_F_UIDMAPPATH);
}

/* `in` afresh: runc-1.2, creating a user namespace with the UID map
 * "0 0 1", so a helper path or a GID-side field is all a test adds. */
static void userns_in(void)
{
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	uid_ext(&in, 0, 0, 1);
}

/* Everything runc-1.2 can carry, in fields only; header seq/flags/pid odd. */
static void full_12(struct nsb_bootstrap *b)
{
	nsb_bootstrap_init(b, D12);
	b->seq = 42;
	b->flags = 0x0301;
	b->pid = 77;
	b->clone_flags = CL_NEWUSER | CL_NEWNS | CL_NEWTIME;
	add_ns_path(b, NSB_NS_NET, view("/proc/1/ns/net"));
	add_ns_path(b, NSB_NS_IPC, view("/proc/1/ns/ipc"));
	b->uid_map_helper = view("/usr/bin/newuidmap");
	NSB_SET(b, NSB_F_UIDMAPPATH);
	uid_ext(b, 0, 1000, 1);
	uid_ext(b, 1, 100000, 65536);
	gid_ext(b, 0, 1000, 1);
	b->gid_map_helper = view("/usr/bin/newgidmap");
	NSB_SET(b, NSB_F_GIDMAPPATH);
	b->setgroup = true;
	NSB_SET(b, NSB_F_SETGROUP);
	b->oom_score_adj = -1000;
	NSB_SET(b, NSB_F_OOM_SCORE_ADJ);
	b->rootless_euid = true;
	b->time_offsets.count = 2;
	b->time_offsets.offsets[0].clock = NSB_CLOCK_MONOTONIC;
	b->time_offsets.offsets[0].secs = -5;
	b->time_offsets.offsets[0].nsecs = 10;
	b->time_offsets.offsets[1].clock = NSB_CLOCK_BOOTTIME;
	b->time_offsets.offsets[1].secs = 7;
	b->time_offsets.offsets[1].nsecs = 0;
	NSB_SET(b, NSB_F_TIMENSOFFSET);
}

/* The bytes of full_12 as runc writes them, by hand. */
static void full_12_bytes(struct mb *m)
{
	mb_new(m);
	mb_put_u16(m, 6, 0x0301);
	mb_put_u32(m, 8, 42);
	mb_put_u32(m, 12, 77);
	mb_u32(m, T_CLONE, CL_NEWUSER | CL_NEWNS | CL_NEWTIME);
	mb_str(m, T_NSPATHS, "net:/proc/1/ns/net,ipc:/proc/1/ns/ipc");
	mb_str(m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(m, T_UIDMAP, "0 1000 1\n1 100000 65536\n");
	mb_str(m, T_GIDMAP, "0 1000 1\n");
	mb_str(m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_u32(m, T_SETGROUP, 1);
	mb_str(m, T_OOM, "-1000");
	mb_u32(m, T_ROOTLESS, 1);
	mb_str(m, T_TIMENS, "monotonic -5 10\nboottime 7 0\n");
	mb_finish(m);
}

/* encode @b into a fresh exact-size buffer; caller frees */
static unsigned char *encode(const struct nsb_bootstrap *b, size_t *len)
{
	struct nsb_error e;
	size_t need = 0;
	nsbt_poison(&e);
	enum nsb_err rc = nsb_encode(b, NULL, 0, &need, &e);
	assert_int_equal(rc, NSB_ERR_NO_SPACE);
	assert_true(need >= 16);
	unsigned char *buf = malloc(need);
	assert_non_null(buf);
	size_t got = 0;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_encode(b, buf, need, &got, &e), e);
	assert_int_equal(got, need);
	*len = got;
	return buf;
}

static void assert_view_same(struct nsb_str a, struct nsb_str b)
{
	assert_int_equal(a.len, b.len);
	if (a.len) {
		assert_memory_equal(a.ptr, b.ptr, a.len);
	}
}

/* every value field of @a equals @b (views by content, not pointer) */
static void assert_same_values(const struct nsb_bootstrap *a, const struct nsb_bootstrap *b)
{
	assert_int_equal(a->dialect, b->dialect);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->present, b->present);
	assert_int_equal(a->clone_flags, b->clone_flags);
	assert_int_equal(a->ns_paths.count, b->ns_paths.count);
	for (size_t i = 0; i < a->ns_paths.count; i++) {
		assert_int_equal(a->ns_paths.paths[i].type, b->ns_paths.paths[i].type);
		assert_view_same(a->ns_paths.paths[i].path, b->ns_paths.paths[i].path);
	}
	assert_int_equal(a->uid_map.count, b->uid_map.count);
	assert_memory_equal(a->uid_map.extents, b->uid_map.extents,
	                    a->uid_map.count * sizeof a->uid_map.extents[0]);
	assert_int_equal(a->gid_map.count, b->gid_map.count);
	assert_memory_equal(a->gid_map.extents, b->gid_map.extents,
	                    a->gid_map.count * sizeof a->gid_map.extents[0]);
	assert_int_equal(a->setgroup, b->setgroup);
	assert_int_equal(a->oom_score_adj, b->oom_score_adj);
	assert_int_equal(a->rootless_euid, b->rootless_euid);
	assert_view_same(a->uid_map_helper, b->uid_map_helper);
	assert_view_same(a->gid_map_helper, b->gid_map_helper);
	assert_int_equal(a->time_offsets.count, b->time_offsets.count);
	for (size_t i = 0; i < a->time_offsets.count; i++) {
		assert_int_equal(a->time_offsets.offsets[i].clock, b->time_offsets.offsets[i].clock);
		assert_true(a->time_offsets.offsets[i].secs == b->time_offsets.offsets[i].secs);
		assert_int_equal(a->time_offsets.offsets[i].nsecs, b->time_offsets.offsets[i].nsecs);
	}
	assert_view_same(a->mount_sources, b->mount_sources);
	assert_int_equal(a->mount_source_count, b->mount_source_count);
}

static void round_trip(const struct nsb_bootstrap *x)
{
	size_t len;
	unsigned char *buf = encode(x, &len);
	struct nsb_error e;
	struct nsb_decode_opts opts = {.dialect = x->dialect, .max_len = 0};
	nsbt_poison(&e);
	assert_nsb_ok(nsb_decode(buf, len, &opts, &out, &e), e);
	assert_int_equal(out.length, len);
	assert_same_values(x, &out);
	free(buf);
}

/* nsb_encode of `in` into a roomy buffer (room for the longest strings), err
 * poisoned first. */
static enum nsb_err encode_in(struct nsb_error *e)
{
	static unsigned char buf[1u << 17];
	size_t len = 0;
	nsbt_poison(e);
	return nsb_encode(&in, buf, sizeof buf, &len, e);
}

/* encode `in` and expect the decoder's verdict */
#define assert_encode_refuses(want, off, attr, pos)                    \
	do {                                                           \
		struct nsb_error e_;                                   \
		enum nsb_err rc_ = encode_in(&e_);                     \
		assert_nsb_err(rc_, e_, (want), (off), (attr), (pos)); \
	} while (0)

/* encode `in`: the return code only */
static enum nsb_err encode_rc(void)
{
	struct nsb_error e;
	return encode_in(&e);
}

/* encode `in` and expect exactly the bytes of @m (then freed) */
static void assert_encodes_as(struct mb *m)
{
	size_t len;
	unsigned char *buf = encode(&in, &len);
	assert_int_equal(len, m->len);
	assert_memory_equal(buf, m->data, m->len);
	free(buf);
	mb_free(m);
}

/* ---- exact bytes ------------------------------------------------------------ */

static void test_bootstrap_init_sets_what_runc_always_sends(void **state)
{
	(void)state;
	memset(&in, 0xA5, sizeof in);
	nsb_bootstrap_init(&in, D11);
	assert_int_equal(in.dialect, D11);
	assert_int_equal(in.type, NSB_INIT_MSG);
	assert_int_equal(in.flags, NSB_NLM_F_REQUEST);
	assert_int_equal(in.seq, 1);
	assert_int_equal(in.pid, 0);
	assert_int_equal(in.present, (1u << NSB_F_CLONE_FLAGS) | (1u << NSB_F_ROOTLESS_EUID));
	assert_int_equal(in.clone_flags, 0);
	assert_false(in.rootless_euid);
	assert_int_equal(in.ns_paths.count, 0);
	assert_int_equal(in.uid_map.count, 0);
	assert_int_equal(in.mount_sources.len, 0);
}

static void test_encode_init_is_32_bytes_of_clone_flags_and_rootless_euid(void **state)
{
	(void)state;
	struct mb m;
	nsb_bootstrap_init(&in, D12);
	mb_base(&m, 0);
	mb_finish(&m);
	assert_int_equal(m.len, 32);
	assert_encodes_as(&m);
}

static void test_encode_writes_every_attribute_in_runc_order(void **state)
{
	(void)state;
	struct mb m;
	full_12(&in);
	full_12_bytes(&m);
	assert_encodes_as(&m);
}

static void test_encode_counts_nul_in_nla_len_and_zero_pads(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.oom_score_adj = 5;
	NSB_SET(&in, NSB_F_OOM_SCORE_ADJ);
	size_t len;
	unsigned char *buf = encode(&in, &len);
	/* header 16, CLONE_FLAGS 8, OOM "5\0" nla_len 6 + 2 pad, ROOTLESS 8 */
	assert_int_equal(len, 40);
	uint32_t nlmsg_len;
	uint16_t nla_len, nla_type;
	memcpy(&nlmsg_len, buf, 4);
	assert_int_equal(nlmsg_len, 40);
	memcpy(&nla_len, buf + 24, 2);
	memcpy(&nla_type, buf + 26, 2);
	assert_int_equal(nla_len, 6);
	assert_int_equal(nla_type, NSB_ATTR_OOM_SCORE_ADJ);
	assert_memory_equal(buf + 28, "5\0\0\0", 4);
	memcpy(&nla_type, buf + 34, 2);
	assert_int_equal(nla_type, NSB_ATTR_ROOTLESS_EUID);
	free(buf);
}

static void test_encode_orders_attributes_regardless_of_input_order(void **state)
{
	(void)state;
	struct mb rev, want;
	struct nsb_error e;
	/* a message in reverse order decodes; encoding it yields runc's order */
	mb_new(&rev);
	mb_put_u16(&rev, 6, 0x0301);
	mb_put_u32(&rev, 8, 42);
	mb_put_u32(&rev, 12, 77);
	mb_str(&rev, T_TIMENS, "monotonic -5 10\nboottime 7 0\n");
	mb_u32(&rev, T_ROOTLESS, 1);
	mb_str(&rev, T_OOM, "-1000");
	mb_u32(&rev, T_SETGROUP, 1);
	mb_str(&rev, T_GIDPATH, "/usr/bin/newgidmap");
	mb_str(&rev, T_GIDMAP, "0 1000 1\n");
	mb_str(&rev, T_UIDMAP, "0 1000 1\n1 100000 65536\n");
	mb_str(&rev, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(&rev, T_NSPATHS, "net:/proc/1/ns/net,ipc:/proc/1/ns/ipc");
	mb_u32(&rev, T_CLONE, CL_NEWUSER | CL_NEWNS | CL_NEWTIME);
	mb_finish(&rev);
	assert_nsb_ok(tdecode(&rev, D12, &in, &e), e);
	full_12_bytes(&want);
	assert_encodes_as(&want);
	mb_free(&rev);
}

static void test_encode_mount_sources_in_runc_1_1(void **state)
{
	(void)state;
	struct mb m;
	static const char src[] = "/a\0\0/b\0"; /* view: without the string's NUL */
	nsb_bootstrap_init(&in, D11);
	in.mount_sources.ptr = src;
	in.mount_sources.len = sizeof src - 1u;
	in.mount_source_count = 3;
	NSB_SET(&in, NSB_F_MOUNT_SOURCES);
	mb_base(&m, 0);
	mb_bytes(&m, T_MOUNTSRC, src, sizeof src); /* + the NUL */
	mb_finish(&m);
	assert_encodes_as(&m);
}

/* ---- size query ------------------------------------------------------------- */

static void test_encode_size_query_returns_no_space_and_needed_length(void **state)
{
	(void)state;
	struct nsb_error e;
	size_t need = 0;
	nsb_bootstrap_init(&in, D12);
	nsbt_poison(&e);
	assert_int_equal(nsb_encode(&in, NULL, 0, &need, &e), NSB_ERR_NO_SPACE);
	assert_int_equal(e.code, NSB_ERR_NO_SPACE);
	assert_int_equal(need, 32);
}

static void test_encode_short_buffer_is_no_space_and_untouched_past_cap(void **state)
{
	(void)state;
	struct nsb_error e;
	size_t need = 0;
	full_12(&in);
	struct mb m;
	full_12_bytes(&m);
	unsigned char *big = malloc(m.len + 16u);
	assert_non_null(big);
	memset(big, 0xEE, m.len + 16u);
	nsbt_poison(&e);
	assert_int_equal(nsb_encode(&in, big, m.len - 1u, &need, &e), NSB_ERR_NO_SPACE);
	assert_int_equal(need, m.len);
	for (size_t i = m.len - 1u; i < m.len + 16u; i++) {
		assert_int_equal(big[i], 0xEE);
	}
	/* exactly enough */
	need = 0;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_encode(&in, big, m.len, &need, &e), e);
	assert_int_equal(need, m.len);
	assert_memory_equal(big, m.data, m.len);
	/* more than enough: nothing written past the message */
	memset(big, 0xEE, m.len + 16u);
	nsbt_poison(&e);
	assert_nsb_ok(nsb_encode(&in, big, m.len + 16u, &need, &e), e);
	assert_int_equal(need, m.len);
	for (size_t i = m.len; i < m.len + 16u; i++) {
		assert_int_equal(big[i], 0xEE);
	}
	free(big);
	mb_free(&m);
}

/* ---- refusals --------------------------------------------------------------- */

static char *long_path(size_t len)
{
	char *p = malloc(len + 1u);
	assert_non_null(p);
	memset(p, 'a', len);
	p[0] = '/';
	p[len] = '\0';
	return p;
}

static void test_encode_accepts_string_of_65530_bytes(void **state)
{
	(void)state;
	char *p = long_path(NSB_STRING_MAX);
	userns_in();
	uid_helper(view(p));
	round_trip(&in);
	free(p);
}

static void test_encode_rejects_string_of_65531_bytes(void **state)
{
	(void)state;
	char *p = long_path(NSB_STRING_MAX + 1u);
	userns_in();
	uid_helper(view(p));
	/* the offset of an attribute that cannot be written is not checked */
	assert_encode_refuses(NSB_ERR_STRING_TOO_LONG, NSBT_ANY, NSB_ATTR_UIDMAPPATH, NSBT_ANY);
	free(p);
}

static void test_encode_rejects_mount_sources_of_65531_bytes(void **state)
{
	(void)state;
	/* entries of 65531 bytes (+ the string's NUL): too long */
	char *p = long_path(NSB_STRING_MAX + 1u);
	p[NSB_STRING_MAX] = '\0';
	nsb_bootstrap_init(&in, D11);
	in.mount_sources.ptr = p;
	in.mount_sources.len = NSB_STRING_MAX + 1u;
	in.mount_source_count = 1;
	NSB_SET(&in, NSB_F_MOUNT_SOURCES);
	assert_encode_refuses(NSB_ERR_STRING_TOO_LONG, NSBT_ANY, NSB_ATTR_MOUNT_SOURCES, NSBT_ANY);
	/* 65530 bytes of entries fit: nla_len 4 + 65530 + 1 = 65535 */
	p[NSB_STRING_MAX - 1u] = '\0';
	in.mount_sources.len = NSB_STRING_MAX;
	struct nsb_error e;
	assert_nsb_ok(encode_in(&e), e);
	free(p);
}

static void test_encode_refuses_clone_flags_outside_mask(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWNS | 0x00000100u; /* CLONE_VM */
	assert_encode_refuses(NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
}

static void test_encode_refuses_oom_score_adj_out_of_range(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.oom_score_adj = 1001;
	NSB_SET(&in, NSB_F_OOM_SCORE_ADJ);
	assert_encode_refuses(NSB_ERR_OOM_RANGE, 24, NSB_ATTR_OOM_SCORE_ADJ, NSBT_ANY);
	in.oom_score_adj = INT32_MIN;
	assert_encode_refuses(NSB_ERR_OOM_RANGE, 24, NSB_ATTR_OOM_SCORE_ADJ, NSBT_ANY);
}

static void test_encode_refuses_idmap_without_newuser(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	uid_ext(&in, 0, 1000, 1);
	assert_encode_refuses(NSB_ERR_IDMAP_WITHOUT_NEWUSER, 24, NSB_ATTR_UIDMAP, 0);
}

static void test_encode_refuses_overlapping_idmap(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	uid_ext(&in, 0, 1000, 10);
	uid_ext(&in, 5, 5000, 10);
	assert_encode_refuses(NSB_ERR_IDMAP_OVERLAP, 24, NSB_ATTR_UIDMAP, NSBT_ANY);
}

static void test_encode_refuses_zero_size_idmap_extent(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	gid_ext(&in, 0, 1000, 0);
	assert_encode_refuses(NSB_ERR_IDMAP_ZERO_SIZE, 24, NSB_ATTR_GIDMAP, NSBT_ANY);
}

static void test_encode_refuses_relative_ns_path(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	add_ns_path(&in, NSB_NS_IPC, view("proc/1/ns/ipc"));
	assert_encode_refuses(NSB_ERR_NSPATH_RELATIVE, 24, NSB_ATTR_NS_PATHS, 4);
}

static void test_encode_refuses_duplicate_ns_type(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	add_ns_path(&in, NSB_NS_IPC, view("/a"));
	add_ns_path(&in, NSB_NS_IPC, view("/b"));
	assert_encode_refuses(NSB_ERR_NSPATH_DUPLICATE_TYPE, 24, NSB_ATTR_NS_PATHS, 7);
}

static void test_encode_refuses_ns_path_with_comma(void **state)
{
	(void)state;
	/* "ipc:/a,net:/b" would decode as two elements: not x */
	nsb_bootstrap_init(&in, D12);
	add_ns_path(&in, NSB_NS_IPC, view("/a,net:/b"));
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);
}

static void test_encode_refuses_clone_and_join_of_same_namespace(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWNET;
	add_ns_path(&in, NSB_NS_NET, view("/n"));
	assert_encode_refuses(NSB_ERR_NS_CLONE_AND_JOIN, 24, NSB_ATTR_NS_PATHS, 0);
}

static void test_encode_refuses_relative_or_nul_helper_path(void **state)
{
	(void)state;
	userns_in();
	uid_helper(view("newuidmap"));
	assert_encode_refuses(NSB_ERR_HELPER_PATH_RELATIVE, 24, NSB_ATTR_UIDMAPPATH, 0);
	in.uid_map_helper.ptr = "/a\0b";
	in.uid_map_helper.len = 4;
	assert_encode_refuses(NSB_ERR_STRING_EMBEDDED_NUL, 24, NSB_ATTR_UIDMAPPATH, 2);
	in.uid_map_helper.len = 0;
	assert_encode_refuses(NSB_ERR_STRING_EMPTY, 24, NSB_ATTR_UIDMAPPATH, 0);
}

static void test_encode_refuses_setgroup_without_gidmap(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.setgroup = true;
	NSB_SET(&in, NSB_F_SETGROUP);
	assert_encode_refuses(NSB_ERR_SETGROUP_WITHOUT_GIDMAP, 24, NSB_ATTR_SETGROUP, 0);
}

static void test_encode_refuses_time_offsets_the_decoder_rejects(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWTIME;
	in.time_offsets.count = 1;
	in.time_offsets.offsets[0].clock = NSB_CLOCK_BOOTTIME;
	in.time_offsets.offsets[0].nsecs = 1000000000u;
	NSB_SET(&in, NSB_F_TIMENSOFFSET);
	assert_encode_refuses(NSB_ERR_TIMENS_NSECS_RANGE, 32, NSB_ATTR_TIMENSOFFSET, NSBT_ANY);
	in.time_offsets.offsets[0].nsecs = 0;
	in.clone_flags = 0;
	assert_encode_refuses(NSB_ERR_TIMENS_WITHOUT_NEWTIME, 32, NSB_ATTR_TIMENSOFFSET, 0);
	in.clone_flags = CL_NEWTIME;
	in.time_offsets.count = 2;
	in.time_offsets.offsets[1] = in.time_offsets.offsets[0];
	assert_encode_refuses(NSB_ERR_TIMENS_DUPLICATE_CLOCK, 32, NSB_ATTR_TIMENSOFFSET, NSBT_ANY);
}

static void test_encode_refuses_missing_rootless_euid(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.present &= ~(1u << NSB_F_ROOTLESS_EUID);
	assert_encode_refuses(NSB_ERR_ATTR_MISSING, 24, NSB_ATTR_ROOTLESS_EUID, 0);
}

static void test_encode_refuses_field_of_the_other_dialect(void **state)
{
	(void)state;
	/* a runc-1.2 message cannot carry mount sources ... */
	nsb_bootstrap_init(&in, D12);
	in.mount_sources.ptr = "/a";
	in.mount_sources.len = 3;
	in.mount_source_count = 1;
	NSB_SET(&in, NSB_F_MOUNT_SOURCES);
	assert_int_not_equal(encode_rc(), NSB_OK);
	/* ... nor a runc-1.1 message time offsets */
	nsb_bootstrap_init(&in, D11);
	in.clone_flags = CL_NEWTIME;
	in.time_offsets.count = 1;
	in.time_offsets.offsets[0].clock = NSB_CLOCK_BOOTTIME;
	NSB_SET(&in, NSB_F_TIMENSOFFSET);
	assert_int_not_equal(encode_rc(), NSB_OK);
}

static void test_encode_rejects_counts_and_enums_out_of_range(void **state)
{
	(void)state;
	/* nothing here may be read past its array (ASan watches) */
	nsb_bootstrap_init(&in, D12);
	in.ns_paths.count = NSB_NS_COUNT + 1u;
	for (size_t i = 0; i < NSB_NS_COUNT; i++) {
		in.ns_paths.paths[i].type = (enum nsb_ns_type)i;
		in.ns_paths.paths[i].path = view("/p");
	}
	NSB_SET(&in, NSB_F_NS_PATHS);
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);
	in.ns_paths.count = 1;
	in.ns_paths.paths[0].type = NSB_NS_COUNT;
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);

	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	in.uid_map.count = NSB_IDMAP_MAX_EXTENTS + 1u;
	NSB_SET(&in, NSB_F_UIDMAP);
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);

	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWTIME;
	in.time_offsets.count = NSB_CLOCK_COUNT + 1u;
	NSB_SET(&in, NSB_F_TIMENSOFFSET);
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);
	in.time_offsets.count = 1;
	in.time_offsets.offsets[0].clock = NSB_CLOCK_COUNT;
	assert_int_not_equal(encode_rc(), NSB_OK);

	/* a NULL view with a length */
	userns_in();
	in.uid_map_helper.ptr = NULL;
	in.uid_map_helper.len = 5;
	NSB_SET(&in, NSB_F_UIDMAPPATH);
	assert_int_equal(encode_rc(), NSB_ERR_INVALID_ARGUMENT);
}

static void test_encode_rejects_null_input(void **state)
{
	(void)state;
	static unsigned char buf[64];
	size_t len = 0;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_equal(nsb_encode(NULL, buf, sizeof buf, &len, &e), NSB_ERR_INVALID_ARGUMENT);
}

/* ---- round trips -------------------------------------------------------------- */

static void test_encode_round_trips_init(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	round_trip(&in);
	nsb_bootstrap_init(&in, D11);
	round_trip(&in);
}

static void test_encode_round_trips_every_runc_1_2_field(void **state)
{
	(void)state;
	full_12(&in);
	round_trip(&in);
}

static void test_encode_round_trips_runc_1_1_with_mount_sources(void **state)
{
	(void)state;
	static const char src[] = "\0/var/lib/x\0\0";
	nsb_bootstrap_init(&in, D11);
	in.clone_flags = CL_NEWUSER | CL_NEWNS | CL_NEWPID;
	uid_ext(&in, 0, 100000, 65536);
	gid_ext(&in, 0, 100000, 65536);
	in.oom_score_adj = 0;
	NSB_SET(&in, NSB_F_OOM_SCORE_ADJ);
	in.mount_sources.ptr = src;
	in.mount_sources.len = sizeof src - 1u;
	in.mount_source_count = 3;
	NSB_SET(&in, NSB_F_MOUNT_SOURCES);
	round_trip(&in);
}

static void test_encode_round_trips_all_eight_ns_paths(void **state)
{
	(void)state;
	static const char *paths[] = {"/proc/9/ns/user",   "/proc/9/ns/ipc", "/proc/9/ns/uts",
	                              "/proc/9/ns/net",    "/proc/9/ns/pid", "/proc/9/ns/mnt",
	                              "/proc/9/ns/cgroup", "/x:y/time"};
	nsb_bootstrap_init(&in, D12);
	in.ns_paths.count = NSB_NS_COUNT;
	for (size_t i = 0; i < NSB_NS_COUNT; i++) {
		in.ns_paths.paths[i].type = (enum nsb_ns_type)i;
		in.ns_paths.paths[i].path = view(paths[i]);
	}
	NSB_SET(&in, NSB_F_NS_PATHS);
	round_trip(&in);
}

static void test_encode_round_trips_340_line_maps(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	/* short numbers: the text stays under the kernel's 4096-byte write */
	for (uint32_t i = 0; i < NSB_IDMAP_MAX_EXTENTS; i++) {
		ext(&in.uid_map, i, 1000u + i, 1);
		ext(&in.gid_map, 339u - i, 2000u + i, 1);
	}
	NSB_SET(&in, NSB_F_UIDMAP);
	NSB_SET(&in, NSB_F_GIDMAP);
	round_trip(&in);
}

static void test_encode_round_trips_extreme_values(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, D12);
	in.seq = UINT32_MAX;
	in.pid = UINT32_MAX;
	in.flags = UINT16_MAX;
	in.clone_flags = NSB_CLONE_NS_MASK;
	in.rootless_euid = true;
	in.oom_score_adj = 1000;
	NSB_SET(&in, NSB_F_OOM_SCORE_ADJ);
	in.time_offsets.count = 2;
	in.time_offsets.offsets[0].clock = NSB_CLOCK_BOOTTIME;
	in.time_offsets.offsets[0].secs = INT64_MIN;
	in.time_offsets.offsets[0].nsecs = 999999999;
	in.time_offsets.offsets[1].clock = NSB_CLOCK_MONOTONIC;
	in.time_offsets.offsets[1].secs = INT64_MAX;
	NSB_SET(&in, NSB_F_TIMENSOFFSET);
	round_trip(&in);
}

/* ---- arguments and values the checks see (added by the coverage work) ------ */

static void test_encode_writes_setgroup_false_as_zero(void **state)
{
	(void)state;
	struct mb m;
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	gid_ext(&in, 0, 0, 1);
	in.setgroup = false;
	NSB_SET(&in, NSB_F_SETGROUP);
	mb_new(&m);
	mb_u32(&m, T_CLONE, CL_NEWUSER);
	mb_str(&m, T_GIDMAP, "0 0 1\n");
	mb_u32(&m, T_SETGROUP, 0);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m);
	assert_encodes_as(&m);
	round_trip(&in);
}

static void test_encode_rejects_unknown_dialect_and_presence_bits(void **state)
{
	(void)state;
	nsb_bootstrap_init(&in, (enum nsb_dialect)7);
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	nsb_bootstrap_init(&in, D12);
	in.present |= 1u << NSB_F_COUNT;
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
}

static void test_encode_rejects_gid_side_and_mount_source_values_it_cannot_write(void **state)
{
	(void)state;
	/* more gid extents than the array holds */
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	in.gid_map.count = NSB_IDMAP_MAX_EXTENTS + 1u;
	NSB_SET(&in, NSB_F_GIDMAP);
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_GIDMAP, 0);
	/* a NULL gid helper view with a length */
	nsb_bootstrap_init(&in, D12);
	in.clone_flags = CL_NEWUSER;
	gid_ext(&in, 0, 0, 1);
	in.gid_map_helper.ptr = NULL;
	in.gid_map_helper.len = 3;
	NSB_SET(&in, NSB_F_GIDMAPPATH);
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_GIDMAPPATH, 0);
	/* a NULL mount sources view with a length (runc-1.1) */
	nsb_bootstrap_init(&in, D11);
	in.mount_sources.ptr = NULL;
	in.mount_sources.len = 2;
	NSB_SET(&in, NSB_F_MOUNT_SOURCES);
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_MOUNT_SOURCES, 0);
	/* a NULL namespace path view with a length */
	nsb_bootstrap_init(&in, D12);
	in.ns_paths.count = 1;
	in.ns_paths.paths[0].type = NSB_NS_NET;
	in.ns_paths.paths[0].path.ptr = NULL;
	in.ns_paths.paths[0].path.len = 4;
	NSB_SET(&in, NSB_F_NS_PATHS);
	assert_encode_refuses(NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NS_PATHS, 0);
}

static void test_encode_empty_ns_path_gets_the_decoders_verdict(void **state)
{
	(void)state;
	/* {NULL, 0} is representable ("net:"), so the decoder judges it */
	nsb_bootstrap_init(&in, D12);
	in.ns_paths.count = 1;
	in.ns_paths.paths[0].type = NSB_NS_NET;
	in.ns_paths.paths[0].path.ptr = NULL;
	in.ns_paths.paths[0].path.len = 0;
	NSB_SET(&in, NSB_F_NS_PATHS);
	assert_encode_refuses(NSB_ERR_NSPATH_EMPTY_PATH, 24, NSB_ATTR_NS_PATHS, NSBT_ANY);
}

static void test_encode_rejects_missing_out_len_and_null_buffer_with_capacity(void **state)
{
	(void)state;
	static unsigned char buf[64];
	size_t len = 99;
	struct nsb_error e;
	nsb_bootstrap_init(&in, D12);
	nsbt_poison(&e);
	assert_nsb_err(nsb_encode(&in, buf, sizeof buf, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_encode(&in, NULL, 16, &len, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	assert_int_equal(len, 0); /* always set, even on failure */
}

static void test_bootstrap_init_ignores_null(void **state)
{
	(void)state;
	nsb_bootstrap_init(NULL, D12); /* must not crash */
	nsb_bootstrap_init(&in, D11);
	assert_int_equal(in.dialect, D11);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bootstrap_init_sets_what_runc_always_sends),
	        cmocka_unit_test(test_encode_init_is_32_bytes_of_clone_flags_and_rootless_euid),
	        cmocka_unit_test(test_encode_writes_every_attribute_in_runc_order),
	        cmocka_unit_test(test_encode_counts_nul_in_nla_len_and_zero_pads),
	        cmocka_unit_test(test_encode_orders_attributes_regardless_of_input_order),
	        cmocka_unit_test(test_encode_mount_sources_in_runc_1_1),
	        cmocka_unit_test(test_encode_size_query_returns_no_space_and_needed_length),
	        cmocka_unit_test(test_encode_short_buffer_is_no_space_and_untouched_past_cap),
	        cmocka_unit_test(test_encode_accepts_string_of_65530_bytes),
	        cmocka_unit_test(test_encode_rejects_string_of_65531_bytes),
	        cmocka_unit_test(test_encode_rejects_mount_sources_of_65531_bytes),
	        cmocka_unit_test(test_encode_refuses_clone_flags_outside_mask),
	        cmocka_unit_test(test_encode_refuses_oom_score_adj_out_of_range),
	        cmocka_unit_test(test_encode_refuses_idmap_without_newuser),
	        cmocka_unit_test(test_encode_refuses_overlapping_idmap),
	        cmocka_unit_test(test_encode_refuses_zero_size_idmap_extent),
	        cmocka_unit_test(test_encode_refuses_relative_ns_path),
	        cmocka_unit_test(test_encode_refuses_duplicate_ns_type),
	        cmocka_unit_test(test_encode_refuses_ns_path_with_comma),
	        cmocka_unit_test(test_encode_refuses_clone_and_join_of_same_namespace),
	        cmocka_unit_test(test_encode_refuses_relative_or_nul_helper_path),
	        cmocka_unit_test(test_encode_refuses_setgroup_without_gidmap),
	        cmocka_unit_test(test_encode_refuses_time_offsets_the_decoder_rejects),
	        cmocka_unit_test(test_encode_refuses_missing_rootless_euid),
	        cmocka_unit_test(test_encode_refuses_field_of_the_other_dialect),
	        cmocka_unit_test(test_encode_rejects_counts_and_enums_out_of_range),
	        cmocka_unit_test(test_encode_rejects_null_input),
	        cmocka_unit_test(test_encode_round_trips_init),
	        cmocka_unit_test(test_encode_round_trips_every_runc_1_2_field),
	        cmocka_unit_test(test_encode_round_trips_runc_1_1_with_mount_sources),
	        cmocka_unit_test(test_encode_round_trips_all_eight_ns_paths),
	        cmocka_unit_test(test_encode_round_trips_340_line_maps),
	        cmocka_unit_test(test_encode_round_trips_extreme_values),
	        cmocka_unit_test(test_encode_writes_setgroup_false_as_zero),
	        cmocka_unit_test(test_encode_rejects_unknown_dialect_and_presence_bits),
	        cmocka_unit_test(test_encode_rejects_gid_side_and_mount_source_values_it_cannot_write),
	        cmocka_unit_test(test_encode_empty_ns_path_gets_the_decoders_verdict),
	        cmocka_unit_test(test_encode_rejects_missing_out_len_and_null_buffer_with_capacity),
	        cmocka_unit_test(test_bootstrap_init_ignores_null),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
