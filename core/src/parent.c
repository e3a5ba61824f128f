/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent.c - nsb_parent_run: drive an init through the protocol (parent.h).
 *
 * One poll loop serves the init pipe (bootstrap out, pid line in), the log
 * pipe (lines forwarded as they come, so init never blocks on a full pipe)
 * and stage-0's pidfd (its exit). The init pipe is non-blocking on our
 * side so a large bootstrap cannot deadlock against a chatty log.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "internal.h"
#include "nsboot/parent.h"
#include "sys_call.h"

#define PID_LINE_MAX 64u

struct parent {
	const struct nsb_sys *sys;
	const struct nsb_site *last_site;
	const struct nsb_parent_config *cfg;
	struct nsb_parent_result *res;
	struct nsb_error *err;
	int initfd; /* our end of the init pipe */
	int logfd;  /* read end of the log pipe; -1 after EOF */
	int pidfd;  /* stage-0's; -1 when unavailable (old kernel): poll with a timeout */
	size_t sent;
	char pidline[PID_LINE_MAX];
	size_t pidline_len;
	bool pidline_done;
	char logbuf[NSB_LOG_LINE_MAX];
	size_t log_len;
	char msg[NSB_LOG_LINE_MAX];
};

static enum nsb_err fail_sys(struct parent *p, const char *what)
{
	int e = errno;
	(void)snprintf(p->res->what, sizeof(p->res->what), "%s: %s: %s", what,
	               p->last_site != NULL ? p->last_site->call : "?", strerror(e));
	nsb_fail(p->err, NSB_ERR_SYSCALL, 0, NSB_ATTR_NONE, 0);
	if (p->err != NULL)
		p->err->sys_errno = e;
	return NSB_ERR_SYSCALL;
}

static enum nsb_err fail_code(struct parent *p, enum nsb_err code, const char *what)
{
	(void)snprintf(p->res->what, sizeof(p->res->what), "%s", what);
	return nsb_fail(p->err, code, 0, NSB_ATTR_NONE, 0);
}

/* ---- log lines ------------------------------------------------------------ */

static void deliver_line(struct parent *p, const char *line, size_t len)
{
	int level = -1;
	size_t n = 0;

	if (nsb_log_parse(line, len, &level, p->msg, sizeof(p->msg), &n, NULL) != NSB_OK) {
		level = -1;
		n = len < sizeof(p->msg) - 1 ? len : sizeof(p->msg) - 1;
		memcpy(p->msg, line, n);
		p->msg[n] = '\0';
	}
	if (level == NSB_LOG_FATAL && p->res->fatal[0] == '\0')
		(void)snprintf(p->res->fatal, sizeof(p->res->fatal), "%s", p->msg);
	if (p->cfg->on_log != NULL)
		p->cfg->on_log(p->cfg->log_ctx, level, p->msg);
}

/* Read what the log pipe has; deliver complete lines. Sets logfd -1 at EOF. */
static enum nsb_err read_log(struct parent *p)
{
	ssize_t n = NSB_CALL(p, read, p->logfd, p->logbuf + p->log_len, sizeof(p->logbuf) - p->log_len);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0)
		return fail_sys(p, "read the log pipe");
	if (n == 0) {
		if (p->log_len > 0) /* a last line without '\n' */
			deliver_line(p, p->logbuf, p->log_len);
		p->log_len = 0;
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->logfd);
		p->logfd = -1;
		return NSB_OK;
	}
	p->log_len += (size_t)n;
	char *start = p->logbuf, *nl;
	while ((nl = memchr(start, '\n', p->log_len - (size_t)(start - p->logbuf))) != NULL) {
		deliver_line(p, start, (size_t)(nl - start));
		start = nl + 1;
	}
	p->log_len -= (size_t)(start - p->logbuf);
	memmove(p->logbuf, start, p->log_len);
	if (p->log_len == sizeof(p->logbuf)) { /* longer than any init writes: pass it on raw */
		deliver_line(p, p->logbuf, p->log_len);
		p->log_len = 0;
	}
	return NSB_OK;
}

/* ---- starting init --------------------------------------------------------- */

