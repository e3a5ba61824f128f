/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_mount_sources.c - MOUNT_SOURCES of dialect runc-1.1: entries
 * "<source>\0" (bind mount) or "\0" (other), then the string's own NUL;
 * nsb_mount_sources_parse/next and the decoder's rules for the payload.
 */
#include "decodecase.h"

#include <string.h>

static void test_mount_sources_empty_text_is_no_mounts(void **state)
{
	(void)state;
	size_t count = 99;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_mount_sources_parse("", 0, &count, &e), e);
	assert_int_equal(count, 0);
}

static void test_mount_sources_counts_bind_and_other_entries(void **state)
{
	(void)state;
	static const char t[] = "/a\0\0/b/c\0"; /* without the string's NUL */
	size_t count = 0;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_mount_sources_parse(t, sizeof t - 1u, &count, &e), e);
	assert_int_equal(count, 3);
	nsbt_poison(&e);
	assert_nsb_ok(nsb_mount_sources_parse("\0\0\0", 3, &count, &e), e);
	assert_int_equal(count, 3);
}

static void test_mount_sources_rejects_unterminated_last_entry(void **state)
{
	(void)state;
	size_t count;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_equal(nsb_mount_sources_parse("/a", 2, &count, &e), NSB_ERR_MOUNT_SOURCES_SYNTAX);
	assert_int_equal(e.code, NSB_ERR_MOUNT_SOURCES_SYNTAX);
	nsbt_poison(&e);
	assert_int_equal(nsb_mount_sources_parse("/a\0/b", 5, &count, &e), NSB_ERR_MOUNT_SOURCES_SYNTAX);
	assert_int_equal(e.code, NSB_ERR_MOUNT_SOURCES_SYNTAX);
}

static void test_mount_sources_next_iterates_entries(void **state)
{
	(void)state;
	static const char t[] = "/a\0\0/b/c\0";
	struct nsb_str all = {t, sizeof t - 1u};
	size_t cursor = 0;
	struct nsb_str ent;
	assert_true(nsb_mount_sources_next(all, &cursor, &ent));
	assert_view_eq(ent, "/a");
	assert_int_equal(ent.ptr[ent.len], '\0');
	assert_true(nsb_mount_sources_next(all, &cursor, &ent));
	assert_int_equal(ent.len, 0); /* non-bind mount */
	assert_int_equal(ent.ptr[0], '\0');
	assert_true(nsb_mount_sources_next(all, &cursor, &ent));
	assert_view_eq(ent, "/b/c");
	assert_int_equal(ent.ptr[ent.len], '\0');
	assert_false(nsb_mount_sources_next(all, &cursor, &ent));
	assert_false(nsb_mount_sources_next(all, &cursor, &ent)); /* stays at the end */
}

static void test_mount_sources_next_on_empty_yields_nothing(void **state)
{
	(void)state;
	struct nsb_str none = {"", 0};
	size_t cursor = 0;
	struct nsb_str ent;
	assert_false(nsb_mount_sources_next(none, &cursor, &ent));
}

static void test_decode_reads_mount_sources_without_its_own_nul(void **state)
{
	struct nsbt_dec *t = *state;
	static const char p[] = "/host/dir\0\0"; /* bind, other, then the NUL */
	struct mb *m = dec_base(t, CL_NEWUSER);
	mb_str(m, T_UIDMAP, "0 0 1\n");
	mb_bytes(m, T_MOUNTSRC, p, sizeof p);
	assert_dec_ok_fin(t, D11);
	assert_int_equal(t->b.mount_source_count, 2);
	assert_int_equal(t->b.mount_sources.len, sizeof p - 1u);
	assert_memory_equal(t->b.mount_sources.ptr, p, sizeof p - 1u);
	size_t cursor = 0;
	struct nsb_str ent;
	assert_true(nsb_mount_sources_next(t->b.mount_sources, &cursor, &ent));
	assert_view_eq(ent, "/host/dir");
	assert_true(nsb_mount_sources_next(t->b.mount_sources, &cursor, &ent));
	assert_int_equal(ent.len, 0);
	assert_false(nsb_mount_sources_next(t->b.mount_sources, &cursor, &ent));
}

