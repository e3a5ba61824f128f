/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_decode_cross.c - rules across attributes, checked after the walk and
 * the required-attribute check, in the conventions' order:
 * NS_CLONE_AND_JOIN, IDMAP_WITHOUT_NEWUSER (UIDMAP, then GIDMAP),
 * SETGROUP_WITHOUT_GIDMAP, HELPER_WITHOUT_MAP (UIDMAPPATH, then GIDMAPPATH),
 * TIMENS_WITHOUT_NEWTIME. offset/attr name the dependent attribute.
 *
 * Each rejection is one row of `rows` (decodecase.h): the message after
 * mb_base(clone_flags), and the error, whose offset is that of attrs[i]
 * where .at = AT(i).
 */
#include "decodecase.h"

#define MAP  "0 1000 1\n"
#define UHLP "/usr/bin/newuidmap"
#define GHLP "/usr/bin/newgidmap"

/* NS_CLONE_AND_JOIN for one namespace: created by @flag, joined by @text. */
/* clang-format off */
#define CLONE_AND_JOIN(name, flag, text) \
	{name, .clone_flags = (flag), .attrs = {A_STR(T_NSPATHS, text)}, \
	 .code = NSB_ERR_NS_CLONE_AND_JOIN, .at = AT(0), .attr = NSB_ATTR_NS_PATHS}
/* clang-format on */

static struct nsbt_dcase rows[] = {
        /* ---- NS_CLONE_AND_JOIN: every namespace type, then the position ---- */
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_user_namespace", CL_NEWUSER,
                       "user:/proc/1/ns/user"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_ipc_namespace", CL_NEWIPC,
                       "ipc:/proc/1/ns/ipc"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_uts_namespace", CL_NEWUTS,
                       "uts:/proc/1/ns/uts"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_net_namespace", CL_NEWNET,
                       "net:/proc/1/ns/net"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_pid_namespace", CL_NEWPID,
                       "pid:/proc/1/ns/pid"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_mnt_namespace", CL_NEWNS,
                       "mnt:/proc/1/ns/mnt"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_cgroup_namespace", CL_NEWCGROUP,
                       "cgroup:/proc/1/ns/cgroup"),
        CLONE_AND_JOIN("test_decode_rejects_creating_and_joining_time_namespace", CL_NEWTIME,
                       "time:/proc/1/ns/time"),
        /* "ipc:/a,net:/b,uts:/c": net starts at 7 */
        {"test_decode_reports_position_of_element_joined_and_created", .clone_flags = CL_NEWNET | CL_NEWPID,
         .attrs = {A_STR(T_NSPATHS, "ipc:/a,net:/b,uts:/c")}, .code = NSB_ERR_NS_CLONE_AND_JOIN, .at = AT(0),
         .attr = NSB_ATTR_NS_PATHS, .pos = 7},
        /* two conflicts (net at 7, uts at 14): the first in the text is reported */
        {"test_decode_reports_first_element_joined_and_created_in_text_order",
         .clone_flags = CL_NEWUTS | CL_NEWNET, .attrs = {A_STR(T_NSPATHS, "ipc:/a,net:/b,uts:/c")},
         .code = NSB_ERR_NS_CLONE_AND_JOIN, .at = AT(0), .attr = NSB_ATTR_NS_PATHS, .pos = 7},

        /* ---- IDMAP_WITHOUT_NEWUSER ---- */
        {"test_decode_rejects_uidmap_without_newuser", .clone_flags = CL_NEWNS,
         .attrs = {A_STR(T_UIDMAP, MAP)}, .code = NSB_ERR_IDMAP_WITHOUT_NEWUSER, .at = AT(0),
         .attr = NSB_ATTR_UIDMAP},
        {"test_decode_rejects_gidmap_without_newuser", .clone_flags = CL_NEWNS,
         .attrs = {A_STR(T_GIDMAP, MAP)}, .code = NSB_ERR_IDMAP_WITHOUT_NEWUSER, .at = AT(0),
         .attr = NSB_ATTR_GIDMAP},
        /* maps belong to a namespace being created; a joined one has its own */
        {"test_decode_rejects_idmap_when_joining_user_namespace",
         .attrs = {A_STR(T_NSPATHS, "user:/proc/7/ns/user"), A_STR(T_UIDMAP, MAP)},
         .code = NSB_ERR_IDMAP_WITHOUT_NEWUSER, .at = AT(1), .attr = NSB_ATTR_UIDMAP},
        {"test_decode_reports_uidmap_before_gidmap_regardless_of_order",
         .attrs = {A_STR(T_GIDMAP, MAP), A_STR(T_UIDMAP, MAP)}, .code = NSB_ERR_IDMAP_WITHOUT_NEWUSER,
         .at = AT(1), .attr = NSB_ATTR_UIDMAP},

        /* ---- SETGROUP_WITHOUT_GIDMAP ---- */
        {"test_decode_rejects_setgroup_without_gidmap", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDMAP, MAP), A_U32(T_SETGROUP, 1)}, .code = NSB_ERR_SETGROUP_WITHOUT_GIDMAP,
         .at = AT(1), .attr = NSB_ATTR_SETGROUP},

        /* ---- HELPER_WITHOUT_MAP ---- */
        /* the GID side alone does not license the UID helper */
        {"test_decode_rejects_uidmappath_without_uidmap", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDPATH, UHLP), A_STR(T_GIDMAP, MAP), A_STR(T_GIDPATH, GHLP)},
         .code = NSB_ERR_HELPER_WITHOUT_MAP, .at = AT(0), .attr = NSB_ATTR_UIDMAPPATH},
        {"test_decode_rejects_gidmappath_without_gidmap", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDPATH, UHLP), A_STR(T_UIDMAP, MAP), A_STR(T_GIDPATH, GHLP)},
         .code = NSB_ERR_HELPER_WITHOUT_MAP, .at = AT(2), .attr = NSB_ATTR_GIDMAPPATH},
        {"test_decode_reports_uidmappath_before_gidmappath", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_GIDPATH, GHLP), A_STR(T_UIDPATH, UHLP)}, .code = NSB_ERR_HELPER_WITHOUT_MAP,
         .at = AT(1), .attr = NSB_ATTR_UIDMAPPATH},

        /* ---- TIMENS_WITHOUT_NEWTIME ---- */
        {"test_decode_rejects_timens_offsets_without_newtime", .clone_flags = CL_NEWNS | CL_NEWPID,
         .attrs = {A_STR(T_TIMENS, "monotonic 1 0\n")}, .code = NSB_ERR_TIMENS_WITHOUT_NEWTIME, .at = AT(0),
         .attr = NSB_ATTR_TIMENSOFFSET},
        /* joining a time namespace is not creating one */
        {"test_decode_rejects_timens_offsets_when_joining_time_namespace",
         .attrs = {A_STR(T_NSPATHS, "time:/proc/7/ns/time"), A_STR(T_TIMENS, "monotonic 1 0\n")},
         .code = NSB_ERR_TIMENS_WITHOUT_NEWTIME, .at = AT(1), .attr = NSB_ATTR_TIMENSOFFSET},

        /* ---- order between rules ---- */
        /* no NEWUSER, but CLONE_FLAGS is missing: reported at the end */
        {"test_decode_checks_required_before_cross_rules", .bare = true,
         .attrs = {A_STR(T_UIDMAP, MAP), A_U32(T_ROOTLESS, 0)}, .code = NSB_ERR_ATTR_MISSING, .at = AT_END,
         .attr = NSB_ATTR_CLONE_FLAGS},
        /* the cross violation comes first in bytes, the unknown type later */
        {"test_decode_checks_whole_walk_before_cross_rules", .attrs = {A_STR(T_UIDMAP, MAP), A_U32(27299, 0)},
         .code = NSB_ERR_ATTR_UNKNOWN, .at = AT(1), .attr = 27299},
        {"test_decode_orders_clone_and_join_before_idmap_rule", .clone_flags = CL_NEWNET,
         .attrs = {A_STR(T_UIDMAP, MAP), A_STR(T_NSPATHS, "net:/n")}, .code = NSB_ERR_NS_CLONE_AND_JOIN,
         .at = AT(1), .attr = NSB_ATTR_NS_PATHS},
        {"test_decode_orders_idmap_rule_before_setgroup_rule",
         .attrs = {A_U32(T_SETGROUP, 1), A_STR(T_UIDMAP, MAP)}, .code = NSB_ERR_IDMAP_WITHOUT_NEWUSER,
         .at = AT(1), .attr = NSB_ATTR_UIDMAP},
        {"test_decode_orders_setgroup_rule_before_helper_rule", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_UIDPATH, UHLP), A_U32(T_SETGROUP, 1)}, .code = NSB_ERR_SETGROUP_WITHOUT_GIDMAP,
         .at = AT(1), .attr = NSB_ATTR_SETGROUP},
        {"test_decode_orders_helper_rule_before_timens_rule", .clone_flags = CL_NEWUSER,
         .attrs = {A_STR(T_TIMENS, "boottime 1 0\n"), A_STR(T_GIDPATH, GHLP)},
         .code = NSB_ERR_HELPER_WITHOUT_MAP, .at = AT(1), .attr = NSB_ATTR_GIDMAPPATH},
};

