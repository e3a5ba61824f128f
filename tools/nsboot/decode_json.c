/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode_json.c - `nsboot decode --json`: one JSON object per message.
 *
 * Keys, in this order: dialect, length, flags, seq, pid (header), then one
 * key per attribute present in the message, none for an absent one:
 * clone_flags, ns_paths [{type,path}] (message order), uid_map, gid_map
 * [{container_id,host_id,size}], setgroups, oom_score_adj, rootless_euid,
 * uid_map_helper, gid_map_helper, time_offsets [{clock,secs,nsecs}]
 * (runc-1.2), mount_sources [string] (runc-1.1; "" for a non-bind mount).
 * The key names are stable output, as are the error names.
 */
#include "cli.h"

/* A new object appended to @arr; NULL (and nothing leaked) on ENOMEM. */
static cJSON *append_object(cJSON *arr)
{
	cJSON *e = cJSON_CreateObject();

	if (e != NULL && !cJSON_AddItemToArray(arr, e)) {
		cJSON_Delete(e);
		return NULL;
	}
	return e;
}

static bool add_header(cJSON *o, const struct nsb_bootstrap *b)
{
	const char *dialect = nsb_dialect_name(b->dialect);

	return cJSON_AddStringToObject(o, "dialect", dialect != NULL ? dialect : "unknown") != NULL &&
	       cli_json_add_uint(o, "length", b->length) && cli_json_add_uint(o, "flags", b->flags) &&
	       cli_json_add_uint(o, "seq", b->seq) && cli_json_add_uint(o, "pid", b->pid);
}

static bool add_ns_paths(cJSON *o, const struct nsb_ns_paths *ns)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "ns_paths");

	if (arr == NULL) {
		return false;
	}
	for (size_t i = 0; i < ns->count && i < NSB_NS_COUNT; i++) {
		const struct nsb_ns_path *p = &ns->paths[i];
		const char *type = nsb_ns_type_name(p->type);
		cJSON *e = append_object(arr);
		if (e == NULL ||
		    cJSON_AddStringToObject(e, "type", type != NULL ? type : "unknown") == NULL ||
		    !cli_json_add_bytes(e, "path", p->path.ptr, p->path.len)) {
			return false;
		}
	}
	return true;
}

static bool add_idmap(cJSON *o, const char *key, const struct nsb_idmap *map)
{
	cJSON *arr = cJSON_AddArrayToObject(o, key);

	if (arr == NULL) {
		return false;
	}
	for (size_t i = 0; i < map->count && i < NSB_IDMAP_MAX_EXTENTS; i++) {
		const struct nsb_idmap_extent *x = &map->extents[i];
		cJSON *e = append_object(arr);
		if (e == NULL || !cli_json_add_uint(e, "container_id", x->container_id) ||
		    !cli_json_add_uint(e, "host_id", x->host_id) || !cli_json_add_uint(e, "size", x->size)) {
			return false;
		}
	}
	return true;
}

static bool add_time_offsets(cJSON *o, const struct nsb_time_offsets *offs)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "time_offsets");

	if (arr == NULL) {
		return false;
	}
	for (size_t i = 0; i < offs->count && i < NSB_CLOCK_COUNT; i++) {
		const struct nsb_time_offset *t = &offs->offsets[i];
		const char *clock = nsb_clock_name(t->clock);
		cJSON *e = append_object(arr);
		if (e == NULL ||
		    cJSON_AddStringToObject(e, "clock", clock != NULL ? clock : "unknown") == NULL ||
		    !cli_json_add_int(e, "secs", t->secs) || !cli_json_add_uint(e, "nsecs", t->nsecs)) {
			return false;
		}
	}
	return true;
}

static bool add_mount_sources(cJSON *o, struct nsb_str sources)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "mount_sources");
	size_t cursor = 0;
	struct nsb_str entry;

	if (arr == NULL) {
		return false;
	}
	while (nsb_mount_sources_next(sources, &cursor, &entry)) {
		cJSON *s = cli_json_bytes(entry.ptr, entry.len);
		if (s == NULL) {
			return false;
		}
		if (!cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return true;
}

/* The attributes, in the documented key order; false on ENOMEM. */
static bool add_attrs(cJSON *o, const struct nsb_bootstrap *b)
{
	if (NSB_HAS(b, NSB_F_CLONE_FLAGS) && !cli_json_add_uint(o, "clone_flags", b->clone_flags)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_NS_PATHS) && !add_ns_paths(o, &b->ns_paths)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_UIDMAP) && !add_idmap(o, "uid_map", &b->uid_map)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_GIDMAP) && !add_idmap(o, "gid_map", &b->gid_map)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_SETGROUP) && cJSON_AddBoolToObject(o, "setgroups", b->setgroup) == NULL) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_OOM_SCORE_ADJ) && !cli_json_add_int(o, "oom_score_adj", b->oom_score_adj)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_ROOTLESS_EUID) &&
	    cJSON_AddBoolToObject(o, "rootless_euid", b->rootless_euid) == NULL) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_UIDMAPPATH) &&
	    !cli_json_add_bytes(o, "uid_map_helper", b->uid_map_helper.ptr, b->uid_map_helper.len)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_GIDMAPPATH) &&
	    !cli_json_add_bytes(o, "gid_map_helper", b->gid_map_helper.ptr, b->gid_map_helper.len)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET) && !add_time_offsets(o, &b->time_offsets)) {
		return false;
	}
	if (NSB_HAS(b, NSB_F_MOUNT_SOURCES) && !add_mount_sources(o, b->mount_sources)) {
		return false;
	}
	return true;
}

bool cli_decode_print_json(const struct nsb_bootstrap *b)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_header(o, b) && add_attrs(o, b) && cli_json_print(o);

	cJSON_Delete(o);
	return ok;
}

bool cli_decode_print_json_error(const struct nsb_error *err)
{
	char message[256];
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL;

	if (cli_err_has_pos(err->code)) {
		(void)snprintf(message, sizeof(message), "%s (payload position %u)",
		               nsb_error_describe(err->code), (unsigned)err->pos);
	} else {
		(void)snprintf(message, sizeof(message), "%s", nsb_error_describe(err->code));
	}
	ok = ok && cJSON_AddStringToObject(o, "error", nsb_error_name(err->code)) != NULL;
	ok = ok && cli_json_add_uint(o, "offset", err->offset);
	if (err->attr == NSB_ATTR_NONE) {
		ok = ok && cJSON_AddNullToObject(o, "attr") != NULL;
	} else {
		ok = ok && cli_json_add_int(o, "attr", err->attr);
	}
	ok = ok && cJSON_AddStringToObject(o, "message", message) != NULL;
	ok = ok && cli_json_print(o);
	cJSON_Delete(o);
	return ok;
}
