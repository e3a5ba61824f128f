/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent.c - nsb_parent_run: drive an init through the protocol (parent.h).
 *
 * One poll loop serves the init pipe (bootstrap out, pid line in), the log
 * pipe (lines forwarded as they come, so init never blocks on a full pipe)
 * and stage-0's pidfd (its exit). The init pipe is non-blocking on our
 * side so a large bootstrap cannot deadlock against a chatty log.
 *
 * Every poll before the release goes through setup_poll(), which applies
 * the caller's setup timeout and cancel flag. The children of the calling
 * thread are listed before init starts, so that the pids of the pid line
 * can be checked against them and so that, after a failure, every child
 * that appeared since (the stages, reported or not) is killed and reaped.
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
#include <time.h>
#include <unistd.h>

#include "coverage.h"
#include "internal.h"
#include "nsboot/bootstrap.h"
#include "nsboot/init.h"
#include "nsboot/parent.h"
#include "parent_place.h"
#include "sys_call.h"

#define PID_LINE_MAX 64u
/* The children of the calling thread, as the kernel lists them. */
#define CHILDREN_FILE "/proc/thread-self/children"
/* With a cancel flag, the longest a poll waits before the flag is looked at
 * again: a signal that sets it just before poll() starts does not wake it. */
#define CANCEL_POLL_MS 100
/* Rounds of the kill sweep after a failure (sweep_kill) */
#define SWEEP_ROUNDS 64

/* A list of pids, malloc'd. */
struct pids {
	pid_t *pid;
	size_t n, cap;
};

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
	int64_t deadline;       /* CLOCK_MONOTONIC ns when the setup times out; 0: never */
	size_t released;        /* bytes of NSB_RELEASE_TOKEN sent */
	bool listed;            /* before holds the thread's children from before init started */
	struct pids before;     /* ... */
	struct pids swept;      /* children killed by the sweep after a failure, to reap */
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

/* ---- the children of the calling thread ------------------------------------ */

static bool pids_has(const struct pids *l, pid_t pid)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->pid[i] == pid)
			return true;
	}
	return false;
}

static bool pids_add(struct pids *l, pid_t pid)
{
	if (l->n == l->cap) {
		size_t cap = l->cap > 0 ? 2 * l->cap : 16;
		pid_t *grown = realloc(l->pid, cap * sizeof(pid_t));
		/* GCOVR_EXCL_START: OutOfMemory (the seam has no malloc) */
		if (grown == NULL)
			return false;
		/* GCOVR_EXCL_STOP: OutOfMemory */
		l->pid = grown;
		l->cap = cap;
	}
	l->pid[l->n++] = pid;
	return true;
}

/* "123 456 " as the kernel writes it; anything else ends the list. */
static bool parse_children(const char *text, size_t len, struct pids *out)
{
	size_t i = 0;

	while (i < len) {
		int64_t v = 0;
		size_t start = i;
		while (i < len && text[i] >= '0' && text[i] <= '9' && v <= INT32_MAX)
			v = v * 10 + (text[i++] - '0');
		if (i == start || v < 1 || v > INT32_MAX || !pids_add(out, (pid_t)v))
			return false;
		while (i < len && text[i] == ' ')
			i++;
	}
	return true;
}

/*
 * The children of the calling thread into @out (emptied first). -1 with
 * errno on failure (ENOENT: a kernel without CONFIG_PROC_CHILDREN, or no
 * procfs). The same call sites serve the list before init starts (where a
 * failure is fatal) and the one in tear_down (where it is ignored), so
 * that fault injection, which fails every cleanup call at once, still
 * reaches the kills that follow the second.
 */
