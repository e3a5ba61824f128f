/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_attrs.c - the attribute walk of nsb_decode: framing, padding,
 * unknown types (including the 0x4000/0x8000 flag bits), duplicates,
 * required attributes, payload sizes, bool values, the clone mask, string
 * rules, helper paths, and the two dialects of type 27290.
 *
 * Rejections of one fixed message are rows of `rows` (decodecase.h); the
 * tests that sweep values or look at the decoded result are functions on the
 * decoder fixture.
 */
#include "decodecase.h"

#include <stdlib.h>
#include <string.h>

#define NONE NSB_ATTR_NONE

/* Every attribute type whose payload is a plain string in runc-1.2. */
static const uint16_t string_types[] = {T_NSPATHS, T_UIDMAP, T_GIDMAP, T_OOM, T_UIDPATH, T_GIDPATH, T_TIMENS};
#define N_STRING_TYPES (sizeof string_types / sizeof string_types[0])

/* header, CLONE_FLAGS @clone at 16, ROOTLESS_EUID 0 at 24, then one
 * attribute of @type with @plen payload bytes at 32 (returned), finished. */
static size_t msg_with(struct nsbt_dec *t, uint32_t clone, uint16_t type, const void *payload, size_t plen)
{
	struct mb *m = dec_base(t, clone);
	size_t off = mb_bytes(m, type, payload, plen);
	mb_finish(m);
	return off;
}

/* A malformed OOM_SCORE_ADJ after mb_base: at 32, nla_len @n, the bytes of
 * @p (which may run into the padding), reported by @code at 32 + @plus. */
#define BAD_OOM(name, n, p, plen, padn, code_, plus_)                                                 \
	{                                                                                             \
		name, .attrs = {A_RAW(n, T_OOM, p, plen, padn, 0)}, .code = (code_), .plus = (plus_), \
		      .attr = NSB_ATTR_OOM_SCORE_ADJ                                                  \
	}

static struct nsbt_dcase rows[] = {
        /* ---- framing ---- */
        /* runc loops forever here: the cursor never advances. */
        {"test_decode_rejects_zero_nla_len", .attrs = {A_RAW(0, T_SETGROUP, "\1\0\0\0", 4, 0, 0)},
         .code = NSB_ERR_ATTR_LEN_SMALL, .plus = 32, .attr = NSB_ATTR_SETGROUP},
        {"test_decode_reports_raw_type_of_unknown_attribute_with_zero_nla_len", .bare = true,
         .attrs = {A_RAW(0, 0xBEEF, NULL, 0, 0, 0)}, .code = NSB_ERR_ATTR_LEN_SMALL, .plus = 16,
         .attr = 0xBEEF},
        BAD_OOM("test_decode_rejects_nla_len_1", 1, "1\0\0\0", 4, 0, NSB_ERR_ATTR_LEN_SMALL, 32),
        BAD_OOM("test_decode_rejects_nla_len_2", 2, "1\0\0\0", 4, 0, NSB_ERR_ATTR_LEN_SMALL, 32),
        BAD_OOM("test_decode_rejects_nla_len_3", 3, "1\0\0\0", 4, 0, NSB_ERR_ATTR_LEN_SMALL, 32),
        /* 4 payload bytes present (message ends at 40), nla_len claims more */
        BAD_OOM("test_decode_rejects_nla_len_9_past_message_end", 9, "500\0", 4, 0, NSB_ERR_ATTR_OVERRUN, 32),
        BAD_OOM("test_decode_rejects_nla_len_100_past_message_end", 100, "500\0", 4, 0, NSB_ERR_ATTR_OVERRUN,
                32),
        BAD_OOM("test_decode_rejects_nla_len_65535_past_message_end", 0xFFFF, "500\0", 4, 0,
                NSB_ERR_ATTR_OVERRUN, 32),
        /* CVE-2021-43784 shape: a length that swallows the following attribute
         * and more (16 + 12 + 16 = 44 < 16 + 40). Reported at the first. */
        {"test_decode_rejects_overrun_before_later_attributes", .bare = true,
         .attrs = {A_RAW(40, T_NSPATHS, "mnt:/x\0\0", 8, 0, 0), A_U32(T_CLONE, 0), A_U32(T_ROOTLESS, 0)},
         .code = NSB_ERR_ATTR_OVERRUN, .plus = 16, .attr = NSB_ATTR_NS_PATHS},
        /* "50\0": nla_len 7, no padding, message ends at 39 */
        BAD_OOM("test_decode_rejects_missing_padding_of_last_attribute", 7, "50", 3, 0,
                NSB_ERR_PADDING_MISSING, 39),
        /* "5\0": nla_len 6, one of two padding bytes: offset is A + nla_len */
        BAD_OOM("test_decode_rejects_partial_padding_of_last_attribute", 6, "5", 2, 1,
                NSB_ERR_PADDING_MISSING, 38),
        /* "5\0" + pad {0x01, 0x00}: offset of the first pad byte */
        BAD_OOM("test_decode_rejects_nonzero_padding_byte", 6, "5\0\x01\x00", 4, 0, NSB_ERR_PADDING_NONZERO,
                32 + 6),
        /* pad {0x00, 0x80}: offset of the second pad byte */
        BAD_OOM("test_decode_reports_offset_of_the_nonzero_padding_byte", 6, "5\0\x00\x80", 4, 0,
                NSB_ERR_PADDING_NONZERO, 32 + 7),
        /* OOM at 24, its pad at 31 */
        {"test_decode_rejects_nonzero_padding_in_middle_of_message", .bare = true,
         .attrs = {A_U32(T_CLONE, 0), A_RAW(7, T_OOM, "50", 3, 1, 0x20), A_U32(T_ROOTLESS, 0)},
         .code = NSB_ERR_PADDING_NONZERO, .plus = 31, .attr = NSB_ATTR_OOM_SCORE_ADJ},
        /* unknown type 9999 with a dirty padding byte: padding is checked first */
        {"test_decode_checks_padding_before_attribute_type", .attrs = {A_RAW(7, 9999, "abc", 3, 1, 0xFF)},
         .code = NSB_ERR_PADDING_NONZERO, .plus = 39, .attr = 9999},

