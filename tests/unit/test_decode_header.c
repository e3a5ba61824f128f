/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_header.c - the netlink header rules of nsb_decode, in the
 * conventions' order: SHORT_HEADER, MSG_LEN_SMALL, MSG_TOO_BIG, TRUNCATED,
 * TRAILING_DATA, BAD_MSG_TYPE; flags/seq/pid carry no meaning.
 *
 * Most tests start from valid(): a 32-byte message, then break its header.
 */
#include "decodecase.h"

#include <string.h>

#define NONE NSB_ATTR_NONE

/* A valid 32-byte message in the fixture: header, CLONE_FLAGS 0, ROOTLESS_EUID 0. */
static struct mb *valid(struct nsbt_dec *t)
{
	struct mb *m = dec_base(t, 0);
	mb_finish(m);
	return m;
}

/* The valid message with nlmsg_len set to @claim (the bytes unchanged). */
static struct mb *claiming(struct nsbt_dec *t, uint32_t claim)
{
	struct mb *m = valid(t);
	mb_put_u32(m, 0, claim);
	return m;
}

/* Check tdecode_len of the first @len bytes of the fixture's message. */
#define assert_dec_len_err(t, len, code, offset)                                           \
	assert_nsb_err(tdecode_len(&(t)->m, (len), D12, &(t)->b, &(t)->e), (t)->e, (code), \
	               (uint32_t)(offset), NONE, 0)

/* nsb_decode of @buf (@len bytes) with @opts, err poisoned first. */
static enum nsb_err decode_raw(struct nsbt_dec *t, const void *buf, size_t len,
                               const struct nsb_decode_opts *opts)
{
	nsbt_poison(&t->e);
	return nsb_decode(buf, len, opts, &t->b, &t->e);
}

static void test_decode_accepts_minimal_valid_message(void **state)
{
	struct nsbt_dec *t = *state;
	valid(t);
	assert_dec_ok(t, D12);
	assert_int_equal(t->b.length, 32);
	assert_int_equal(t->b.type, 62000);
	assert_int_equal(t->b.flags, 1);
	assert_int_equal(t->b.seq, 1);
	assert_int_equal(t->b.pid, 0);
	assert_int_equal(t->b.dialect, NSB_DIALECT_RUNC_1_2);
}

static void test_decode_rejects_empty_buffer_as_short_header(void **state)
{
	struct nsbt_dec *t = *state;
	valid(t);
	assert_dec_len_err(t, 0, NSB_ERR_SHORT_HEADER, 0);
}

static void test_decode_rejects_every_length_below_16_as_short_header(void **state)
{
	struct nsbt_dec *t = *state;
	valid(t);
	for (size_t len = 1; len < 16; len++) {
		assert_dec_len_err(t, len, NSB_ERR_SHORT_HEADER, 0);
	}
}

