/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_errors.c - the error enum's names: distinct, stable, upper-case,
 * "UNKNOWN" out of range; numbers never change (codes are appended only).
 */
#include "testutil.h"

#include <string.h>

/* The codes of nsboot 0.1.0 with their numbers and names, written out by
 * hand: renumbering or renaming any of them breaks the CLI's JSON. */
static const struct {
	enum nsb_err code;
	int number;
	const char *name;
} stable[] = {
        {NSB_ERR_OK, 0, "OK"},
        {NSB_ERR_SHORT_HEADER, 1, "SHORT_HEADER"},
        {NSB_ERR_MSG_LEN_SMALL, 2, "MSG_LEN_SMALL"},
        {NSB_ERR_MSG_TOO_BIG, 3, "MSG_TOO_BIG"},
        {NSB_ERR_TRUNCATED, 4, "TRUNCATED"},
        {NSB_ERR_TRAILING_DATA, 5, "TRAILING_DATA"},
        {NSB_ERR_BAD_MSG_TYPE, 6, "BAD_MSG_TYPE"},
        {NSB_ERR_ATTR_HEADER_SHORT, 7, "ATTR_HEADER_SHORT"},
        {NSB_ERR_ATTR_LEN_SMALL, 8, "ATTR_LEN_SMALL"},
        {NSB_ERR_ATTR_OVERRUN, 9, "ATTR_OVERRUN"},
        {NSB_ERR_PADDING_MISSING, 10, "PADDING_MISSING"},
        {NSB_ERR_PADDING_NONZERO, 11, "PADDING_NONZERO"},
        {NSB_ERR_ATTR_UNKNOWN, 12, "ATTR_UNKNOWN"},
        {NSB_ERR_ATTR_DUPLICATE, 13, "ATTR_DUPLICATE"},
        {NSB_ERR_ATTR_MISSING, 14, "ATTR_MISSING"},
        {NSB_ERR_PAYLOAD_SIZE, 15, "PAYLOAD_SIZE"},
        {NSB_ERR_BOOL_VALUE, 16, "BOOL_VALUE"},
        {NSB_ERR_CLONE_FLAGS, 17, "CLONE_FLAGS"},
        {NSB_ERR_STRING_EMPTY, 18, "STRING_EMPTY"},
        {NSB_ERR_STRING_UNTERMINATED, 19, "STRING_UNTERMINATED"},
        {NSB_ERR_STRING_EMBEDDED_NUL, 20, "STRING_EMBEDDED_NUL"},
        {NSB_ERR_STRING_TOO_LONG, 21, "STRING_TOO_LONG"},
        {NSB_ERR_NSPATH_EMPTY_ELEMENT, 22, "NSPATH_EMPTY_ELEMENT"},
        {NSB_ERR_NSPATH_NO_SEPARATOR, 23, "NSPATH_NO_SEPARATOR"},
        {NSB_ERR_NSPATH_UNKNOWN_TYPE, 24, "NSPATH_UNKNOWN_TYPE"},
        {NSB_ERR_NSPATH_EMPTY_PATH, 25, "NSPATH_EMPTY_PATH"},
        {NSB_ERR_NSPATH_RELATIVE, 26, "NSPATH_RELATIVE"},
        {NSB_ERR_NSPATH_TOO_LONG, 27, "NSPATH_TOO_LONG"},
        {NSB_ERR_NSPATH_DUPLICATE_TYPE, 28, "NSPATH_DUPLICATE_TYPE"},
        {NSB_ERR_IDMAP_SYNTAX, 29, "IDMAP_SYNTAX"},
        {NSB_ERR_IDMAP_NUMBER_RANGE, 30, "IDMAP_NUMBER_RANGE"},
        {NSB_ERR_IDMAP_UNTERMINATED, 31, "IDMAP_UNTERMINATED"},
        {NSB_ERR_IDMAP_TOO_MANY_LINES, 32, "IDMAP_TOO_MANY_LINES"},
        {NSB_ERR_IDMAP_ZERO_SIZE, 33, "IDMAP_ZERO_SIZE"},
        {NSB_ERR_IDMAP_RANGE_WRAP, 34, "IDMAP_RANGE_WRAP"},
        {NSB_ERR_IDMAP_OVERLAP, 35, "IDMAP_OVERLAP"},
        {NSB_ERR_OOM_SYNTAX, 36, "OOM_SYNTAX"},
        {NSB_ERR_OOM_RANGE, 37, "OOM_RANGE"},
        {NSB_ERR_TIMENS_SYNTAX, 38, "TIMENS_SYNTAX"},
        {NSB_ERR_TIMENS_CLOCK, 39, "TIMENS_CLOCK"},
        {NSB_ERR_TIMENS_DUPLICATE_CLOCK, 40, "TIMENS_DUPLICATE_CLOCK"},
        {NSB_ERR_TIMENS_SECS_RANGE, 41, "TIMENS_SECS_RANGE"},
        {NSB_ERR_TIMENS_NSECS_RANGE, 42, "TIMENS_NSECS_RANGE"},
        {NSB_ERR_TIMENS_UNTERMINATED, 43, "TIMENS_UNTERMINATED"},
        {NSB_ERR_HELPER_PATH_RELATIVE, 44, "HELPER_PATH_RELATIVE"},
        {NSB_ERR_MOUNT_SOURCES_SYNTAX, 45, "MOUNT_SOURCES_SYNTAX"},
        {NSB_ERR_NS_CLONE_AND_JOIN, 46, "NS_CLONE_AND_JOIN"},
        {NSB_ERR_IDMAP_WITHOUT_NEWUSER, 47, "IDMAP_WITHOUT_NEWUSER"},
        {NSB_ERR_SETGROUP_WITHOUT_GIDMAP, 48, "SETGROUP_WITHOUT_GIDMAP"},
        {NSB_ERR_HELPER_WITHOUT_MAP, 49, "HELPER_WITHOUT_MAP"},
        {NSB_ERR_TIMENS_WITHOUT_NEWTIME, 50, "TIMENS_WITHOUT_NEWTIME"},
        {NSB_ERR_CPULIST_SYNTAX, 51, "CPULIST_SYNTAX"},
        {NSB_ERR_CPULIST_EMPTY, 52, "CPULIST_EMPTY"},
        {NSB_ERR_CPULIST_REVERSED, 53, "CPULIST_REVERSED"},
        {NSB_ERR_CPULIST_TOO_HIGH, 54, "CPULIST_TOO_HIGH"},
        {NSB_ERR_INVALID_ARGUMENT, 55, "INVALID_ARGUMENT"},
        {NSB_ERR_NO_SPACE, 56, "NO_SPACE"},
        {NSB_ERR_NOMEM, 57, "NOMEM"},
        {NSB_ERR_IO, 58, "IO"},
        {NSB_ERR_EOF, 59, "EOF"},
};