/* ---- what the rules let through ---------------------------------------------- */

static void test_decode_accepts_creating_some_and_joining_others(void **state)
{
	struct nsbt_dec *t = *state;
	mb_str(dec_base(t, CL_NEWNS | CL_NEWPID | CL_NEWUTS), T_NSPATHS,
	       "net:/var/run/netns/x,ipc:/proc/7/ns/ipc,user:/proc/7/ns/user");
	assert_dec_ok_fin(t, D12);
	assert_int_equal(t->b.ns_paths.count, 3);
}

static void test_decode_accepts_maps_with_newuser(void **state)
{
	struct nsbt_dec *t = *state;
	struct mb *m = dec_base(t, CL_NEWUSER);
	mb_str(m, T_UIDMAP, MAP);
	mb_str(m, T_GIDMAP, MAP);
	mb_u32(m, T_SETGROUP, 1);
	assert_dec_ok_fin(t, D12);
	assert_true(t->b.setgroup);
}

static void test_decode_accepts_mount_sources_without_newtime_in_runc_1_1(void **state)
{
	struct nsbt_dec *t = *state;
	mb_bytes(dec_base(t, CL_NEWNS), T_MOUNTSRC, "/a\0", 4);
	assert_dec_ok_fin(t, D11);
	assert_int_equal(t->b.mount_source_count, 1);
}

int main(void)
{
	static const struct CMUnitTest fns[] = {
	        dec_test(test_decode_accepts_creating_some_and_joining_others),
	        dec_test(test_decode_accepts_maps_with_newuser),
	        dec_test(test_decode_accepts_mount_sources_without_newtime_in_runc_1_1),
	};
	return nsbt_run_group("decode_cross", fns, NSBT_COUNT(fns), rows, NSBT_COUNT(rows));
}
