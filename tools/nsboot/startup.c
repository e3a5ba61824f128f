/* SPDX-License-Identifier: Apache-2.0 */
/*
 * startup.c - what every command does before anything else (fds 0-2,
 * SIGPIPE, SIGCHLD), what the command stage-2 runs gets back from it, and
 * the removal of the runtime's _LIBCONTAINER_* variables.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

/* SIGPIPE as this process found it: SIG_DFL or SIG_IGN (exec resets handlers). */
static struct sigaction inherited_sigpipe;
static bool sigpipe_saved;

int cli_startup(void)
{
	struct sigaction sa;

	/*
	 * A closed 0, 1 or 2 would be taken by the next fd opened (a socket,
	 * a pipe, a pidfd), and diagnostics would be written into it. Opening
	 * /dev/null gives the lowest free number, so in this order each one
	 * lands where it is missing. No O_CLOEXEC: the command gets them too.
	 */
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		if (errno != EBADF)
			return errno;
		int got = open("/dev/null", O_RDWR | O_NOCTTY);
		if (got < 0)
			return errno;
		if (got != fd) { /* cannot happen: 0..fd-1 are open */
			(void)close(got);
			return EBADF;
		}
	}
	/* A write to a closed pipe is EPIPE, handled where it happens, not death. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGPIPE, &sa, &inherited_sigpipe) != 0)
		return errno;
	sigpipe_saved = true;
	/* An inherited SIG_IGN would have the kernel reap our children for us:
	 * waitpid would fail with ECHILD. */
	sa.sa_handler = SIG_DFL;
	if (sigaction(SIGCHLD, &sa, NULL) != 0)
		return errno;
	return 0;
}

int cli_restore_for_cmd(void)
{
	if (sigpipe_saved && sigaction(SIGPIPE, &inherited_sigpipe, NULL) != 0)
		return errno;
	return 0;
}

void cli_drop_runtime_env(void)
{
	static const char prefix[] = "_LIBCONTAINER_";
	size_t keep = 0;

	if (environ == NULL)
		return;
	for (size_t i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], prefix, sizeof(prefix) - 1) != 0)
			environ[keep++] = environ[i];
	}
	environ[keep] = NULL;
}
