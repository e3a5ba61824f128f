/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_cpulist.c - execCPUAffinity CPU lists (nsb_cpulist_parse/format,
 * nsb_cpuset_bytes/has): the runtime-spec grammar with runc's examples.
 */
#include "testutil.h"

#include <string.h>

static struct nsb_cpuset set; /* 8 KiB of bits: off the stack */

static enum nsb_err parse(const char *s, struct nsb_error *e)
{
	nsbt_poison(e);
	return nsb_cpulist_parse(s, strlen(s), &set, e);
}

#define assert_cpus_ok(s) NSBT_PARSE_CHECK((s), NSB_OK, 0)

#define assert_cpus_err(s, want, p) NSBT_PARSE_CHECK((s), (want), (p))

/* the set holds exactly the CPUs in @cpus */
static void check_exact(const uint32_t *cpus, size_t n)
{
	uint32_t hi = 0;
	for (size_t i = 0; i < n; i++) {
		assert_true(nsb_cpuset_has(&set, cpus[i]));
		hi = cpus[i] > hi ? cpus[i] : hi;
	}
	assert_int_equal(set.count, n);
	if (n) {
		assert_int_equal(set.highest, hi);
	}
	/* and nothing else: count the bits */
	uint32_t bits = 0;
	for (size_t w = 0; w < NSB_CPUSET_WORDS; w++) {
		bits += (uint32_t)__builtin_popcountll(set.bits[w]);
	}
	assert_int_equal(bits, n);
}

static void test_cpulist_empty_string_is_unset(void **state)
{
	(void)state;
	memset(&set, 0xFF, sizeof set);
	assert_cpus_ok("");
	check_exact(NULL, 0);
}

static void test_cpulist_parses_single_cpu(void **state)
{
	(void)state;
	static const uint32_t want[] = {0};
	assert_cpus_ok("0");
	check_exact(want, 1);
}

static void test_cpulist_parses_range(void **state)
{
	(void)state;
	static const uint32_t want[] = {0, 1, 2, 3};
	assert_cpus_ok("0-3");
	check_exact(want, 4);
}

static void test_cpulist_skips_empty_elements(void **state)
{
	(void)state;
	static const uint32_t want[] = {0, 1};
	assert_cpus_ok(",0,1,");
	check_exact(want, 2);
}

static void test_cpulist_trims_spaces_around_elements(void **state)
{
	(void)state;
	static const uint32_t want[] = {1, 2, 3};
	assert_cpus_ok(" 1 , 2-3 ");
	check_exact(want, 3);
	assert_cpus_ok("\t1,\n2-3\r\f\v");
	check_exact(want, 3);
}

static void test_cpulist_accepts_highest_cpu_65535(void **state)
{
	(void)state;
	static const uint32_t want[] = {65535};
	assert_cpus_ok("65535");
	check_exact(want, 1);
	assert_cpus_ok("0-65535");
	assert_int_equal(set.count, 65536);
	assert_int_equal(set.highest, 65535);
}

static void test_cpulist_counts_repeated_cpus_once(void **state)
{
	(void)state;
	static const uint32_t want[] = {1, 2, 3, 4};
	assert_cpus_ok("1,1,2-3,3-4,2");
	check_exact(want, 4);
}

static void test_cpulist_rejects_malformed_elements(void **state)
{
	(void)state;
	assert_cpus_err("-", NSB_ERR_CPULIST_SYNTAX, 0);
	assert_cpus_err("1-", NSB_ERR_CPULIST_SYNTAX, 2);
	assert_cpus_err("-3", NSB_ERR_CPULIST_SYNTAX, 0);
	assert_cpus_err("1 - 2", NSB_ERR_CPULIST_SYNTAX, 1);
	assert_cpus_err("1-2-3", NSB_ERR_CPULIST_SYNTAX, 3);
	assert_cpus_err("+1", NSB_ERR_CPULIST_SYNTAX, 0);
	assert_cpus_err("0x1", NSB_ERR_CPULIST_SYNTAX, 1);
	assert_cpus_err("a", NSB_ERR_CPULIST_SYNTAX, 0);
	assert_cpus_err("1 2", NSB_ERR_CPULIST_SYNTAX, 1);
	assert_cpus_err("0,1,x", NSB_ERR_CPULIST_SYNTAX, 4);
}

