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
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coverage.h"
#include "internal.h"
#include "nsboot/bootstrap.h"
#include "nsboot/init.h"
#include "nsboot/parent.h"
#include "parent_place.h"
#include "sys_call.h"

#define PID_LINE_MAX 64u

struct parent {
	const struct nsb_sys *sys;
	const struct nsb_site *last_site;
	const struct nsb_parent_config *cfg;
	struct nsb_parent_result *res;
	struct nsb_error *err;
	bool failed;
	int initfd;            /* our end of the init pipe */
	int logfd;             /* read end of the log pipe; -1 after EOF */
	int pidfd;             /* stage-0's; -1 when unavailable (old kernel): poll with a timeout */
	bool await_setup_byte; /* dialect runc-1.1: init writes 0x00 before it reads */
	size_t sent;
	char pidline[PID_LINE_MAX];
	size_t pidline_len;
	bool pidline_done;
	char logbuf[NSB_LOG_LINE_MAX];
	size_t log_len;
	char msg[NSB_LOG_LINE_MAX];
	struct nsb_place place; /* affinity and cgroup (parent_place.h) */
};

/* The first failure is the one reported: later ones (in tear_down) are its consequences. */
static enum nsb_err fail_sys(struct parent *p, const char *what)
{
	int e = errno;
	if (p->failed)
		return NSB_ERR_SYSCALL;
	p->failed = true;
	(void)snprintf(p->res->what, sizeof(p->res->what), "%s: %s: %s", what,
	               p->last_site != NULL ? p->last_site->call : "?", strerror(e));
	nsb_fail(p->err, NSB_ERR_SYSCALL, 0, NSB_ATTR_NONE, 0);
	if (p->err != NULL)
		p->err->sys_errno = e;
	return NSB_ERR_SYSCALL;
}

static enum nsb_err fail_code(struct parent *p, enum nsb_err code, const char *what)
{
	if (p->failed)
		return code;
	p->failed = true;
	(void)snprintf(p->res->what, sizeof(p->res->what), "%s", what);
	return nsb_fail(p->err, code, 0, NSB_ATTR_NONE, 0);
}

/* A failure of parent_place.c: its last call is the one that failed. */
static enum nsb_err fail_place(struct parent *p, enum nsb_err code)
{
	if (code == NSB_OK)
		return NSB_OK;
	p->last_site = p->place.last_site;
	return code == NSB_ERR_SYSCALL ? fail_sys(p, p->place.what) : fail_code(p, code, p->place.what);
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
		(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, p->logfd);
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

#define ENV_SLOT 48u

/*
 * envp minus _LIBCONTAINER_*, plus our three, in one malloc'd block made
 * before any fd exists (nothing to undo when it fails); fill_env() writes
 * the fd numbers into the three reserved slots later.
 */
static char **alloc_env(const struct nsb_parent_config *cfg)
{
	static const char prefix[] = "_LIBCONTAINER_";
	size_t n = 0, keep = 0;
	char **env;

	for (; cfg->envp != NULL && cfg->envp[n] != NULL; n++)
		keep += strncmp(cfg->envp[n], prefix, sizeof(prefix) - 1) != 0;
	env = malloc((keep + 4) * sizeof(char *) + 3 * (size_t)ENV_SLOT);
	if (env == NULL)
		return NULL;
	keep = 0;
	for (size_t i = 0; i < n; i++) {
		if (strncmp(cfg->envp[i], prefix, sizeof(prefix) - 1) != 0)
			env[keep++] = cfg->envp[i];
	}
	for (size_t i = 0; i < 3; i++)
		env[keep + i] = (char *)(env + keep + 4) + i * ENV_SLOT;
	env[keep + 3] = NULL;
	return env;
}

static void fill_env(char **env, const struct nsb_parent_config *cfg, int initpipe, int logpipe)
{
	size_t k = 0;
	while (env[k + 3] != NULL)
		k++;
	(void)snprintf(env[k], ENV_SLOT, "_LIBCONTAINER_INITPIPE=%d", initpipe);
	(void)snprintf(env[k + 1], ENV_SLOT, "_LIBCONTAINER_LOGPIPE=%d", logpipe);
	(void)snprintf(env[k + 2], ENV_SLOT, "_LIBCONTAINER_LOGLEVEL=%d", cfg->log_level);
}

/* In the spawned child, before init runs: a FATAL line of our own, then exit. */
static void spawn_fatal(struct parent *p, int logpipe, const char *what, int status)
{
	char text[512], line[NSB_LOG_LINE_MAX];
	int e = errno;
	int n = snprintf(text, sizeof(text), "%s: %s: %s", what,
	                 p->last_site != NULL ? p->last_site->call : "?", strerror(e));
	size_t len = nsb_log_format(line, sizeof(line), NSB_LOG_FATAL, NSB_LOG_STAGE_SETUP,
	                            (long)p->sys->getpid(p->sys->ctx), text, n > 0 ? (size_t)n : 0);
	if (len > 0)
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, write, logpipe, line, len);
	NSB_COVERAGE_FLUSH();
	_exit(status);
}

