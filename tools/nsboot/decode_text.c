/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode_text.c - `nsboot decode` readable output: one "key: value" line per
 * field, keys named as in --json; a list repeats its key once per element.
 *
 *   clone_flags:    0x7c020000 (user|ipc|uts|net|pid|mnt)
 *   gid_map:        0 200000 1000
 *   gid_map:        1000 300000 64536
 *
 * Paths are printed with cli_put_escaped (bytes outside printable ASCII as
 * \xNN), mount sources quoted because "" (a non-bind mount) is a value.
 */
#include <inttypes.h>

#include "cli.h"

static void key(const char *name)
{
	(void)printf("%-15s ", name);
}

static void line_u(const char *name, uint64_t v)
{
	key(name);
	(void)printf("%" PRIu64 "\n", v);
}

static void line_bool(const char *name, bool v)
{
	key(name);
	(void)printf("%s\n", v ? "true" : "false");
}

static void line_path(const char *name, struct nsb_str s)
{
	key(name);
	cli_put_escaped(stdout, s.ptr, s.len, false);
	(void)putchar('\n');
}

/* "0x7c020000 (user|ipc|uts|net|pid|mnt)", names in enum nsb_ns_type order. */
static void print_clone_flags(uint32_t flags)
{
	const char *sep = "";

	key("clone_flags:");
	(void)printf("0x%08" PRIx32 " (", flags);
	if (flags == 0) {
		(void)printf("none");
	}
	for (int t = 0; t < NSB_NS_COUNT; t++) {
		if ((flags & nsb_ns_type_flag((enum nsb_ns_type)t)) != 0) {
			(void)printf("%s%s", sep, nsb_ns_type_name((enum nsb_ns_type)t));
			sep = "|";
		}
	}
	(void)printf(")\n");
}

static void print_ns_paths(const struct nsb_ns_paths *ns)
{
	for (size_t i = 0; i < ns->count && i < NSB_NS_COUNT; i++) {
		const char *type = nsb_ns_type_name(ns->paths[i].type);
		key("ns_paths:");
		(void)printf("%s ", type != NULL ? type : "?");
		cli_put_escaped(stdout, ns->paths[i].path.ptr, ns->paths[i].path.len, false);
		(void)putchar('\n');
	}
}

static void print_idmap(const char *name, const struct nsb_idmap *map)
{
	for (size_t i = 0; i < map->count && i < NSB_IDMAP_MAX_EXTENTS; i++) {
		const struct nsb_idmap_extent *x = &map->extents[i];
		key(name);
		(void)printf("%" PRIu32 " %" PRIu32 " %" PRIu32 "\n", x->container_id, x->host_id, x->size);
	}
}

static void print_time_offsets(const struct nsb_time_offsets *offs)
{
	for (size_t i = 0; i < offs->count && i < NSB_CLOCK_COUNT; i++) {
		const struct nsb_time_offset *t = &offs->offsets[i];
		const char *clock = nsb_clock_name(t->clock);
		key("time_offsets:");
		(void)printf("%s %" PRId64 " %" PRIu32 "\n", clock != NULL ? clock : "?", t->secs, t->nsecs);
	}
}

static void print_mount_sources(struct nsb_str sources)
{
	size_t cursor = 0;
	struct nsb_str entry;

	while (nsb_mount_sources_next(sources, &cursor, &entry)) {
		key("mount_sources:");
		cli_put_escaped(stdout, entry.ptr, entry.len, true);
		(void)fputs(entry.len == 0 ? " (not a bind mount)\n" : "\n", stdout);
	}
}

void cli_decode_print_text(const struct nsb_bootstrap *b)
{
	const char *dialect = nsb_dialect_name(b->dialect);

	key("dialect:");
	(void)printf("%s\n", dialect != NULL ? dialect : "unknown");
	line_u("length:", b->length);
	key("flags:");
	(void)printf("0x%04" PRIx16 "\n", b->flags);
	line_u("seq:", b->seq);
	line_u("pid:", b->pid);
	if (NSB_HAS(b, NSB_F_CLONE_FLAGS)) {
		print_clone_flags(b->clone_flags);
	}
	if (NSB_HAS(b, NSB_F_NS_PATHS)) {
		print_ns_paths(&b->ns_paths);
	}
	if (NSB_HAS(b, NSB_F_UIDMAP)) {
		print_idmap("uid_map:", &b->uid_map);
	}
	if (NSB_HAS(b, NSB_F_GIDMAP)) {
		print_idmap("gid_map:", &b->gid_map);
	}
	if (NSB_HAS(b, NSB_F_SETGROUP)) {
		line_bool("setgroups:", b->setgroup);
	}
	if (NSB_HAS(b, NSB_F_OOM_SCORE_ADJ)) {
		key("oom_score_adj:");
		(void)printf("%" PRId32 "\n", b->oom_score_adj);
	}
	if (NSB_HAS(b, NSB_F_ROOTLESS_EUID)) {
		line_bool("rootless_euid:", b->rootless_euid);
	}
	if (NSB_HAS(b, NSB_F_UIDMAPPATH)) {
		line_path("uid_map_helper:", b->uid_map_helper);
	}
	if (NSB_HAS(b, NSB_F_GIDMAPPATH)) {
		line_path("gid_map_helper:", b->gid_map_helper);
	}
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET)) {
		print_time_offsets(&b->time_offsets);
	}
	if (NSB_HAS(b, NSB_F_MOUNT_SOURCES)) {
		print_mount_sources(b->mount_sources);
	}
}