static void test_cpulist_rejects_list_without_any_cpu(void **state)
{
	(void)state;
	assert_cpus_err(",", NSB_ERR_CPULIST_EMPTY, 0);
	assert_cpus_err(" ", NSB_ERR_CPULIST_EMPTY, 0);
	assert_cpus_err(" , ,", NSB_ERR_CPULIST_EMPTY, 0);
}

static void test_cpulist_rejects_reversed_range(void **state)
{
	(void)state;
	assert_cpus_err("54-53", NSB_ERR_CPULIST_REVERSED, 0);
	assert_cpus_err("0,3-1", NSB_ERR_CPULIST_REVERSED, 2);
	assert_cpus_err("0, 9-8 ", NSB_ERR_CPULIST_REVERSED, 3); /* the element after trimming */
}

static void test_cpulist_rejects_cpu_above_65535(void **state)
{
	(void)state;
	assert_cpus_err("65536", NSB_ERR_CPULIST_TOO_HIGH, 0);
	assert_cpus_err("65537", NSB_ERR_CPULIST_TOO_HIGH, 0);
	assert_cpus_err("0-65536", NSB_ERR_CPULIST_TOO_HIGH, 2);
	assert_cpus_err(" 7,65536", NSB_ERR_CPULIST_TOO_HIGH, 3);
	/* beyond 32 and 64 bits: no wrap to a small CPU */
	assert_cpus_err("4294967296", NSB_ERR_CPULIST_TOO_HIGH, 0);
	assert_cpus_err("18446744073709551616", NSB_ERR_CPULIST_TOO_HIGH, 0);
}

static void test_cpulist_rejects_nul_inside_text(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_equal(nsb_cpulist_parse("1\0", 2, &set, &e), NSB_ERR_CPULIST_SYNTAX);
}

static void test_cpulist_format_is_canonical(void **state)
{
	(void)state;
	char buf[64];
	assert_cpus_ok(" 7, 0-3 ,2");
	assert_int_equal(nsb_cpulist_format(&set, buf, sizeof buf), 5);
	assert_string_equal(buf, "0-3,7");
	assert_cpus_ok("3,2,1,0,9,8,10,65535");
	nsb_cpulist_format(&set, buf, sizeof buf);
	assert_string_equal(buf, "0-3,8-10,65535");
	assert_cpus_ok("");
	assert_int_equal(nsb_cpulist_format(&set, buf, sizeof buf), 0);
	assert_string_equal(buf, "");
}

static void test_cpulist_format_reports_size_like_snprintf(void **state)
{
	(void)state;
	char buf[16];
	assert_cpus_ok("0-3,7");
	memset(buf, 'X', sizeof buf);
	assert_int_equal(nsb_cpulist_format(&set, buf, 0), 5);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(nsb_cpulist_format(&set, buf, 3), 5);
	for (size_t i = 3; i < sizeof buf; i++) {
		assert_int_equal(buf[i], 'X');
	}
}

static void test_cpulist_parse_format_parse_is_stable(void **state)
{
	(void)state;
	static const char *inputs[] = {
	        "0", "0-3", ",0,1,", " 1 , 2-3 ", "65535", "5,3,1,0-2,64,63,127-128", "0-65535"};
	static struct nsb_cpuset first;
	static char text[1 << 17];
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		assert_cpus_ok(inputs[i]);
		first = set;
		size_t n = nsb_cpulist_format(&first, text, sizeof text);
		assert_true(n < sizeof text);
		assert_cpus_ok(text);
		assert_int_equal(set.count, first.count);
		assert_int_equal(set.highest, first.highest);
		assert_memory_equal(set.bits, first.bits, sizeof set.bits);
		/* format is a fixed point */
		char again[256];
		if (n < sizeof again) {
			nsb_cpulist_format(&set, again, sizeof again);
			assert_string_equal(again, text);
		}
	}
}