static void test_decode_rejects_nlmsg_len_zero(void **state)
{
	struct nsbt_dec *t = *state;
	dec_new(t); /* nlmsg_len left 0 */
	assert_dec_err(t, D12, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
}

static void test_decode_rejects_nlmsg_len_15(void **state)
{
	struct nsbt_dec *t = *state;
	/* runc's C side computes nlmsg_len - 16 and wraps to about 4 GiB here. */
	mb_put_u32(dec_new(t), 0, 15);
	assert_dec_err(t, D12, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
}

static void test_decode_msg_len_small_precedes_trailing_data(void **state)
{
	struct nsbt_dec *t = *state;
	/* 32 bytes given, header claims 8: the claim itself is impossible. */
	claiming(t, 8);
	assert_dec_err(t, D12, NSB_ERR_MSG_LEN_SMALL, 0, NONE, 0);
}

static void test_decode_rejects_header_only_message_as_missing_clone_flags(void **state)
{
	struct nsbt_dec *t = *state;
	/* nlmsg_len 16 is a well-formed empty message; its problem is the
	 * absent required attribute, reported at offset nlmsg_len. */
	dec_new(t);
	assert_dec_err_fin(t, D12, NSB_ERR_ATTR_MISSING, 16, NSB_ATTR_CLONE_FLAGS, 0);
}

static void test_decode_rejects_nlmsg_len_above_default_cap(void **state)
{
	struct nsbt_dec *t = *state;
	/* Default cap 1 MiB: one past it is too big even before the (missing) body. */
	claiming(t, NSB_DEFAULT_MAX_LEN + 1u);
	assert_dec_err(t, D12, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
}

static void test_decode_treats_default_cap_as_inclusive(void **state)
{
	struct nsbt_dec *t = *state;
	/* nlmsg_len == cap is allowed: with only 32 bytes given it is TRUNCATED. */
	claiming(t, NSB_DEFAULT_MAX_LEN);
	assert_dec_err(t, D12, NSB_ERR_TRUNCATED, 32, NONE, 0);
}

static void test_decode_rejects_4gib_claim_as_too_big(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = claiming(t, 0xFFFFFFF0u);
	assert_dec_err(t, D12, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	mb_put_u32(m, 0, 0xFFFFFFFFu);
	assert_dec_err(t, D12, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
}

static void test_decode_honours_configured_cap(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = valid(t);
	const unsigned char *buf = mb_exact(m);
	/* cap 32: the 32-byte message fits exactly. */
	struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = 32};
	assert_nsb_ok(decode_raw(t, buf, m->len, &opts), t->e);
	/* cap 31: the same message is too big. */
	opts.max_len = 31;
	assert_nsb_err(decode_raw(t, buf, m->len, &opts), t->e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
	/* a cap above the default lets a 2 MiB claim through to the length check. */
	opts.max_len = 4u * NSB_DEFAULT_MAX_LEN;
	mb_put_u32(m, 0, 2u * NSB_DEFAULT_MAX_LEN);
	buf = mb_exact(m);
	assert_nsb_err(decode_raw(t, buf, m->len, &opts), t->e, NSB_ERR_TRUNCATED, 32, NONE, 0);
}

static void test_decode_null_opts_means_defaults(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = valid(t);
	assert_nsb_ok(decode_raw(t, mb_exact(m), m->len, NULL), t->e);
	assert_int_equal(t->b.dialect, NSB_DIALECT_RUNC_1_2);
	mb_put_u32(m, 0, NSB_DEFAULT_MAX_LEN + 4u);
	assert_nsb_err(decode_raw(t, mb_exact(m), m->len, NULL), t->e, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
}

static void test_decode_too_big_precedes_truncated(void **state)
{
	struct nsbt_dec *t = *state;
	mb_put_u32(dec_new(t), 0, NSB_DEFAULT_MAX_LEN * 2u);
	assert_dec_err(t, D12, NSB_ERR_MSG_TOO_BIG, 0, NONE, 0);
}

static void test_decode_rejects_buffer_shorter_than_nlmsg_len(void **state)
{
	struct nsbt_dec *t = *state;
	valid(t);
	/* every cut between the header and the end: offset = bytes given */
	for (size_t len = 16; len < 32; len++) {
		assert_dec_len_err(t, len, NSB_ERR_TRUNCATED, len);
	}
}

static void test_decode_rejects_trailing_bytes_after_message(void **state)
{
	struct nsbt_dec *t = *state;
	mb_fill(valid(t), 0, 1); /* one byte past nlmsg_len = 32 */
	assert_dec_err(t, D12, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
	/* a whole valid attribute after the message is still trailing data */
	mb_u32(valid(t), T_SETGROUP, 1);
	assert_dec_err(t, D12, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
}

/* A message of type @type with the two required attributes, finished. */
static struct mb *typed(struct nsbt_dec *t, uint16_t type)
{
	struct mb *m = dec_new_type(t, type);
	mb_u32(m, T_CLONE, 0);
	mb_u32(m, T_ROOTLESS, 0);
	mb_finish(m);
	return m;
}

static void test_decode_rejects_wrong_message_type(void **state)
{
	static const uint16_t bad[] = {0, 1, 16, 61999, 62001, 0x30F2 /* byte-swapped 62000 */, 0xFFFF};
	struct nsbt_dec *t = *state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		typed(t, bad[i]);
		assert_dec_err(t, D12, NSB_ERR_BAD_MSG_TYPE, 4, NONE, 0);
	}
}

static void test_decode_length_checks_precede_message_type(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = typed(t, 1);
	assert_dec_len_err(t, 20, NSB_ERR_TRUNCATED, 20);
	mb_fill(m, 0, 4);
	assert_dec_err(t, D12, NSB_ERR_TRAILING_DATA, 32, NONE, 0);
}

static void test_decode_message_type_precedes_attribute_errors(void **state)
{
	struct nsbt_dec *t = *state;
	mb_attr_raw(dec_new_type(t, 62001), 0, 0, NULL, 0, 0, 0); /* nla_len 0 */
	assert_dec_err_fin(t, D12, NSB_ERR_BAD_MSG_TYPE, 4, NONE, 0);
}

static void test_decode_accepts_any_flags_seq_and_pid(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = valid(t);
	mb_put_u16(m, 6, 0xFFFF);
	mb_put_u32(m, 8, 0xFFFFFFFFu);
	mb_put_u32(m, 12, 12345);
	assert_dec_ok(t, D12);
	assert_int_equal(t->b.flags, 0xFFFF);
	assert_int_equal(t->b.seq, 0xFFFFFFFFu);
	assert_int_equal(t->b.pid, 12345);
	mb_put_u16(m, 6, 0);
	mb_put_u32(m, 8, 0);
	mb_put_u32(m, 12, 0xFFFFFFFFu);
	assert_dec_ok(t, D12);
	assert_int_equal(t->b.flags, 0);
	assert_int_equal(t->b.seq, 0);
	assert_int_equal(t->b.pid, 0xFFFFFFFFu);
}

static void test_decode_reports_dialect_it_was_given(void **state)
{
	struct nsbt_dec *t = *state;
	valid(t);
	assert_dec_ok(t, D11);
	assert_int_equal(t->b.dialect, NSB_DIALECT_RUNC_1_1);
	assert_dec_ok(t, D12);
	assert_int_equal(t->b.dialect, NSB_DIALECT_RUNC_1_2);
}

static void test_decode_accepts_null_err(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = valid(t);
	const unsigned char *buf = mb_exact(m);
	assert_int_equal(nsb_decode(buf, m->len, NULL, &t->b, NULL), NSB_OK);
	assert_int_equal(nsb_decode(buf, 10, NULL, &t->b, NULL), NSB_ERR_SHORT_HEADER);
}

static void test_decode_rejects_unknown_dialect_and_null_output(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = valid(t);
	const unsigned char *buf = mb_exact(m);
	struct nsb_decode_opts opts = {.dialect = (enum nsb_dialect)2, .max_len = 0};
	assert_nsb_err(decode_raw(t, buf, m->len, &opts), t->e, NSB_ERR_INVALID_ARGUMENT, 0, NONE, 0);
	nsbt_poison(&t->e);
	assert_nsb_err(nsb_decode(buf, m->len, NULL, NULL, &t->e), t->e, NSB_ERR_INVALID_ARGUMENT, 0, NONE,
	               0);
}

static void test_decode_rejects_null_buffer_with_a_length(void **state)
{
	struct nsbt_dec *t = *state;
	assert_nsb_err(decode_raw(t, NULL, 32, NULL), t->e, NSB_ERR_INVALID_ARGUMENT, 0, NONE, 0);
	/* NULL without a length is the empty buffer */
	assert_nsb_err(decode_raw(t, NULL, 0, NULL), t->e, NSB_ERR_SHORT_HEADER, 0, NONE, 0);
}

int main(void)
{
	static const struct CMUnitTest fns[] = {
	        dec_test(test_decode_accepts_minimal_valid_message),
	        dec_test(test_decode_rejects_empty_buffer_as_short_header),
	        dec_test(test_decode_rejects_every_length_below_16_as_short_header),
	        dec_test(test_decode_rejects_nlmsg_len_zero),
	        dec_test(test_decode_rejects_nlmsg_len_15),
	        dec_test(test_decode_msg_len_small_precedes_trailing_data),
	        dec_test(test_decode_rejects_header_only_message_as_missing_clone_flags),
	        dec_test(test_decode_rejects_nlmsg_len_above_default_cap),
	        dec_test(test_decode_treats_default_cap_as_inclusive),
	        dec_test(test_decode_rejects_4gib_claim_as_too_big),
	        dec_test(test_decode_honours_configured_cap),
	        dec_test(test_decode_null_opts_means_defaults),
	        dec_test(test_decode_too_big_precedes_truncated),
	        dec_test(test_decode_rejects_buffer_shorter_than_nlmsg_len),
	        dec_test(test_decode_rejects_trailing_bytes_after_message),
	        dec_test(test_decode_rejects_wrong_message_type),
	        dec_test(test_decode_length_checks_precede_message_type),
	        dec_test(test_decode_message_type_precedes_attribute_errors),
	        dec_test(test_decode_accepts_any_flags_seq_and_pid),
	        dec_test(test_decode_reports_dialect_it_was_given),
	        dec_test(test_decode_accepts_null_err),
	        dec_test(test_decode_rejects_unknown_dialect_and_null_output),
	        dec_test(test_decode_rejects_null_buffer_with_a_length),
	};
	return nsbt_run_group("decode_header", fns, NSBT_COUNT(fns), NULL, 0);
}
