/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_attrs.c - the attribute walk of nsb_decode: framing, padding,
 * unknown types (including the 0x4000/0x8000 flag bits), duplicates,
 * required attributes, payload sizes, bool values, the clone mask, string
 * rules, helper paths, and the two dialects of type 27290.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#define NONE NSB_ATTR_NONE
#define D12  NSB_DIALECT_RUNC_1_2
#define D11  NSB_DIALECT_RUNC_1_1

/* Every attribute type whose payload is a plain string in runc-1.2. */
static const uint16_t string_types[] = {T_NSPATHS, T_UIDMAP, T_GIDMAP, T_OOM, T_UIDPATH, T_GIDPATH, T_TIMENS};
#define N_STRING_TYPES (sizeof string_types / sizeof string_types[0])

/* header, CLONE_FLAGS @clone at 16, ROOTLESS_EUID 0 at 24, then one
 * attribute of @type with @plen payload bytes at 32 (returned). */
static size_t msg_with(struct mb *m, uint32_t clone, uint16_t type, const void *payload, size_t plen)
{
	mb_base(m, clone);
	size_t off = mb_bytes(m, type, payload, plen);
	mb_finish(m);
	return off;
}

/* ---- framing -------------------------------------------------------------- */

static void test_decode_rejects_1_to_3_bytes_left_for_attr_header(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t k = 1; k <= 3; k++) {
		mb_base(&m, 0);
		mb_fill(&m, 0, k);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_HEADER_SHORT, 32, NONE, 0);
		mb_free(&m);
		/* and right after the netlink header */
		mb_new(&m);
		mb_fill(&m, 0xFF, k);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_HEADER_SHORT, 16, NONE, 0);
		mb_free(&m);
	}
}

static void test_decode_rejects_zero_nla_len(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* runc loops forever here: the cursor never advances. */
	mb_base(&m, 0);
	mb_attr_raw(&m, 0, T_SETGROUP, "\1\0\0\0", 4, 0, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_LEN_SMALL, 32, NSB_ATTR_SETGROUP, 0);
	mb_free(&m);
	/* the raw type is reported even when it is not a known one */
	mb_new(&m);
	mb_attr_raw(&m, 0, 0xBEEF, NULL, 0, 0, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_LEN_SMALL, 16, 0xBEEF, 0);
	mb_free(&m);
}

static void test_decode_rejects_nla_len_1_to_3(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (uint16_t n = 1; n <= 3; n++) {
		mb_base(&m, 0);
		mb_attr_raw(&m, n, T_OOM, "1\0\0\0", 4, 0, 0);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_LEN_SMALL, 32,
		               NSB_ATTR_OOM_SCORE_ADJ, 0);
		mb_free(&m);
	}
}

static void test_decode_rejects_nla_len_past_message_end(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* 4 payload bytes present (message ends at 40), nla_len claims 9, 100, 0xFFFF */
	static const uint16_t lens[] = {9, 100, 0xFFFF};
	for (size_t i = 0; i < 3; i++) {
		mb_base(&m, 0);
		mb_attr_raw(&m, lens[i], T_OOM, "500\0", 4, 0, 0);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_OVERRUN, 32, NSB_ATTR_OOM_SCORE_ADJ,
		               0);
		mb_free(&m);
	}
}

static void test_decode_rejects_overrun_before_later_attributes(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* CVE-2021-43784 shape: a length that swallows the following attribute
	 * and more. The overrun is reported at the first attribute. */
	mb_new(&m);
	mb_attr_raw(&m, 40, T_NSPATHS, "mnt:/x\0\0", 8, 0, 0);
	mb_u32(&m, T_CLONE, 0);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m); /* 16 + 12 + 16 = 44 < 16 + 40 */
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_OVERRUN, 16, NSB_ATTR_NS_PATHS, 0);
	mb_free(&m);
}

static void test_decode_rejects_missing_padding_of_last_attribute(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* "50\0": nla_len 7, no padding, message ends at 39 */
	mb_base(&m, 0);
	mb_attr_raw(&m, 7, T_OOM, "50", 3, 0, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_MISSING, 39, NSB_ATTR_OOM_SCORE_ADJ, 0);
	mb_free(&m);
	/* "5\0": nla_len 6, one of two padding bytes: offset is A + nla_len */
	mb_base(&m, 0);
	mb_attr_raw(&m, 6, T_OOM, "5", 2, 1, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_MISSING, 38, NSB_ATTR_OOM_SCORE_ADJ, 0);
	mb_free(&m);
}