static void test_cpuset_bytes_covers_highest_cpu_in_whole_words(void **state)
{
	(void)state;
	assert_cpus_ok("0");
	assert_int_equal(nsb_cpuset_bytes(&set), 8);
	assert_cpus_ok("63");
	assert_int_equal(nsb_cpuset_bytes(&set), 8);
	assert_cpus_ok("64");
	assert_int_equal(nsb_cpuset_bytes(&set), 16);
	assert_cpus_ok("0,1023");
	assert_int_equal(nsb_cpuset_bytes(&set), 128);
	assert_cpus_ok("1024");
	assert_int_equal(nsb_cpuset_bytes(&set), 136);
	assert_cpus_ok("65535");
	assert_int_equal(nsb_cpuset_bytes(&set), 8192);
}

static void test_cpuset_has_rejects_cpus_out_of_range(void **state)
{
	(void)state;
	assert_cpus_ok("0-65535");
	assert_false(nsb_cpuset_has(&set, 65536));
	assert_false(nsb_cpuset_has(&set, UINT32_MAX));
}

static void test_cpulist_parse_rejects_null_arguments(void **state)
{
	(void)state;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_cpulist_parse("0", 1, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	/* a NULL text with a length is refused; without one it is the empty string */
	nsbt_poison(&e);
	assert_nsb_err(nsb_cpulist_parse(NULL, 3, &set, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE,
	               0);
	set.count = 7;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_cpulist_parse(NULL, 0, &set, &e), e);
	assert_int_equal(set.count, 0);
}

static void test_cpulist_format_of_no_set_is_empty(void **state)
{
	(void)state;
	char buf[8] = "x";
	assert_int_equal(nsb_cpulist_format(NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
}

static void test_cpuset_bytes_is_zero_for_no_set_and_for_a_corrupt_highest(void **state)
{
	(void)state;
	assert_int_equal(nsb_cpuset_bytes(NULL), 0);
	assert_cpus_ok("");
	assert_int_equal(nsb_cpuset_bytes(&set), 0);
	/* a caller-built set whose highest CPU is beyond the bitmap: no size past it */
	assert_cpus_ok("3");
	set.highest = NSB_CPU_MAX + 1u;
	assert_int_equal(nsb_cpuset_bytes(&set), 0);
	assert_false(nsb_cpuset_has(NULL, 0));
}

static void test_cpulist_format_without_buffer_only_measures(void **state)
{
	(void)state;
	assert_cpus_ok("0-3,9");
	assert_int_equal(nsb_cpulist_format(&set, NULL, 64), 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cpulist_empty_string_is_unset),
	        cmocka_unit_test(test_cpulist_parses_single_cpu),
	        cmocka_unit_test(test_cpulist_parses_range),
	        cmocka_unit_test(test_cpulist_skips_empty_elements),
	        cmocka_unit_test(test_cpulist_trims_spaces_around_elements),
	        cmocka_unit_test(test_cpulist_accepts_highest_cpu_65535),
	        cmocka_unit_test(test_cpulist_counts_repeated_cpus_once),
	        cmocka_unit_test(test_cpulist_rejects_malformed_elements),
	        cmocka_unit_test(test_cpulist_rejects_list_without_any_cpu),
	        cmocka_unit_test(test_cpulist_rejects_reversed_range),
	        cmocka_unit_test(test_cpulist_rejects_cpu_above_65535),
	        cmocka_unit_test(test_cpulist_rejects_nul_inside_text),
	        cmocka_unit_test(test_cpulist_format_is_canonical),
	        cmocka_unit_test(test_cpulist_format_reports_size_like_snprintf),
	        cmocka_unit_test(test_cpulist_parse_format_parse_is_stable),
	        cmocka_unit_test(test_cpuset_bytes_covers_highest_cpu_in_whole_words),
	        cmocka_unit_test(test_cpuset_has_rejects_cpus_out_of_range),
	        cmocka_unit_test(test_cpulist_parse_rejects_null_arguments),
	        cmocka_unit_test(test_cpulist_format_of_no_set_is_empty),
	        cmocka_unit_test(test_cpuset_bytes_is_zero_for_no_set_and_for_a_corrupt_highest),
	        cmocka_unit_test(test_cpulist_format_without_buffer_only_measures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