static int list_children(struct parent *p, struct pids *out)
{
	size_t len = 0, cap = 512;
	char *text = malloc(cap);
	int fd, e = 0;

	out->n = 0;
	/* GCOVR_EXCL_START: OutOfMemory */
	if (text == NULL) {
		errno = ENOMEM;
		return -1;
	}
	/* GCOVR_EXCL_STOP: OutOfMemory */
	fd = NSB_CALL(p, open, CHILDREN_FILE, O_RDONLY | O_CLOEXEC, 0);
	if (fd < 0) {
		e = errno;
		free(text);
		errno = e;
		return -1;
	}
	for (;;) {
		if (len == cap) {
			char *grown = realloc(text, 2 * cap);
			/* GCOVR_EXCL_START: OutOfMemory */
			if (grown == NULL) {
				e = ENOMEM;
				break;
			}
			/* GCOVR_EXCL_STOP: OutOfMemory */
			text = grown;
			cap *= 2;
		}
		ssize_t n = NSB_CALL(p, read, fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = errno;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	const struct nsb_site *failed = p->last_site; /* a failed read names the failure, not the close */
	(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, fd);
	if (e != 0)
		p->last_site = failed;
	/* The kernel writes only pids and spaces. GCOVR_EXCL_START: DefensiveCoding */
	if (e == 0 && !parse_children(text, len, out))
		e = EPROTO;
	/* GCOVR_EXCL_STOP: DefensiveCoding */
	free(text);
	errno = e;
	return e == 0 ? 0 : -1;
}

/* ---- the setup's time limit and the caller's cancel flag --------------------- */

static enum nsb_err now_ns(struct parent *p, int64_t *now)
{
	struct timespec ts;

	if (NSB_CALL(p, clock_gettime, CLOCK_MONOTONIC, &ts) < 0)
		return fail_sys(p, "read the clock for the setup timeout");
	*now = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
	return NSB_OK;
}

/* Has the caller given up, or has the setup run out of time? @what: what we were waiting for. */
static enum nsb_err setup_limits(struct parent *p, const char *what, int64_t *now)
{
	char text[sizeof(p->res->what)];

	if (p->cfg->cancel != NULL && *p->cfg->cancel != 0) {
		(void)snprintf(text, sizeof(text), "canceled by the caller: %s", what);
		return fail_code(p, NSB_ERR_CANCELED, text);
	}
	if (p->deadline == 0)
		return NSB_OK;
	enum nsb_err rc = now_ns(p, now);
	if (rc == NSB_OK && *now >= p->deadline) {
		(void)snprintf(text, sizeof(text), "the setup took longer than %d ms: %s",
		               p->cfg->setup_timeout_ms, what);
		return fail_code(p, NSB_ERR_TIMEOUT, text);
	}
	return rc;
}

/*
 * poll() before the release: the cancel flag and the deadline are looked at
 * before it and whenever it returns (EINTR included); @timeout (-1: none)
 * is cut to the time left and, with a cancel flag, to CANCEL_POLL_MS.
 * *ready is poll's result, -1 only for EINTR.
 */
static enum nsb_err setup_poll(struct parent *p, struct pollfd *fds, nfds_t nfds, int timeout, int *ready,
                               const char *what)
{
	int64_t now = 0;
	enum nsb_err rc = setup_limits(p, what, &now);

	if (rc != NSB_OK)
		return rc;
	if (p->deadline != 0) {
		int64_t left = (p->deadline - now + 999999) / 1000000;
		if (timeout < 0 || left < timeout)
			timeout = (int)left;
	}
	if (p->cfg->cancel != NULL && (timeout < 0 || timeout > CANCEL_POLL_MS))
		timeout = CANCEL_POLL_MS;
	*ready = NSB_CALL(p, poll, fds, nfds, timeout);
	if (*ready < 0 && errno != EINTR)
		return fail_sys(p, what);
	return setup_limits(p, what, &now);
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

	/* Before anything is started: what is a child of this thread now is not
	 * the run's. No such file (a kernel without CONFIG_PROC_CHILDREN): the
	 * run goes on without the sweep after a failure (parent.h). */
	if (list_children(p, &p->before) == 0)
		p->listed = true;
	/* GCOVR_EXCL_START: OutOfMemory */
	else if (errno == ENOMEM)
		return fail_code(p, NSB_ERR_NOMEM, "list the children of the runtime");
	/* GCOVR_EXCL_STOP: OutOfMemory */
	else if (errno != ENOENT)
		return fail_sys(p, "list the children of the runtime");
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
 * The pids of the pid line are acted on (killed, moved, given an affinity,
 * waited for) only if each is a child of ours that was not one before init
 * started, and they are two, neither stage-0: a child cannot be recycled
 * before we reap it, so the check holds until then. stage-0 is left out
 * because it is reaped before stage-2 is used: its pid may be reused by then.
 */
static enum nsb_err check_stage_pids(struct parent *p, pid_t s1, pid_t s2)
{
	const pid_t pids[] = {s1, s2};
	char text[sizeof(p->res->what)];

	if (s1 == s2 || s1 == p->res->stage0 || s2 == p->res->stage0) {
		(void)snprintf(text, sizeof(text),
		               "the pid line names stage-0 or one pid twice (stage-0 %d, pids %d and %d)",
		               (int)p->res->stage0, (int)s1, (int)s2);
		return fail_code(p, NSB_ERR_PID_NOT_CHILD, text);
	}
	for (size_t i = 0; i < 2; i++) {
		siginfo_t info;
		memset(&info, 0, sizeof(info));
		if (pids_has(&p->before, pids[i])) {
			(void)snprintf(
			        text, sizeof(text),
			        "the pid line names pid %d, a child the runtime had before init started",
			        (int)pids[i]);
			return fail_code(p, NSB_ERR_PID_NOT_CHILD, text);
		}
		/* WNOWAIT: a zombie stays for us to reap; ECHILD: not our child */
		if (NSB_CALL(p, waitid, (int)P_PID, (unsigned int)pids[i], &info,
		             WEXITED | WNOHANG | WNOWAIT) < 0) {
			if (errno != ECHILD)
				return fail_sys(p, "check the pids of the pid line");
			(void)snprintf(text, sizeof(text),
			               "the pid line names pid %d, which is not a child of the runtime",
			               (int)pids[i]);
			return fail_code(p, NSB_ERR_PID_NOT_CHILD, text);
		}
	}
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
	pid_t s1 = 0, s2 = 0;
	p->pidline_done = true;
	if (nsb_parse_pid_json(p->pidline, p->pidline_len, &s1, &s2, &perr) != NSB_OK)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "the pid line from stage-0 is malformed");
	enum nsb_err rc = check_stage_pids(p, s1, s2);
	if (rc != NSB_OK)
		return rc;
	/* Only now are they ours to kill, move and wait for. */
	p->res->stage1 = s1;
	p->res->stage2 = s2;
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

/*
 * Reap stage-1 within the setup's limits (a stopped stage-1 must not hang
 * us), forwarding log lines meanwhile: its pidfd says when it has exited;
 * without one (old kernel), a look every 20 ms.
 */
static enum nsb_err reap_stage1(struct parent *p)
{
	pid_t pid = p->res->stage1;
	int pidfd = NSB_CALL_K(p, NSB_SITE_FALLBACK, pidfd_open, pid, 0);
	enum nsb_err rc = NSB_OK;

	for (;;) {
		int status = 0;
		pid_t r = NSB_CALL(p, waitpid, pid, &status, WNOHANG);
		if (r == pid) {
			p->res->stage1_status = status;
			break;
		}
		if (r < 0 && errno != EINTR) {
			rc = fail_sys(p, "wait for stage-1");
			break;
		}
		struct pollfd fds[2];
		nfds_t nfds = 0;
		int lg = -1, ready = 0;
		if (pidfd >= 0)
			fds[nfds++] = (struct pollfd){pidfd, POLLIN, 0};
		if (p->logfd >= 0) {
			fds[nfds] = (struct pollfd){p->logfd, POLLIN, 0};
			lg = (int)nfds++;
		}
		rc = setup_poll(p, fds, nfds, pidfd >= 0 ? -1 : 20, &ready, "wait for stage-1");
		if (rc == NSB_OK && ready > 0 && lg >= 0 && fds[lg].revents != 0)
			rc = read_log(p);
		if (rc != NSB_OK)
			break;
	}
	if (pidfd >= 0)
		(void)NSB_CALL_K(p, NSB_SITE_BEST_EFFORT, close, pidfd);
	return rc;
}

/*
 * The go signal: all of NSB_RELEASE_TOKEN, then EOF (shutdown(SHUT_WR)).
 * Our end stays open until stage-2 is reaped: stage-2 takes an init pipe
 * whose other end is gone as "nobody released me". The socket is
 * non-blocking: short writes and EAGAIN wait in setup_poll, which still
 * applies the setup's limits (the release is the last step of the setup).
 */
static enum nsb_err release(struct parent *p)
{
	static const char token[] = NSB_RELEASE_TOKEN;

	while (p->released < NSB_RELEASE_TOKEN_LEN) {
		ssize_t n = NSB_CALL(p, send, p->initfd, token + p->released,
		                     NSB_RELEASE_TOKEN_LEN - p->released, MSG_NOSIGNAL);
		if (n > 0) {
			p->released += (size_t)n;
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			break; /* stage-2 is gone: its exit status tells why */
		if (n < 0 && errno != EAGAIN && errno != EINTR)
			return fail_sys(p, "send the release to stage-2");
		struct pollfd fds[2] = {{p->initfd, POLLOUT, 0}, {p->logfd, POLLIN, 0}};
		int ready = 0;
		enum nsb_err rc = setup_poll(p, fds, p->logfd >= 0 ? 2 : 1, -1, &ready, "send the release");
		if (rc == NSB_OK && ready > 0 && p->logfd >= 0 && fds[1].revents != 0)
			rc = read_log(p);
		if (rc != NSB_OK)
			return rc;
	}
	if (NSB_CALL(p, shutdown, p->initfd, SHUT_WR) < 0)
		return fail_sys(p, "release stage-2");
	return NSB_OK;
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
		int ready = 0;
		if ((rc = setup_poll(p, fds, nfds, timeout, &ready, "wait for init")) != NSB_OK)
			return rc;
		if (ready < 0) /* EINTR */
			continue;
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

/* The one kill and the one wait of tear_down: every cleanup call fails at
 * once under fault injection, so none may be reached only through another. */
static void kill_child(struct parent *p, pid_t pid)
{
	(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, kill, pid, SIGKILL);
}

/* Reap @pid (killed already) into *status (when it is -1 and the wait works). */
static void reap_child(struct parent *p, pid_t pid, int *status)
{
	int st = 0;
	pid_t r;

	if (*status != -1)
		return;
	while ((r = NSB_CALL_K(p, NSB_SITE_CLEANUP, waitpid, pid, &st, 0)) < 0 && errno == EINTR)
		;
	if (r == pid)
		*status = st;
}

static void kill_known(struct parent *p)
{
	const pid_t pids[] = {p->res->stage2, p->res->stage1};
	int *statuses[] = {&p->res->stage2_status, &p->res->stage1_status};

	for (size_t i = 0; i < 2; i++) {
		if (pids[i] > 0 && *statuses[i] == -1)
			kill_child(p, pids[i]);
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
 * Every child of this thread that was not one before init started is the
 * run's (parent.h): the stages, reported or not, and whatever they created
 * with CLONE_PARENT. Each is SIGKILLed, and the list read again until a
 * round finds no new one: a fork that has not attached its child when the
 * SIGKILL arrives fails, so a child that one of them made in time shows up
 * in the next round. A child cannot be recycled before we reap it, so the
 * pid is safe to signal.
 */
static void sweep_kill(struct parent *p)
{
	struct pids now = {NULL, 0, 0};

	for (int round = 0; p->listed && round < SWEEP_ROUNDS; round++) {
		bool found = false;
		if (list_children(p, &now) < 0)
			break;
		for (size_t i = 0; i < now.n; i++) {
			pid_t pid = now.pid[i];
			if (pids_has(&p->before, pid) || pids_has(&p->swept, pid))
				continue;
			/* GCOVR_EXCL_START: OutOfMemory */
			if (!pids_add(&p->swept, pid))
				break;
			/* GCOVR_EXCL_STOP: OutOfMemory */
			kill_child(p, pid);
			found = true;
		}
		if (!found)
			break;
	}
	free(now.pid);
}

/* Reap what sweep_kill killed; a stage's status goes to res. */
static void sweep_reap(struct parent *p)
{
	for (size_t i = 0; i < p->swept.n; i++) {
		pid_t pid = p->swept.pid[i];
		int other = -1;
		int *status = pid == p->res->stage1   ? &p->res->stage1_status
		              : pid == p->res->stage2 ? &p->res->stage2_status
		              : pid == p->res->stage0 ? &p->res->stage0_status
		                                      : &other;
		reap_child(p, pid, status); /* nothing when reaped already */
	}
}

/*
 * After a failure: nothing of init may outlive the call. Stage-0 is killed
 * and reaped, then the pid line read if it was written (to report the
 * stages), then every known stage and every new child of this thread
 * (sweep_kill) is killed, and only then is the init pipe closed: EOF
 * without the release token releases nothing, but no stage-2 should see
 * either. The log pipe is read to EOF (every stage has exited) and the
 * killed ones are reaped.
 */
static void tear_down(struct parent *p)
{
	if (p->res->stage0 > 0 && p->res->stage0_status == -1) {
		kill_child(p, p->res->stage0);
		reap_child(p, p->res->stage0, &p->res->stage0_status);
	}
	salvage_pids(p);
	kill_known(p);
	sweep_kill(p);
	if (p->initfd >= 0) {
		(void)NSB_CALL_K(p, NSB_SITE_CLEANUP, close, p->initfd);
		p->initfd = -1;
	}
	drain_log_after_failure(p);
	if (p->res->stage1 > 0)
		reap_child(p, p->res->stage1, &p->res->stage1_status);
	if (p->res->stage2 > 0)
		reap_child(p, p->res->stage2, &p->res->stage2_status);
	sweep_reap(p);
}

static enum nsb_err run(struct parent *p)
{
	enum nsb_err rc;
	int64_t now = 0;

	/* canceled already: nothing is started */
	if (p->cfg->cancel != NULL && *p->cfg->cancel != 0)
		return fail_code(p, NSB_ERR_CANCELED, "canceled by the caller before init was started");
	if (p->cfg->setup_timeout_ms > 0) {
		if ((rc = now_ns(p, &now)) != NSB_OK)
			return rc;
		p->deadline = now + (int64_t)p->cfg->setup_timeout_ms * 1000000;
	}
	rc = start_init(p);

	if (rc == NSB_OK)
		rc = run_until_stage0_exits(p);
	if (rc != NSB_OK)
		return rc;
	if (!exited_zero(p->res->stage0_status))
		return fail_code(p, NSB_ERR_STAGE_FAILED, "stage-0 failed");
	if (p->res->stage1 <= 0)
		return fail_code(p, NSB_ERR_JSON_SYNTAX, "stage-0 exited 0 without reporting the pids");
	if ((rc = reap_stage1(p)) != NSB_OK)
		return rc;
	if (!exited_zero(p->res->stage1_status))
		return fail_code(p, NSB_ERR_STAGE_FAILED, "stage-1 failed");
	/* stage-0 is gone: stage-2 into its cgroup, then its final affinity */
	if ((rc = fail_place(p, nsb_place_stage2(&p->place, p->res->stage2))) != NSB_OK)
		return rc;
	if (p->cfg->on_ready != NULL && p->cfg->on_ready(p->cfg->ready_ctx, p->res) != 0)
		return fail_code(p, NSB_ERR_STAGE_FAILED, "the caller refused to release stage-2");
	if ((rc = release(p)) != NSB_OK)
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
	    (cfg->init_fn == NULL && cfg->init_path == NULL) || cfg->setup_timeout_ms < 0)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	memset(res, 0, sizeof(*res));
	/* init reads the header, then exactly nlmsg_len bytes: a message we
	 * send shorter than that would leave it waiting for bytes that never
	 * come (and would hang it until the setup timeout, if any). */
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
	free(p->before.pid);
	free(p->swept.pid);
	free(p);
	return rc;
}
