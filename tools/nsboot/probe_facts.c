/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe_facts.c - every experiment once, into one report with stable keys.
 *
 * The keys and their types are a public contract (docs/probe.md): append,
 * never rename or retype.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probe.h"

static const struct {
	const char *key;
	enum probe_vtype type;
} fact_defs[PROBE_F_COUNT] = {
        [PROBE_F_KERNEL_RELEASE] = {"kernel_release", PROBE_V_STRING},
        [PROBE_F_CPUS_ONLINE] = {"cpus_online", PROBE_V_STRING},
        [PROBE_F_AFFINITY_SEMANTICS] = {"affinity_semantics", PROBE_V_STRING},
        [PROBE_F_CGROUP_V1_CPUSET] = {"cgroup_v1_cpuset", PROBE_V_STRING},
        [PROBE_F_CGROUP_V2] = {"cgroup_v2", PROBE_V_STRING},
        [PROBE_F_CGROUP_V2_CPUSET] = {"cgroup_v2_cpuset", PROBE_V_BOOL},
        [PROBE_F_SETNS_PIDFD] = {"setns_pidfd", PROBE_V_BOOL},
        [PROBE_F_CLONE3] = {"clone3", PROBE_V_BOOL},
        [PROBE_F_CLONE_INTO_CGROUP] = {"clone_into_cgroup", PROBE_V_BOOL},
        [PROBE_F_TIME_NAMESPACES] = {"time_namespaces", PROBE_V_BOOL},
        [PROBE_F_IDMAP_MAX_EXTENTS] = {"idmap_max_extents", PROBE_V_INT},
        [PROBE_F_CAP_SYS_RESOURCE] = {"cap_sys_resource", PROBE_V_BOOL},
        [PROBE_F_RESTORED] = {"restored", PROBE_V_BOOL},
};

const char *probe_fact_key(enum probe_fact_id id)
{
	return (unsigned)id < PROBE_F_COUNT ? fact_defs[id].key : "?";
}

enum probe_vtype probe_fact_type(enum probe_fact_id id)
{
	return (unsigned)id < PROBE_F_COUNT ? fact_defs[id].type : PROBE_V_STRING;
}

static void set_string(struct probe_report *r, enum probe_fact_id id, const char *value)
{
	struct probe_fact *f = &r->facts[id];
	f->known = value != NULL;
	(void)snprintf(f->s, sizeof(f->s), "%s", value ? value : "");
}

static void set_tri(struct probe_report *r, enum probe_fact_id id, enum probe_tri value)
{
	struct probe_fact *f = &r->facts[id];
	f->known = value != PROBE_UNKNOWN;
	f->b = value == PROBE_YES;
}

static void set_bool(struct probe_report *r, enum probe_fact_id id, bool value)
{
	r->facts[id].known = true;
	r->facts[id].b = value;
}

void probe_collect(struct probe_report *r)
{
	struct probe_layout *l = calloc(1, sizeof(*l));
	struct probe_note layout_how;
	bool restored = true, ok = true;
	char text[256];

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < PROBE_F_COUNT; i++) {
		r->facts[i].type = fact_defs[i].type;
	}

	probe_kernel_release(text, sizeof(text));
	set_string(r, PROBE_F_KERNEL_RELEASE, text);
	probe_note_set(&r->facts[PROBE_F_KERNEL_RELEASE].how, "uname(2)");
	int rc = probe_read_text("/sys/devices/system/cpu/online", text, sizeof(text));
	set_string(r, PROBE_F_CPUS_ONLINE, rc == 0 ? text : NULL);
	probe_note_set(&r->facts[PROBE_F_CPUS_ONLINE].how, "/sys/devices/system/cpu/online");

	if (!l || probe_layout_read(l, &layout_how) != 0) {
		if (!l) {
			probe_note_set(&layout_how, "out of memory");
		}
		r->facts[PROBE_F_CGROUP_V1_CPUSET].how = layout_how;
		r->facts[PROBE_F_CGROUP_V2].how = layout_how;
		r->facts[PROBE_F_CGROUP_V2_CPUSET].how = layout_how;
		probe_note_set(&r->facts[PROBE_F_AFFINITY_SEMANTICS].how, "cgroup layout unknown: %s",
		               layout_how.text);
		set_string(r, PROBE_F_AFFINITY_SEMANTICS, "unknown");
	} else {
		set_string(r, PROBE_F_CGROUP_V1_CPUSET, l->v1_cpuset[0] ? l->v1_cpuset : NULL);
		set_string(r, PROBE_F_CGROUP_V2, l->v2[0] ? l->v2 : NULL);
		set_bool(r, PROBE_F_CGROUP_V2_CPUSET, l->v2_cpuset);
		r->facts[PROBE_F_CGROUP_V1_CPUSET].how = layout_how;
		r->facts[PROBE_F_CGROUP_V2].how = layout_how;
		r->facts[PROBE_F_CGROUP_V2_CPUSET].how = layout_how;
		/* the two paths stay null (known = false) when not mounted: docs/probe.md */

		enum probe_semantics sem =
		        probe_affinity_semantics(l, &r->facts[PROBE_F_AFFINITY_SEMANTICS].how, &restored);
		ok &= restored;
		set_string(r, PROBE_F_AFFINITY_SEMANTICS, probe_semantics_name(sem));

		set_tri(r, PROBE_F_CLONE_INTO_CGROUP,
		        probe_has_clone_into_cgroup(l, &r->facts[PROBE_F_CLONE_INTO_CGROUP].how, &restored));
		ok &= restored;
	}
	if (!l) {
		set_tri(r, PROBE_F_CLONE_INTO_CGROUP, PROBE_UNKNOWN);
	}
	set_tri(r, PROBE_F_SETNS_PIDFD, probe_has_setns_pidfd(&r->facts[PROBE_F_SETNS_PIDFD].how));
	set_tri(r, PROBE_F_CLONE3, probe_has_clone3(&r->facts[PROBE_F_CLONE3].how));
	set_tri(r, PROBE_F_TIME_NAMESPACES,
	        probe_has_time_namespaces(&r->facts[PROBE_F_TIME_NAMESPACES].how));
	int max = probe_idmap_max_extents(&r->facts[PROBE_F_IDMAP_MAX_EXTENTS].how);
	r->facts[PROBE_F_IDMAP_MAX_EXTENTS].known = max > 0;
	r->facts[PROBE_F_IDMAP_MAX_EXTENTS].i = max;
	set_tri(r, PROBE_F_CAP_SYS_RESOURCE,
	        probe_has_cap_sys_resource(&r->facts[PROBE_F_CAP_SYS_RESOURCE].how));

	set_bool(r, PROBE_F_RESTORED, ok);
	probe_note_set(
	        &r->facts[PROBE_F_RESTORED].how, "%s",
	        ok ? "every scratch cgroup and subtree_control change was undone"
	           : "a scratch cgroup or subtree_control change could NOT be undone: see the notes above");
	free(l);
}
