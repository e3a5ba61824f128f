/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_timens.c - TIMENSOFFSET lines "clock secs nsecs\n" (nsb_timens_parse,
 * nsb_timens_format), dialect runc-1.2.
 */
#include "decodecase.h"

#include <stdlib.h>
#include <string.h>

static struct nsb_time_offsets offs;

static enum nsb_err parse(const char *s, struct nsb_error *e)
{
	nsbt_poison(e);
	return nsb_timens_parse(s, strlen(s), &offs, e);
}

#define assert_parse_ok(s) NSBT_PARSE_CHECK((s), NSB_OK, 0)

#define assert_parse_err(s, want, p) NSBT_PARSE_CHECK((s), (want), (p))

static void test_clock_names(void **state)
{
	(void)state;
	assert_string_equal(nsb_clock_name(NSB_CLOCK_MONOTONIC), "monotonic");
	assert_string_equal(nsb_clock_name(NSB_CLOCK_BOOTTIME), "boottime");
	assert_null(nsb_clock_name(NSB_CLOCK_COUNT));
}

static void test_timens_parses_both_clocks_in_message_order(void **state)
{
	(void)state;
	assert_parse_ok("boottime 7 8\nmonotonic -5 999999999\n");
	assert_int_equal(offs.count, 2);
	assert_int_equal(offs.offsets[0].clock, NSB_CLOCK_BOOTTIME);
	assert_true(offs.offsets[0].secs == 7);
	assert_int_equal(offs.offsets[0].nsecs, 8);
	assert_int_equal(offs.offsets[1].clock, NSB_CLOCK_MONOTONIC);
	assert_true(offs.offsets[1].secs == -5);
	assert_int_equal(offs.offsets[1].nsecs, 999999999);
}

static void test_timens_accepts_full_int64_secs_range(void **state)
{
	(void)state;
	assert_parse_ok("monotonic 9223372036854775807 0\n");
	assert_true(offs.offsets[0].secs == INT64_MAX);
	assert_parse_ok("monotonic -9223372036854775808 0\n");
	assert_true(offs.offsets[0].secs == INT64_MIN);
	assert_parse_ok("boottime -0 0\n");
	assert_true(offs.offsets[0].secs == 0);
}

static void test_timens_rejects_secs_outside_int64(void **state)
{
	(void)state;
	assert_parse_err("monotonic 9223372036854775808 0\n", NSB_ERR_TIMENS_SECS_RANGE, 10);
	assert_parse_err("monotonic -9223372036854775809 0\n", NSB_ERR_TIMENS_SECS_RANGE, 10);
	assert_parse_err("monotonic 99999999999999999999999 0\n", NSB_ERR_TIMENS_SECS_RANGE, 10);
}

static void test_timens_rejects_nsecs_outside_range(void **state)
{
	(void)state;
	assert_parse_err("monotonic 0 1000000000\n", NSB_ERR_TIMENS_NSECS_RANGE, 12);
	assert_parse_err("monotonic 0 4294967296\n", NSB_ERR_TIMENS_NSECS_RANGE, 12);
	assert_parse_err("monotonic 0 99999999999999999999999\n", NSB_ERR_TIMENS_NSECS_RANGE, 12);
}

static void test_timens_rejects_unknown_clock(void **state)
{
	(void)state;
	assert_parse_err("realtime 1 0\n", NSB_ERR_TIMENS_CLOCK, 0);
	assert_parse_err("Monotonic 1 0\n", NSB_ERR_TIMENS_CLOCK, 0);
	assert_parse_err("monotonic_raw 1 0\n", NSB_ERR_TIMENS_CLOCK, 0);
	assert_parse_err("boottime 1 0\nboot 1 0\n", NSB_ERR_TIMENS_CLOCK, 13);
}

static void test_timens_rejects_clock_given_twice(void **state)
{
	(void)state;
	assert_parse_err("monotonic 1 0\nmonotonic 2 0\n", NSB_ERR_TIMENS_DUPLICATE_CLOCK, 14);
	assert_parse_err("boottime 1 0\nmonotonic 1 0\nboottime 1 0\n", NSB_ERR_TIMENS_DUPLICATE_CLOCK, 27);
}