/* In the forked child: never returns. */
static void start_child(struct parent *p, int initpipe, int logpipe, char **env)
{
	const struct nsb_parent_config *cfg = p->cfg;

	/* close-on-exec anyway; Linux releases an fd even when close fails */
	(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, p->initfd);
	(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, p->logfd);
	if (cfg->init_fn != NULL) {
		int status = cfg->init_fn(cfg->init_arg, initpipe, logpipe);

		NSB_COVERAGE_FLUSH();
		_exit(status);
	}
	/* Only these two fds of ours survive the exec. */
	if (NSB_CALL(p, fcntl, initpipe, F_SETFD, 0) < 0)
		spawn_fatal(p, logpipe, "pass the init pipe to init", 126);
	if (NSB_CALL(p, fcntl, logpipe, F_SETFD, 0) < 0)
		spawn_fatal(p, logpipe, "pass the log pipe to init", 126);
	(void)NSB_CALL(p, execve, cfg->init_path, cfg->init_argv, env);
	spawn_fatal(p, logpipe, cfg->init_path, errno == ENOENT ? 127 : 126);
}

static enum nsb_err start_init(struct parent *p)
{
	int sv[2], lp[2];
	char **env = NULL;
	pid_t pid;

	if (p->cfg->init_fn == NULL && (env = alloc_env(p->cfg)) == NULL)
		return fail_code(p, NSB_ERR_NOMEM, "build the environment of init");
	if (NSB_CALL(p, socketpair, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		free(env);
		return fail_sys(p, "create the init pipe");
	}
	if (NSB_CALL(p, pipe2, lp, O_CLOEXEC) < 0) {
		enum nsb_err rc = fail_sys(p, "create the log pipe");
		free(env);
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[0]);
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, sv[1]);
		return rc;
	}
	p->initfd = sv[0];
	p->logfd = lp[0];
	if (env != NULL)
		fill_env(env, p->cfg, sv[1], lp[1]);
	/* init is born with the initial affinity; the thread gets its own back right after */
	enum nsb_err rc = fail_place(p, nsb_place_initial_enter(&p->place));
	pid = rc == NSB_OK ? NSB_CALL0(p, fork) : -1;
	if (pid == 0)
		start_child(p, sv[1], lp[1], env);
	if (rc == NSB_OK && pid < 0)
		rc = fail_sys(p, "start init");
	enum nsb_err back = fail_place(p, nsb_place_initial_leave(&p->place));
	rc = rc != NSB_OK ? rc : back;
	free(env);
	(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, sv[1]);
	(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, lp[1]);
	if (pid > 0)
		p->res->stage0 = pid; /* also when restoring failed: tear_down kills it */
	if (rc != NSB_OK)
		return rc;
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
	/* MSG_NOSIGNAL: an init that died must not take the runtime with it (SIGPIPE) */
	ssize_t n = NSB_CALL(p, send, p->initfd, b + p->sent, p->cfg->bootstrap_len - p->sent, MSG_NOSIGNAL);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0 && (errno == EPIPE || errno == ECONNRESET)) {
		p->sent = p->cfg->bootstrap_len; /* init is gone: its exit status tells why */
		return NSB_OK;
	}
	if (n < 0)
		return fail_sys(p, "send the bootstrap");
	p->sent += (size_t)n;
	return NSB_OK;
}

