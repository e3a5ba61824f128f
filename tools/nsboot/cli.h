/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cli.h - internals of the nsboot command-line tool (tools/nsboot).
 *
 * Every subcommand is a function `int cli_cmd_<name>(int argc, char **argv)`
 * in its own file cmd_<name>.c, listed in the table in main.c. argv[0] is the
 * subcommand's name; options are parsed with getopt_long; the return value is
 * the process exit status:
 *
 *   0  success (decode: the message is valid)
 *   1  the input is invalid: a named nsb_err was reported
 *   2  usage error, or the system failed (unreadable file, out of memory,
 *      failed write): like grep, 2 means "could not do the job"
 *
 * Output discipline: results go to stdout, diagnostics to stderr, each
 * prefixed "nsboot <cmd>: ". Bytes taken from a message are never printed
 * raw in text output (cli_put_escaped), so a hostile message cannot drive
 * the terminal or forge output lines.
 */
#ifndef NSBOOT_CLI_H
#define NSBOOT_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "nsboot/nsboot.h"

#define CLI_EXIT_OK      0
#define CLI_EXIT_INVALID 1
#define CLI_EXIT_USAGE   2

/* ---- subcommands (main.c holds the table) -------------------------------- */

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary; /* one line for `nsboot --help` */
};

int cli_cmd_decode(int argc, char **argv);
int cli_cmd_encode(int argc, char **argv);
int cli_cmd_probe(int argc, char **argv);
int cli_cmd_init(int argc, char **argv);
int cli_cmd_exec(int argc, char **argv);

/* ---- util.c: input, output, numbers, usage errors ------------------------ */

/*
 * cli_usage - print "nsboot CMD: MESSAGE" and a pointer to --help on stderr.
 * Returns CLI_EXIT_USAGE so callers can `return cli_usage(...)`.
 */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* cli_sys_error - "nsboot CMD: WHAT: strerror(errnum)"; returns CLI_EXIT_USAGE. */
int cli_sys_error(const char *cmd, const char *what, int errnum);

/*
 * cli_getopt_error - report what getopt_long returned as '?' (unknown option)
 * or ':' (missing value; the optstring must start with ':'). @argv is the
 * vector given to getopt_long. Returns CLI_EXIT_USAGE.
 */
int cli_getopt_error(const char *cmd, char *const argv[], int c);

/*
 * cli_read_input - read @path whole ("-" or NULL: stdin) into a malloc'd
 * buffer, but never more than @limit (>= 1) bytes: a caller that passes its
 * cap + 1 sees an oversized input as oversized without reading all of it.
 * Loops on short reads and EINTR. Returns 0, or an errno value (buffer
 * released). *out is never NULL on success, even for an empty input.
 */
int cli_read_input(const char *path, size_t limit, unsigned char **out, size_t *out_len);

/* cli_write_all - write all @len bytes to @fd (loops on short writes and EINTR); 0 or errno. */
int cli_write_all(int fd, const void *buf, size_t len);

/* cli_finish_stdout - flush stdout; on failure report it and return CLI_EXIT_USAGE, else @status. */
int cli_finish_stdout(const char *cmd, int status);

/*
 * cli_parse_u32 - a whole string as u32: decimal digits, or "0x" followed by
 * 1..8 hex digits. No sign, no white space, no octal. False if not that.
 */
bool cli_parse_u32(const char *s, uint32_t *out);

/*
 * cli_put_escaped - write @len bytes to @f with every byte outside printable
 * ASCII, and the backslash, as \xNN / \\. With @quoted, surround the text with
 * double quotes and escape '"' as \". Errors show up in ferror(@f).
 */
void cli_put_escaped(FILE *f, const char *p, size_t len, bool quoted);

/* cli_put_escaped_line - @head as it is, then @text through cli_put_escaped, then '\n'. */
void cli_put_escaped_line(FILE *f, const char *head, const char *text);

/* ---- startup.c: the process state every command starts from -------------- */

/*
 * cli_startup - main's first call, before any fd is opened: each of fds 0, 1
 * and 2 that is closed becomes /dev/null (O_RDWR, inherited by the command);
 * SIGPIPE is ignored (a write to a closed pipe fails with EPIPE) after its
 * inherited disposition is saved; SIGCHLD is set to its default action (an
 * inherited SIG_IGN makes the kernel reap our children). 0 or an errno value.
 */
int cli_startup(void);

/*
 * cli_restore_for_cmd - in the process that goes on to exec the command
 * (the init, before nsb_init_run): SIGPIPE back to what nsboot inherited.
 * SIGCHLD stays at its default action. 0 or an errno value.
 */
int cli_restore_for_cmd(void);

/* cli_drop_runtime_env - remove every _LIBCONTAINER_* variable from environ, in place. */
void cli_drop_runtime_env(void);

/* ---- report.c: naming errors and attributes ------------------------------ */

/* cli_attr_name - "NS_PATHS" etc. for a wire type in @dialect; NULL if unknown. */
const char *cli_attr_name(int32_t attr, enum nsb_dialect dialect);

/* cli_attr_option - the `encode` option that sets @attr ("--ns"); NULL if none. */
const char *cli_attr_option(int32_t attr, enum nsb_dialect dialect);

/* cli_err_has_pos - whether err->pos is meaningful for @code (a payload position). */
bool cli_err_has_pos(enum nsb_err code);

/* cli_err_is_system - the machine failed (NOMEM, IO, ...), not the input. */
bool cli_err_is_system(enum nsb_err code);

/*
 * cli_print_decode_error - one readable line on stderr:
 * "nsboot CMD: SRC: NAME at offset N, attribute ATTR (T), payload position P: description".
 */
void cli_print_decode_error(const char *cmd, const char *src, const struct nsb_error *err,
                            enum nsb_dialect dialect);

/* ---- json.c: cJSON helpers ---------------------------------------------- */

/* Integers go out as raw decimal text, never through a double, so 64-bit values stay exact. */
bool cli_json_add_uint(cJSON *obj, const char *key, uint64_t value);
bool cli_json_add_int(cJSON *obj, const char *key, int64_t value);

/*
 * cli_json_bytes - a JSON string from @len arbitrary bytes. Valid UTF-8 is
 * kept; every byte that is not part of a valid UTF-8 sequence (including NUL)
 * becomes U+FFFD, because JSON text cannot carry raw bytes. NULL on ENOMEM.
 */
cJSON *cli_json_bytes(const char *p, size_t len);
bool cli_json_add_bytes(cJSON *obj, const char *key, const char *p, size_t len);

/* cli_json_print - print @root on one line plus '\n' to stdout; false on ENOMEM. */
bool cli_json_print(const cJSON *root);

/* ---- decode output (decode_text.c, decode_json.c) ------------------------ */

void cli_decode_print_text(const struct nsb_bootstrap *b);
/* false on ENOMEM */
bool cli_decode_print_json(const struct nsb_bootstrap *b);
/* {"error":NAME,"offset":N,"attr":T|null,"message":TEXT}; false on ENOMEM */
bool cli_decode_print_json_error(const struct nsb_error *err);

#endif /* NSBOOT_CLI_H */
