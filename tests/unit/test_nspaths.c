/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_nspaths.c - NS_PATHS "type:path(,type:path)*" (nsb_nspaths_parse),
 * the namespace name/flag tables, and how the decoder reports a grammar
 * error (offset of the attribute, pos inside the payload).
 */
#include "decodecase.h"

#include <stdlib.h>
#include <string.h>

static const struct {
	enum nsb_ns_type type;
	const char *name;
	uint32_t flag;
} table[] = {
        {NSB_NS_USER, "user", CL_NEWUSER},       {NSB_NS_IPC, "ipc", CL_NEWIPC},
        {NSB_NS_UTS, "uts", CL_NEWUTS},          {NSB_NS_NET, "net", CL_NEWNET},
        {NSB_NS_PID, "pid", CL_NEWPID},          {NSB_NS_MNT, "mnt", CL_NEWNS},
        {NSB_NS_CGROUP, "cgroup", CL_NEWCGROUP}, {NSB_NS_TIME, "time", CL_NEWTIME},
};

static enum nsb_err parse(const char *s, struct nsb_ns_paths *out, struct nsb_error *e)
{
	nsbt_poison(e);
	return nsb_nspaths_parse(s, strlen(s), out, e);
}

/* parser errors carry no offset/attr of their own: check code and pos */
#define assert_parse_err(s, want, p)                                                                     \
	do {                                                                                             \
		struct nsb_ns_paths o_;                                                                  \
		struct nsb_error e_;                                                                     \
		enum nsb_err rc_ = parse((s), &o_, &e_);                                                 \
		if (rc_ != (want) || e_.code != (want) || e_.pos != (uint32_t)(p)) {                     \
			fail_msg("\"%s\": got %s/%s pos %u, wanted %s pos %u", (s), nsb_error_name(rc_), \
			         nsb_error_name(e_.code), e_.pos, nsb_error_name(want), (unsigned)(p));  \
		}                                                                                        \
	} while (0)

static void test_ns_type_names_and_flags_match_table(void **state)
{
	(void)state;
	uint32_t all = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		enum nsb_ns_type t;
		assert_string_equal(nsb_ns_type_name(table[i].type), table[i].name);
		assert_int_equal(nsb_ns_type_flag(table[i].type), table[i].flag);
		assert_true(nsb_ns_type_from_name(table[i].name, strlen(table[i].name), &t));
		assert_int_equal(t, table[i].type);
		all |= table[i].flag;
	}
	assert_int_equal(all, NSB_CLONE_NS_MASK);
	assert_null(nsb_ns_type_name(NSB_NS_COUNT));
	assert_int_equal(nsb_ns_type_flag(NSB_NS_COUNT), 0);
}

static void test_ns_type_from_name_is_exact(void **state)
{
	(void)state;
	enum nsb_ns_type t;
	assert_false(nsb_ns_type_from_name("mn", 2, &t));
	assert_false(nsb_ns_type_from_name("mntx", 4, &t));
	assert_false(nsb_ns_type_from_name("MNT", 3, &t));
	assert_false(nsb_ns_type_from_name("network", 7, &t));
	assert_false(nsb_ns_type_from_name("mount", 5, &t));
	assert_false(nsb_ns_type_from_name("", 0, &t));
	/* length, not NUL, ends the name */
	assert_true(nsb_ns_type_from_name("netfoo", 3, &t));
	assert_int_equal(t, NSB_NS_NET);
	assert_false(nsb_ns_type_from_name("net\0", 4, &t));
}

static void test_nspaths_parses_single_element(void **state)
{
	(void)state;
	struct nsb_ns_paths o;
	struct nsb_error e;
	assert_nsb_ok(parse("mnt:/proc/1/ns/mnt", &o, &e), e);
	assert_int_equal(o.count, 1);
	assert_int_equal(o.paths[0].type, NSB_NS_MNT);
	assert_view_eq(o.paths[0].path, "/proc/1/ns/mnt");
}

static void test_nspaths_parses_all_eight_in_message_order(void **state)
{
	(void)state;
	struct nsb_ns_paths o;
	struct nsb_error e;
	const char *s = "time:/t,cgroup:/c,mnt:/m,pid:/p,net:/n,uts:/u,ipc:/i,user:/us";
	assert_nsb_ok(parse(s, &o, &e), e);
	assert_int_equal(o.count, 8);
	static const enum nsb_ns_type want[] = {NSB_NS_TIME, NSB_NS_CGROUP, NSB_NS_MNT, NSB_NS_PID,
	                                        NSB_NS_NET,  NSB_NS_UTS,    NSB_NS_IPC, NSB_NS_USER};
	static const char *paths[] = {"/t", "/c", "/m", "/p", "/n", "/u", "/i", "/us"};
	for (size_t i = 0; i < 8; i++) {
		assert_int_equal(o.paths[i].type, want[i]);
		assert_view_eq(o.paths[i].path, paths[i]);
		/* a view into the text, not a copy */
		assert_true(o.paths[i].path.ptr > s && o.paths[i].path.ptr < s + strlen(s));
	}
}