        /* ---- unknown, duplicate, required ---- */
        {"test_decode_unknown_attribute_precedes_missing_required", .bare = true,
         .attrs = {A_U32((uint16_t)(27281u | 0x8000u), 0)}, .code = NSB_ERR_ATTR_UNKNOWN, .plus = 16,
         .attr = (int32_t)(27281u | 0x8000u)},
        {"test_decode_rejects_duplicate_clone_flags", .attrs = {A_BYTES(T_CLONE, "\0\0\0\0", 4)},
         .code = NSB_ERR_ATTR_DUPLICATE, .at = AT(0), .attr = NSB_ATTR_CLONE_FLAGS},
        /* second CLONE_FLAGS has a bad mask and a bad size: still a duplicate */
        {"test_decode_duplicate_precedes_payload_of_second",
         .attrs = {A_U32(T_CLONE, 1), A_BYTES(T_CLONE, "\0\0", 2)}, .code = NSB_ERR_ATTR_DUPLICATE,
         .at = AT(0), .attr = NSB_ATTR_CLONE_FLAGS},
        /* payload error at 16, framing error at 24: the payload error wins */
        {"test_decode_reports_first_problem_in_byte_order", .bare = true,
         .attrs = {A_U32(T_CLONE, 1), A_RAW(0, T_ROOTLESS, NULL, 0, 0, 0)}, .code = NSB_ERR_CLONE_FLAGS,
         .plus = 16, .attr = NSB_ATTR_CLONE_FLAGS},
        /* unknown at 16, duplicate at 32 */
        {"test_decode_reports_unknown_attribute_before_later_duplicate", .bare = true,
         .attrs = {A_U32(5, 0), A_U32(T_ROOTLESS, 0), A_U32(T_ROOTLESS, 0)}, .code = NSB_ERR_ATTR_UNKNOWN,
         .plus = 16, .attr = 5},
        {"test_decode_requires_clone_flags", .bare = true, .attrs = {A_U32(T_ROOTLESS, 0), A_STR(T_OOM, "5")},
         .code = NSB_ERR_ATTR_MISSING, .plus = 32, .attr = NSB_ATTR_CLONE_FLAGS},
        {"test_decode_requires_rootless_euid", .bare = true, .attrs = {A_U32(T_CLONE, 0)},
         .code = NSB_ERR_ATTR_MISSING, .plus = 24, .attr = NSB_ATTR_ROOTLESS_EUID},
        {"test_decode_reports_missing_clone_flags_before_rootless_euid", .bare = true,
         .attrs = {A_STR(T_OOM, "5")}, .code = NSB_ERR_ATTR_MISSING, .plus = 24,
         .attr = NSB_ATTR_CLONE_FLAGS},

