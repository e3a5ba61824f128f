/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_oom.c - OOM_SCORE_ADJ (nsb_oom_parse): optional '-', decimal digits,
 * value in [-1000, 1000]; the decoder's report of a bad value.
 */
#include "decodecase.h"

#include <string.h>

static enum nsb_err parse(const char *s, int32_t *v, struct nsb_error *e)
{
	nsbt_poison(e);
	return nsb_oom_parse(s, strlen(s), v, e);
}

#define assert_oom_ok(s, want)                                                                          \
	do {                                                                                            \
		int32_t v_ = 12345;                                                                     \
		struct nsb_error e_;                                                                    \
		enum nsb_err rc_ = parse((s), &v_, &e_);                                                \
		if (rc_ != NSB_OK || v_ != (want)) {                                                    \
			fail_msg("\"%s\": got %s value %d, wanted OK %d", (s), nsb_error_name(rc_), v_, \
			         (int)(want));                                                          \
		}                                                                                       \
	} while (0)

#define assert_oom_err(s, want, p)                                                                       \
	do {                                                                                             \
		int32_t v_;                                                                              \
		struct nsb_error e_;                                                                     \
		enum nsb_err rc_ = parse((s), &v_, &e_);                                                 \
		if (rc_ != (want) || e_.code != (want) ||                                                \
		    ((uint32_t)(p) != NSBT_ANY && e_.pos != (uint32_t)(p))) {                            \
			fail_msg("\"%s\": got %s/%s pos %u, wanted %s pos %u", (s), nsb_error_name(rc_), \
			         nsb_error_name(e_.code), e_.pos, nsb_error_name(want), (unsigned)(p));  \
		}                                                                                        \
	} while (0)

static void test_oom_parses_values_in_range(void **state)
{
	(void)state;
	assert_oom_ok("0", 0);
	assert_oom_ok("500", 500);
	assert_oom_ok("-17", -17);
	assert_oom_ok("1000", 1000);
	assert_oom_ok("-1000", -1000);
	assert_oom_ok("-0", 0);
	assert_oom_ok("0500", 500);
}

static void test_oom_rejects_values_out_of_range(void **state)
{
	(void)state;
	assert_oom_err("1001", NSB_ERR_OOM_RANGE, NSBT_ANY);
	assert_oom_err("-1001", NSB_ERR_OOM_RANGE, NSBT_ANY);
	assert_oom_err("2147483647", NSB_ERR_OOM_RANGE, NSBT_ANY);
	assert_oom_err("2147483648", NSB_ERR_OOM_RANGE, NSBT_ANY);
	/* far beyond 64 bits: no wrap into range (2^64 + 5) */
	assert_oom_err("18446744073709551621", NSB_ERR_OOM_RANGE, NSBT_ANY);
	assert_oom_err("-99999999999999999999999999", NSB_ERR_OOM_RANGE, NSBT_ANY);
}

static void test_oom_rejects_non_decimal_text(void **state)
{
	(void)state;
	assert_oom_err("", NSB_ERR_OOM_SYNTAX, 0);
	assert_oom_err("-", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("+5", NSB_ERR_OOM_SYNTAX, 0);
	assert_oom_err(" 5", NSB_ERR_OOM_SYNTAX, 0);
	assert_oom_err("5 ", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("5\n", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("0x10", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("--5", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("5-", NSB_ERR_OOM_SYNTAX, 1);
	assert_oom_err("abc", NSB_ERR_OOM_SYNTAX, 0);
}

static void test_oom_rejects_nul_inside_text(void **state)
{
	(void)state;
	int32_t v;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_equal(nsb_oom_parse("5\0", 2, &v, &e), NSB_ERR_OOM_SYNTAX);
	assert_int_equal(e.pos, 1);
}

static void test_decode_reads_oom_score_adj(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, 0);
	mb_str(m, T_OOM, "-1000");
	assert_dec_ok_fin(t, NSB_DIALECT_RUNC_1_2);
	assert_true(NSB_HAS(&t->b, NSB_F_OOM_SCORE_ADJ));
	assert_int_equal(t->b.oom_score_adj, -1000);
}

static void test_oom_parse_rejects_null_arguments(void **state)
{
	(void)state;
	int32_t v = 0;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_oom_parse("5", 1, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_oom_parse(NULL, 1, &v, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	/* NULL with length 0 is the empty text: not a number */
	nsbt_poison(&e);
	assert_nsb_err(nsb_oom_parse(NULL, 0, &v, &e), e, NSB_ERR_OOM_SYNTAX, 0, NSB_ATTR_NONE, 0);
}

/* Decoding: the parser's errors come back at the attribute (decodecase.h rows). */
static struct nsbt_dcase rows[] = {
        {"test_decode_reports_oom_error_at_attribute", .attrs = {A_STR(T_OOM, "1001")},
         .code = NSB_ERR_OOM_RANGE, .at = AT(0), .attr = NSB_ATTR_OOM_SCORE_ADJ, .pos = NSBT_ANY},
        {"test_decode_reports_oom_syntax_error_at_attribute_with_pos", .attrs = {A_STR(T_OOM, "12a")},
         .code = NSB_ERR_OOM_SYNTAX, .at = AT(0), .attr = NSB_ATTR_OOM_SCORE_ADJ, .pos = 2},
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_oom_parses_values_in_range),
	        cmocka_unit_test(test_oom_rejects_values_out_of_range),
	        cmocka_unit_test(test_oom_rejects_non_decimal_text),
	        cmocka_unit_test(test_oom_rejects_nul_inside_text),
	        dec_test(test_decode_reads_oom_score_adj),
	        cmocka_unit_test(test_oom_parse_rejects_null_arguments),
	};
	return nsbt_run_group("oom", tests, NSBT_COUNT(tests), rows, NSBT_COUNT(rows));
}