static void test_decode_rejects_nonzero_padding_byte(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* "5\0" + pad {0x01, 0x00}: offset of the first pad byte */
	mb_base(&m, 0);
	size_t a = mb_attr_raw(&m, 6, T_OOM, "5", 2, 0, 0);
	mb_raw(&m, "\x01\x00", 2);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_NONZERO, (uint32_t)a + 6,
	               NSB_ATTR_OOM_SCORE_ADJ, 0);
	mb_free(&m);
	/* pad {0x00, 0x80}: offset of the second pad byte */
	mb_base(&m, 0);
	a = mb_attr_raw(&m, 6, T_OOM, "5", 2, 0, 0);
	mb_raw(&m, "\x00\x80", 2);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_NONZERO, (uint32_t)a + 7,
	               NSB_ATTR_OOM_SCORE_ADJ, 0);
	mb_free(&m);
}

static void test_decode_rejects_nonzero_padding_in_middle_of_message(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_u32(&m, T_CLONE, 0);
	mb_attr_raw(&m, 7, T_OOM, "50", 3, 1, 0x20); /* at 24, pad at 31 */
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_NONZERO, 31, NSB_ATTR_OOM_SCORE_ADJ, 0);
	mb_free(&m);
}

static void test_decode_checks_padding_before_attribute_type(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* unknown type 9999 with a dirty padding byte: padding is checked first */
	mb_base(&m, 0);
	mb_attr_raw(&m, 7, 9999, "abc", 3, 1, 0xFF);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PADDING_NONZERO, 39, 9999, 0);
	mb_free(&m);
}

/* ---- unknown, duplicate, required --------------------------------------- */

static void test_decode_rejects_unknown_types_including_flag_bits(void **state)
{
	(void)state;
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
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
		for (int d = 0; d < 2; d++) {
			size_t a = msg_with(&m, 0, unknown[i], "\0\0\0\0", 4);
			assert_nsb_err(tdecode(&m, (enum nsb_dialect)d, &b, &e), e, NSB_ERR_ATTR_UNKNOWN,
			               (uint32_t)a, unknown[i], 0);
			mb_free(&m);
		}
	}
}

static void test_decode_unknown_attribute_precedes_missing_required(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_u32(&m, (uint16_t)(27281u | 0x8000u), 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_UNKNOWN, 16, (int32_t)(27281u | 0x8000u), 0);
	mb_free(&m);
}

static void test_decode_rejects_duplicate_clone_flags(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	size_t a = msg_with(&m, 0, T_CLONE, "\0\0\0\0", 4);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_DUPLICATE, (uint32_t)a, NSB_ATTR_CLONE_FLAGS,
	               0);
	mb_free(&m);
}

static void test_decode_rejects_duplicate_of_every_type(void **state)
{
	(void)state;
	/* Each attribute twice with a value valid alone; the second is reported. */
	struct {
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
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		mb_new(&m);
		mb_u32(&m, T_CLONE, CL_NEWUSER | CL_NEWTIME);
		if (cases[i].type != T_ROOTLESS) {
			mb_u32(&m, T_ROOTLESS, 0);
		}
		mb_bytes(&m, cases[i].type, cases[i].payload, cases[i].plen);
		size_t a = mb_bytes(&m, cases[i].type, cases[i].payload, cases[i].plen);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, cases[i].d, &b, &e), e, NSB_ERR_ATTR_DUPLICATE, (uint32_t)a,
		               cases[i].type, 0);
		mb_free(&m);
	}
}

static void test_decode_duplicate_precedes_payload_of_second(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* second CLONE_FLAGS has a bad mask and a bad size: still a duplicate */
	mb_base(&m, 0);
	size_t a = mb_u32(&m, T_CLONE, 1);
	size_t a2 = mb_bytes(&m, T_CLONE, "\0\0", 2);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_DUPLICATE, (uint32_t)a, NSB_ATTR_CLONE_FLAGS,
	               0);
	(void)a2;
	mb_free(&m);
}

