/* SPDX-License-Identifier: Apache-2.0 */
/*
 * encode_build.c - turn `nsboot encode`'s option values into a struct
 * nsb_bootstrap, validating each value with the core's own payload parser
 * (so the CLI accepts exactly what the decoder accepts, no second grammar).
 *
 * A repeatable option's values are joined into the attribute's payload text
 * ("C H S\n" lines, "type:path,..." elements, "src\0" entries) and parsed
 * once, so rules across values (overlapping extents, a namespace type given
 * twice) are the parser's too; an error position is traced back to the value.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "encode.h"

static void joined_free(struct cli_joined *j)
{
	free(j->text);
	free(j->start);
	j->text = NULL;
	j->start = NULL;
	j->len = 0;
	j->n = 0;
}

void cli_encode_bufs_free(struct cli_encode_bufs *bufs)
{
	joined_free(&bufs->ns);
	joined_free(&bufs->uid_map);
	joined_free(&bufs->gid_map);
	joined_free(&bufs->time_offsets);
	joined_free(&bufs->mount_sources);
}

/*
 * join - @l's values with @sep after each one (@terminate) or between them.
 * False on ENOMEM.
 */
static bool join(const struct cli_arglist *l, char sep, bool terminate, struct cli_joined *j)
{
	size_t total = 1;
	size_t o = 0;

	for (size_t i = 0; i < l->n; i++) {
		total += strlen(l->v[i]) + 1;
	}
	j->text = malloc(total);
	j->start = calloc(l->n > 0 ? l->n : 1, sizeof(*j->start));
	if (j->text == NULL || j->start == NULL) {
		joined_free(j);
		return false;
	}
	for (size_t i = 0; i < l->n; i++) {
		size_t n = strlen(l->v[i]);
		if (i > 0 && !terminate) {
			j->text[o++] = sep;
		}
		j->start[i] = o;
		memcpy(j->text + o, l->v[i], n);
		o += n;
		if (terminate) {
			j->text[o++] = sep;
		}
	}
	j->text[o] = '\0';
	j->len = o;
	j->n = l->n;
	return true;
}

/* value_at - index of the value holding position @pos of @j; *within = @pos inside it. */
static size_t value_at(const struct cli_joined *j, size_t pos, size_t *within)
{
	size_t i = 0;

	while (i + 1 < j->n && j->start[i + 1] <= pos) {
		i++;
	}
	*within = pos >= j->start[i] ? pos - j->start[i] : 0;
	return i;
}

/* The bytes of value @i of @j joined with separators between values (--ns). */
static struct nsb_str value_text(const struct cli_joined *j, size_t i)
{
	size_t end = i + 1 < j->n ? j->start[i + 1] - 1 : j->len;
	struct nsb_str s = {j->text + j->start[i], end - j->start[i]};
	return s;
}

/* "nsboot encode: OPT 'VALUE': NAME at position P: description"; returns CLI_EXIT_INVALID. */
static int report_value(const char *opt, struct nsb_str value, enum nsb_err code, size_t pos)
{
	(void)fprintf(stderr, "nsboot encode: %s ", opt);
	cli_put_escaped(stderr, value.ptr, value.len, true);
	(void)fprintf(stderr, ": %s at position %zu: %s\n", nsb_error_name(code), pos,
	              nsb_error_describe(code));
	return CLI_EXIT_INVALID;
}

/*
 * Report a parser's error on the joined text @j of the values @l, naming the
 * value it points into as the user typed it (joining and the ':' -> ' ' of
 * --time-offset keep positions, so the position inside the value holds).
 */
static int report_list(const char *opt, const struct cli_arglist *l, const struct cli_joined *j,
                       enum nsb_err code, const struct nsb_error *err)
{
	size_t within = 0;
	size_t i = value_at(j, err->pos, &within);
	struct nsb_str v = {l->v[i], strlen(l->v[i])};
	return report_value(opt, v, code, within);
}

/*
 * parse_clone_flags - "mnt|uts,ipc" (short names as in NS_PATHS, '|' or ','
 * between them) or a number (decimal or 0x hex). Bits outside the namespace
 * mask are left for nsb_encode to reject by name (CLONE_FLAGS).
 */