/* runc 1.0-1.1: one 0x00 byte says init is past its setup and will read. */
static enum nsb_err read_setup_byte(struct parent *p)
{
	char c = 1;
	ssize_t n = NSB_CALL(p, read, p->initfd, &c, 1);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0 && errno != ECONNRESET)
		return fail_sys(p, "read the setup byte");
	if (n <= 0) { /* EOF, or reset by an init that died with our bytes unread */
		p->await_setup_byte = false;
		p->pidline_done = true; /* EOF: init is gone; its exit status tells */
		p->sent = p->cfg->bootstrap_len;
		return NSB_OK;
	}
	if (c != 0)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "init's first byte is not the 0x00 of runc-1.1");
	p->await_setup_byte = false;
	return NSB_OK;
}

/*
 * Read what there is of the pid line. Nothing after its '\n' is ours to
 * take (a runtime goes on using the init pipe), so the bytes are peeked
 * first and only those up to the '\n' are consumed.
 */
static enum nsb_err read_pidline(struct parent *p)
{
	char buf[PID_LINE_MAX + 1]; /* the most that can still be ours: the rest of the line and '\n' */
	size_t room = sizeof(p->pidline) - p->pidline_len + 1;
	struct iovec iov = {buf, room};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};
	ssize_t n = NSB_CALL(p, recvmsg, p->initfd, &mh, MSG_PEEK);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return NSB_OK;
	if (n < 0 && errno != ECONNRESET)
		return fail_sys(p, "read the pid line");
	if (n <= 0) {
		/* EOF (every stage is gone), or reset by an init that died with our
		 * bytes unread: the exit status tells why */
		p->pidline_done = true;
		return NSB_OK;
	}
	const char *nl = memchr(buf, '\n', (size_t)n);
	size_t take = nl != NULL ? (size_t)(nl - buf) + 1 : (size_t)n;
	/* only we read this socket: the peeked bytes are there to take */
	ssize_t got = NSB_CALL(p, read, p->initfd, buf, take);
	if (got < 0)
		return fail_sys(p, "read the pid line");
	/* A stream socket only we read gives back what was peeked. GCOVR_EXCL_START: DefensiveCoding */
	if ((size_t)got != take)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "the pid line changed between peek and read");
	/* GCOVR_EXCL_STOP: DefensiveCoding */
	size_t text = nl != NULL ? take - 1 : take;
	if (p->pidline_len + text > sizeof(p->pidline))
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "the pid line from stage-0 is too long");
	memcpy(p->pidline + p->pidline_len, buf, text);
	p->pidline_len += text;
	if (nl == NULL)
		return NSB_OK;
	struct nsb_error perr;
	p->pidline_done = true;
	if (nsb_parse_pid_json(p->pidline, p->pidline_len, &p->res->stage1, &p->res->stage2, &perr) != NSB_OK)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "the pid line from stage-0 is malformed");
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

static bool exited_zero(int status)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* Until stage-0 has exited and the pid line is in (or cannot come). */
static enum nsb_err run_until_stage0_exits(struct parent *p)
{
	bool gone = false;