static void test_decode_reports_first_problem_in_byte_order(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* payload error at 16, framing error at 24: the payload error wins */
	mb_new(&m);
	mb_u32(&m, T_CLONE, 1);
	mb_attr_raw(&m, 0, T_ROOTLESS, NULL, 0, 0, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
	/* unknown at 16, duplicate at 32 */
	mb_new(&m);
	mb_u32(&m, 5, 0);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_UNKNOWN, 16, 5, 0);
	mb_free(&m);
}

static void test_decode_requires_clone_flags(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_str(&m, T_OOM, "5");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_MISSING, 32, NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
}

static void test_decode_requires_rootless_euid(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_u32(&m, T_CLONE, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_MISSING, 24, NSB_ATTR_ROOTLESS_EUID, 0);
	mb_free(&m);
}

/* runc 1.1's nsenter_test.go sends CLONE_FLAGS and NS_PATHS only, nlmsg_flags 0. */
static void nsenter_test_message(struct mb *m)
{
	mb_new(m);
	mb_put_u16(m, 6, 0);
	mb_u32(m, T_CLONE, CL_NEWNET);
	mb_str(m, T_NSPATHS, "pid:/proc/1/ns/pid");
	mb_finish(m);
}

static enum nsb_err decode_opts(struct mb *m, const struct nsb_decode_opts *opts, struct nsb_bootstrap *b,
                                struct nsb_error *e)
{
	const unsigned char *exact = mb_exact(m);
	nsbt_poison(e);
	return nsb_decode(exact, m->len, opts, b, e);
}

static void test_decode_strict_default_refuses_missing_rootless_euid_in_both_dialects(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	nsenter_test_message(&m);
	for (int d = 0; d < 2; d++) {
		struct nsb_decode_opts opts = {.dialect = (enum nsb_dialect)d, .max_len = 0};
		assert_false(opts.allow_missing_rootless_euid); /* zero is strict */
		assert_nsb_err(decode_opts(&m, &opts, &b, &e), e, NSB_ERR_ATTR_MISSING, (uint32_t)m.len,
		               NSB_ATTR_ROOTLESS_EUID, 0);
	}
	mb_free(&m);
}

static void test_decode_liberal_option_takes_missing_rootless_euid_as_false(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	struct nsb_decode_opts opts = {.dialect = D11, .max_len = 0, .allow_missing_rootless_euid = true};
	nsenter_test_message(&m);
	assert_nsb_ok(decode_opts(&m, &opts, &b, &e), e);
	assert_false(b.rootless_euid);
	assert_false(NSB_HAS(&b, NSB_F_ROOTLESS_EUID));
	assert_int_equal(b.flags, 0);
	assert_int_equal(b.clone_flags, CL_NEWNET);
	mb_free(&m);
	/* it relaxes that one rule only: CLONE_FLAGS stays required... */
	mb_new(&m);
	mb_str(&m, T_OOM, "5");
	mb_finish(&m);
	assert_nsb_err(decode_opts(&m, &opts, &b, &e), e, NSB_ERR_ATTR_MISSING, 24, NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
	/* ...and a present ROOTLESS_EUID is read and checked as ever */
	mb_new(&m);
	mb_u32(&m, T_CLONE, 0);
	mb_u32(&m, T_ROOTLESS, 1);
	mb_finish(&m);
	assert_nsb_ok(decode_opts(&m, &opts, &b, &e), e);
	assert_true(b.rootless_euid);
	mb_free(&m);
	mb_new(&m);
	mb_u32(&m, T_CLONE, 0);
	mb_u32(&m, T_ROOTLESS, 2);
	mb_finish(&m);
	assert_nsb_err(decode_opts(&m, &opts, &b, &e), e, NSB_ERR_BOOL_VALUE, 24, NSB_ATTR_ROOTLESS_EUID, 0);
	mb_free(&m);
}

static void test_decode_reports_missing_clone_flags_before_rootless_euid(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_str(&m, T_OOM, "5");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_MISSING, 24, NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
}

/* ---- fixed-size payloads ---------------------------------------------------- */

static void test_decode_rejects_u32_payload_of_wrong_size(void **state)
{
	(void)state;
	static const size_t sizes[] = {0, 1, 2, 3, 5, 8};
	static const unsigned char zeros[8] = {0};
	static const uint16_t types[] = {T_CLONE, T_SETGROUP, T_ROOTLESS};
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t t = 0; t < 3; t++) {
		for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
			/* the malformed attribute first, so nothing else can be reported */
			mb_new(&m);
			mb_bytes(&m, types[t], zeros, sizes[i]);
			mb_finish(&m);
			assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_PAYLOAD_SIZE, 16, types[t], 0);
			mb_free(&m);
		}
	}
}