static bool parse_clone_flags(const char *s, uint32_t *out)
{
	uint32_t flags = 0;

	if (s[0] >= '0' && s[0] <= '9') {
		return cli_parse_u32(s, out);
	}
	for (;;) {
		size_t n = strcspn(s, "|,");
		enum nsb_ns_type t;
		if (n == 0 || !nsb_ns_type_from_name(s, n, &t)) {
			return false;
		}
		flags |= nsb_ns_type_flag(t);
		if (s[n] == '\0') {
			break;
		}
		s += n + 1;
	}
	*out = flags;
	return true;
}

/* Single-valued attributes; CLONE_FLAGS and ROOTLESS_EUID were set by nsb_bootstrap_init. */
static int build_scalars(const struct cli_encode_args *a, struct nsb_bootstrap *b)
{
	struct nsb_error err = {0};

	if (!parse_clone_flags(a->clone_flags, &b->clone_flags)) {
		return cli_usage(
		        "encode",
		        "--clone-flags '%s' is neither a list of mnt,uts,ipc,pid,net,user,cgroup,time "
		        "(separated by '|' or ',') nor a number",
		        a->clone_flags);
	}
	if (a->seq != NULL && !cli_parse_u32(a->seq, &b->seq)) {
		return cli_usage("encode", "--seq needs a number from 0 to 4294967295, not '%s'", a->seq);
	}
	b->rootless_euid = a->rootless_euid;
	if (a->setgroups) {
		b->setgroup = true;
		NSB_SET(b, NSB_F_SETGROUP);
	}
	if (a->oom_score_adj != NULL) {
		struct nsb_str v = {a->oom_score_adj, strlen(a->oom_score_adj)};
		enum nsb_err code = nsb_oom_parse(v.ptr, v.len, &b->oom_score_adj, &err);
		if (code != NSB_OK) {
			return report_value("--oom-score-adj", v, code, err.pos);
		}
		NSB_SET(b, NSB_F_OOM_SCORE_ADJ);
	}
	if (a->uid_map_helper != NULL) {
		b->uid_map_helper.ptr = a->uid_map_helper;
		b->uid_map_helper.len = strlen(a->uid_map_helper);
		NSB_SET(b, NSB_F_UIDMAPPATH);
	}
	if (a->gid_map_helper != NULL) {
		b->gid_map_helper.ptr = a->gid_map_helper;
		b->gid_map_helper.len = strlen(a->gid_map_helper);
		NSB_SET(b, NSB_F_GIDMAPPATH);
	}
	return CLI_EXIT_OK;
}

static int build_idmap(const char *opt, const struct cli_arglist *l, struct cli_joined *j,
                       struct nsb_str *text, struct nsb_idmap *map)
{
	struct nsb_error err = {0};

	if (!join(l, '\n', true, j)) {
		return cli_sys_error("encode", opt, ENOMEM);
	}
	enum nsb_err code = nsb_idmap_parse(j->text, j->len, map, &err);
	if (code != NSB_OK) {
		return report_list(opt, l, j, code, &err);
	}
	text->ptr = j->text;
	text->len = j->len;
	return CLI_EXIT_OK;
}

static int build_ns_paths(const struct cli_arglist *l, struct cli_joined *j, struct nsb_ns_paths *out)
{
	struct nsb_error err = {0};

	if (!join(l, ',', false, j)) {
		return cli_sys_error("encode", "--ns", ENOMEM);
	}
	enum nsb_err code = nsb_nspaths_parse(j->text, j->len, out, &err);
	return code == NSB_OK ? CLI_EXIT_OK : report_list("--ns", l, j, code, &err);
}

static int build_time_offsets(const struct cli_arglist *l, struct cli_joined *j, struct nsb_bootstrap *b)
{
	struct nsb_error err = {0};

	if (!join(l, '\n', true, j)) {
		return cli_sys_error("encode", "--time-offset", ENOMEM);
	}
	/* CLOCK:SECS:NSECS -> "CLOCK SECS NSECS" (values contain no ' ', see cmd_encode.c). */
	for (size_t i = 0; i < j->len; i++) {
		if (j->text[i] == ':') {
			j->text[i] = ' ';
		}
	}
	enum nsb_err code = nsb_timens_parse(j->text, j->len, &b->time_offsets, &err);
	if (code != NSB_OK) {
		return report_list("--time-offset", l, j, code, &err);
	}
	b->time_offsets_text.ptr = j->text;
	b->time_offsets_text.len = j->len;
	return CLI_EXIT_OK;
}

