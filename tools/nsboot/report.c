/* SPDX-License-Identifier: Apache-2.0 */
/* report.c - names for attributes and errors in the CLI's messages. */
#include "cli.h"

/* Dialect-independent rows use CLI_ANY_DIALECT. */
#define CLI_ANY_DIALECT (-1)

/*
 * One row per attribute meaning: its wire type, the dialect where the type
 * has that meaning, its name (as in docs/protocol.md, 'Attributes') and the
 * `encode` option that
 * sets it.
 */
static const struct cli_attr_info {
	int32_t type;
	int dialect;
	const char *name;
	const char *option;
} cli_attrs[] = {
        {NSB_ATTR_CLONE_FLAGS, CLI_ANY_DIALECT, "CLONE_FLAGS", "--clone-flags"},
        {NSB_ATTR_NS_PATHS, CLI_ANY_DIALECT, "NS_PATHS", "--ns"},
        {NSB_ATTR_UIDMAP, CLI_ANY_DIALECT, "UIDMAP", "--uid-map"},
        {NSB_ATTR_GIDMAP, CLI_ANY_DIALECT, "GIDMAP", "--gid-map"},
        {NSB_ATTR_SETGROUP, CLI_ANY_DIALECT, "SETGROUP", "--setgroups"},
        {NSB_ATTR_OOM_SCORE_ADJ, CLI_ANY_DIALECT, "OOM_SCORE_ADJ", "--oom-score-adj"},
        {NSB_ATTR_ROOTLESS_EUID, CLI_ANY_DIALECT, "ROOTLESS_EUID", "--rootless-euid"},
        {NSB_ATTR_UIDMAPPATH, CLI_ANY_DIALECT, "UIDMAPPATH", "--uid-map-helper"},
        {NSB_ATTR_GIDMAPPATH, CLI_ANY_DIALECT, "GIDMAPPATH", "--gid-map-helper"},
        {NSB_ATTR_TIMENSOFFSET, NSB_DIALECT_RUNC_1_2, "TIMENSOFFSET", "--time-offset"},
        {NSB_ATTR_MOUNT_SOURCES, NSB_DIALECT_RUNC_1_1, "MOUNT_SOURCES", "--mount-source"},
};

static const struct cli_attr_info *find_attr(int32_t attr, enum nsb_dialect dialect)
{
	for (size_t i = 0; i < sizeof(cli_attrs) / sizeof(cli_attrs[0]); i++) {
		const struct cli_attr_info *a = &cli_attrs[i];
		if (a->type == attr && (a->dialect == CLI_ANY_DIALECT || a->dialect == (int)dialect)) {
			return a;
		}
	}
	return NULL;
}

const char *cli_attr_name(int32_t attr, enum nsb_dialect dialect)
{
	const struct cli_attr_info *a = find_attr(attr, dialect);
	return a != NULL ? a->name : NULL;
}

const char *cli_attr_option(int32_t attr, enum nsb_dialect dialect)
{
	const struct cli_attr_info *a = find_attr(attr, dialect);
	return a != NULL ? a->option : NULL;
}

/*
 * Errors whose nsb_error.pos is a position inside the attribute's payload
 * (docs/protocol.md, 'Decoder conventions': payload rules, and
 * NS_CLONE_AND_JOIN's element).
 * For every other code pos is 0 and means nothing, so it is not printed.
 */
static const bool cli_has_pos[NSB_ERR__COUNT] = {
        [NSB_ERR_STRING_EMPTY] = true,
        [NSB_ERR_STRING_UNTERMINATED] = true,
        [NSB_ERR_STRING_EMBEDDED_NUL] = true,
        [NSB_ERR_NSPATH_EMPTY_ELEMENT] = true,
        [NSB_ERR_NSPATH_NO_SEPARATOR] = true,
        [NSB_ERR_NSPATH_UNKNOWN_TYPE] = true,
        [NSB_ERR_NSPATH_EMPTY_PATH] = true,
        [NSB_ERR_NSPATH_RELATIVE] = true,
        [NSB_ERR_NSPATH_TOO_LONG] = true,
        [NSB_ERR_NSPATH_DUPLICATE_TYPE] = true,
        [NSB_ERR_IDMAP_SYNTAX] = true,
        [NSB_ERR_IDMAP_NUMBER_RANGE] = true,
        [NSB_ERR_IDMAP_UNTERMINATED] = true,
        [NSB_ERR_IDMAP_TOO_MANY_LINES] = true,
        [NSB_ERR_IDMAP_ZERO_SIZE] = true,
        [NSB_ERR_IDMAP_RANGE_WRAP] = true,
        [NSB_ERR_IDMAP_OVERLAP] = true,
        [NSB_ERR_OOM_SYNTAX] = true,
        [NSB_ERR_OOM_RANGE] = true,
        [NSB_ERR_TIMENS_SYNTAX] = true,
        [NSB_ERR_TIMENS_CLOCK] = true,
        [NSB_ERR_TIMENS_DUPLICATE_CLOCK] = true,
        [NSB_ERR_TIMENS_SECS_RANGE] = true,
        [NSB_ERR_TIMENS_NSECS_RANGE] = true,
        [NSB_ERR_TIMENS_UNTERMINATED] = true,
        [NSB_ERR_HELPER_PATH_RELATIVE] = true,
        [NSB_ERR_MOUNT_SOURCES_SYNTAX] = true,
        [NSB_ERR_NS_CLONE_AND_JOIN] = true,
};

bool cli_err_has_pos(enum nsb_err code)
{
	return (unsigned)code < NSB_ERR__COUNT && cli_has_pos[code];
}

bool cli_err_is_system(enum nsb_err code)
{
	switch (code) {
	case NSB_ERR_NO_SPACE:
	case NSB_ERR_NOMEM:
	case NSB_ERR_IO:
	case NSB_ERR_EOF:
		return true;
	default:
		return false;
	}
}

void cli_print_decode_error(const char *cmd, const char *src, const struct nsb_error *err,
                            enum nsb_dialect dialect)
{
	(void)fprintf(stderr, "nsboot %s: %s: %s at offset %u", cmd, src, nsb_error_name(err->code),
	              (unsigned)err->offset);
	if (err->attr != NSB_ATTR_NONE) {
		const char *name = cli_attr_name(err->attr, dialect);
		(void)fprintf(stderr, ", attribute %s (%d)", name != NULL ? name : "unknown", (int)err->attr);
	}
	if (cli_err_has_pos(err->code)) {
		(void)fprintf(stderr, ", payload position %u", (unsigned)err->pos);
	}
	(void)fprintf(stderr, ": %s\n", nsb_error_describe(err->code));
}