        /* ---- dialects ---- */
        /* time-offset text in 1.1 is a mount-source list whose entry lacks its NUL */
        {"test_decode_never_reads_time_offsets_in_runc_1_1", .dialect = D11, .clone_flags = CL_NEWTIME,
         .attrs = {A_BYTES(T_TIMENS, "monotonic 1 2\n", 15)}, .code = NSB_ERR_MOUNT_SOURCES_SYNTAX,
         .at = AT(0), .attr = NSB_ATTR_MOUNT_SOURCES, .pos = NSBT_ANY},
};

/* ---- framing -------------------------------------------------------------- */

static void test_decode_rejects_1_to_3_bytes_left_for_attr_header(void **state)
{
	struct nsbt_dec *t = *state;
	for (size_t k = 1; k <= 3; k++) {
		mb_fill(dec_base(t, 0), 0, k);
		assert_dec_err_fin(t, D12, NSB_ERR_ATTR_HEADER_SHORT, 32, NONE, 0);
		/* and right after the netlink header */
		mb_fill(dec_new(t), 0xFF, k);
		assert_dec_err_fin(t, D12, NSB_ERR_ATTR_HEADER_SHORT, 16, NONE, 0);
	}
}

/* ---- unknown, duplicate, required --------------------------------------- */

static void test_decode_rejects_unknown_types_including_flag_bits(void **state)
{
	/* The runc types all carry bit 0x4000 (27281 = 0x6A91): the table is
	 * matched on the raw u16, so clearing that bit or adding 0x8000 makes a
	 * different, unknown type; a decoder that masks with 0x3FFF fails here. */
	static const uint16_t unknown[] = {
	        0,
	        1,
	        27280,
	        27291,
	        0xFFFF,
	        (uint16_t)(27281u & ~0x4000u),             /* 0x2A91 */
	        (uint16_t)(27281u | 0x8000u),              /* 0xEA91 */
	        (uint16_t)((27281u | 0x8000u) & ~0x4000u), /* 0xAA91 */
	        (uint16_t)(27287u & ~0x4000u),
	        (uint16_t)(27287u | 0x8000u),
	        (uint16_t)(27290u & ~0x4000u),
	        (uint16_t)(27290u | 0x8000u),
	        (uint16_t)((27290u | 0x8000u) & ~0x4000u),
	};
	struct nsbt_dec *t = *state;
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		for (int d = 0; d < 2; d++) {
			size_t a = msg_with(t, 0, unknown[i], "\0\0\0\0", 4);
			assert_dec_err(t, (enum nsb_dialect)d, NSB_ERR_ATTR_UNKNOWN, a, unknown[i], 0);
		}
	}
}

static void test_decode_rejects_duplicate_of_every_type(void **state)
{
	/* Each attribute twice with a value valid alone; the second is reported. */
	static const struct {
		uint16_t type;
		const char *payload;
		size_t plen;
		enum nsb_dialect d;
	} cases[] = {
	        {T_NSPATHS, "ipc:/a", 7, D12},
	        {T_UIDMAP, "0 0 1\n", 7, D12},
	        {T_GIDMAP, "0 0 1\n", 7, D12},
	        {T_SETGROUP, "\1\0\0\0", 4, D12},
	        {T_OOM, "1", 2, D12},
	        {T_ROOTLESS, "\0\0\0\0", 4, D12},
	        {T_UIDPATH, "/bin/x", 7, D12},
	        {T_GIDPATH, "/bin/x", 7, D12},
	        {T_TIMENS, "boottime 1 0\n", 14, D12},
	        {T_MOUNTSRC, "\0", 1, D11},
	};
	struct nsbt_dec *t = *state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct mb *m = dec_new(t);
		mb_u32(m, T_CLONE, CL_NEWUSER | CL_NEWTIME);
		if (cases[i].type != T_ROOTLESS) {
			mb_u32(m, T_ROOTLESS, 0);
		}
		mb_bytes(m, cases[i].type, cases[i].payload, cases[i].plen);
		size_t a = mb_bytes(m, cases[i].type, cases[i].payload, cases[i].plen);
		assert_dec_err_fin(t, cases[i].d, NSB_ERR_ATTR_DUPLICATE, a, cases[i].type, 0);
	}
}