/* envp minus _LIBCONTAINER_*, plus our three; one malloc'd block. */
static char **build_env(const struct nsb_parent_config *cfg, int initpipe, int logpipe)
{
	static const char prefix[] = "_LIBCONTAINER_";
	size_t n = 0, keep = 0;
	char **env;
	char *extra;

	for (; cfg->envp != NULL && cfg->envp[n] != NULL; n++)
		keep += strncmp(cfg->envp[n], prefix, sizeof(prefix) - 1) != 0;
	env = malloc((keep + 4) * sizeof(char *) + 3 * 48);
	if (env == NULL)
		return NULL;
	extra = (char *)(env + keep + 4);
	keep = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cfg->envp[i], prefix, sizeof(prefix) - 1) != 0)
			env[keep++] = cfg->envp[i];
	}
	env[keep++] = extra;
	extra += snprintf(extra, 48, "_LIBCONTAINER_INITPIPE=%d", initpipe) + 1;
	env[keep++] = extra;
	extra += snprintf(extra, 48, "_LIBCONTAINER_LOGPIPE=%d", logpipe) + 1;
	env[keep++] = extra;
	(void)snprintf(extra, 48, "_LIBCONTAINER_LOGLEVEL=%d", cfg->log_level);
	env[keep] = NULL;
	return env;
}

/* In the forked child: never returns. */
static void start_child(struct parent *p, int initpipe, int logpipe, char **env)
{
	const struct nsb_parent_config *cfg = p->cfg;

	(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->initfd);
	(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->logfd);
	if (cfg->init_fn != NULL)
		_exit(cfg->init_fn(cfg->init_arg, initpipe, logpipe));
	/* Only these two fds of ours survive the exec. */
	if (NSB_CALL(p, fcntl, initpipe, F_SETFD, 0) < 0 || NSB_CALL(p, fcntl, logpipe, F_SETFD, 0) < 0)
		_exit(126);
	(void)NSB_CALL(p, execve, cfg->init_path, cfg->init_argv, env);
	_exit(errno == ENOENT ? 127 : 126);
}

static enum nsb_err start_init(struct parent *p)
{
	int sv[2], lp[2];
	char **env = NULL;
	pid_t pid;

	if (NSB_CALL(p, socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return fail_sys(p, "create the init pipe");
	if (NSB_CALL(p, pipe2, lp, O_CLOEXEC) < 0) {
		enum nsb_err rc = fail_sys(p, "create the log pipe");
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[0]);
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[1]);
		return rc;
	}
	p->initfd = sv[0];
	p->logfd = lp[0];
	if (p->cfg->init_fn == NULL && (env = build_env(p->cfg, sv[1], lp[1])) == NULL) {
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[1]);
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, lp[1]);
		return fail_code(p, NSB_ERR_NOMEM, "build the environment of init");
	}
	pid = NSB_CALL0(p, fork);
	if (pid == 0)
		start_child(p, sv[1], lp[1], env);
	free(env);
	int e = errno;
	(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[1]);
	(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, lp[1]);
	if (pid < 0) {
		errno = e;
		return fail_sys(p, "start init");
	}
	p->res->stage0 = pid;
	/* Non-blocking from here: the loop only writes what the socket takes. */
	if (NSB_CALL(p, fcntl, p->initfd, F_SETFL, O_NONBLOCK) < 0)
		return fail_sys(p, "make the init pipe non-blocking");
	p->pidfd = NSB_CALL_K(p, NSB_SITE_FALLBACK, pidfd_open, pid, 0);
	return NSB_OK;
}

/* ---- the protocol loop ----------------------------------------------------- */

static enum nsb_err write_bootstrap(struct parent *p)
{
	const char *b = p->cfg->bootstrap;
	ssize_t n = NSB_CALL(p, write, p->initfd, b + p->sent, p->cfg->bootstrap_len - p->sent);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0)
		return fail_sys(p, "send the bootstrap");
	p->sent += (size_t)n;
	return NSB_OK;
}

