/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_encode.c - `nsboot encode --clone-flags F [OPTIONS] > FILE`
 *
 * Builds the message runc's Go side would send for the given values and
 * writes it to stdout: parse the options (usage errors: exit 2), validate
 * and fill struct nsb_bootstrap (encode_build.c; invalid value: exit 1 with
 * its nsb_err name), nsb_encode (which decodes its own output before it
 * succeeds), and only then refuse a terminal and write.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "encode.h"

static const char encode_help[] =
        "Usage: nsboot encode --clone-flags F [OPTIONS] > FILE\n"
        "\n"
        "Write to stdout the exact bootstrap message runc's Go side sends for these values.\n"
        "Every value is first validated with the decoder's own rules. Refuses to write to a\n"
        "terminal. Attributes are emitted in runc's order; CLONE_FLAGS and ROOTLESS_EUID are\n"
        "always sent, every other attribute only when its option is given.\n"
        "\n"
        "Options:\n"
        "  --clone-flags F           namespaces to create: names from mnt,uts,ipc,pid,net,user,\n"
        "                            cgroup,time separated by '|' or ',' (e.g. 'mnt|pid|net'),\n"
        "                            or a number (decimal or 0x hex; 0 for none). Required.\n"
        "  --ns TYPE:PATH            a namespace to join (repeatable, kept in order)\n"
        "  --uid-map 'C H S'         one uid map extent: container id, host id, size (repeatable)\n"
        "  --gid-map 'C H S'         one gid map extent (repeatable)\n"
        "  --setgroups               send SETGROUP true (needs --gid-map)\n"
        "  --oom-score-adj N         send OOM_SCORE_ADJ, -1000..1000\n"
        "  --rootless-euid           send ROOTLESS_EUID true (default false)\n"
        "  --uid-map-helper PATH     absolute path of newuidmap (needs --uid-map)\n"
        "  --gid-map-helper PATH     absolute path of newgidmap (needs --gid-map)\n"
        "  --time-offset C:SECS:NS   a time namespace offset, clock monotonic or boottime\n"
        "                            (repeatable; runc-1.2 only; needs time in --clone-flags)\n"
        "  --mount-source SRC        one mount's bind source, '' for a non-bind mount\n"
        "                            (repeatable; runc-1.1 only)\n"
        "  --seq N                   nlmsg_seq (default 1)\n"
        "  --dialect D               runc-1.2 (default) or runc-1.1\n"
        "  -h, --help                print this help\n"
        "\n"
        "Example: nsboot encode --clone-flags 'mnt|uts|ipc|pid|net' > run.bin\n"
        "\n"
        "Exit status: 0 written, 1 invalid value (named error), 2 usage error, stdout is a\n"
        "terminal, or the write failed.\n";

enum {
	OPT_CLONE_FLAGS = 256,
	OPT_NS,
	OPT_UID_MAP,
	OPT_GID_MAP,
	OPT_SETGROUPS,
	OPT_OOM_SCORE_ADJ,
	OPT_ROOTLESS_EUID,
	OPT_UID_MAP_HELPER,
	OPT_GID_MAP_HELPER,
	OPT_TIME_OFFSET,
	OPT_MOUNT_SOURCE,
	OPT_SEQ,
	OPT_DIALECT,
};