/* runc 1.1's nsenter_test.go sends CLONE_FLAGS and NS_PATHS only, nlmsg_flags 0. */
static void nsenter_test_message(struct nsbt_dec *t)
{
	struct mb *m = dec_new(t);
	mb_put_u16(m, 6, 0);
	mb_u32(m, T_CLONE, CL_NEWNET);
	mb_str(m, T_NSPATHS, "pid:/proc/1/ns/pid");
	mb_finish(m);
}

/* nsb_decode of an exact copy of the fixture's message with @opts, err poisoned first. */
static enum nsb_err decode_opts(struct nsbt_dec *t, const struct nsb_decode_opts *opts)
{
	const unsigned char *exact = mb_exact(&t->m);
	nsbt_poison(&t->e);
	return nsb_decode(exact, t->m.len, opts, &t->b, &t->e);
}

static void test_decode_strict_default_refuses_missing_rootless_euid_in_both_dialects(void **state)
{
	struct nsbt_dec *t = *state;
	nsenter_test_message(t);
	for (int d = 0; d < 2; d++) {
		struct nsb_decode_opts opts = {.dialect = (enum nsb_dialect)d, .max_len = 0};
		assert_false(opts.allow_missing_rootless_euid); /* zero is strict */
		assert_nsb_err(decode_opts(t, &opts), t->e, NSB_ERR_ATTR_MISSING, (uint32_t)t->m.len,
		               NSB_ATTR_ROOTLESS_EUID, 0);
	}
}

static void test_decode_liberal_option_takes_missing_rootless_euid_as_false(void **state)
{
	struct nsbt_dec *t = *state;
	struct nsb_decode_opts opts = {.dialect = D11, .max_len = 0, .allow_missing_rootless_euid = true};
	nsenter_test_message(t);
	assert_nsb_ok(decode_opts(t, &opts), t->e);
	assert_false(t->b.rootless_euid);
	assert_false(NSB_HAS(&t->b, NSB_F_ROOTLESS_EUID));
	assert_int_equal(t->b.flags, 0);
	assert_int_equal(t->b.clone_flags, CL_NEWNET);
	/* it relaxes that one rule only: CLONE_FLAGS stays required... */
	struct mb *m = dec_new(t);
	mb_str(m, T_OOM, "5");
	mb_finish(m);
	assert_nsb_err(decode_opts(t, &opts), t->e, NSB_ERR_ATTR_MISSING, 24, NSB_ATTR_CLONE_FLAGS, 0);
	/* ...and a present ROOTLESS_EUID is read and checked as ever */
	m = dec_new(t);
	mb_u32(m, T_CLONE, 0);
	mb_u32(m, T_ROOTLESS, 1);
	mb_finish(m);
	assert_nsb_ok(decode_opts(t, &opts), t->e);
	assert_true(t->b.rootless_euid);
	mb_put_u32(m, 28, 2);
	assert_nsb_err(decode_opts(t, &opts), t->e, NSB_ERR_BOOL_VALUE, 24, NSB_ATTR_ROOTLESS_EUID, 0);
}

/* ---- fixed-size payloads ---------------------------------------------------- */

static void test_decode_rejects_u32_payload_of_wrong_size(void **state)
{
	static const size_t sizes[] = {0, 1, 2, 3, 5, 8};
	static const unsigned char zeros[8] = {0};
	static const uint16_t types[] = {T_CLONE, T_SETGROUP, T_ROOTLESS};
	struct nsbt_dec *t = *state;
	for (size_t k = 0; k < 3; k++) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			/* the malformed attribute first, so nothing else can be reported */
			mb_bytes(dec_new(t), types[k], zeros, sizes[i]);
			assert_dec_err_fin(t, D12, NSB_ERR_PAYLOAD_SIZE, 16, types[k], 0);
		}
	}
}

static void test_decode_rejects_bool_values_other_than_0_and_1(void **state)
{
	/* 0x100 and 0x01000000 catch a decoder that reads only one byte */
	static const uint32_t bad[] = {2, 0x100u, 0x10000u, 0x01000000u, 0x80000000u, 0xFFFFFFFFu};
	static const uint16_t types[] = {T_SETGROUP, T_ROOTLESS};
	struct nsbt_dec *t = *state;
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			mb_u32(dec_new(t), types[k], bad[i]);
			assert_dec_err_fin(t, D12, NSB_ERR_BOOL_VALUE, 16, types[k], 0);
		}
	}
}

