/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - `nsboot <command> [options]`: the command table and dispatch.
 *
 *   nsboot --help | help [COMMAND]   list the commands / a command's help
 *   nsboot --version                 print NSBOOT_VERSION
 *   nsboot COMMAND [ARGS...]         run COMMAND with argv shifted by one
 *
 * Every command starts from the same state (cli_startup): fds 0-2 open,
 * SIGPIPE ignored, SIGCHLD at its default action.
 */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

#include "cli.h"
#include "nsboot/init.h"

/*
 * The subcommands, in the order `nsboot --help` lists them.
 *
 * To add one:
 *   1. write tools/nsboot/cmd_<name>.c defining
 *      `int cli_cmd_<name>(int argc, char **argv)` (argv[0] is "<name>"),
 *      modelled on cmd_decode.c: getopt_long with an optstring starting
 *      with ':', --help printing to stdout with exit 0, cli_usage() /
 *      cli_getopt_error() for usage errors, exit codes from cli.h;
 *   2. declare it in cli.h next to cli_cmd_decode;
 *   3. add one row here.
 * CMakeLists.txt globs *.c, so re-run cmake; add a tests/cli/<name>.bats.
 */
static const struct cli_cmd cli_cmds[] = {
        {"decode", cli_cmd_decode, "decode and validate one bootstrap message (text or --json)"},
        {"encode", cli_cmd_encode, "write the exact bytes runc would send for the given values"},
        {"probe", cli_cmd_probe, "find out by experiment how the running kernel behaves (--json)"},
        {"init", cli_cmd_init, "be a runtime's init: runc's init protocol, three stages (runtimes only)"},
        {"exec", cli_cmd_exec, "run a command in another process's namespaces (like nsenter -a)"},
};

#define CLI_NCMDS (sizeof(cli_cmds) / sizeof(cli_cmds[0]))

static const struct cli_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		if (strcmp(cli_cmds[i].name, name) == 0) {
			return &cli_cmds[i];
		}
	}
	return NULL;
}

static void print_help(FILE *f)
{
	(void)fprintf(f, "Usage: nsboot COMMAND [OPTIONS] [ARGS]\n"
	                 "       nsboot help [COMMAND] | --help | --version\n"
	                 "\n"
	                 "Decode, validate and build runc's netlink-framed bootstrap message.\n"
	                 "\n"
	                 "Commands:\n");
	for (size_t i = 0; i < CLI_NCMDS; i++) {
		(void)fprintf(f, "  %-8s %s\n", cli_cmds[i].name, cli_cmds[i].summary);
	}
	(void)fprintf(f,
	              "\n"
	              "Run 'nsboot COMMAND --help' for a command's options.\n"
	              "Exit status: 0 success, 1 invalid input (a named error), 2 usage or system error.\n");
}

/* `nsboot help [COMMAND]` */
static int run_help(int argc, char **argv)
{
	if (argc == 1) {
		print_help(stdout);
		return cli_finish_stdout("help", CLI_EXIT_OK);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		print_help(stdout);
		return cli_finish_stdout("help", CLI_EXIT_OK);
	}
	if (argc > 2) {
		(void)fprintf(stderr,
		              "nsboot help: expected at most one command name\nTry 'nsboot --help'.\n");
		return CLI_EXIT_USAGE;
	}
	const struct cli_cmd *cmd = find_cmd(argv[1]);
	if (cmd == NULL) {
		(void)fprintf(stderr, "nsboot help: unknown command '%s'\nTry 'nsboot --help'.\n", argv[1]);
		return CLI_EXIT_USAGE;
	}
	char help_opt[] = "--help";
	char *sub_argv[] = {argv[1], help_opt, NULL};
	return cmd->run(2, sub_argv);
}

/*
 * exec and init enter containers: they run from a sealed copy of this
 * binary (nsb_run_sealed, core/src/exe_seal.c), so that no stage's
 * /proc/<pid>/exe is the host's nsboot. First of all, before the signal
 * and fd set-up, so that the copy starts from what the caller gave us
 * (the set-up records the caller's SIGPIPE for the command). Returns only
 * when running from the copy, or with an exit status after a failure.
 */
static int run_sealed(int argc, char **argv)
{
	extern char **environ;
	const char *call = "?";
	struct nsb_error err;

	memset(&err, 0, sizeof(err));
	if (argc < 2 || (strcmp(argv[1], "exec") != 0 && strcmp(argv[1], "init") != 0))
		return -1;
	if (nsb_run_sealed(NULL, argv, environ, &call, &err) == NSB_OK) {
		/* exec'd by fd, the copy is named after the fd ("3"): name it as ps would
		 * expect (best effort: a name changes nothing else) */
		const char *base = strrchr(argv[0], '/');
		(void)prctl(PR_SET_NAME, base != NULL ? base + 1 : argv[0], 0, 0, 0);
		return -1;
	}
	(void)fprintf(stderr, "nsboot %s: cannot run from a sealed copy of itself: %s: %s\n", argv[1], call,
	              strerror(err.sys_errno));
	/* exec's failures before CMD runs are 125 (its help says so); init's are 1 */
	return strcmp(argv[1], "exec") == 0 ? 125 : NSB_INIT_EXIT_FAILURE;
}

int main(int argc, char **argv)
{
	int e = run_sealed(argc, argv);

	if (e != -1)
		return e;
	e = cli_startup(); /* before anything else opens an fd */

	if (e != 0) {
		(void)fprintf(stderr, "nsboot: cannot set up fds 0-2 and signals: %s\n", strerror(e));
		/* exec's failures before CMD runs are 125 (its help says so) */
		return argc >= 2 && strcmp(argv[1], "exec") == 0 ? 125 : CLI_EXIT_USAGE;
	}
	if (argc < 2) {
		print_help(stderr);
		return CLI_EXIT_USAGE;
	}
	const char *first = argv[1];
	if (strcmp(first, "--help") == 0 || strcmp(first, "-h") == 0) {
		print_help(stdout);
		return cli_finish_stdout("help", CLI_EXIT_OK);
	}
	if (strcmp(first, "--version") == 0) {
		(void)printf("nsboot %s\n", NSBOOT_VERSION);
		return cli_finish_stdout("version", CLI_EXIT_OK);
	}
	if (strcmp(first, "help") == 0) {
		return run_help(argc - 1, argv + 1);
	}
	const struct cli_cmd *cmd = find_cmd(first);
	if (cmd == NULL) {
		(void)fprintf(stderr, "nsboot: unknown command '%s'\nTry 'nsboot --help'.\n", first);
		return CLI_EXIT_USAGE;
	}
	return cmd->run(argc - 1, argv + 1);
}