/* Read the pid line byte by byte: nothing after its '\n' is ours to take. */
static enum nsb_err read_pidline(struct parent *p)
{
	char c;
	ssize_t n = NSB_CALL(p, read, p->initfd, &c, 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0)
		return fail_sys(p, "read the pid line");
	if (n == 0) {
		p->pidline_done = true; /* EOF: every stage is gone; the exit status tells */
		return NSB_OK;
	}
	if (c == '\n') {
		p->pidline_done = true;
		return nsb_parse_pid_json(p->pidline, p->pidline_len, &p->res->stage1, &p->res->stage2,
		                          p->err);
	}
	if (p->pidline_len == sizeof(p->pidline))
		return nsb_fail(p->err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, PID_LINE_MAX);
	p->pidline[p->pidline_len++] = c;
	return NSB_OK;
}

static enum nsb_err reap(struct parent *p, pid_t pid, int *status)
{
	for (;;) {
		if (NSB_CALL(p, waitpid, pid, status, 0) == pid)
			return NSB_OK;
		if (errno != EINTR)
			return fail_sys(p, "wait for a stage");
	}
}

/* Has stage-0 exited? Reaps it when it has. */
static enum nsb_err poll_stage0(struct parent *p, bool *gone)
{
	int status = 0;
	pid_t r = NSB_CALL(p, waitpid, p->res->stage0, &status, WNOHANG);

	if (r < 0 && errno != EINTR)
		return fail_sys(p, "wait for stage-0");
	if (r == p->res->stage0) {
		p->res->stage0_status = status;
		*gone = true;
	}
	return NSB_OK;
}

/* Until stage-0 has exited and the pid line is in (or cannot come). */
static enum nsb_err run_until_stage0_exits(struct parent *p)
{
	bool gone = false;

	while (!gone ||
	       (!p->pidline_done && WIFEXITED(p->res->stage0_status) && p->res->stage0_status == 0)) {
		struct pollfd fds[3];
		nfds_t nfds = 0;
		int in = -1, lg = -1, pf = -1;
		enum nsb_err rc = NSB_OK;
		bool sending = p->sent < p->cfg->bootstrap_len;
		if (sending || !p->pidline_done) {
			fds[nfds] = (struct pollfd){p->initfd, (short)(sending ? POLLOUT : POLLIN), 0};
			in = (int)nfds++;
		}
		if (p->logfd >= 0) {
			fds[nfds] = (struct pollfd){p->logfd, POLLIN, 0};
			lg = (int)nfds++;
		}
		if (p->pidfd >= 0 && !gone) {
			fds[nfds] = (struct pollfd){p->pidfd, POLLIN, 0};
			pf = (int)nfds++;
		}
		int timeout = p->pidfd >= 0 || gone ? -1 : 20;
		if (NSB_CALL(p, poll, fds, nfds, timeout) < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys(p, "wait for init");
		}
		if (in >= 0 && fds[in].revents != 0)
			rc = sending ? write_bootstrap(p) : read_pidline(p);
		if (rc == NSB_OK && lg >= 0 && fds[lg].revents != 0)
			rc = read_log(p);
		if (rc == NSB_OK && !gone && (pf < 0 || fds[pf].revents != 0))
			rc = poll_stage0(p, &gone);
		if (rc != NSB_OK)
			return rc;
		if (gone && p->sent < p->cfg->bootstrap_len)
			p->sent = p->cfg->bootstrap_len; /* stage-0 is gone: nobody reads the rest */
	}
	return NSB_OK;
}