static void test_nspaths_path_keeps_colons_after_first(void **state)
{
	(void)state;
	struct nsb_ns_paths o;
	struct nsb_error e;
	assert_nsb_ok(parse("net:/run/netns/a:b:c", &o, &e), e);
	assert_view_eq(o.paths[0].path, "/run/netns/a:b:c");
}

static void test_nspaths_rejects_empty_elements(void **state)
{
	(void)state;
	assert_parse_err("", NSB_ERR_NSPATH_EMPTY_ELEMENT, 0);
	assert_parse_err(",ipc:/a", NSB_ERR_NSPATH_EMPTY_ELEMENT, 0);
	assert_parse_err("ipc:/a,", NSB_ERR_NSPATH_EMPTY_ELEMENT, 7);
	assert_parse_err("ipc:/a,,uts:/b", NSB_ERR_NSPATH_EMPTY_ELEMENT, 7);
}

static void test_nspaths_rejects_element_without_colon(void **state)
{
	(void)state;
	assert_parse_err("ipc", NSB_ERR_NSPATH_NO_SEPARATOR, 0);
	assert_parse_err("ipc:/a,/proc/1/ns/net", NSB_ERR_NSPATH_NO_SEPARATOR, 7);
}

static void test_nspaths_rejects_unknown_type(void **state)
{
	(void)state;
	assert_parse_err("network:/a", NSB_ERR_NSPATH_UNKNOWN_TYPE, 0);
	assert_parse_err("MNT:/a", NSB_ERR_NSPATH_UNKNOWN_TYPE, 0);
	assert_parse_err(":/a", NSB_ERR_NSPATH_UNKNOWN_TYPE, 0);
	assert_parse_err(" ipc:/a", NSB_ERR_NSPATH_UNKNOWN_TYPE, 0);
	assert_parse_err("ipc:/a,foo:/b", NSB_ERR_NSPATH_UNKNOWN_TYPE, 7);
}

static void test_nspaths_rejects_empty_path(void **state)
{
	(void)state;
	/* pos: where the path should start */
	assert_parse_err("ipc:", NSB_ERR_NSPATH_EMPTY_PATH, 4);
	assert_parse_err("ipc:/a,uts:,net:/b", NSB_ERR_NSPATH_EMPTY_PATH, 11);
}

static void test_nspaths_rejects_relative_path(void **state)
{
	(void)state;
	/* runc would resolve these inside the container's rootfs */
	assert_parse_err("ipc:proc/1/ns/ipc", NSB_ERR_NSPATH_RELATIVE, 4);
	assert_parse_err("ipc:/a,net:./n", NSB_ERR_NSPATH_RELATIVE, 11);
	assert_parse_err("ipc: /a", NSB_ERR_NSPATH_RELATIVE, 4);
}

static void test_nspaths_accepts_4095_byte_path_and_rejects_4096(void **state)
{
	(void)state;
	/* PATH_MAX (4096) counts the NUL, as the kernel's getname() does: a
	 * path of 4095 bytes opens, one of 4096 is ENAMETOOLONG. */
	size_t n = 4u + NSB_NS_PATH_MAX;
	char *s = malloc(n + 1u);
	assert_non_null(s);
	memcpy(s, "net:", 4);
	memset(s + 4, 'a', n - 4u);
	s[4] = '/';
	s[n] = '\0'; /* path length 4096 */
	struct nsb_ns_paths o;
	struct nsb_error e;
	assert_parse_err(s, NSB_ERR_NSPATH_TOO_LONG, 4);
	s[n - 1u] = '\0'; /* path length 4095 */
	assert_nsb_ok(parse(s, &o, &e), e);
	assert_int_equal(o.paths[0].path.len, NSB_NS_PATH_MAX - 1u);
	/* the limit applies to every element, not just the first */
	char *t = malloc(n + 8u);
	assert_non_null(t);
	memcpy(t, "ipc:/i,net:/", 12);
	memset(t + 12, 'b', NSB_NS_PATH_MAX - 1u);
	t[12 + NSB_NS_PATH_MAX - 1u] = '\0'; /* second path: 4096 bytes */
	assert_parse_err(t, NSB_ERR_NSPATH_TOO_LONG, 11);
	free(t);
	free(s);
}

static void test_nspaths_rejects_duplicate_type(void **state)
{
	(void)state;
	assert_parse_err("ipc:/a,ipc:/b", NSB_ERR_NSPATH_DUPLICATE_TYPE, 7);
	assert_parse_err("ipc:/a,net:/n,ipc:/a", NSB_ERR_NSPATH_DUPLICATE_TYPE, 14);
}