	while (!gone || (!p->pidline_done && exited_zero(p->res->stage0_status))) {
		struct pollfd fds[3];
		nfds_t nfds = 0;
		int in = -1, lg = -1, pf = -1;
		enum nsb_err rc = NSB_OK;
		bool sending = !p->await_setup_byte && p->sent < p->cfg->bootstrap_len;
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
		/* Once stage-0 is gone, its pid line is in the pipe or never comes
		 * (stage-2 holds the pipe open, waiting for us): don't wait. */
		int timeout = gone ? 0 : p->pidfd >= 0 ? -1 : 20;
		int ready = NSB_CALL(p, poll, fds, nfds, timeout);
		if (ready < 0) {
			if (errno == EINTR)
				continue;
			return fail_sys(p, "wait for init");
		}
		if (ready == 0 && gone) {
			p->pidline_done = true; /* not reported: run() says so */
			break;
		}
		if (in >= 0 && fds[in].revents != 0)
			rc = p->await_setup_byte ? read_setup_byte(p)
			     : sending           ? write_bootstrap(p)
			                         : read_pidline(p);
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

/* drain_log for tear_down: its own call sites, and it gives up (closing the
 * pipe) rather than fail: the first failure is already reported. */
static void drain_log_after_failure(struct parent *p)
{
	while (p->logfd >= 0) {
		struct pollfd fd = {p->logfd, POLLIN, 0};
		if (NSB_CALL_K(p, NSB_SITE_CLEANUP, poll, &fd, 1, -1) < 0 && errno != EINTR)
			break;
		if (read_log(p) != NSB_OK)
			break;
	}
	if (p->logfd >= 0) {
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->logfd);
		p->logfd = -1;
	}
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
		struct pollfd fd = {p->initfd, POLLIN, 0};
		/* never block here: the fd may not have become non-blocking */
		if (NSB_CALL_K(p, NSB_SITE_CLEANUP, poll, &fd, 1, 0) != 1)
			return;
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
	int status = 0;

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
	drain_log_after_failure(p);
	if (p->res->stage1 > 0 && p->res->stage1_status == -1 &&
	    NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, p->res->stage1, &status, 0) == p->res->stage1)
		p->res->stage1_status = status;
	if (p->res->stage2 > 0 && p->res->stage2_status == -1 &&
	    NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, p->res->stage2, &status, 0) == p->res->stage2)
		p->res->stage2_status = status;
}

/* The release (init.h): the whole token, then EOF. The last bytes we
 * send, so the socket may block again for them. */
static enum nsb_err send_release(struct parent *p)
{
	size_t sent = 0;

	if (NSB_CALL(p, fcntl, p->initfd, F_SETFL, 0) < 0)
		return fail_sys(p, "release stage-2");
	while (sent < NSB_RELEASE_TOKEN_LEN) {
		ssize_t n = NSB_CALL(p, send, p->initfd, NSB_RELEASE_TOKEN + sent,
		                     NSB_RELEASE_TOKEN_LEN - sent, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return fail_sys(p, "release stage-2");
		sent += (size_t)n;
	}
	if (NSB_CALL(p, shutdown, p->initfd, SHUT_WR) < 0)
		return fail_sys(p, "release stage-2");
	return NSB_OK;
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
	/* stage-0 is gone: stage-2 into its cgroup, then its final affinity */
	if ((rc = fail_place(p, nsb_place_stage2(&p->place, p->res->stage2))) != NSB_OK)
		return rc;
	if (p->cfg->on_ready != NULL && p->cfg->on_ready(p->cfg->ready_ctx, p->res) != 0)
		return fail_code(p, NSB_ERR_STAGE_FAILED, "the caller refused to release stage-2");
	if ((rc = send_release(p)) != NSB_OK)
		return rc;
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
	/* init reads the header, then exactly nlmsg_len bytes: a message we
	 * send shorter than that would leave it waiting for bytes that never
	 * come (EOF is stage-2's go signal, not something to send now). */
	if (cfg->bootstrap_len < NSB_NLMSG_HDRLEN)
		return nsb_fail(err, NSB_ERR_SHORT_HEADER, 0, NSB_ATTR_NONE, 0);
	if (nsb_load_u32(cfg->bootstrap) > cfg->bootstrap_len)
		return nsb_fail(err, NSB_ERR_TRUNCATED, 0, NSB_ATTR_NONE, 0);
	res->stage0_status = res->stage1_status = res->stage2_status = -1;
	p = calloc(1, sizeof(*p));
	if (p == NULL)
		return nsb_fail(err, NSB_ERR_NOMEM, 0, NSB_ATTR_NONE, 0);
	p->sys = cfg->sys != NULL ? cfg->sys : nsb_sys_default();
	if (nsb_place_prepare(&p->place, p->sys, cfg->affinity_initial, cfg->affinity_final, cfg->cgroup) !=
	    NSB_OK) {
		free(p);
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	}
	p->cfg = cfg;
	p->res = res;
	p->err = err;
	p->initfd = p->logfd = p->pidfd = -1;
	p->await_setup_byte = cfg->dialect == NSB_DIALECT_RUNC_1_1;
	nsb_ok(err);

	rc = run(p);
	if (rc != NSB_OK)
		tear_down(p);
	if (p->initfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, p->initfd);
	if (p->pidfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, p->pidfd);
	free(p);
	return rc;
}
