/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_decode.c - `nsboot decode [--dialect=D] [--json] [--max-len N] [FILE|-]`
 *
 * Reads FILE (or stdin) whole, but at most cap + 1 bytes: an input larger
 * than the cap then fails in the decoder as MSG_TOO_BIG (header claims too
 * much) or TRAILING_DATA (more bytes than the header claims) without the
 * rest ever being read. The buffer handed to nsb_decode is exactly what was
 * read, so its length is checked against nlmsg_len like any other input.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>

#include "cli.h"

static const char decode_help[] =
        "Usage: nsboot decode [--dialect=runc-1.2|runc-1.1] [--json] [--max-len N] [FILE|-]\n"
        "\n"
        "Decode and validate one bootstrap message read whole from FILE (default: stdin).\n"
        "The file must hold exactly one message: nothing before it, nothing after it.\n"
        "\n"
        "Options:\n"
        "  --dialect=D   runc-1.2 (default; attribute 27290 is TIMENSOFFSET) or\n"
        "                runc-1.1 (27290 is MOUNT_SOURCES)\n"
        "  --json        print one JSON object instead of text; on an invalid message\n"
        "                print {\"error\",\"offset\",\"attr\",\"message\"} on stdout\n"
        "  --max-len N   refuse a message longer than N bytes (default 1048576)\n"
        "  -h, --help    print this help\n"
        "\n"
        "Text output is one 'key: value' line per field (a list repeats its key);\n"
        "bytes outside printable ASCII are shown as \\xNN. JSON keys: dialect, length,\n"
        "flags, seq, pid, then one per attribute present: clone_flags, ns_paths, uid_map,\n"
        "gid_map, setgroups, oom_score_adj, rootless_euid, uid_map_helper, gid_map_helper,\n"
        "time_offsets, mount_sources.\n"
        "\n"
        "Exit status: 0 valid, 1 invalid (error name, byte offset and attribute reported),\n"
        "2 usage error or unreadable input.\n";

enum { OPT_DIALECT = 256, OPT_JSON, OPT_MAX_LEN };

static const struct option decode_options[] = {
        {"dialect", required_argument, NULL, OPT_DIALECT},
        {"json", no_argument, NULL, OPT_JSON},
        {"max-len", required_argument, NULL, OPT_MAX_LEN},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

struct decode_args {
	struct nsb_decode_opts opts;
	bool json;
	const char *path; /* NULL: stdin */
};

/* Returns -1 to go on, or the exit status (help printed, usage error). */
static int parse_args(int argc, char **argv, struct decode_args *a)
{
	int c;

	a->opts.dialect = NSB_DIALECT_RUNC_1_2;
	a->opts.max_len = NSB_DEFAULT_MAX_LEN;
	while ((c = getopt_long(argc, argv, ":h", decode_options, NULL)) != -1) {
		switch (c) {
		case OPT_DIALECT:
			if (!nsb_dialect_from_name(optarg, &a->opts.dialect)) {
				return cli_usage("decode", "unknown dialect '%s' (runc-1.2 or runc-1.1)",
				                 optarg);
			}
			break;
		case OPT_JSON:
			a->json = true;
			break;
		case OPT_MAX_LEN:
			if (!cli_parse_u32(optarg, &a->opts.max_len) || a->opts.max_len == 0) {
				return cli_usage("decode",
				                 "--max-len needs a number from 1 to 4294967295, not '%s'",
				                 optarg);
			}
			break;
		case 'h':
			(void)fputs(decode_help, stdout);
			return cli_finish_stdout("decode", CLI_EXIT_OK);
		default:
			return cli_getopt_error("decode", argv, c);
		}
	}
	if (argc - optind > 1) {
		return cli_usage("decode", "expected at most one FILE, got %d", argc - optind);
	}
	a->path = optind < argc ? argv[optind] : NULL;
	return -1;
}

/* cap + 1: one byte more than any acceptable message, so oversize is detected. */
static size_t read_limit(uint32_t cap)
{
#if SIZE_MAX <= UINT32_MAX
	if (cap == SIZE_MAX) {
		return SIZE_MAX;
	}
#endif
	return (size_t)cap + 1;
}

int cli_cmd_decode(int argc, char **argv)
{
	struct decode_args a = {0};
	struct nsb_bootstrap b;
	struct nsb_error err = {0};
	unsigned char *buf = NULL;
	size_t len = 0;
	int status = parse_args(argc, argv, &a);

	if (status >= 0) {
		return status;
	}
	const char *src = a.path != NULL ? a.path : "-";
	int rc = cli_read_input(a.path, read_limit(a.opts.max_len), &buf, &len);
	if (rc != 0) {
		return cli_sys_error("decode", src, rc);
	}

	enum nsb_err code = nsb_decode(buf, len, &a.opts, &b, &err);
	if (code == NSB_OK) {
		status = CLI_EXIT_OK;
		if (a.json) {
			if (!cli_decode_print_json(&b)) {
				status = cli_sys_error("decode", "JSON output", ENOMEM);
			}
		} else {
			cli_decode_print_text(&b);
		}
	} else {
		err.code = code;
		status = cli_err_is_system(code) ? CLI_EXIT_USAGE : CLI_EXIT_INVALID;
		if (!a.json) {
			cli_print_decode_error("decode", src, &err, a.opts.dialect);
		} else if (!cli_decode_print_json_error(&err)) {
			status = cli_sys_error("decode", "JSON output", ENOMEM);
		}
	}
	free(buf);
	return cli_finish_stdout("decode", status);
}