static void test_timens_rejects_malformed_lines(void **state)
{
	(void)state;
	assert_parse_err("monotonic 1\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic 1 0 0\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic  1 0\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic 1 0 \n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic +1 0\n", NSB_ERR_TIMENS_SYNTAX, 10);
	assert_parse_err("monotonic 1 -1\n", NSB_ERR_TIMENS_SYNTAX, 12);
	assert_parse_err("monotonic 1 +1\n", NSB_ERR_TIMENS_SYNTAX, 12);
	assert_parse_err("monotonic - 0\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic 0x1 0\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic 1\t0\n", NSB_ERR_TIMENS_SYNTAX, 11);
	/* the clock is everything up to the first space: with a tab it is no clock */
	assert_parse_err("monotonic\t1 0\n", NSB_ERR_TIMENS_CLOCK, 0);
	assert_parse_err("\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
	assert_parse_err("monotonic 1 0\n\n", NSB_ERR_TIMENS_SYNTAX, NSBT_ANY);
}

static void test_timens_rejects_missing_final_newline(void **state)
{
	(void)state;
	assert_parse_err("monotonic 1 0", NSB_ERR_TIMENS_UNTERMINATED, NSBT_ANY);
	assert_parse_err("monotonic 1 0\nboottime 1 0", NSB_ERR_TIMENS_UNTERMINATED, NSBT_ANY);
}

static void test_timens_rejects_empty_text_and_nul(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_not_equal(nsb_timens_parse("", 0, &offs, &e), NSB_OK);
	nsbt_poison(&e);
	assert_int_not_equal(nsb_timens_parse("monotonic 1\0 0\n", 15, &offs, &e), NSB_OK);
}

static void test_timens_format_is_canonical_and_round_trips(void **state)
{
	(void)state;
	const char *s = "boottime -9223372036854775808 999999999\nmonotonic 0 0\n";
	assert_parse_ok(s);
	struct nsb_time_offsets first = offs;
	char buf[128];
	size_t n = nsb_timens_format(&first, buf, sizeof buf);
	assert_int_equal(n, strlen(s));
	assert_string_equal(buf, s);
	assert_parse_ok(buf);
	assert_int_equal(offs.count, first.count);
	for (size_t i = 0; i < first.count; i++) {
		assert_int_equal(offs.offsets[i].clock, first.offsets[i].clock);
		assert_true(offs.offsets[i].secs == first.offsets[i].secs);
		assert_int_equal(offs.offsets[i].nsecs, first.offsets[i].nsecs);
	}
}

static void test_timens_format_reports_size_like_snprintf(void **state)
{
	(void)state;
	assert_parse_ok("monotonic 12 34\n"); /* 16 characters */
	char buf[20];
	memset(buf, 'X', sizeof buf);
	assert_int_equal(nsb_timens_format(&offs, buf, 0), 16);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(nsb_timens_format(&offs, buf, 8), 16);
	for (size_t i = 8; i < sizeof buf; i++) {
		assert_int_equal(buf[i], 'X');
	}
	assert_int_equal(nsb_timens_format(&offs, buf, 17), 16);
	assert_string_equal(buf, "monotonic 12 34\n");
}

static void test_decode_fills_time_offsets(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, CL_NEWTIME);
	mb_str(m, T_TIMENS, "monotonic -1 5\n");
	assert_dec_ok_fin(t, NSB_DIALECT_RUNC_1_2);
	assert_true(NSB_HAS(&t->b, NSB_F_TIMENSOFFSET));
	assert_int_equal(t->b.time_offsets.count, 1);
	assert_true(t->b.time_offsets.offsets[0].secs == -1);
	assert_int_equal(t->b.time_offsets.offsets[0].nsecs, 5);
	assert_view_eq(t->b.time_offsets_text, "monotonic -1 5\n");
}

