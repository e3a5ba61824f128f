/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_cross.c - rules across attributes, checked after the walk and
 * the required-attribute check, in the conventions' order:
 * NS_CLONE_AND_JOIN, IDMAP_WITHOUT_NEWUSER (UIDMAP, then GIDMAP),
 * SETGROUP_WITHOUT_GIDMAP, HELPER_WITHOUT_MAP (UIDMAPPATH, then GIDMAPPATH),
 * TIMENS_WITHOUT_NEWTIME. offset/attr name the dependent attribute.
 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#define D12 NSB_DIALECT_RUNC_1_2
#define D11 NSB_DIALECT_RUNC_1_1

/* name in NS_PATHS and CLONE_NEW* flag of each type, in enum order */
static const struct {
	const char *name;
	uint32_t flag;
} ns[] = {
        {"user", CL_NEWUSER}, {"ipc", CL_NEWIPC}, {"uts", CL_NEWUTS},       {"net", CL_NEWNET},
        {"pid", CL_NEWPID},   {"mnt", CL_NEWNS},  {"cgroup", CL_NEWCGROUP}, {"time", CL_NEWTIME},
};

static void test_decode_rejects_creating_and_joining_each_namespace(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	char text[64];
	for (size_t i = 0; i < sizeof ns / sizeof ns[0]; i++) {
		snprintf(text, sizeof text, "%s:/proc/1/ns/%s", ns[i].name, ns[i].name);
		mb_base(&m, ns[i].flag);
		size_t a = mb_str(&m, T_NSPATHS, text);
		mb_finish(&m);
		assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_NS_CLONE_AND_JOIN, (uint32_t)a,
		               NSB_ATTR_NS_PATHS, 0);
		mb_free(&m);
	}
}

static void test_decode_reports_position_of_element_joined_and_created(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* "ipc:/a,net:/b,uts:/c": net starts at 7 */
	mb_base(&m, CL_NEWNET | CL_NEWPID);
	size_t a = mb_str(&m, T_NSPATHS, "ipc:/a,net:/b,uts:/c");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_NS_CLONE_AND_JOIN, (uint32_t)a, NSB_ATTR_NS_PATHS,
	               7);
	mb_free(&m);
	/* two conflicts: the first element in the text is reported */
	mb_base(&m, CL_NEWUTS | CL_NEWNET);
	a = mb_str(&m, T_NSPATHS, "ipc:/a,net:/b,uts:/c");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_NS_CLONE_AND_JOIN, (uint32_t)a, NSB_ATTR_NS_PATHS,
	               7);
	mb_free(&m);
}

static void test_decode_accepts_creating_some_and_joining_others(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS | CL_NEWPID | CL_NEWUTS);
	mb_str(&m, T_NSPATHS, "net:/var/run/netns/x,ipc:/proc/7/ns/ipc,user:/proc/7/ns/user");
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_int_equal(b.ns_paths.count, 3);
	mb_free(&m);
}

static void test_decode_rejects_uidmap_without_newuser(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS);
	size_t a = mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_IDMAP_WITHOUT_NEWUSER, (uint32_t)a,
	               NSB_ATTR_UIDMAP, 0);
	mb_free(&m);
}

static void test_decode_rejects_gidmap_without_newuser(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS);
	size_t a = mb_str(&m, T_GIDMAP, "0 1000 1\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_IDMAP_WITHOUT_NEWUSER, (uint32_t)a,
	               NSB_ATTR_GIDMAP, 0);
	mb_free(&m);
}

static void test_decode_rejects_idmap_when_joining_user_namespace(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* maps belong to a namespace being created; a joined one has its own */
	mb_base(&m, 0);
	mb_str(&m, T_NSPATHS, "user:/proc/7/ns/user");
	size_t a = mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_IDMAP_WITHOUT_NEWUSER, (uint32_t)a,
	               NSB_ATTR_UIDMAP, 0);
	mb_free(&m);
}

static void test_decode_reports_uidmap_before_gidmap_regardless_of_order(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, 0);
	mb_str(&m, T_GIDMAP, "0 1000 1\n");
	size_t a = mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_IDMAP_WITHOUT_NEWUSER, (uint32_t)a,
	               NSB_ATTR_UIDMAP, 0);
	mb_free(&m);
}

static void test_decode_accepts_maps_with_newuser(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_str(&m, T_GIDMAP, "0 1000 1\n");
	mb_u32(&m, T_SETGROUP, 1);
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D12, &b, &e), e);
	assert_true(b.setgroup);
	mb_free(&m);
}

static void test_decode_rejects_setgroup_without_gidmap(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_UIDMAP, "0 1000 1\n");
	size_t a = mb_u32(&m, T_SETGROUP, 1);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_SETGROUP_WITHOUT_GIDMAP, (uint32_t)a,
	               NSB_ATTR_SETGROUP, 0);
	mb_free(&m);
}

static void test_decode_rejects_uidmappath_without_uidmap(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	/* the GID side alone does not license the UID helper */
	mb_base(&m, CL_NEWUSER);
	size_t a = mb_str(&m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(&m, T_GIDMAP, "0 1000 1\n");
	mb_str(&m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_HELPER_WITHOUT_MAP, (uint32_t)a,
	               NSB_ATTR_UIDMAPPATH, 0);
	mb_free(&m);
}

static void test_decode_rejects_gidmappath_without_gidmap(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_str(&m, T_UIDMAP, "0 1000 1\n");
	size_t a = mb_str(&m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_HELPER_WITHOUT_MAP, (uint32_t)a,
	               NSB_ATTR_GIDMAPPATH, 0);
	mb_free(&m);
}

static void test_decode_reports_uidmappath_before_gidmappath(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_GIDPATH, "/usr/bin/newgidmap");
	size_t a = mb_str(&m, T_UIDPATH, "/usr/bin/newuidmap");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_HELPER_WITHOUT_MAP, (uint32_t)a,
	               NSB_ATTR_UIDMAPPATH, 0);
	mb_free(&m);
}