static const struct option encode_options[] = {
        {"clone-flags", required_argument, NULL, OPT_CLONE_FLAGS},
        {"ns", required_argument, NULL, OPT_NS},
        {"uid-map", required_argument, NULL, OPT_UID_MAP},
        {"gid-map", required_argument, NULL, OPT_GID_MAP},
        {"setgroups", no_argument, NULL, OPT_SETGROUPS},
        {"oom-score-adj", required_argument, NULL, OPT_OOM_SCORE_ADJ},
        {"rootless-euid", no_argument, NULL, OPT_ROOTLESS_EUID},
        {"uid-map-helper", required_argument, NULL, OPT_UID_MAP_HELPER},
        {"gid-map-helper", required_argument, NULL, OPT_GID_MAP_HELPER},
        {"time-offset", required_argument, NULL, OPT_TIME_OFFSET},
        {"mount-source", required_argument, NULL, OPT_MOUNT_SOURCE},
        {"seq", required_argument, NULL, OPT_SEQ},
        {"dialect", required_argument, NULL, OPT_DIALECT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

/* A single-valued option: at most once. */
static int set_once(const char **slot, const char *opt, const char *value)
{
	if (*slot != NULL) {
		return cli_usage("encode", "%s given more than once", opt);
	}
	*slot = value;
	return -1;
}

/*
 * A repeatable option's value: one list element each, so the characters
 * that separate elements in the payload (@forbidden) cannot appear in it.
 */
static int add_value(struct cli_arglist *l, const char *opt, const char *value, const char *forbidden,
                     const char *what)
{
	if (strpbrk(value, forbidden) != NULL) {
		return cli_usage("encode", "%s '%s': %s", opt, value, what);
	}
	l->v[l->n++] = value;
	return -1;
}

/* One option; -1 to go on, else the exit status. */
static int take_option(int c, struct cli_encode_args *a, const char **dialect)
{
	switch (c) {
	case OPT_CLONE_FLAGS:
		return set_once(&a->clone_flags, "--clone-flags", optarg);
	case OPT_NS:
		return add_value(&a->ns, "--ns", optarg, ",",
		                 "one TYPE:PATH per --ns; a path cannot contain ','");
	case OPT_UID_MAP:
		return add_value(&a->uid_map, "--uid-map", optarg, "\n", "one 'C H S' extent per --uid-map");
	case OPT_GID_MAP:
		return add_value(&a->gid_map, "--gid-map", optarg, "\n", "one 'C H S' extent per --gid-map");
	case OPT_SETGROUPS:
		a->setgroups = true;
		return -1;
	case OPT_OOM_SCORE_ADJ:
		return set_once(&a->oom_score_adj, "--oom-score-adj", optarg);
	case OPT_ROOTLESS_EUID:
		a->rootless_euid = true;
		return -1;
	case OPT_UID_MAP_HELPER:
		return set_once(&a->uid_map_helper, "--uid-map-helper", optarg);
	case OPT_GID_MAP_HELPER:
		return set_once(&a->gid_map_helper, "--gid-map-helper", optarg);
	case OPT_TIME_OFFSET:
		return add_value(&a->time_offsets, "--time-offset", optarg, " \n",
		                 "one CLOCK:SECS:NSECS per --time-offset, without spaces");
	case OPT_MOUNT_SOURCE:
		a->mount_sources.v[a->mount_sources.n++] = optarg;
		return -1;
	case OPT_SEQ:
		return set_once(&a->seq, "--seq", optarg);
	case OPT_DIALECT:
		return set_once(dialect, "--dialect", optarg);
	case 'h':
		(void)fputs(encode_help, stdout);
		return cli_finish_stdout("encode", CLI_EXIT_OK);
	default:
		return -2; /* a getopt error: the caller reports it */
	}
}

/* Rules between options that the message format cannot express. */
static int check_args(const struct cli_encode_args *a)
{
	if (a->clone_flags == NULL) {
		return cli_usage("encode", "--clone-flags is required (use 0 for none)");
	}
	if (a->time_offsets.n > 0 && a->dialect != NSB_DIALECT_RUNC_1_2) {
		return cli_usage("encode", "--time-offset needs --dialect=runc-1.2 "
		                           "(in runc-1.1 attribute 27290 is MOUNT_SOURCES)");
	}
	if (a->mount_sources.n > 0 && a->dialect != NSB_DIALECT_RUNC_1_1) {
		return cli_usage("encode", "--mount-source needs --dialect=runc-1.1 "
		                           "(in runc-1.2 attribute 27290 is TIMENSOFFSET)");
	}
	return -1;
}

/* Returns -1 to go on, or the exit status. @pool holds 5 * @argc pointers for the lists. */
static int parse_args(int argc, char **argv, struct cli_encode_args *a, const char **pool)
{
	const char *dialect = NULL;
	struct cli_arglist *lists[] = {&a->ns, &a->uid_map, &a->gid_map, &a->time_offsets, &a->mount_sources};
	int c;

	a->dialect = NSB_DIALECT_RUNC_1_2;
	for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
		lists[i]->v = pool + i * (size_t)argc;
	}
	while ((c = getopt_long(argc, argv, ":h", encode_options, NULL)) != -1) {
		int rc = take_option(c, a, &dialect);
		if (rc == -2) {
			return cli_getopt_error("encode", argv, c);
		}
		if (rc >= 0) {
			return rc;
		}
	}
	if (optind < argc) {
		return cli_usage("encode", "unexpected argument '%s'", argv[optind]);
	}
	if (dialect != NULL && !nsb_dialect_from_name(dialect, &a->dialect)) {
		return cli_usage("encode", "unknown dialect '%s' (runc-1.2 or runc-1.1)", dialect);
	}
	return check_args(a);
}

static int report_encode_error(const struct cli_encode_bufs *bufs, enum nsb_err code, struct nsb_error *err,
                               enum nsb_dialect dialect)
{
	err->code = code;
	cli_encode_report(bufs, err, dialect);
	return cli_err_is_system(code) ? CLI_EXIT_USAGE : CLI_EXIT_INVALID;
}

static int encode_and_write(const struct nsb_bootstrap *b, const struct cli_encode_bufs *bufs)
{
	struct nsb_error err = {0};
	size_t need = 0;
	enum nsb_err code = nsb_encode(b, NULL, 0, &need, &err);

	if (code != NSB_OK && code != NSB_ERR_NO_SPACE) {
		return report_encode_error(bufs, code, &err, b->dialect);
	}
	unsigned char *msg = malloc(need > 0 ? need : 1);
	if (msg == NULL) {
		return cli_sys_error("encode", "message buffer", ENOMEM);
	}
	int status = CLI_EXIT_OK;
	code = nsb_encode(b, msg, need, &need, &err);
	if (code != NSB_OK) {
		status = report_encode_error(bufs, code, &err, b->dialect);
	} else if (isatty(STDOUT_FILENO)) {
		(void)fputs("nsboot encode: refusing to write a binary message to a terminal; "
		            "redirect stdout to a file or a pipe\n",
		            stderr);
		status = CLI_EXIT_USAGE;
	} else {
		int rc = cli_write_all(STDOUT_FILENO, msg, need);
		if (rc != 0) {
			status = cli_sys_error("encode", "writing standard output", rc);
		}
	}
	free(msg);
	return status;
}

int cli_cmd_encode(int argc, char **argv)
{
	struct cli_encode_args a;
	struct cli_encode_bufs bufs;
	struct nsb_bootstrap b;
	const char **pool = calloc(5 * (size_t)argc, sizeof(*pool));

	if (pool == NULL) {
		return cli_sys_error("encode", "arguments", ENOMEM);
	}
	memset(&a, 0, sizeof(a));
	memset(&bufs, 0, sizeof(bufs));
	int status = parse_args(argc, argv, &a, pool);
	if (status < 0) {
		status = cli_encode_build(&a, &bufs, &b);
		if (status == CLI_EXIT_OK) {
			status = encode_and_write(&b, &bufs);
		}
	}
	cli_encode_bufs_free(&bufs);
	free(pool);
	return status;
}