static void test_timens_parse_rejects_null_arguments(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_timens_parse("boottime 0 0\n", 13, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_timens_parse(NULL, 13, &offs, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE,
	               0);
	nsbt_poison(&e);
	assert_int_not_equal(nsb_timens_parse(NULL, 0, &offs, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_not_equal(e.code, NSB_OK);
}

static void test_timens_format_never_reads_past_the_array_and_blanks_bad_clocks(void **state)
{
	(void)state;
	char buf[128] = "x", two[128];
	struct nsb_error e;
	assert_int_equal(nsb_timens_format(NULL, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
	assert_parse_ok("monotonic 1 2\nboottime 3 4\n");
	size_t n = nsb_timens_format(&offs, two, sizeof two);
	offs.count = NSB_CLOCK_COUNT + 3u;
	assert_int_equal(nsb_timens_format(&offs, buf, sizeof buf), n);
	assert_string_equal(buf, two);
	/* an out-of-range clock is written without a name, which parsing refuses */
	offs.count = 1;
	offs.offsets[0].clock = NSB_CLOCK_COUNT;
	assert_int_equal(nsb_timens_format(&offs, buf, sizeof buf), strlen(" 1 2\n"));
	assert_string_equal(buf, " 1 2\n");
	nsbt_poison(&e);
	assert_int_not_equal(nsb_timens_parse(buf, strlen(buf), &offs, &e), NSB_OK);
}

static void test_timens_clock_followed_by_newline_is_syntax(void **state)
{
	(void)state;
	assert_parse_err("monotonic\n", NSB_ERR_TIMENS_SYNTAX, 9);
	assert_parse_err("boottime 1 0\nboottime\n", NSB_ERR_TIMENS_DUPLICATE_CLOCK, NSBT_ANY);
}

static void test_timens_text_ending_inside_or_after_the_clock(void **state)
{
	(void)state;
	assert_parse_err("monotonic", NSB_ERR_TIMENS_UNTERMINATED, 9);
	assert_parse_err("boottime 1 0\nmono", NSB_ERR_TIMENS_CLOCK, 13);
}

/* Decoding: the parser's errors come back at the attribute (decodecase.h rows). */
static struct nsbt_dcase rows[] = {
        {"test_decode_reports_timens_error_at_attribute", .clone_flags = CL_NEWTIME,
         .attrs = {A_STR(T_TIMENS, "monotonic 1 0\nrealtime 1 0\n")}, .code = NSB_ERR_TIMENS_CLOCK,
         .at = AT(0), .attr = NSB_ATTR_TIMENSOFFSET, .pos = 14},
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_clock_names),
	        cmocka_unit_test(test_timens_parses_both_clocks_in_message_order),
	        cmocka_unit_test(test_timens_accepts_full_int64_secs_range),
	        cmocka_unit_test(test_timens_rejects_secs_outside_int64),
	        cmocka_unit_test(test_timens_rejects_nsecs_outside_range),
	        cmocka_unit_test(test_timens_rejects_unknown_clock),
	        cmocka_unit_test(test_timens_rejects_clock_given_twice),
	        cmocka_unit_test(test_timens_rejects_malformed_lines),
	        cmocka_unit_test(test_timens_rejects_missing_final_newline),
	        cmocka_unit_test(test_timens_rejects_empty_text_and_nul),
	        cmocka_unit_test(test_timens_format_is_canonical_and_round_trips),
	        cmocka_unit_test(test_timens_format_reports_size_like_snprintf),
	        dec_test(test_decode_fills_time_offsets),
	        cmocka_unit_test(test_timens_parse_rejects_null_arguments),
	        cmocka_unit_test(test_timens_format_never_reads_past_the_array_and_blanks_bad_clocks),
	        cmocka_unit_test(test_timens_clock_followed_by_newline_is_syntax),
	        cmocka_unit_test(test_timens_text_ending_inside_or_after_the_clock),
	};
	return nsbt_run_group("timens", tests, NSBT_COUNT(tests), rows, NSBT_COUNT(rows));
}
