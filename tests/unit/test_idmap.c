/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_idmap.c - UIDMAP/GIDMAP text (nsb_idmap_parse, nsb_idmap_format):
 * the kernel's own rules, so a map that parses is one the kernel accepts.
 */
#include "decodecase.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct nsb_idmap map; /* 4 KiB: keep it off the test's stack */

static enum nsb_err parse(const char *s, struct nsb_error *e)
{
	nsbt_poison(e);
	return nsb_idmap_parse(s, strlen(s), &map, e);
}

#define assert_parse_err(s, want, p) NSBT_PARSE_CHECK((s), (want), (p))

#define assert_parse_ok(s) NSBT_PARSE_CHECK((s), NSB_OK, 0)

/* "i i+1000 1\n" for i in [0, n): @n disjoint one-id extents, canonical text; caller frees */
static char *lines(size_t n)
{
	char *s = malloc(n * 24u + 1u);
	assert_non_null(s);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		len += (size_t)sprintf(s + len, "%zu %zu 1\n", i, i + 1000u);
	}
	return s;
}

static void test_idmap_parses_one_line(void **state)
{
	(void)state;
	assert_parse_ok("0 100000 65536\n");
	assert_int_equal(map.count, 1);
	assert_int_equal(map.extents[0].container_id, 0);
	assert_int_equal(map.extents[0].host_id, 100000);
	assert_int_equal(map.extents[0].size, 65536);
}

static void test_idmap_parses_lines_in_order(void **state)
{
	(void)state;
	assert_parse_ok("0 200000 1000\n1000 300000 64536\n");
	assert_int_equal(map.count, 2);
	assert_int_equal(map.extents[1].container_id, 1000);
	assert_int_equal(map.extents[1].host_id, 300000);
	assert_int_equal(map.extents[1].size, 64536);
}

static void test_idmap_accepts_340_lines(void **state)
{
	(void)state;
	char *s = lines(NSB_IDMAP_MAX_EXTENTS);
	assert_parse_ok(s);
	assert_int_equal(map.count, NSB_IDMAP_MAX_EXTENTS);
	assert_int_equal(map.extents[339].container_id, 339);
	assert_int_equal(map.extents[339].host_id, 1339);
	free(s);
}

static void test_idmap_rejects_341_lines(void **state)
{
	(void)state;
	char *s = lines(NSB_IDMAP_MAX_EXTENTS + 1u);
	char *ok = lines(NSB_IDMAP_MAX_EXTENTS);
	size_t pos = strlen(ok); /* line 341 starts where 340 lines end */
	free(ok);
	assert_parse_err(s, NSB_ERR_IDMAP_TOO_MANY_LINES, pos);
	free(s);
}

static void test_idmap_rejects_zero_size(void **state)
{
	(void)state;
	assert_parse_err("0 0 0\n", NSB_ERR_IDMAP_ZERO_SIZE, NSBT_ANY);
	assert_parse_err("0 0 1\n5 5 0\n", NSB_ERR_IDMAP_ZERO_SIZE, NSBT_ANY);
}

static void test_idmap_range_may_end_exactly_at_u32_max(void **state)
{
	(void)state;
	/* the kernel (map_write) refuses first + count >= 2^32 on either side:
	 * the last id may be 4294967294, 4294967295 is (uid_t)-1. Measured on
	 * 6.18: "1 0 4294967294" is accepted, "2 0 4294967294" is EINVAL,
	 * "0 4294967295 1" is EINVAL, "1 0 4294967295" is EPERM. */
	assert_parse_ok("0 0 4294967295\n");
	assert_parse_ok("4294967294 0 1\n");
	assert_parse_ok("0 4294967294 1\n");
	assert_parse_ok("4294967000 5 295\n");
	assert_parse_ok("1 0 4294967294\n");
	assert_parse_ok("0 1 4294967294\n");
	assert_parse_ok("4294967294 4294967294 1\n");
}