static void test_decode_rejects_timens_offsets_without_newtime(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS | CL_NEWPID);
	size_t a = mb_str(&m, T_TIMENS, "monotonic 1 0\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_TIMENS_WITHOUT_NEWTIME, (uint32_t)a,
	               NSB_ATTR_TIMENSOFFSET, 0);
	mb_free(&m);
	/* joining a time namespace is not creating one */
	mb_base(&m, 0);
	mb_str(&m, T_NSPATHS, "time:/proc/7/ns/time");
	a = mb_str(&m, T_TIMENS, "monotonic 1 0\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_TIMENS_WITHOUT_NEWTIME, (uint32_t)a,
	               NSB_ATTR_TIMENSOFFSET, 0);
	mb_free(&m);
}

static void test_decode_accepts_mount_sources_without_newtime_in_runc_1_1(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNS);
	mb_bytes(&m, T_MOUNTSRC, "/a\0", 4);
	mb_finish(&m);
	assert_nsb_ok(tdecode(&m, D11, &b, &e), e);
	assert_int_equal(b.mount_source_count, 1);
	mb_free(&m);
}

/* ---- order between rules ------------------------------------------------- */

static void test_decode_checks_required_before_cross_rules(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_new(&m);
	mb_str(&m, T_UIDMAP, "0 1000 1\n"); /* no NEWUSER: but CLONE_FLAGS is missing */
	mb_u32(&m, T_ROOTLESS, 0);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_MISSING, (uint32_t)m.len,
	               NSB_ATTR_CLONE_FLAGS, 0);
	mb_free(&m);
}

static void test_decode_checks_whole_walk_before_cross_rules(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, 0);
	mb_str(&m, T_UIDMAP, "0 1000 1\n"); /* cross violation first in bytes */
	size_t a = mb_u32(&m, 27299, 0);    /* unknown later */
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_ATTR_UNKNOWN, (uint32_t)a, 27299, 0);
	mb_free(&m);
}

static void test_decode_orders_clone_and_join_before_idmap_rule(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWNET);
	mb_str(&m, T_UIDMAP, "0 1000 1\n");
	size_t a = mb_str(&m, T_NSPATHS, "net:/n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_NS_CLONE_AND_JOIN, (uint32_t)a, NSB_ATTR_NS_PATHS,
	               0);
	mb_free(&m);
}

static void test_decode_orders_idmap_rule_before_setgroup_rule(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, 0);
	mb_u32(&m, T_SETGROUP, 1);
	size_t a = mb_str(&m, T_UIDMAP, "0 1000 1\n");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_IDMAP_WITHOUT_NEWUSER, (uint32_t)a,
	               NSB_ATTR_UIDMAP, 0);
	mb_free(&m);
}

static void test_decode_orders_setgroup_rule_before_helper_rule(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_UIDPATH, "/usr/bin/newuidmap");
	size_t a = mb_u32(&m, T_SETGROUP, 1);
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_SETGROUP_WITHOUT_GIDMAP, (uint32_t)a,
	               NSB_ATTR_SETGROUP, 0);
	mb_free(&m);
}

static void test_decode_orders_helper_rule_before_timens_rule(void **state)
{
	(void)state;
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
	mb_base(&m, CL_NEWUSER);
	mb_str(&m, T_TIMENS, "boottime 1 0\n");
	size_t a = mb_str(&m, T_GIDPATH, "/usr/bin/newgidmap");
	mb_finish(&m);
	assert_nsb_err(tdecode(&m, D12, &b, &e), e, NSB_ERR_HELPER_WITHOUT_MAP, (uint32_t)a,
	               NSB_ATTR_GIDMAPPATH, 0);
	mb_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_decode_rejects_creating_and_joining_each_namespace),
	        cmocka_unit_test(test_decode_reports_position_of_element_joined_and_created),
	        cmocka_unit_test(test_decode_accepts_creating_some_and_joining_others),
	        cmocka_unit_test(test_decode_rejects_uidmap_without_newuser),
	        cmocka_unit_test(test_decode_rejects_gidmap_without_newuser),
	        cmocka_unit_test(test_decode_rejects_idmap_when_joining_user_namespace),
	        cmocka_unit_test(test_decode_reports_uidmap_before_gidmap_regardless_of_order),
	        cmocka_unit_test(test_decode_accepts_maps_with_newuser),
	        cmocka_unit_test(test_decode_rejects_setgroup_without_gidmap),
	        cmocka_unit_test(test_decode_rejects_uidmappath_without_uidmap),
	        cmocka_unit_test(test_decode_rejects_gidmappath_without_gidmap),
	        cmocka_unit_test(test_decode_reports_uidmappath_before_gidmappath),
	        cmocka_unit_test(test_decode_rejects_timens_offsets_without_newtime),
	        cmocka_unit_test(test_decode_accepts_mount_sources_without_newtime_in_runc_1_1),
	        cmocka_unit_test(test_decode_checks_required_before_cross_rules),
	        cmocka_unit_test(test_decode_checks_whole_walk_before_cross_rules),
	        cmocka_unit_test(test_decode_orders_clone_and_join_before_idmap_rule),
	        cmocka_unit_test(test_decode_orders_idmap_rule_before_setgroup_rule),
	        cmocka_unit_test(test_decode_orders_setgroup_rule_before_helper_rule),
	        cmocka_unit_test(test_decode_orders_helper_rule_before_timens_rule),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
