/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_header.c - the netlink header rules of nsb_decode, in the
 * conventions' order: SHORT_HEADER, MSG_LEN_SMALL, MSG_TOO_BIG, TRUNCATED,
 * TRAILING_DATA, BAD_MSG_TYPE; flags/seq/pid carry no meaning.
 */
#include "testutil.h"

#include <string.h>

#define NONE NSB_ATTR_NONE

/* A valid 32-byte message: header, CLONE_FLAGS 0, ROOTLESS_EUID 0. */
static void valid(struct mb *m)
{
	mb_base(m, 0);
	mb_finish(m);
}

static void test_decode_accepts_minimal_valid_message(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	assert_nsb_ok(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e);
	assert_int_equal(b.length, 32);
	assert_int_equal(b.type, 62000);
	assert_int_equal(b.flags, 1);
	assert_int_equal(b.seq, 1);
	assert_int_equal(b.pid, 0);
	assert_int_equal(b.dialect, NSB_DIALECT_RUNC_1_2);
	mb_free(&m);
}

static void test_decode_rejects_empty_buffer_as_short_header(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	assert_nsb_err(tdecode_len(&m, 0, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_SHORT_HEADER, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_every_length_below_16_as_short_header(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	for (size_t len = 1; len < 16; len++) {
		assert_nsb_err(tdecode_len(&m, len, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_SHORT_HEADER, 0,
		               NONE, 0);
	}
	mb_free(&m);
}

static void test_decode_rejects_nlmsg_len_zero(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m); /* nlmsg_len left 0 */
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_nlmsg_len_15(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* runc's C side computes nlmsg_len - 16 and wraps to about 4 GiB here. */
	mb_new(&m);
	mb_put_u32(&m, 0, 15);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_msg_len_small_precedes_trailing_data(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* 32 bytes given, header claims 8: the claim itself is impossible. */
	valid(&m);
	mb_put_u32(&m, 0, 8);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_header_only_message_as_missing_clone_flags(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* nlmsg_len 16 is a well-formed empty message; its problem is the
	 * absent required attribute, reported at offset nlmsg_len. */
	mb_new(&m);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_ATTR_MISSING, 16,
	               NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
}

static void test_decode_rejects_nlmsg_len_above_default_cap(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* Default cap 1 MiB: one past it is too big even before the (missing) body. */
	valid(&m);
	mb_put_u32(&m, 0, NSB_DEFAULT_MAX_LEN + 1u);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_treats_default_cap_as_inclusive(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* nlmsg_len == cap is allowed: with only 32 bytes given it is TRUNCATED. */
	valid(&m);
	mb_put_u32(&m, 0, NSB_DEFAULT_MAX_LEN);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRUNCATED, 32, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_4gib_claim_as_too_big(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	mb_put_u32(&m, 0, 0xFFFFFFF0u);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_put_u32(&m, 0, 0xFFFFFFFFu);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_honours_configured_cap(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	const unsigned char *buf = mb_exact(&m);
	/* cap 32: the 32-byte message fits exactly. */
	struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = 32};
	nsbt_poison(&e);
	assert_nsb_ok(nsb_decode(buf, m.len, &opts, &b, &e), e);
	/* cap 31: the same message is too big. */
	opts.max_len = 31;
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(buf, m.len, &opts, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	/* a cap above the default lets a 2 MiB claim through to the length check. */
	opts.max_len = 4u * NSB_DEFAULT_MAX_LEN;
	mb_put_u32(&m, 0, 2u * NSB_DEFAULT_MAX_LEN);
	buf = mb_exact(&m);
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(buf, m.len, &opts, &b, &e), e, NSB_ERR_TRUNCATED, 32, NONE, 0);
	mb_free(&m);
}

static void test_decode_null_opts_means_defaults(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	const unsigned char *buf = mb_exact(&m);
	nsbt_poison(&e);
	assert_nsb_ok(nsb_decode(buf, m.len, NULL, &b, &e), e);
	assert_int_equal(b.dialect, NSB_DIALECT_RUNC_1_2);
	mb_put_u32(&m, 0, NSB_DEFAULT_MAX_LEN + 4u);
	buf = mb_exact(&m);
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(buf, m.len, NULL, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_too_big_precedes_truncated(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_put_u32(&m, 0, NSB_DEFAULT_MAX_LEN * 2u);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_buffer_shorter_than_nlmsg_len(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	/* every cut between the header and the end: offset = bytes given */
	for (size_t len = 16; len < 32; len++) {
		assert_nsb_err(tdecode_len(&m, len, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRUNCATED,
		               (uint32_t)len, NONE, 0);
	}
	mb_free(&m);
}

static void test_decode_rejects_trailing_bytes_after_message(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	mb_fill(&m, 0, 1); /* one byte past nlmsg_len = 32 */
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
	/* a whole valid attribute after the message is still trailing data */
	mb_free(&m);
	valid(&m);
	mb_u32(&m, T_SETGROUP, 1);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_wrong_message_type(void **state)
{
	(void)state;
	static const uint16_t bad[] = {0, 1, 16, 61999, 62001, 0x30F2 /* byte-swapped 62000 */, 0xFFFF};
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		mb_new_type(&m, bad[i]);
		mb_u32(&m, T_CLONE, 0);
		mb_u32(&m, T_ROOTLESS, 0);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_BAD_MSG_TYPE, 4, NONE,
		               0);
		mb_free(&m);
	}
}

static void test_decode_length_checks_precede_message_type(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new_type(&m, 1);
	mb_u32(&m, T_CLONE, 0);
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode_len(&m, 20, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRUNCATED, 20, NONE, 0);
	mb_fill(&m, 0, 4);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
	mb_free(&m);
}

static void test_decode_message_type_precedes_attribute_errors(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new_type(&m, 62001);
	mb_attr_raw(&m, 0, 0, NULL, 0, 0, 0); /* nla_len 0 */
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e, NSB_ERR_BAD_MSG_TYPE, 4, NONE, 0);
	mb_free(&m);
}

static void test_decode_accepts_any_flags_seq_and_pid(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	mb_put_u16(&m, 6, 0xFFFF);
	mb_put_u32(&m, 8, 0xFFFFFFFFu);
	mb_put_u32(&m, 12, 12345);
	assert_nsb_ok(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e);
	assert_int_equal(b.flags, 0xFFFF);
	assert_int_equal(b.seq, 0xFFFFFFFFu);
	assert_int_equal(b.pid, 12345);
	mb_put_u16(&m, 6, 0);
	mb_put_u32(&m, 8, 0);
	mb_put_u32(&m, 12, 0xFFFFFFFFu);
	assert_nsb_ok(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e);
	assert_int_equal(b.flags, 0);
	assert_int_equal(b.seq, 0);
	assert_int_equal(b.pid, 0xFFFFFFFFu);
	mb_free(&m);
}

static void test_decode_reports_dialect_it_was_given(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	assert_nsb_ok(tdecode(&m, NSB_DIALECT_RUNC_1_1, &b, &e), e);
	assert_int_equal(b.dialect, NSB_DIALECT_RUNC_1_1);
	assert_nsb_ok(tdecode(&m, NSB_DIALECT_RUNC_1_2, &b, &e), e);
	assert_int_equal(b.dialect, NSB_DIALECT_RUNC_1_2);
	mb_free(&m);
}

static void test_decode_accepts_null_err(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	valid(&m);
	const unsigned char *buf = mb_exact(&m);
	assert_int_equal(nsb_decode(buf, m.len, NULL, &b, NULL), NSB_OK);
	assert_int_equal(nsb_decode(buf, 10, NULL, &b, NULL), NSB_ERR_SHORT_HEADER);
	mb_free(&m);
}

static void test_decode_rejects_unknown_dialect_and_null_output(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	valid(&m);
	const unsigned char *buf = mb_exact(&m);
	struct nsb_decode_opts opts = {.dialect = (enum nsb_dialect)2, .max_len = 0};
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(buf, m.len, &opts, &b, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(buf, m.len, NULL, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NONE, 0);
	mb_free(&m);
}

static void test_decode_rejects_null_buffer_with_a_length(void **state)
{
	(void)state;
	struct nsb_bootstrap b;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(NULL, 32, NULL, &b, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NONE, 0);
	/* NULL without a length is the empty buffer */
	nsbt_poison(&e);
	assert_nsb_err(nsb_decode(NULL, 0, NULL, &b, &e), e, NSB_ERR_SHORT_HEADER, 0, NONE, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decode_accepts_minimal_valid_message),
	        cmocka_unit_test(test_decode_rejects_empty_buffer_as_short_header),
	        cmocka_unit_test(test_decode_rejects_every_length_below_16_as_short_header),
	        cmocka_unit_test(test_decode_rejects_nlmsg_len_zero),
	        cmocka_unit_test(test_decode_rejects_nlmsg_len_15),
	        cmocka_unit_test(test_decode_msg_len_small_precedes_trailing_data),
	        cmocka_unit_test(test_decode_rejects_header_only_message_as_missing_clone_flags),
	        cmocka_unit_test(test_decode_rejects_nlmsg_len_above_default_cap),
	        cmocka_unit_test(test_decode_treats_default_cap_as_inclusive),
	        cmocka_unit_test(test_decode_rejects_4gib_claim_as_too_big),
	        cmocka_unit_test(test_decode_honours_configured_cap),
	        cmocka_unit_test(test_decode_null_opts_means_defaults),
	        cmocka_unit_test(test_decode_too_big_precedes_truncated),
	        cmocka_unit_test(test_decode_rejects_buffer_shorter_than_nlmsg_len),
	        cmocka_unit_test(test_decode_rejects_trailing_bytes_after_message),
	        cmocka_unit_test(test_decode_rejects_wrong_message_type),
	        cmocka_unit_test(test_decode_length_checks_precede_message_type),
	        cmocka_unit_test(test_decode_message_type_precedes_attribute_errors),
	        cmocka_unit_test(test_decode_accepts_any_flags_seq_and_pid),
	        cmocka_unit_test(test_decode_reports_dialect_it_was_given),
	        cmocka_unit_test(test_decode_accepts_null_err),
	        cmocka_unit_test(test_decode_rejects_unknown_dialect_and_null_output),
	        cmocka_unit_test(test_decode_rejects_null_buffer_with_a_length),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