static void test_idmap_rejects_range_one_past_u32_max(void **state)
{
	(void)state;
	assert_parse_err("1 0 4294967295\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("0 1 4294967295\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("4294967295 0 1\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("0 4294967295 1\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("4294967000 5 296\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("2 0 4294967294\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("0 2 4294967294\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
	assert_parse_err("4294967295 4294967295 4294967295\n", NSB_ERR_IDMAP_RANGE_WRAP, NSBT_ANY);
}

static void test_idmap_rejects_overlap_on_container_side(void **state)
{
	(void)state;
	assert_parse_err("0 0 10\n9 100 1\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	/* the later extent below the earlier one */
	assert_parse_err("10 0 10\n5 100 6\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	/* containing, and identical */
	assert_parse_err("10 0 10\n0 100 100\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	assert_parse_err("7 0 1\n7 100 1\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	/* against a non-adjacent earlier line */
	assert_parse_err("0 0 5\n100 100 5\n3 200 1\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
}

static void test_idmap_rejects_overlap_on_host_side(void **state)
{
	(void)state;
	assert_parse_err("0 0 10\n100 9 1\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	assert_parse_err("0 10 10\n100 5 6\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
	assert_parse_err("0 5 1\n100 200 1\n200 5 1\n", NSB_ERR_IDMAP_OVERLAP, NSBT_ANY);
}

static void test_idmap_accepts_adjacent_extents(void **state)
{
	(void)state;
	assert_parse_ok("0 0 10\n10 10 10\n");
	assert_parse_ok("10 10 10\n0 0 10\n");
	/* same ids on different sides are not an overlap */
	assert_parse_ok("0 100 10\n100 0 10\n");
}

static void test_idmap_rejects_non_decimal_fields(void **state)
{
	(void)state;
	assert_parse_err("+0 0 1\n", NSB_ERR_IDMAP_SYNTAX, 0);
	assert_parse_err("-1 0 1\n", NSB_ERR_IDMAP_SYNTAX, 0);
	assert_parse_err("0 +5 1\n", NSB_ERR_IDMAP_SYNTAX, 2);
	assert_parse_err("0x10 0 1\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("0 0 0x1\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("a 0 1\n", NSB_ERR_IDMAP_SYNTAX, 0);
}

static void test_idmap_rejects_spacing_other_than_single_spaces(void **state)
{
	(void)state;
	assert_parse_err(" 0 0 1\n", NSB_ERR_IDMAP_SYNTAX, 0);
	assert_parse_err("0  0 1\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("0 0 1 \n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("0\t0 1\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("0 0 1\r\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
}

static void test_idmap_rejects_wrong_field_count_and_empty_lines(void **state)
{
	(void)state;
	assert_parse_err("0 0\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("0 0 1 1\n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
	assert_parse_err("\n", NSB_ERR_IDMAP_SYNTAX, 0);
	assert_parse_err("0 0 1\n\n", NSB_ERR_IDMAP_SYNTAX, 6);
	assert_parse_err("0 0 \n", NSB_ERR_IDMAP_SYNTAX, NSBT_ANY);
}

static void test_idmap_rejects_missing_final_newline(void **state)
{
	(void)state;
	assert_parse_err("0 0 1", NSB_ERR_IDMAP_UNTERMINATED, NSBT_ANY);
	assert_parse_err("0 0 1\n5 5 1", NSB_ERR_IDMAP_UNTERMINATED, NSBT_ANY);
}

static void test_idmap_rejects_numbers_above_u32(void **state)
{
	(void)state;
	assert_parse_err("4294967296 0 1\n", NSB_ERR_IDMAP_NUMBER_RANGE, 0);
	assert_parse_err("0 4294967296 1\n", NSB_ERR_IDMAP_NUMBER_RANGE, 2);
	assert_parse_err("0 0 4294967296\n", NSB_ERR_IDMAP_NUMBER_RANGE, 4);
	/* far beyond 64 bits: no wrap-around to a small value */
	assert_parse_err("0 0 18446744073709551617\n", NSB_ERR_IDMAP_NUMBER_RANGE, 4);
	assert_parse_err("0 0 99999999999999999999999999999\n", NSB_ERR_IDMAP_NUMBER_RANGE, 4);
}

/* @n lines "1000000000+2i 1000000000+2i 1\n" (24 bytes each) then @last;
 * a static buffer, so a failing assertion leaks nothing */
static char *fixed_text(size_t n, const char *last)
{
	static char s[8192];
	assert_true(n * 24u + strlen(last) < sizeof s);
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned id = 1000000000u + 2u * (unsigned)i;
		len += (size_t)sprintf(s + len, "%u %u 1\n", id, id);
	}
	strcpy(s + len, last);
	return s;
}

static void test_idmap_accepts_text_of_4095_bytes(void **state)
{
	(void)state;
	char *s = fixed_text(170, "12345 123456 1\n"); /* 4080 + 15 */
	assert_int_equal(strlen(s), 4095);
	assert_parse_ok(s);
	assert_int_equal(map.count, 171);
}

static void test_idmap_rejects_text_of_4096_bytes(void **state)
{
	(void)state;
	/* the kernel takes a map in one write(2) of less than a page
	 * (map_write: count >= PAGE_SIZE is EINVAL; measured on 6.18: a
	 * 4800-byte map of 200 valid lines is refused). pos: the first byte
	 * past NSB_IDMAP_TEXT_MAX. */
	char *s = fixed_text(170, "123456 123456 1\n"); /* 4080 + 16 */
	assert_int_equal(strlen(s), NSB_IDMAP_TEXT_MAX + 1u);
	assert_parse_err(s, NSB_ERR_IDMAP_TOO_LONG, NSB_IDMAP_TEXT_MAX);
	/* a problem before the limit is still reported first: 171 lines
	 * (4104 bytes), line 2 "1000000002 1000000002 0\n" has size 0 */
	s = fixed_text(171, "");
	assert_int_equal(strlen(s), 171u * 24u);
	s[24 + 22] = '0';
	assert_parse_err(s, NSB_ERR_IDMAP_ZERO_SIZE, NSBT_ANY);
}

static void test_decode_reports_idmap_too_long_at_attribute(void **state)
{
	struct nsbt_dec *t = *state;
	size_t a = mb_str(dec_base(t, CL_NEWUSER), T_UIDMAP, fixed_text(170, "123456 123456 1\n"));
	assert_dec_err_fin(t, D12, NSB_ERR_IDMAP_TOO_LONG, a, NSB_ATTR_UIDMAP, NSB_IDMAP_TEXT_MAX);
}

static void test_idmap_rejects_nul_inside_text(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_not_equal(nsb_idmap_parse("0 0\0 1\n", 7, &map, &e), NSB_OK);
	nsbt_poison(&e);
	assert_int_not_equal(nsb_idmap_parse("0 0 1\n\0", 7, &map, &e), NSB_OK);
}

static void test_idmap_rejects_empty_text(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_not_equal(nsb_idmap_parse("", 0, &map, &e), NSB_OK);
}

static void test_idmap_format_is_canonical(void **state)
{
	(void)state;
	char buf[128];
	assert_parse_ok("0 200000 1000\n1000 300000 64536\n");
	size_t n = nsb_idmap_format(&map, buf, sizeof buf);
	assert_int_equal(n, strlen("0 200000 1000\n1000 300000 64536\n"));
	assert_string_equal(buf, "0 200000 1000\n1000 300000 64536\n");
}

static void test_idmap_format_reports_size_like_snprintf(void **state)
{
	(void)state;
	char buf[16];
	assert_parse_ok("4294967294 0 1\n"); /* 15 characters */
	memset(buf, 'X', sizeof buf);
	assert_int_equal(nsb_idmap_format(&map, buf, 0), 15);
	assert_int_equal(buf[0], 'X'); /* cap 0: nothing written */
	memset(buf, 'X', sizeof buf);
	assert_int_equal(nsb_idmap_format(&map, buf, 10), 15);
	for (size_t i = 10; i < sizeof buf; i++) {
		assert_int_equal(buf[i], 'X'); /* nothing past cap */
	}
	assert_int_equal(nsb_idmap_format(&map, buf, 16), 15);
	assert_string_equal(buf, "4294967294 0 1\n");
}

static void test_idmap_parse_format_parse_is_stable(void **state)
{
	(void)state;
	char *s = lines(NSB_IDMAP_MAX_EXTENTS);
	assert_parse_ok(s);
	static struct nsb_idmap first;
	first = map;
	size_t need = nsb_idmap_format(&first, NULL, 0);
	char *out = malloc(need + 1u);
	assert_non_null(out);
	assert_int_equal(nsb_idmap_format(&first, out, need + 1u), need);
	assert_string_equal(out, s); /* lines() writes canonical text */
	assert_parse_ok(out);
	assert_int_equal(map.count, first.count);
	assert_memory_equal(map.extents, first.extents, first.count * sizeof first.extents[0]);
	free(out);
	free(s);
}

static void test_decode_fills_both_maps(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, CL_NEWUSER);
	mb_str(m, T_UIDMAP, "0 1000 1\n1 100000 65536\n");
	mb_str(m, T_GIDMAP, "0 1000 1\n");
	assert_dec_ok_fin(t, NSB_DIALECT_RUNC_1_2);
	assert_int_equal(t->b.uid_map.count, 2);
	assert_int_equal(t->b.uid_map.extents[1].container_id, 1);
	assert_int_equal(t->b.uid_map.extents[1].host_id, 100000);
	assert_int_equal(t->b.uid_map.extents[1].size, 65536);
	assert_int_equal(t->b.gid_map.count, 1);
	assert_true(NSB_HAS(&t->b, NSB_F_UIDMAP) && NSB_HAS(&t->b, NSB_F_GIDMAP));
}

static void test_idmap_parse_rejects_null_arguments(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_idmap_parse("0 0 1\n", 6, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE,
	               0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_idmap_parse(NULL, 6, &map, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	/* NULL with length 0 is the empty text, which has no line */
	nsbt_poison(&e);
	assert_int_not_equal(nsb_idmap_parse(NULL, 0, &map, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_not_equal(e.code, NSB_OK);
}

static void test_idmap_format_never_reads_past_the_extent_array(void **state)
{
	(void)state;
	static char full[340 * 16], over[340 * 16];
	char one[8] = "x";
	assert_int_equal(nsb_idmap_format(NULL, one, sizeof one), 0);
	assert_string_equal(one, "");
	for (uint32_t i = 0; i < NSB_IDMAP_MAX_EXTENTS; i++)
		map.extents[i] = (struct nsb_idmap_extent){i, 1000 + i, 1};
	map.count = NSB_IDMAP_MAX_EXTENTS;
	size_t n = nsb_idmap_format(&map, full, sizeof full);
	/* a caller-built count beyond the array formats only the array */
	map.count = NSB_IDMAP_MAX_EXTENTS + 5u;
	assert_int_equal(nsb_idmap_format(&map, over, sizeof over), n);
	assert_string_equal(over, full);
}

static void test_idmap_text_ending_where_a_number_is_due_is_unterminated_or_too_long(void **state)
{
	(void)state;
	assert_parse_err("0 0 ", NSB_ERR_IDMAP_UNTERMINATED, 4);
	assert_parse_err("0 ", NSB_ERR_IDMAP_UNTERMINATED, 2);
	/* the page limit falls right where the size is due, and text goes on */
	char *s = fixed_text(170, "123456 1234567 1\n"); /* 4080 + 15 up to the size */
	assert_int_equal(strlen(s), NSB_IDMAP_TEXT_MAX + 2u);
	assert_parse_err(s, NSB_ERR_IDMAP_TOO_LONG, NSB_IDMAP_TEXT_MAX);
}

static void test_idmap_whole_lines_up_to_the_limit_then_more_text_is_too_long(void **state)
{
	(void)state;
	char *s = fixed_text(170, "12345 123456 1\nx"); /* 4095 bytes of lines, then one more */
	assert_int_equal(strlen(s), NSB_IDMAP_TEXT_MAX + 1u);
	assert_parse_err(s, NSB_ERR_IDMAP_TOO_LONG, NSB_IDMAP_TEXT_MAX);
}

/* Decoding: the parser's errors come back at the attribute (decodecase.h rows). */
static struct nsbt_dcase rows[] = {
        {"test_decode_reports_idmap_error_at_attribute", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDMAP, "0 0 1\n"), A_STR(T_GIDMAP, "0 0 1\n1 0 1\n")},
         .code = NSB_ERR_IDMAP_OVERLAP, .at = AT(1), .attr = NSB_ATTR_GIDMAP, .pos = NSBT_ANY},
        {"test_decode_reports_idmap_number_range_at_attribute_with_pos", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDMAP, "0 0 4294967296\n")}, .code = NSB_ERR_IDMAP_NUMBER_RANGE, .at = AT(0),
         .attr = NSB_ATTR_UIDMAP, .pos = 4},
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_idmap_parses_one_line),
	        cmocka_unit_test(test_idmap_parses_lines_in_order),
	        cmocka_unit_test(test_idmap_accepts_340_lines),
	        cmocka_unit_test(test_idmap_rejects_341_lines),
	        cmocka_unit_test(test_idmap_rejects_zero_size),
	        cmocka_unit_test(test_idmap_range_may_end_exactly_at_u32_max),
	        cmocka_unit_test(test_idmap_rejects_range_one_past_u32_max),
	        cmocka_unit_test(test_idmap_rejects_overlap_on_container_side),
	        cmocka_unit_test(test_idmap_rejects_overlap_on_host_side),
	        cmocka_unit_test(test_idmap_accepts_adjacent_extents),
	        cmocka_unit_test(test_idmap_rejects_non_decimal_fields),
	        cmocka_unit_test(test_idmap_rejects_spacing_other_than_single_spaces),
	        cmocka_unit_test(test_idmap_rejects_wrong_field_count_and_empty_lines),
	        cmocka_unit_test(test_idmap_rejects_missing_final_newline),
	        cmocka_unit_test(test_idmap_rejects_numbers_above_u32),
	        cmocka_unit_test(test_idmap_accepts_text_of_4095_bytes),
	        cmocka_unit_test(test_idmap_rejects_text_of_4096_bytes),
	        dec_test(test_decode_reports_idmap_too_long_at_attribute),
	        cmocka_unit_test(test_idmap_rejects_nul_inside_text),
	        cmocka_unit_test(test_idmap_rejects_empty_text),
	        cmocka_unit_test(test_idmap_format_is_canonical),
	        cmocka_unit_test(test_idmap_format_reports_size_like_snprintf),
	        cmocka_unit_test(test_idmap_parse_format_parse_is_stable),
	        dec_test(test_decode_fills_both_maps),
	        cmocka_unit_test(test_idmap_parse_rejects_null_arguments),
	        cmocka_unit_test(test_idmap_format_never_reads_past_the_extent_array),
	        cmocka_unit_test(test_idmap_text_ending_where_a_number_is_due_is_unterminated_or_too_long),
	        cmocka_unit_test(test_idmap_whole_lines_up_to_the_limit_then_more_text_is_too_long),
	};
	return nsbt_run_group("idmap", tests, NSBT_COUNT(tests), rows, NSBT_COUNT(rows));
}
