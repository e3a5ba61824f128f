/* SPDX-License-Identifier: Apache-2.0 */
/* encode.h - between `nsboot encode`'s option parsing (cmd_encode.c) and its builder (encode_build.c). */
#ifndef NSBOOT_CLI_ENCODE_H
#define NSBOOT_CLI_ENCODE_H

#include "cli.h"

/* The values of one repeatable option, in command-line order (views into argv). */
struct cli_arglist {
	const char **v;
	size_t n;
};

/* What the command line asked for, unvalidated. NULL / false / empty: not given. */
struct cli_encode_args {
	enum nsb_dialect dialect;
	const char *clone_flags; /* required */
	const char *seq;
	const char *oom_score_adj;
	const char *uid_map_helper;
	const char *gid_map_helper;
	bool setgroups;
	bool rootless_euid;
	struct cli_arglist ns;            /* TYPE:PATH */
	struct cli_arglist uid_map;       /* "C H S" */
	struct cli_arglist gid_map;       /* "C H S" */
	struct cli_arglist time_offsets;  /* CLOCK:SECS:NSECS, runc-1.2 */
	struct cli_arglist mount_sources; /* SRC or "", runc-1.1 */
};

/*
 * The payload text of a list option: its values joined in order, with
 * @start[i] the offset of value i, so that a parser's error position can be
 * traced back to the value that caused it.
 */
struct cli_joined {
	char *text; /* NUL-terminated; the NUL is not counted in @len */
	size_t len;
	size_t *start;
	size_t n;
};

/* The texts struct nsb_bootstrap's views point into: keep until the message is written. */
struct cli_encode_bufs {
	struct cli_joined ns, uid_map, gid_map, time_offsets, mount_sources;
};

/*
 * cli_encode_build - validate @a with the core's own parsers and fill @b
 * (nsb_bootstrap_init first, then one presence bit per value given).
 * On failure the error is reported on stderr and the exit status returned
 * (1 for an invalid value with its nsb_err name, 2 for usage or ENOMEM);
 * CLI_EXIT_OK on success.
 */
int cli_encode_build(const struct cli_encode_args *a, struct cli_encode_bufs *bufs, struct nsb_bootstrap *b);

/*
 * cli_encode_report - report an error of nsb_encode on @b, naming the option
 * that set the offending attribute (and, for NS_PATHS, the --ns value).
 */
void cli_encode_report(const struct cli_encode_bufs *bufs, const struct nsb_error *err,
                       enum nsb_dialect dialect);

void cli_encode_bufs_free(struct cli_encode_bufs *bufs);

#endif /* NSBOOT_CLI_ENCODE_H */