static void test_decode_rejects_bool_values_other_than_0_and_1(void **state)
{
	(void)state;
	/* 0x100 and 0x01000000 catch a decoder that reads only one byte */
	static const uint32_t bad[] = {2, 0x100u, 0x10000u, 0x01000000u, 0x80000000u, 0xFFFFFFFFu};
	static const uint16_t types[] = {T_SETGROUP, T_ROOTLESS};
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t t = 0; t < 2; t++) {
		for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
			mb_new(&m);
			mb_u32(&m, types[t], bad[i]);
			mb_finish(&m);
			assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_BOOL_VALUE, 16, types[t], 0);
			mb_free(&m);
		}
	}
}

static void test_decode_reads_bool_0_and_1(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_u32(&m, T_CLONE, 0);
	mb_u32(&m, T_ROOTLESS, 1);
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_true(b.rootless_euid);
	assert_true(NSB_HAS(&b, NSB_F_ROOTLESS_EUID));
	mb_put_u32(&m, 28, 0);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_false(b.rootless_euid);
	assert_true(NSB_HAS(&b, NSB_F_ROOTLESS_EUID));
	mb_free(&m);
}

static void test_decode_accepts_each_namespace_clone_flag(void **state)
{
	(void)state;
	static const uint32_t ok[] = {0,          CL_NEWNS,  CL_NEWCGROUP, CL_NEWUTS,  CL_NEWIPC,
	                              CL_NEWUSER, CL_NEWPID, CL_NEWNET,    CL_NEWTIME, NSB_CLONE_NS_MASK};
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		mb_base(&m, ok[i]);
		mb_finish(&m);
		assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
		assert_int_equal(b.clone_flags, ok[i]);
		mb_free(&m);
	}
}

static void test_decode_rejects_every_clone_bit_outside_mask(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (unsigned bit = 0; bit < 32; bit++) {
		uint32_t f = 1u << bit;
		if (f & NSB_CLONE_NS_MASK) {
			continue;
		}
		/* alone, and hidden among valid bits */
		mb_base(&m, f);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
		mb_free(&m);
		mb_base(&m, f | NSB_CLONE_NS_MASK);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_CLONE_FLAGS, 16, NSB_ATTR_CLONE_FLAGS, 0);
		mb_free(&m);
	}
}

/* ---- strings ---------------------------------------------------------------- */

static void test_decode_rejects_empty_string_payloads(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < N_STRING_TYPES; i++) {
		size_t a = msg_with(&m, 0, string_types[i], NULL, 0); /* nla_len 4 */
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMPTY, (uint32_t)a,
		               string_types[i], 0);
		mb_free(&m);
		a = msg_with(&m, 0, string_types[i], "", 1); /* just the NUL */
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMPTY, (uint32_t)a,
		               string_types[i], 0);
		mb_free(&m);
	}
}

static void test_decode_rejects_unterminated_string_payloads(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < N_STRING_TYPES; i++) {
		size_t a = msg_with(&m, 0, string_types[i], "abc", 3);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_UNTERMINATED, (uint32_t)a,
		               string_types[i], 3);
		mb_free(&m);
		a = msg_with(&m, 0, string_types[i], "/", 1);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_UNTERMINATED, (uint32_t)a,
		               string_types[i], 1);
		mb_free(&m);
	}
}

static void test_decode_rejects_embedded_nul_in_string_payloads(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < N_STRING_TYPES; i++) {
		size_t a = msg_with(&m, 0, string_types[i], "a\0bc", 5);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMBEDDED_NUL, (uint32_t)a,
		               string_types[i], 1);
		mb_free(&m);
		/* a doubled terminator is an embedded NUL, not an empty string */
		a = msg_with(&m, 0, string_types[i], "ab\0", 4);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMBEDDED_NUL, (uint32_t)a,
		               string_types[i], 2);
		mb_free(&m);
		a = msg_with(&m, 0, string_types[i], "\0", 2);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMBEDDED_NUL, (uint32_t)a,
		               string_types[i], 0);
		mb_free(&m);
	}
}