/* Forward log lines until every writer is gone: all stages have exited or exec'd. */
static enum nsb_err drain_log(struct parent *p)
{
	while (p->logfd >= 0) {
		struct pollfd fd = {p->logfd, POLLIN, 0};
		if (NSB_CALL(p, poll, &fd, 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys(p, "read the log pipe");
		}
		enum nsb_err rc = read_log(p);
		if (rc != NSB_OK)
			return rc;
	}
	return NSB_OK;
}

static void kill_known(struct parent *p)
{
	const pid_t pids[] = {p->res->stage2, p->res->stage1};
	int *statuses[] = {&p->res->stage2_status, &p->res->stage1_status};

	for (size_t i = 0; i < 2; i++) {
		if (pids[i] > 0 && *statuses[i] == -1)
			(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, kill, pids[i], SIGKILL);
	}
}

/*
 * The pid line may sit unread in the init pipe (we failed before reading
 * it): take what is there, without waiting, to learn whom to kill.
 */
static void salvage_pids(struct parent *p)
{
	while (p->initfd >= 0 && !p->pidline_done && p->res->stage2 <= 0) {
		size_t before = p->pidline_len;
		if (read_pidline(p) != NSB_OK || (p->pidline_len == before && !p->pidline_done))
			return;
	}
}

/*
 * After a failure: nothing of init may outlive the call. The order
 * matters: closing the init pipe is stage-2's go signal, so every stage-2
 * that may be waiting for it must be dead first. Stage-0 is killed and
 * reaped, then the pid line read if it was written: stage-2 only waits for
 * the go signal after stage-0 wrote that line; without it, stage-2 dies on
 * EOF of its sync socket with stage-0.
 */
static void tear_down(struct parent *p)
{
	int status;

	if (p->res->stage0 > 0 && p->res->stage0_status == -1) {
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, kill, p->res->stage0, SIGKILL);
		if (NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, p->res->stage0, &status, 0) == p->res->stage0)
			p->res->stage0_status = status;
	}
	salvage_pids(p);
	kill_known(p);
	if (p->initfd >= 0) {
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->initfd);
		p->initfd = -1;
	}
	(void)drain_log(p);
	if (p->res->stage1 > 0 && p->res->stage1_status == -1 &&
	    NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, p->res->stage1, &status, 0) == p->res->stage1)
		p->res->stage1_status = status;
	if (p->res->stage2 > 0 && p->res->stage2_status == -1 &&
	    NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, p->res->stage2, &status, 0) == p->res->stage2)
		p->res->stage2_status = status;
}

static bool exited_zero(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static enum nsb_err run(struct parent *p)
{
	enum nsb_err rc = start_init(p);

	if (rc == NSB_OK)
		rc = run_until_stage0_exits(p);
	if (rc != NSB_OK)
		return rc;
	if (!exited_zero(p->res->stage0_status))
		return fail_code(p, NSB_ERR_STAGE_FAILED, "stage-0 failed");
	if (p->res->stage1 <= 0)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "stage-0 exited 0 without reporting the pids");
	if ((rc = reap(p, p->res->stage1, &p->res->stage1_status)) != NSB_OK)
		return rc;
	if (!exited_zero(p->res->stage1_status))
		return fail_code(p, NSB_ERR_STAGE_FAILED, "stage-1 failed");
	if (p->cfg->on_ready != NULL && p->cfg->on_ready(p->cfg->ready_ctx, p->res) != 0)
		return fail_code(p, NSB_ERR_STAGE_FAILED, "the caller refused to release stage-2");
	if (NSB_CALL(p, shutdown, p->initfd, SHUT_WR) < 0)
		return fail_sys(p, "release stage-2");
	if ((rc = drain_log(p)) != NSB_OK)
		return rc;
	return reap(p, p->res->stage2, &p->res->stage2_status);
}

enum nsb_err nsb_parent_run(const struct nsb_parent_config *cfg, struct nsb_parent_result *res,
                            struct nsb_error *err)
{
	struct parent *p;
	enum nsb_err rc;

	if (cfg == NULL || res == NULL || cfg->bootstrap == NULL ||
	    (cfg->init_fn == NULL && cfg->init_path == NULL))
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	memset(res, 0, sizeof(*res));
	res->stage0_status = res->stage1_status = res->stage2_status = -1;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return nsb_fail(err, NSB_ERR_NOMEM, 0, NSB_ATTR_NONE, 0);
	p->sys = cfg->sys != NULL ? cfg->sys : nsb_sys_default();
	p->cfg = cfg;
	p->res = res;
	p->err = err;
	p->initfd = p->logfd = p->pidfd = -1;
	nsb_ok(err);

	rc = run(p);
	if (rc != NSB_OK)
		tear_down(p);
	if (p->initfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->initfd);
	if (p->logfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->logfd);
	if (p->pidfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->pidfd);
	free(p);
	return rc;
}