static void test_nspaths_rejects_nul_inside_text(void **state)
{
	(void)state;
	/* direct callers (fuzzers) may pass NUL bytes; a path never holds one */
	struct nsb_ns_paths o;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_int_not_equal(nsb_nspaths_parse("ipc:/a\0b", 8, &o, &e), NSB_OK);
	nsbt_poison(&e);
	assert_int_not_equal(nsb_nspaths_parse("ipc:/a,\0", 8, &o, &e), NSB_OK);
}

static void test_nspaths_reports_first_error_in_text_order(void **state)
{
	(void)state;
	assert_parse_err("ipc:rel,foo:/x", NSB_ERR_NSPATH_RELATIVE, 4);
	assert_parse_err("foo:rel,ipc:", NSB_ERR_NSPATH_UNKNOWN_TYPE, 0);
}

static void test_decode_fills_ns_paths(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, 0);
	mb_str(m, T_NSPATHS, "user:/proc/9/ns/user,mnt:/proc/9/ns/mnt");
	assert_dec_ok_fin(t, NSB_DIALECT_RUNC_1_2);
	assert_true(NSB_HAS(&t->b, NSB_F_NS_PATHS));
	assert_int_equal(t->b.ns_paths.count, 2);
	assert_int_equal(t->b.ns_paths.paths[0].type, NSB_NS_USER);
	assert_view_eq(t->b.ns_paths.paths[0].path, "/proc/9/ns/user");
	assert_int_equal(t->b.ns_paths.paths[1].type, NSB_NS_MNT);
	assert_view_eq(t->b.ns_paths.paths[1].path, "/proc/9/ns/mnt");
}

static void test_nspaths_parse_rejects_null_arguments(void **state)
{
	(void)state;
	static struct nsb_ns_paths paths;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_err(nsb_nspaths_parse("net:/a", 6, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_nspaths_parse(NULL, 6, &paths, &e), e, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE,
	               0);
	nsbt_poison(&e);
	assert_int_not_equal(nsb_nspaths_parse(NULL, 0, &paths, &e), NSB_ERR_INVALID_ARGUMENT);
}

static void test_name_lookups_refuse_null(void **state)
{
	(void)state;
	enum nsb_ns_type t = NSB_NS_MNT;
	enum nsb_dialect d = NSB_DIALECT_RUNC_1_1;
	assert_false(nsb_ns_type_from_name(NULL, 3, &t));
	assert_false(nsb_ns_type_from_name("net", 3, NULL));
	assert_int_equal(t, NSB_NS_MNT);
	assert_false(nsb_dialect_from_name(NULL, &d));
	assert_false(nsb_dialect_from_name("runc-1.2", NULL));
	assert_int_equal(d, NSB_DIALECT_RUNC_1_1);
}

/* Decoding: the parser's errors come back at the attribute (decodecase.h rows). */
static struct nsbt_dcase rows[] = {
        {"test_decode_reports_nspath_error_at_attribute_with_pos",
         .attrs = {A_STR(T_NSPATHS, "ipc:/proc/1/ns/ipc,uts:proc/1/ns/uts")}, .code = NSB_ERR_NSPATH_RELATIVE,
         .at = AT(0), .attr = NSB_ATTR_NS_PATHS, .pos = 23},
        {"test_decode_reports_nspath_duplicate_type_at_attribute_with_pos",
         .attrs = {A_STR(T_NSPATHS, "ipc:/a,ipc:/b")}, .code = NSB_ERR_NSPATH_DUPLICATE_TYPE, .at = AT(0),
         .attr = NSB_ATTR_NS_PATHS, .pos = 7},
};

int main(void)
{
	static const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_ns_type_names_and_flags_match_table),
	        cmocka_unit_test(test_ns_type_from_name_is_exact),
	        cmocka_unit_test(test_nspaths_parses_single_element),
	        cmocka_unit_test(test_nspaths_parses_all_eight_in_message_order),
	        cmocka_unit_test(test_nspaths_path_keeps_colons_after_first),
	        cmocka_unit_test(test_nspaths_rejects_empty_elements),
	        cmocka_unit_test(test_nspaths_rejects_element_without_colon),
	        cmocka_unit_test(test_nspaths_rejects_unknown_type),
	        cmocka_unit_test(test_nspaths_rejects_empty_path),
	        cmocka_unit_test(test_nspaths_rejects_relative_path),
	        cmocka_unit_test(test_nspaths_accepts_4095_byte_path_and_rejects_4096),
	        cmocka_unit_test(test_nspaths_rejects_duplicate_type),
	        cmocka_unit_test(test_nspaths_rejects_nul_inside_text),
	        cmocka_unit_test(test_nspaths_reports_first_error_in_text_order),
	        dec_test(test_decode_fills_ns_paths),
	        cmocka_unit_test(test_nspaths_parse_rejects_null_arguments),
	        cmocka_unit_test(test_name_lookups_refuse_null),
	};
	return nsbt_run_group("nspaths", tests, NSBT_COUNT(tests), rows, NSBT_COUNT(rows));
}