static void test_decode_exposes_string_text_without_nul(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER | CL_NEWTIME);
	mb_str(&m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_str(&m, T_GIDMAP, "0 2000 1\n");
	mb_str(&m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_str(&m, T_OOM, "-17");
	mb_str(&m, T_TIMENS, "monotonic 5 6\n");
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_view_eq(b.uid_map_helper, "/usr/bin/newuidmap");
	assert_view_eq(b.gid_map_helper, "/usr/bin/newgidmap");
	/* helper views are NUL-terminated in the buffer (usable for execve) */
	assert_int_equal(b.uid_map_helper.ptr[b.uid_map_helper.len], '\0');
	assert_int_equal(b.gid_map_helper.ptr[b.gid_map_helper.len], '\0');
	assert_view_eq(b.uid_map_text, "0 1000 1\n");
	assert_view_eq(b.gid_map_text, "0 2000 1\n");
	assert_view_eq(b.time_offsets_text, "monotonic 5 6\n");
	assert_int_equal(b.oom_score_adj, -17);
	/* views point into the caller's buffer, not into copies */
	assert_true(b.uid_map_text.ptr >= (const char *)m.exact &&
	            b.uid_map_text.ptr < (const char *)m.exact + m.len);
	mb_free(&m);
}

static void test_decode_accepts_longest_encodable_string(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* helper path of NSB_STRING_MAX bytes: nla_len 65535, the u16 maximum */
	char *path = malloc(NSB_STRING_MAX + 1u);
	assert_non_null(path);
	memset(path, 'a', NSB_STRING_MAX);
	path[0] = '/';
	path[NSB_STRING_MAX] = '\0';
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_UIDMAP, "0 0 1\n");
	size_t a = mb_str(&m, T_UIDPATH, path);
	mb_finish(&m);
	uint16_t nla_len;
	memcpy(&nla_len, m.data + a, sizeof nla_len);
	assert_int_equal(nla_len, 0xFFFF);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_int_equal(b.uid_map_helper.len, NSB_STRING_MAX);
	free(path);
	mb_free(&m);
}

static void test_decode_rejects_relative_helper_paths(void **state)
{
	(void)state;
	static const char *rel[] = {"usr/bin/newuidmap", "./newuidmap", "newuidmap", " /usr/bin/newuidmap"};
	static const uint16_t types[] = {T_UIDPATH, T_GIDPATH};
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t t = 0; t < 2; t++) {
		for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
			mb_base(&m, CL_NEWUSER);
			mb_str(&m, T_UIDMAP, "0 0 1\n");
			mb_str(&m, T_GIDMAP, "0 0 1\n");
			size_t a = mb_str(&m, types[t], rel[i]);
			mb_finish(&m);
			assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_HELPER_PATH_RELATIVE, (uint32_t)a,
			               types[t], 0);
			mb_free(&m);
		}
	}
}

/* ---- absent fields, order ---------------------------------------------------- */

static void test_decode_zeroes_fields_of_absent_attributes(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS);
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_int_equal(b.present, (1u << NSB_F_CLONE_FLAGS) | (1u << NSB_F_ROOTLESS_EUID));
	assert_int_equal(b.ns_paths.count, 0);
	assert_int_equal(b.uid_map_text.len, 0);
	assert_int_equal(b.uid_map.count, 0);
	assert_int_equal(b.gid_map_text.len, 0);
	assert_int_equal(b.gid_map.count, 0);
	assert_false(b.setgroup);
	assert_int_equal(b.oom_score_adj, 0);
	assert_false(b.rootless_euid);
	assert_int_equal(b.uid_map_helper.len, 0);
	assert_int_equal(b.gid_map_helper.len, 0);
	assert_int_equal(b.time_offsets_text.len, 0);
	assert_int_equal(b.time_offsets.count, 0);
	assert_int_equal(b.mount_sources.len, 0);
	assert_int_equal(b.mount_source_count, 0);
	mb_free(&m);
}

