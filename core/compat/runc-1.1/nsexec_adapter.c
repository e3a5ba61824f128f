// SPDX-License-Identifier: Apache-2.0
/*
 * nsexec_adapter.c - runc 1.1's `nsexec()` on top of nsboot's init executor.
 *
 * Drop-in for libcontainer/nsenter/nsexec.c of runc 1.0 - 1.1 (Debian bookworm: 1.1.5).
 * runc's other nsenter files stay, in particular cloned_binary.c, whose
 * ensure_cloned_binary() this file calls. nsenter.go calls nsexec() from a cgo
 * constructor in every runc process, before the Go runtime starts:
 *
 *   - no _LIBCONTAINER_INITPIPE: not `runc init`, return at once;
 *   - ensure_cloned_binary(): re-exec from a sealed copy or a read-only bind mount of
 *     the binary (CVE-2019-5736); it returns here in the copy;
 *   - _LIBCONTAINER_MOUNT_FDS: the fd numbers stage-1 must put the mount sources at;
 *   - nsb_init_run() in runtime mode, dialect runc-1.1: the 0x00 "past setup" byte,
 *     the bootstrap, the three stages (process names runc:[0:PARENT] ...), CLONE_NEWCGROUP
 *     in stage-2, the MOUNT_SOURCES fd exchange (sync 0x46/0x47);
 *   - stage-2 comes back with NSB_INIT_CONTINUE: return, and Go takes over with the init
 *     and log pipes still open at the numbers in the environment; every other process of
 *     the init exits here with the status the executor chose.
 *
 * Failures before the executor runs are reported the executor's way: one FATAL line on
 * the log pipe (or "FATAL: ..." on stderr without one), exit status 1.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nsboot/init.h"
#include "nsboot/log.h"

/* runc's libcontainer/nsenter/cloned_binary.c: < 0 on failure, re-execs on success. */
int ensure_cloned_binary(void);

/* Called by nsenter.go's constructor; the only symbol runc needs from this file. */
void nsexec(void);

/* Report like the executor does, then exit 1: nothing of the init has started yet. */
static void fatal(const char *logpipe, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

static void fatal(const char *logpipe, const char *fmt, ...)
{
	char text[1024];
	int logfd = -1;
	va_list ap;

	va_start(ap, fmt);
	/* clang-tidy 14 reports ap as uninitialized when it checks several files in
	 * one run: a false positive (as in core/src/init_log.c), ap is va_start'ed above. */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	int n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1;

	if (nsb_env_int(logpipe, &logfd)) {
		char line[NSB_LOG_LINE_MAX];
		size_t ll = nsb_log_format(line, sizeof(line), NSB_LOG_FATAL, NSB_LOG_STAGE_SETUP,
		                           (long)getpid(), text, len);
		if (ll > 0 && write(logfd, line, ll) == (ssize_t)ll)
			exit(NSB_INIT_EXIT_FAILURE);
	}
	/* No usable log pipe: the runtime shows our stderr. Best effort, we exit either way. */
	(void)dprintf(STDERR_FILENO, "FATAL: nsexec[%ld]: %.*s\n", (long)getpid(), (int)len, text);
	exit(NSB_INIT_EXIT_FAILURE);
}

/*
 * parse_mount_fds - _LIBCONTAINER_MOUNT_FDS, as runc 1.1's Go side writes it with
 * json.Marshal([]int): "[" int ("," int)* "]", no blanks, each int -1 (this mount is not
 * a bind mount) or a decimal fd number in [3, INT_MAX] without leading zeros. Anything
 * else is malformed: runc's C side skips what it does not understand; we refuse.
 * On success *fds is malloc'd with *count entries. Only the syntax is checked here:
 * the numbers themselves (none twice, none the init or log pipe, each open, one per
 * MOUNT_SOURCES entry) are core's nsb_check_mount_fds, in setup (MOUNT_FDS_INVALID).
 */
static const char *parse_mount_fds(const char *s, int **fds, size_t *count)
{
	size_t cap = 1, n = 0;
	const char *p;

	if (s[0] != '[')
		return "missing '['";
	for (p = s; *p != '\0'; p++)
		cap += *p == ',';
	int *out = calloc(cap, sizeof(*out));
	if (out == NULL)
		return "out of memory";
	p = s + 1;
	if (*p == ']') {
		free(out);
		return "empty array";
	}
	for (;;) {
		long v = 0;
		if (p[0] == '-' && p[1] == '1' && (p[2] == ',' || p[2] == ']')) {
			v = -1;
			p += 2;
		} else if (*p >= '1' && *p <= '9') {
			for (; *p >= '0' && *p <= '9'; p++) {
				v = v * 10 + (*p - '0');
				if (v > INT_MAX) {
					free(out);
					return "fd number out of range";
				}
			}
			if (v < 3) {
				free(out);
				return "fd number below 3 (would replace stdio)";
			}
		} else {
			free(out);
			return *p == '\0' ? "missing ']'" : "not a number";
		}
		if (n >= cap) { /* cannot happen: one entry per comma, plus one */
			free(out);
			return "too many entries";
		}
		out[n++] = (int)v;
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ']' && p[1] == '\0')
			break;
		free(out);
		return *p == ']' ? "trailing bytes after ']'" : *p == '\0' ? "missing ']'" : "not a number";
	}
	*fds = out;
	*count = n;
	return NULL;
}

void nsexec(void)
{
	const char *initpipe = getenv("_LIBCONTAINER_INITPIPE");
	const char *logpipe = getenv("_LIBCONTAINER_LOGPIPE");
	const char *mount_fds_env = getenv("_LIBCONTAINER_MOUNT_FDS");
	int *mount_fds = NULL;
	size_t mount_fd_count = 0;

	if (initpipe == NULL)
		return; /* any runc command but `runc init` */

	/* CVE-2019-5736: never run the container setup from the host's runc binary. */
	if (ensure_cloned_binary() < 0)
		fatal(logpipe, "could not ensure we are a cloned binary: %s", strerror(errno));

	if (mount_fds_env != NULL) {
		const char *why = parse_mount_fds(mount_fds_env, &mount_fds, &mount_fd_count);
		if (why != NULL)
			fatal(logpipe, "malformed _LIBCONTAINER_MOUNT_FDS env var: %s", why);
	}

	struct nsb_init_config cfg = {
	        .sys = NULL,
	        .dialect = NSB_DIALECT_RUNC_1_1,
	        .max_len = 0,
	        .initpipe = initpipe,
	        .logpipe = logpipe,
	        .loglevel = getenv("_LIBCONTAINER_LOGLEVEL"),
	        .argv = NULL,
	        /* runtime mode: see core/compat/runc-1.1/README.md for what core provides */
	        .process_name = "runc",
	        .stage2_returns = true,
	        /* runc 1.1's own nsenter tests send no ROOTLESS_EUID; its Go parent always does */
	        .allow_missing_rootless_euid = true,
	        .mount_fds_set = mount_fds_env != NULL,
	        .mount_fds = mount_fds,
	        .mount_fd_count = mount_fd_count,
	};
	int status = nsb_init_run(&cfg);
	free(mount_fds);
	if (status == NSB_INIT_CONTINUE)
		return; /* stage-2: "booting up go runtime" */
	exit(status);
}
