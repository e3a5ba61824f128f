/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_init.c - `nsboot init [--dialect=D] [--] [CMD ARGS...]`: the program a
 * runtime spawns with _LIBCONTAINER_INITPIPE, _LIBCONTAINER_LOGPIPE and
 * _LIBCONTAINER_LOGLEVEL set, speaking runc's init protocol (docs/protocol.md,
 * 'The stages' and 'The log pipe').
 * Once those three are read, every _LIBCONTAINER_* variable is removed from
 * the environment (a runtime sets more of them: its state directory, fds it
 * passes), before anything else runs, so the command stage-2 execs sees none.
 *
 * Exit status is the init's own (init.h): 0, 1 on any failure (a FATAL log
 * line says why), 126/127 when stage-2's exec fails; 2 for a usage error.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#ifdef NSB_COVERAGE
void __gcov_dump(void); /* libgcov: see _exit below */
#endif
#include "nsboot/init.h"

static const char init_help[] =
        "Usage: nsboot init [--dialect=runc-1.2|runc-1.1] [--] [CMD [ARGS...]]\n"
        "\n"
        "Run as a container runtime's init: read one bootstrap message from the fd in\n"
        "_LIBCONTAINER_INITPIPE, join and create namespaces in three stages, report\n"
        "{\"stage1_pid\":N,\"stage2_pid\":M} on the init pipe, and once the runtime closes\n"
        "its side of the pipe, exec CMD in stage-2 (or exit 0 without CMD).\n"
        "Log lines go to the fd in _LIBCONTAINER_LOGPIPE as runc's JSON lines, up to\n"
        "the level in _LIBCONTAINER_LOGLEVEL (0 panic .. 6 trace, default 5).\n"
        "CMD gets no _LIBCONTAINER_* variable, SIGPIPE as nsboot was started with it and\n"
        "SIGCHLD at its default action.\n"
        "\n"
        "Options:\n"
        "  --dialect=D   runc-1.2 (default) or runc-1.1 (writes one 0x00 byte first,\n"
        "                and attribute 27290 is MOUNT_SOURCES)\n"
        "  -h, --help    print this help\n"
        "\n"
        "Exit status: 0 success, 1 init failed (see its FATAL log line), 126/127 the\n"
        "command could not be run / was not found, 2 usage error.\n";

static const struct option init_options[] = {
        {"dialect", required_argument, NULL, 'd'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

/* A copy of @name's value in @buf (cli_drop_runtime_env removes the variable later). */
static const char *copy_env(const char *name, char *buf, size_t cap)
{
	const char *v = getenv(name);

	if (v == NULL)
		return NULL;
	/* An overlong value keeps its head and ends in "...", which fails as
	 * an integer and still shows in the FATAL line. */
	if (strlen(v) >= cap)
		(void)snprintf(buf, cap, "%.*s...", (int)(cap - 4), v);
	else
		(void)snprintf(buf, cap, "%s", v);
	return buf;
}

int cli_cmd_init(int argc, char **argv)
{
	struct nsb_init_config cfg;
	char initpipe[32], logpipe[32], loglevel[32];
	int c;

	memset(&cfg, 0, sizeof(cfg));
	cfg.dialect = NSB_DIALECT_RUNC_1_2;
	/* '+': options end at the first operand, which starts CMD */
	while ((c = getopt_long(argc, argv, "+:h", init_options, NULL)) != -1) {
		switch (c) {
		case 'd':
			if (!nsb_dialect_from_name(optarg, &cfg.dialect))
				return cli_usage("init", "unknown dialect '%s' (runc-1.2 or runc-1.1)",
				                 optarg);
			break;
		case 'h':
			(void)fputs(init_help, stdout);
			return cli_finish_stdout("init", CLI_EXIT_OK);
		default:
			return cli_getopt_error("init", argv, c);
		}
	}
	cfg.initpipe = copy_env("_LIBCONTAINER_INITPIPE", initpipe, sizeof(initpipe));
	cfg.logpipe = copy_env("_LIBCONTAINER_LOGPIPE", logpipe, sizeof(logpipe));
	cfg.loglevel = copy_env("_LIBCONTAINER_LOGLEVEL", loglevel, sizeof(loglevel));
	/* the three are copied above; none of the runtime's variables reaches CMD */
	cli_drop_runtime_env();
	if (cfg.initpipe == NULL)
		return cli_usage("init", "_LIBCONTAINER_INITPIPE is not set: init is started by a runtime "
		                         "(see 'nsboot exec')");
	int e = cli_restore_for_cmd();
	if (e != 0) {
		(void)cli_sys_error("init", "restore SIGPIPE for the command", e);
		return NSB_INIT_EXIT_FAILURE;
	}
	cfg.argv = optind < argc ? argv + optind : NULL;
	(void)fflush(NULL);
	/*
	 * Each process that returns here (any stage) ends with _exit: the stages
	 * are copies of one process, so exit handlers must not run once per
	 * copy; and a sanitizer's leak check, which ptraces the process, hangs
	 * in a stage whose credentials changed in a new user namespace (the
	 * process became non-dumpable). test_init_faults checks the executor
	 * for leaks instead. A --coverage build writes its counters first, as
	 * _exit skips gcov's exit handler (core/src/coverage.h does the same).
	 */
	int status = nsb_init_run(&cfg);
#ifdef NSB_COVERAGE
	__gcov_dump();
#endif
	_exit(status);
}