static void test_decode_accepts_mount_sources_of_only_the_nul(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, 0);
	mb_bytes(m, T_MOUNTSRC, "", 1);
	assert_dec_ok_fin(t, D11);
	assert_true(NSB_HAS(&t->b, NSB_F_MOUNT_SOURCES));
	assert_int_equal(t->b.mount_source_count, 0);
	assert_int_equal(t->b.mount_sources.len, 0);
}

static void test_mount_sources_parse_rejects_null_arguments(void **state)
{
	(void)state;
	size_t count = 99;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_mount_sources_parse("\0", 1, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_mount_sources_parse(NULL, 1, &count, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	/* NULL with length 0: no mounts */
	nsbt_poison(&e);
	assert_nsb_ok(nsb_mount_sources_parse(NULL, 0, &count, &e), e);
	assert_int_equal(count, 0);
}

static void test_mount_sources_next_refuses_null_and_stops_at_an_unterminated_tail(void **state)
{
	(void)state;
	static const char t[] = "/a\0/b"; /* not a parsed payload: no NUL after /b */
	struct nsb_str raw = {t, sizeof t - 1u}, none = {NULL, 3};
	size_t cursor = 0;
	struct nsb_str ent;
	assert_false(nsb_mount_sources_next(raw, NULL, &ent));
	assert_false(nsb_mount_sources_next(raw, &cursor, NULL));
	assert_false(nsb_mount_sources_next(none, &cursor, &ent));
	assert_int_equal(cursor, 0);
	assert_true(nsb_mount_sources_next(raw, &cursor, &ent));
	assert_view_eq(ent, "/a");
	assert_false(nsb_mount_sources_next(raw, &cursor, &ent));
	assert_int_equal(cursor, 3); /* left at the unterminated entry */
}

/* Decoding: the parser's errors come back at the attribute (decodecase.h rows). */
static struct nsbt_dcase rows[] = {
        {"test_decode_rejects_empty_mount_sources_payload", .dialect = D11,
         .attrs = {A_BYTES(T_MOUNTSRC, NULL, 0)}, .code = NSB_ERR_STRING_EMPTY, .at = AT(0),
         .attr = NSB_ATTR_MOUNT_SOURCES},
        {"test_decode_rejects_mount_sources_not_ending_in_nul", .dialect = D11,
         .attrs = {A_BYTES(T_MOUNTSRC, "/a\0/b", 5)}, .code = NSB_ERR_STRING_UNTERMINATED, .at = AT(0),
         .attr = NSB_ATTR_MOUNT_SOURCES, .pos = 5},
        /* "/a\0/b" + the string's NUL: the entry "/b" has no NUL of its own */
        {"test_decode_rejects_mount_source_entry_without_nul", .dialect = D11,
         .attrs = {A_BYTES(T_MOUNTSRC, "/a\0/b\0", 6)}, .code = NSB_ERR_MOUNT_SOURCES_SYNTAX, .at = AT(0),
         .attr = NSB_ATTR_MOUNT_SOURCES, .pos = NSBT_ANY},
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_mount_sources_empty_text_is_no_mounts),
	        cmocka_unit_test(test_mount_sources_counts_bind_and_other_entries),
	        cmocka_unit_test(test_mount_sources_rejects_unterminated_last_entry),
	        cmocka_unit_test(test_mount_sources_next_iterates_entries),
	        cmocka_unit_test(test_mount_sources_next_on_empty_yields_nothing),
	        dec_test(test_decode_reads_mount_sources_without_its_own_nul),
	        dec_test(test_decode_accepts_mount_sources_of_only_the_nul),
	        cmocka_unit_test(test_mount_sources_parse_rejects_null_arguments),
	        cmocka_unit_test(test_mount_sources_next_refuses_null_and_stops_at_an_unterminated_tail),
	};
	return nsbt_run_group("mount_sources", tests, NSBT_COUNT(tests), rows, NSBT_COUNT(rows));
}