static void test_decode_reads_bool_0_and_1(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_new(t);
	mb_u32(m, T_CLONE, 0);
	mb_u32(m, T_ROOTLESS, 1);
	assert_dec_ok_fin(t, D12);
	assert_true(t->b.rootless_euid);
	assert_true(NSB_HAS(&t->b, NSB_F_ROOTLESS_EUID));
	mb_put_u32(m, 28, 0);
	assert_dec_ok(t, D12);
	assert_false(t->b.rootless_euid);
	assert_true(NSB_HAS(&t->b, NSB_F_ROOTLESS_EUID));
}

static void test_decode_accepts_each_namespace_clone_flag(void **state)
{
	static const uint32_t ok[] = {0,          CL_NEWNS,  CL_NEWCGROUP, CL_NEWUTS,  CL_NEWIPC,
	                              CL_NEWUSER, CL_NEWPID, CL_NEWNET,    CL_NEWTIME, NSB_CLONE_NS_MASK};
	struct nsbt_dec *t = *state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		dec_base(t, ok[i]);
		assert_dec_ok_fin(t, D12);
		assert_int_equal(t->b.clone_flags, ok[i]);
	}
}

static void test_decode_rejects_every_clone_bit_outside_mask(void **state)
{
	struct nsbt_dec *t = *state;
	for (unsigned bit = 0; bit < 32; bit++) {
		uint32_t f = 1u << bit;
		if (f & NSB_CLONE_NS_MASK) {
			continue;
		}
		/* alone, and hidden among valid bits */
		dec_base(t, f);
		assert_dec_err_fin(t, D12, NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
		dec_base(t, f | NSB_CLONE_NS_MASK);
		assert_dec_err_fin(t, D12, NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
	}
}

/* ---- strings ---------------------------------------------------------------- */

/* Every string type with payload @p of @plen bytes: @code at @pos. */
static void each_string_type_rejects(struct nsbt_dec *t, const char *p, size_t plen, enum nsb_err code,
                                     uint32_t pos)
{
	for (size_t i = 0; i < N_STRING_TYPES; i++) {
		size_t a = msg_with(t, 0, string_types[i], p, plen);
		assert_dec_err(t, D12, code, a, string_types[i], pos);
	}
}

static void test_decode_rejects_empty_string_payloads(void **state)
{
	each_string_type_rejects(*state, NULL, 0, NSB_ERR_STRING_EMPTY, 0); /* nla_len 4 */
	each_string_type_rejects(*state, "", 1, NSB_ERR_STRING_EMPTY, 0);   /* just the NUL */
}

static void test_decode_rejects_unterminated_string_payloads(void **state)
{
	each_string_type_rejects(*state, "abc", 3, NSB_ERR_STRING_UNTERMINATED, 3);
	each_string_type_rejects(*state, "/", 1, NSB_ERR_STRING_UNTERMINATED, 1);
}

static void test_decode_rejects_embedded_nul_in_string_payloads(void **state)
{
	each_string_type_rejects(*state, "a\0bc", 5, NSB_ERR_STRING_EMBEDDED_NUL, 1);
	/* a doubled terminator is an embedded NUL, not an empty string */
	each_string_type_rejects(*state, "ab\0", 4, NSB_ERR_STRING_EMBEDDED_NUL, 2);
	each_string_type_rejects(*state, "\0", 2, NSB_ERR_STRING_EMBEDDED_NUL, 0);
}

static void test_decode_exposes_string_text_without_nul(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, CL_NEWUSER | CL_NEWTIME);
	mb_str(m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(m, T_UIDMAP, "0 1000 1\n");
	mb_str(m, T_GIDMAP, "0 2000 1\n");
	mb_str(m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_str(m, T_OOM, "-17");
	mb_str(m, T_TIMENS, "monotonic 5 6\n");
	assert_dec_ok_fin(t, D12);
	const struct nsb_bootstrap *b = &t->b;
	assert_view_eq(b->uid_map_helper, "/usr/bin/newuidmap");
	assert_view_eq(b->gid_map_helper, "/usr/bin/newgidmap");
	/* helper views are NUL-terminated in the buffer (usable for execve) */
	assert_int_equal(b->uid_map_helper.ptr[b->uid_map_helper.len], '\0');
	assert_int_equal(b->gid_map_helper.ptr[b->gid_map_helper.len], '\0');
	assert_view_eq(b->uid_map_text, "0 1000 1\n");
	assert_view_eq(b->gid_map_text, "0 2000 1\n");
	assert_view_eq(b->time_offsets_text, "monotonic 5 6\n");
	assert_int_equal(b->oom_score_adj, -17);
	/* views point into the caller's buffer, not into copies */
	assert_true(b->uid_map_text.ptr >= (const char *)m->exact &&
	            b->uid_map_text.ptr < (const char *)m->exact + m->len);
}

static void test_decode_accepts_longest_encodable_string(void **state)
{
	struct nsbt_dec *t = *state;
	/* helper path of NSB_STRING_MAX bytes: nla_len 65535, the u16 maximum */
	char *path = malloc(NSB_STRING_MAX + 1u);
	assert_non_null(path);
	memset(path, 'a', NSB_STRING_MAX);
	path[0] = '/';
	path[NSB_STRING_MAX] = '\0';
	struct mb *m = dec_base(t, CL_NEWUSER);
	mb_str(m, T_UIDMAP, "0 0 1\n");
	size_t a = mb_str(m, T_UIDPATH, path);
	free(path);
	uint16_t nla_len;
	memcpy(&nla_len, m->data + a, sizeof nla_len);
	assert_int_equal(nla_len, 0xFFFF);
	assert_dec_ok_fin(t, D12);
	assert_int_equal(t->b.uid_map_helper.len, NSB_STRING_MAX);
}

static void test_decode_rejects_relative_helper_paths(void **state)
{
	static const char *rel[] = {"usr/bin/newuidmap", "./newuidmap", "newuidmap", " /usr/bin/newuidmap"};
	static const uint16_t types[] = {T_UIDPATH, T_GIDPATH};
	struct nsbt_dec *t = *state;
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			struct mb *m = dec_base(t, CL_NEWUSER);
			mb_str(m, T_UIDMAP, "0 0 1\n");
			mb_str(m, T_GIDMAP, "0 0 1\n");
			size_t a = mb_str(m, types[k], rel[i]);
			assert_dec_err_fin(t, D12, NSB_ERR_HELPER_PATH_RELATIVE, a, types[k], 0);
		}
	}
}

/* ---- absent fields, order ---------------------------------------------------- */

static void test_decode_zeroes_fields_of_absent_attributes(void **state)
{
	struct nsbt_dec *t = *state;
	dec_base(t, CL_NEWNS);
	assert_dec_ok_fin(t, D12);
	const struct nsb_bootstrap *b = &t->b;
	assert_int_equal(b->present, (1u << NSB_F_CLONE_FLAGS) | (1u << NSB_F_ROOTLESS_EUID));
	assert_int_equal(b->ns_paths.count, 0);
	assert_int_equal(b->uid_map_text.len, 0);
	assert_int_equal(b->uid_map.count, 0);
	assert_int_equal(b->gid_map_text.len, 0);
	assert_int_equal(b->gid_map.count, 0);
	assert_false(b->setgroup);
	assert_int_equal(b->oom_score_adj, 0);
	assert_false(b->rootless_euid);
	assert_int_equal(b->uid_map_helper.len, 0);
	assert_int_equal(b->gid_map_helper.len, 0);
	assert_int_equal(b->time_offsets_text.len, 0);
	assert_int_equal(b->time_offsets.count, 0);
	assert_int_equal(b->mount_sources.len, 0);
	assert_int_equal(b->mount_source_count, 0);
}

/* The decoder clears *out itself but skips the two extent arrays (only
 * [0, count) of a map is ever read): every other byte of a poisoned output,
 * padding included, must come out as the message says or zero. */
static void test_decode_zeroes_every_byte_but_map_extents(void **state)
{
	struct nsbt_dec *t = *state;
	struct nsb_bootstrap want;
	dec_base(t, CL_NEWNS);
	assert_dec_ok_fin(t, D12); /* tdecode poisons t->b first */
	memset(&want, 0, sizeof want);
	want.dialect = D12;
	want.length = 32; /* header + two u32 attributes */
	want.type = (uint16_t)NSB_INIT_MSG;
	want.flags = (uint16_t)NSB_NLM_F_REQUEST;
	want.seq = 1;
	want.present = (1u << NSB_F_CLONE_FLAGS) | (1u << NSB_F_ROOTLESS_EUID);
	want.clone_flags = CL_NEWNS;
	memcpy(want.uid_map.extents, t->b.uid_map.extents, sizeof want.uid_map.extents);
	memcpy(want.gid_map.extents, t->b.gid_map.extents, sizeof want.gid_map.extents);
	assert_memory_equal(&want, &t->b, sizeof want);
}

static void test_decode_does_not_depend_on_attribute_order(void **state)
{
	struct nsbt_dec *t = *state;
	/* runc's order reversed */
	struct mb *m = dec_new(t);
	mb_str(m, T_TIMENS, "boottime -3 7\n");
	mb_u32(m, T_ROOTLESS, 1);
	mb_str(m, T_OOM, "300");
	mb_u32(m, T_SETGROUP, 1);
	mb_str(m, T_GIDPATH, "/g");
	mb_str(m, T_GIDMAP, "0 5 2\n");
	mb_str(m, T_UIDMAP, "0 7 3\n");
	mb_str(m, T_UIDPATH, "/u");
	mb_str(m, T_NSPATHS, "net:/n");
	mb_u32(m, T_CLONE, CL_NEWUSER | CL_NEWTIME);
	assert_dec_ok_fin(t, D12);
	const struct nsb_bootstrap *b = &t->b;
	assert_int_equal(b->clone_flags, CL_NEWUSER | CL_NEWTIME);
	assert_int_equal(b->ns_paths.count, 1);
	assert_int_equal(b->ns_paths.paths[0].type, NSB_NS_NET);
	assert_view_eq(b->ns_paths.paths[0].path, "/n");
	assert_int_equal(b->uid_map.count, 1);
	assert_int_equal(b->uid_map.extents[0].host_id, 7);
	assert_int_equal(b->uid_map.extents[0].size, 3);
	assert_int_equal(b->gid_map.extents[0].host_id, 5);
	assert_true(b->setgroup);
	assert_int_equal(b->oom_score_adj, 300);
	assert_true(b->rootless_euid);
	assert_view_eq(b->uid_map_helper, "/u");
	assert_view_eq(b->gid_map_helper, "/g");
	assert_int_equal(b->time_offsets.count, 1);
	assert_int_equal(b->time_offsets.offsets[0].clock, NSB_CLOCK_BOOTTIME);
	assert_true(b->time_offsets.offsets[0].secs == -3);
	assert_int_equal(b->time_offsets.offsets[0].nsecs, 7);
	uint32_t want = 0;
	for (unsigned f = 0; f < NSB_F_COUNT; f++) {
		if (f != NSB_F_MOUNT_SOURCES) {
			want |= 1u << f;
		}
	}
	assert_int_equal(b->present, want);
}

/* ---- dialects: 27290 ---------------------------------------------------------- */

static void test_dialect_names_round_trip(void **state)
{
	(void)state;
	enum nsb_dialect d;
	assert_string_equal(nsb_dialect_name(NSB_DIALECT_RUNC_1_2), "runc-1.2");
	assert_string_equal(nsb_dialect_name(NSB_DIALECT_RUNC_1_1), "runc-1.1");
	assert_null(nsb_dialect_name((enum nsb_dialect)2));
	assert_true(nsb_dialect_from_name("runc-1.2", &d));
	assert_int_equal(d, NSB_DIALECT_RUNC_1_2);
	assert_true(nsb_dialect_from_name("runc-1.1", &d));
	assert_int_equal(d, NSB_DIALECT_RUNC_1_1);
	assert_false(nsb_dialect_from_name("runc-1.3", &d));
	assert_false(nsb_dialect_from_name("runc-1.1x", &d));
	assert_false(nsb_dialect_from_name("runc-1.", &d));
	assert_false(nsb_dialect_from_name("", &d));
}

static void test_decode_reads_27290_as_time_offsets_in_runc_1_2(void **state)
{
	struct nsbt_dec *t = *state;
	msg_with(t, CL_NEWTIME, T_TIMENS, "monotonic 1 2\nboottime 3 4\n", 28);
	assert_dec_ok(t, D12);
	const struct nsb_bootstrap *b = &t->b;
	assert_true(NSB_HAS(b, NSB_F_TIMENSOFFSET));
	assert_false(NSB_HAS(b, NSB_F_MOUNT_SOURCES));
	assert_int_equal(b->time_offsets.count, 2);
	assert_int_equal(b->time_offsets.offsets[0].clock, NSB_CLOCK_MONOTONIC);
	assert_int_equal(b->time_offsets.offsets[1].clock, NSB_CLOCK_BOOTTIME);
	assert_int_equal(b->mount_sources.len, 0);
	assert_int_equal(b->mount_source_count, 0);
}

static void test_decode_reads_27290_as_mount_sources_in_runc_1_1(void **state)
{
	struct nsbt_dec *t = *state;
	/* two bind mounts and one other, as runc 1.1 emits them, plus the NUL */
	static const char p[] = "/src/a\0\0/src/b\0";
	msg_with(t, 0, T_MOUNTSRC, p, sizeof p);
	assert_dec_ok(t, D11);
	const struct nsb_bootstrap *b = &t->b;
	assert_true(NSB_HAS(b, NSB_F_MOUNT_SOURCES));
	assert_false(NSB_HAS(b, NSB_F_TIMENSOFFSET));
	assert_int_equal(b->mount_source_count, 3);
	assert_int_equal(b->mount_sources.len, sizeof p - 1u);
	assert_memory_equal(b->mount_sources.ptr, p, sizeof p - 1u);
	assert_int_equal(b->time_offsets.count, 0);
	assert_int_equal(b->time_offsets_text.len, 0);
}

static void test_decode_never_reads_runc_1_1_mount_sources_as_time_offsets(void **state)
{
	struct nsbt_dec *t = *state;
	/* the 1.1 payload in the 1.2 dialect is a string with an embedded NUL */
	static const char p[] = "/src/a\0\0";
	size_t a = msg_with(t, CL_NEWTIME, T_MOUNTSRC, p, sizeof p);
	assert_dec_err(t, D12, NSB_ERR_STRING_EMBEDDED_NUL, a, NSB_ATTR_TIMENSOFFSET, 6);
	/* "no mounts" ("\0") in 1.1 is fine; in 1.2 it is an empty string */
	a = msg_with(t, 0, T_MOUNTSRC, "", 1);
	assert_dec_ok(t, D11);
	assert_int_equal(t->b.mount_source_count, 0);
	assert_dec_err(t, D12, NSB_ERR_STRING_EMPTY, a, NSB_ATTR_TIMENSOFFSET, 0);
}

int main(void)
{
	static const struct CMUnitTest fns[] = {
	        dec_test(test_decode_rejects_1_to_3_bytes_left_for_attr_header),
	        dec_test(test_decode_rejects_unknown_types_including_flag_bits),
	        dec_test(test_decode_rejects_duplicate_of_every_type),
	        dec_test(test_decode_strict_default_refuses_missing_rootless_euid_in_both_dialects),
	        dec_test(test_decode_liberal_option_takes_missing_rootless_euid_as_false),
	        dec_test(test_decode_rejects_u32_payload_of_wrong_size),
	        dec_test(test_decode_rejects_bool_values_other_than_0_and_1),
	        dec_test(test_decode_reads_bool_0_and_1),
	        dec_test(test_decode_accepts_each_namespace_clone_flag),
	        dec_test(test_decode_rejects_every_clone_bit_outside_mask),
	        dec_test(test_decode_rejects_empty_string_payloads),
	        dec_test(test_decode_rejects_unterminated_string_payloads),
	        dec_test(test_decode_rejects_embedded_nul_in_string_payloads),
	        dec_test(test_decode_exposes_string_text_without_nul),
	        dec_test(test_decode_accepts_longest_encodable_string),
	        dec_test(test_decode_rejects_relative_helper_paths),
	        dec_test(test_decode_zeroes_fields_of_absent_attributes),
	        dec_test(test_decode_zeroes_every_byte_but_map_extents),
	        dec_test(test_decode_does_not_depend_on_attribute_order),
	        cmocka_unit_test(test_dialect_names_round_trip),
	        dec_test(test_decode_reads_27290_as_time_offsets_in_runc_1_2),
	        dec_test(test_decode_reads_27290_as_mount_sources_in_runc_1_1),
	        dec_test(test_decode_never_reads_runc_1_1_mount_sources_as_time_offsets),
	};
	return nsbt_run_group("decode_attrs", fns, NSBT_COUNT(fns), rows, NSBT_COUNT(rows));
}