static void test_error_codes_keep_their_numbers(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof stable / sizeof stable[0]; i++) {
		assert_int_equal((int)stable[i].code, stable[i].number);
	}
	assert_int_equal(NSB_OK, 0);
	assert_true((int)NSB_ERR__COUNT >= (int)(sizeof stable / sizeof stable[0]));
}

static void test_error_names_are_stable(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof stable / sizeof stable[0]; i++) {
		assert_string_equal(nsb_error_name(stable[i].code), stable[i].name);
	}
	/* a few spelled out literally */
	assert_string_equal(nsb_error_name(NSB_ERR_ATTR_OVERRUN), "ATTR_OVERRUN");
	assert_string_equal(nsb_error_name(NSB_OK), "OK");
	assert_string_equal(nsb_error_name(NSB_ERR_MSG_TOO_BIG), "MSG_TOO_BIG");
	assert_string_equal(nsb_error_name(NSB_ERR_STRING_EMBEDDED_NUL), "STRING_EMBEDDED_NUL");
	assert_string_equal(nsb_error_name(NSB_ERR_EOF), "EOF");
}

static void test_every_code_has_a_distinct_upper_case_name(void **state)
{
	(void)state;
	for (int i = 0; i < (int)NSB_ERR__COUNT; i++) {
		const char *n = nsb_error_name((enum nsb_err)i);
		assert_non_null(n);
		assert_true(n[0] >= 'A' && n[0] <= 'Z');
		for (const char *p = n; *p; p++) {
			assert_true((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '_');
		}
		assert_string_not_equal(n, "UNKNOWN");
		for (int j = 0; j < i; j++) {
			assert_string_not_equal(n, nsb_error_name((enum nsb_err)j));
		}
	}
}

static void test_every_code_has_a_description(void **state)
{
	(void)state;
	for (int i = 0; i < (int)NSB_ERR__COUNT; i++) {
		const char *d = nsb_error_describe((enum nsb_err)i);
		assert_non_null(d);
		assert_true(strlen(d) > 3);
	}
	assert_string_equal(nsb_error_describe(NSB_ERR_ATTR_OVERRUN),
	                    "nla_len runs past the end of the message");
}

/* The parent side's codes (appended, in this order). */
static void test_parent_side_codes_are_named(void **state)
{
	(void)state;
	assert_true((int)NSB_ERR_PID_NOT_CHILD > (int)NSB_ERR_MOUNT_FD_MESSAGE);
	assert_int_equal((int)NSB_ERR_TIMEOUT, (int)NSB_ERR_PID_NOT_CHILD + 1);
	assert_int_equal((int)NSB_ERR_CANCELED, (int)NSB_ERR_TIMEOUT + 1);
	assert_string_equal(nsb_error_name(NSB_ERR_PID_NOT_CHILD), "PID_NOT_CHILD");
	assert_string_equal(nsb_error_name(NSB_ERR_TIMEOUT), "TIMEOUT");
	assert_string_equal(nsb_error_name(NSB_ERR_CANCELED), "CANCELED");
	assert_string_equal(nsb_error_describe(NSB_ERR_TIMEOUT),
	                    "the setup did not finish within the time allowed");
}

static void test_error_name_out_of_range_is_unknown(void **state)
{
	(void)state;
	assert_string_equal(nsb_error_name(NSB_ERR__COUNT), "UNKNOWN");
	assert_string_equal(nsb_error_name((enum nsb_err)((int)NSB_ERR__COUNT + 1000)), "UNKNOWN");
	assert_string_equal(nsb_error_name((enum nsb_err) - 1), "UNKNOWN");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_error_codes_keep_their_numbers),
	        cmocka_unit_test(test_error_names_are_stable),
	        cmocka_unit_test(test_every_code_has_a_distinct_upper_case_name),
	        cmocka_unit_test(test_every_code_has_a_description),
	        cmocka_unit_test(test_error_name_out_of_range_is_unknown),
	        cmocka_unit_test(test_parent_side_codes_are_named),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