static void test_decode_does_not_depend_on_attribute_order(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* runc's order reversed */
	mb_new(&m);
	mb_str(&m, T_TIMENS, "boottime -3 7\n");
	mb_u32(&m, T_ROOTLESS, 1);
	mb_str(&m, T_OOM, "300");
	mb_u32(&m, T_SETGROUP, 1);
	mb_str(&m, T_GIDPATH, "/g");
	mb_str(&m, T_GIDMAP, "0 5 2\n");
	mb_str(&m, T_UIDMAP, "0 7 3\n");
	mb_str(&m, T_UIDPATH, "/u");
	mb_str(&m, T_NSPATHS, "net:/n");
	mb_u32(&m, T_CLONE, CL_NEWUSER | CL_NEWTIME);
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_int_equal(b.clone_flags, CL_NEWUSER | CL_NEWTIME);
	assert_int_equal(b.ns_paths.count, 1);
	assert_int_equal(b.ns_paths.paths[0].type, NSB_NS_NET);
	assert_view_eq(b.ns_paths.paths[0].path, "/n");
	assert_int_equal(b.uid_map.count, 1);
	assert_int_equal(b.uid_map.extents[0].host_id, 7);
	assert_int_equal(b.uid_map.extents[0].size, 3);
	assert_int_equal(b.gid_map.extents[0].host_id, 5);
	assert_true(b.setgroup);
	assert_int_equal(b.oom_score_adj, 300);
	assert_true(b.rootless_euid);
	assert_view_eq(b.uid_map_helper, "/u");
	assert_view_eq(b.gid_map_helper, "/g");
	assert_int_equal(b.time_offsets.count, 1);
	assert_int_equal(b.time_offsets.offsets[0].clock, NSB_CLOCK_BOOTTIME);
	assert_true(b.time_offsets.offsets[0].secs == -3);
	assert_int_equal(b.time_offsets.offsets[0].nsecs, 7);
	uint32_t want = 0;
	for (unsigned f = 0; f < NSB_F_COUNT; f++) {
		if (f != NSB_F_MOUNT_SOURCES) {
			want |= 1u << f;
		}
	}
	assert_int_equal(b.present, want);
	mb_free(&m);
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
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	msg_with(&m, CL_NEWTIME, T_TIMENS, "monotonic 1 2\nboottime 3 4\n", 28);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_true(NSB_HAS(&b, NSB_F_TIMENSOFFSET));
	assert_false(NSB_HAS(&b, NSB_F_MOUNT_SOURCES));
	assert_int_equal(b.time_offsets.count, 2);
	assert_int_equal(b.time_offsets.offsets[0].clock, NSB_CLOCK_MONOTONIC);
	assert_int_equal(b.time_offsets.offsets[1].clock, NSB_CLOCK_BOOTTIME);
	assert_int_equal(b.mount_sources.len, 0);
	assert_int_equal(b.mount_source_count, 0);
	mb_free(&m);
}

static void test_decode_reads_27290_as_mount_sources_in_runc_1_1(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* two bind mounts and one other, as runc 1.1 emits them, plus the NUL */
	static const char p[] = "/src/a\0\0/src/b\0";
	msg_with(&m, 0, T_MOUNTSRC, p, sizeof p);
	assert_nsb_ok(tdecode(&m, D11, &b, &e), e);
	assert_true(NSB_HAS(&b, NSB_F_MOUNT_SOURCES));
	assert_false(NSB_HAS(&b, NSB_F_TIMENSOFFSET));
	assert_int_equal(b.mount_source_count, 3);
	assert_int_equal(b.mount_sources.len, sizeof p - 1u);
	assert_memory_equal(b.mount_sources.ptr, p, sizeof p - 1u);
	assert_int_equal(b.time_offsets.count, 0);
	assert_int_equal(b.time_offsets_text.len, 0);
	mb_free(&m);
}

static void test_decode_never_reads_runc_1_1_mount_sources_as_time_offsets(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* the 1.1 payload in the 1.2 dialect is a string with an embedded NUL */
	static const char p[] = "/src/a\0\0";
	size_t a = msg_with(&m, CL_NEWTIME, T_MOUNTSRC, p, sizeof p);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMBEDDED_NUL, (uint32_t)a,
	               NSB_ATTR_TIMENSOFFSET, 6);
	mb_free(&m);
	/* "no mounts" ("\0") in 1.1 is fine; in 1.2 it is an empty string */
	a = msg_with(&m, 0, T_MOUNTSRC, "", 1);
	assert_nsb_ok(tdecode(&m, D11, &b, &e), e);
	assert_int_equal(b.mount_source_count, 0);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_STRING_EMPTY, (uint32_t)a, NSB_ATTR_TIMENSOFFSET,
	               0);
	mb_free(&m);
}