static int build_mount_sources(const struct cli_arglist *l, struct cli_joined *j, struct nsb_bootstrap *b)
{
	struct nsb_error err = {0};

	if (!join(l, '\0', true, j)) {
		return cli_sys_error("encode", "--mount-source", ENOMEM);
	}
	enum nsb_err code = nsb_mount_sources_parse(j->text, j->len, &b->mount_source_count, &err);
	if (code != NSB_OK) {
		return report_list("--mount-source", l, j, code, &err);
	}
	b->mount_sources.ptr = j->text;
	b->mount_sources.len = j->len;
	return CLI_EXIT_OK;
}

/* The repeatable options, each only when given at least once. */
static int build_lists(const struct cli_encode_args *a, struct cli_encode_bufs *bufs, struct nsb_bootstrap *b)
{
	int rc;

	if (a->ns.n > 0) {
		rc = build_ns_paths(&a->ns, &bufs->ns, &b->ns_paths);
		if (rc != CLI_EXIT_OK) {
			return rc;
		}
		NSB_SET(b, NSB_F_NS_PATHS);
	}
	if (a->uid_map.n > 0) {
		rc = build_idmap("--uid-map", &a->uid_map, &bufs->uid_map, &b->uid_map_text, &b->uid_map);
		if (rc != CLI_EXIT_OK) {
			return rc;
		}
		NSB_SET(b, NSB_F_UIDMAP);
	}
	if (a->gid_map.n > 0) {
		rc = build_idmap("--gid-map", &a->gid_map, &bufs->gid_map, &b->gid_map_text, &b->gid_map);
		if (rc != CLI_EXIT_OK) {
			return rc;
		}
		NSB_SET(b, NSB_F_GIDMAP);
	}
	if (a->time_offsets.n > 0) {
		rc = build_time_offsets(&a->time_offsets, &bufs->time_offsets, b);
		if (rc != CLI_EXIT_OK) {
			return rc;
		}
		NSB_SET(b, NSB_F_TIMENSOFFSET);
	}
	if (a->mount_sources.n > 0) {
		rc = build_mount_sources(&a->mount_sources, &bufs->mount_sources, b);
		if (rc != CLI_EXIT_OK) {
			return rc;
		}
		NSB_SET(b, NSB_F_MOUNT_SOURCES);
	}
	return CLI_EXIT_OK;
}

int cli_encode_build(const struct cli_encode_args *a, struct cli_encode_bufs *bufs, struct nsb_bootstrap *b)
{
	nsb_bootstrap_init(b, a->dialect);
	int rc = build_scalars(a, b);
	return rc == CLI_EXIT_OK ? build_lists(a, bufs, b) : rc;
}

void cli_encode_report(const struct cli_encode_bufs *bufs, const struct nsb_error *err,
                       enum nsb_dialect dialect)
{
	const char *opt = err->attr != NSB_ATTR_NONE ? cli_attr_option(err->attr, dialect) : NULL;

	(void)fputs("nsboot encode: ", stderr);
	if (opt != NULL) {
		(void)fputs(opt, stderr);
		/* NS_PATHS is our joined --ns text verbatim, so its positions name a value. */
		if (err->attr == NSB_ATTR_NS_PATHS && cli_err_has_pos(err->code) && bufs->ns.n > 0) {
			size_t within = 0;
			size_t i = value_at(&bufs->ns, err->pos, &within);
			struct nsb_str v = value_text(&bufs->ns, i);
			(void)fputc(' ', stderr);
			cli_put_escaped(stderr, v.ptr, v.len, true);
		}
		(void)fputs(": ", stderr);
	}
	(void)fprintf(stderr, "%s: %s\n", nsb_error_name(err->code), nsb_error_describe(err->code));
}