static void test_decode_never_reads_time_offsets_in_runc_1_1(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* time-offset text in 1.1 is a mount-source list whose entry lacks its NUL */
	size_t a = msg_with(&m, CL_NEWTIME, T_TIMENS, "monotonic 1 2\n", 15);
	assert_nsb_err(tdecode(&m, D11, &b, &e), e, NSB_ERR_MOUNT_SOURCES_SYNTAX, (uint32_t)a,
	               NSB_ATTR_MOUNT_SOURCES, NSBT_ANY);
	mb_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decode_rejects_1_to_3_bytes_left_for_attr_header),
	        cmocka_unit_test(test_decode_rejects_zero_nla_len),
	        cmocka_unit_test(test_decode_rejects_nla_len_1_to_3),
	        cmocka_unit_test(test_decode_rejects_nla_len_past_message_end),
	        cmocka_unit_test(test_decode_rejects_overrun_before_later_attributes),
	        cmocka_unit_test(test_decode_rejects_missing_padding_of_last_attribute),
	        cmocka_unit_test(test_decode_rejects_nonzero_padding_byte),
	        cmocka_unit_test(test_decode_rejects_nonzero_padding_in_middle_of_message),
	        cmocka_unit_test(test_decode_checks_padding_before_attribute_type),
	        cmocka_unit_test(test_decode_rejects_unknown_types_including_flag_bits),
	        cmocka_unit_test(test_decode_unknown_attribute_precedes_missing_required),
	        cmocka_unit_test(test_decode_rejects_duplicate_clone_flags),
	        cmocka_unit_test(test_decode_rejects_duplicate_of_every_type),
	        cmocka_unit_test(test_decode_duplicate_precedes_payload_of_second),
	        cmocka_unit_test(test_decode_reports_first_problem_in_byte_order),
	        cmocka_unit_test(test_decode_requires_clone_flags),
	        cmocka_unit_test(test_decode_requires_rootless_euid),
	        cmocka_unit_test(test_decode_reports_missing_clone_flags_before_rootless_euid),
	        cmocka_unit_test(test_decode_strict_default_refuses_missing_rootless_euid_in_both_dialects),
	        cmocka_unit_test(test_decode_liberal_option_takes_missing_rootless_euid_as_false),
	        cmocka_unit_test(test_decode_rejects_u32_payload_of_wrong_size),
	        cmocka_unit_test(test_decode_rejects_bool_values_other_than_0_and_1),
	        cmocka_unit_test(test_decode_reads_bool_0_and_1),
	        cmocka_unit_test(test_decode_accepts_each_namespace_clone_flag),
	        cmocka_unit_test(test_decode_rejects_every_clone_bit_outside_mask),
	        cmocka_unit_test(test_decode_rejects_empty_string_payloads),
	        cmocka_unit_test(test_decode_rejects_unterminated_string_payloads),
	        cmocka_unit_test(test_decode_rejects_embedded_nul_in_string_payloads),
	        cmocka_unit_test(test_decode_exposes_string_text_without_nul),
	        cmocka_unit_test(test_decode_accepts_longest_encodable_string),
	        cmocka_unit_test(test_decode_rejects_relative_helper_paths),
	        cmocka_unit_test(test_decode_zeroes_fields_of_absent_attributes),
	        cmocka_unit_test(test_decode_does_not_depend_on_attribute_order),
	        cmocka_unit_test(test_dialect_names_round_trip),
	        cmocka_unit_test(test_decode_reads_27290_as_time_offsets_in_runc_1_2),
	        cmocka_unit_test(test_decode_reads_27290_as_mount_sources_in_runc_1_1),
	        cmocka_unit_test(test_decode_never_reads_runc_1_1_mount_sources_as_time_offsets),
	        cmocka_unit_test(test_decode_never_reads_time_offsets_in_runc_1_1),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
