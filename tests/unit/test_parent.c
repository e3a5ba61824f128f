/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_parent.c - nsb_parent_run against a scripted init: the parent's side
 * of the pid line ({"stage1_pid":N,"stage2_pid":M}\n on the init pipe).
 *
 * The fake init (the init_fn child) reads the bootstrap, creates a stage-1
 * that exits 0 and a stage-2 that reads the init pipe to EOF and exits 42
 * if it read exactly the release token (43 otherwise), both with
 * clone(CLONE_PARENT) as the real init does, then writes the script's
 * pieces of the pid line with a pause between them (so the parent sees
 * them in separate reads) and exits 0. Scripts can make a stage stop
 * itself (SIGSTOP, as a hostile container can), stage-0 fail, or the pid
 * line name other processes. The parent runs on the real seam, wrapped to
 * count the bytes it takes from the init pipe and the release it sends.
 */
#include "testutil.h" /* cmocka and what it needs */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsboot/init.h"
#include "nsboot/parent.h"

#define STAGE2_EXIT  42
#define STAGE2_NO_GO 43 /* EOF without exactly the release token before it */
#define MAX_PIECES   4

/* What the fake init writes: pieces of text, "%1" and "%2" replaced by the
 * pids of stage-1 and stage-2, "%0" by stage-0's, "%s" by a stranger's (a
 * process stage-0 forks: not the runtime's child), "%p" by SHM->pid (one
 * the test gives). */
struct script {
	const char *pieces[MAX_PIECES];
	int stage0_exit;   /* after the pieces */
	bool stage0_stops; /* after the pieces, stage-0 stops itself instead of exiting */
	bool stage1_stops; /* stage-1 stops itself instead of exiting 0 */
	const char *log;   /* a log line stage-0 writes before the pieces */
};

/* Shared with the fake init's processes. */
struct shm {
	pid_t stranger;       /* the stranger stage-0 forked, 0 if none */
	int stranger_pipe[2]; /* it lives until the write end is closed everywhere */
	pid_t pid;            /* %p */
};
static struct shm *SHM;

/* Write all of @len bytes or exit: the fake must not fail silently. */
static void put(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(90);
		buf += n;
		len -= (size_t)n;
	}
}

static void get(int fd, void *buf, size_t len)
{
	char *p = buf;
	while (len > 0) {
		ssize_t n = read(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(91);
		p += n;
		len -= (size_t)n;
	}
}

static pid_t clone_parent(void)
{
	return nsb_sys_default()->clone_parent(NULL);
}

/* @piece with %0 / %1 / %2 / %s / %p replaced, into @out. */
static size_t expand(const char *piece, pid_t s1, pid_t s2, pid_t stranger, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = piece; *p != '\0' && n + 12 < cap; p++) {
		if (p[0] == '%' && p[1] != '\0' && strchr("012sp", p[1]) != NULL) {
			pid_t v = p[1] == '0'   ? getpid()
			          : p[1] == '1' ? s1
			          : p[1] == '2' ? s2
			          : p[1] == 's' ? stranger
			                        : SHM->pid;
			n += (size_t)snprintf(out + n, cap - n, "%d", (int)v);
			p++;
		} else {
			out[n++] = *p;
		}
	}
	return n;
}

/* A process that is nobody's stage: lives until the test closes its pipe.
 * It holds neither of the runtime's pipes (a stage's exit is seen by EOF
 * on the log pipe). */
static pid_t fork_stranger(int initpipe, int logpipe)
{
	pid_t pid = fork();
	char c;
	if (pid != 0)
		return pid;
	(void)close(initpipe);
	(void)close(logpipe);
	(void)close(SHM->stranger_pipe[1]);
	while (read(SHM->stranger_pipe[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* Stage-2: the release token, then EOF. */
static void fake_stage2(int initpipe)
{
	char got[64];
	size_t len = 0;
	for (;;) {
		ssize_t n = read(initpipe, got + len, sizeof(got) - len);
		if (n == 0)
			break;
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			_exit(93);
		len += (size_t)n;
		if (len == sizeof(got))
			_exit(STAGE2_NO_GO);
	}
	if (len != NSB_RELEASE_TOKEN_LEN || memcmp(got, NSB_RELEASE_TOKEN, len) != 0)
		_exit(STAGE2_NO_GO);
	_exit(STAGE2_EXIT);
}

static int fake_init(void *arg, int initpipe, int logpipe)
{
	const struct script *s = arg;
	unsigned char hdr[16], body[4096];
	char buf[256];
	pid_t s1, s2, stranger;

	get(initpipe, hdr, sizeof(hdr));
	uint32_t len =
	        (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (len < 16 || len - 16 > sizeof(body))
		return 92;
	get(initpipe, body, len - 16);
	if ((s1 = clone_parent()) == 0) {
		if (s->stage1_stops)
			(void)raise(SIGSTOP);
		_exit(0);
	}
	if ((s2 = clone_parent()) == 0)
		fake_stage2(initpipe);
	if (s1 < 0 || s2 < 0)
		return 94;
	stranger = 0;
	for (size_t i = 0; i < MAX_PIECES && s->pieces[i] != NULL; i++) {
		if (strstr(s->pieces[i], "%s") != NULL && stranger == 0)
			SHM->stranger = stranger = fork_stranger(initpipe, logpipe);
	}
	if (s->log != NULL)
		put(logpipe, s->log, strlen(s->log));
	for (size_t i = 0; i < MAX_PIECES && s->pieces[i] != NULL; i++) {
		const struct timespec pause = {0, 20 * 1000 * 1000};
		if (i > 0)
			(void)nanosleep(&pause, NULL);
		put(initpipe, buf, expand(s->pieces[i], s1, s2, stranger, buf, sizeof(buf)));
	}
	while (s->stage0_stops)
		(void)raise(SIGSTOP);
	return s->stage0_exit;
}

/* ---- the parent, on the real seam with a counter in front of read/recvmsg -- */

static size_t taken_from_socket; /* bytes read (not peeked) from the init pipe */

static bool is_socket(int fd)
{
	int type = 0;
	socklen_t len = sizeof(type);
	return getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0;
}

static ssize_t counting_read(void *ctx, int fd, void *buf, size_t count)
{
	ssize_t n = nsb_sys_default()->read(ctx, fd, buf, count);
	if (n > 0 && is_socket(fd))
		taken_from_socket += (size_t)n;
	return n;
}

static ssize_t counting_recvmsg(void *ctx, int fd, struct msghdr *msg, int flags)
{
	ssize_t n = nsb_sys_default()->recvmsg(ctx, fd, msg, flags);
	if (n > 0 && (flags & MSG_PEEK) == 0)
		taken_from_socket += (size_t)n;
	return n;
}

/* What the parent sent on the init pipe after the 16-byte bootstrap, and how
 * much of it had gone out when it shut its side down. */
static char sent[64];
static size_t sent_len, sent_at_shutdown, send_calls_after_bootstrap;
static size_t sent_total;
static bool short_sends; /* after the bootstrap: EAGAIN once, then 1 byte per send */
static bool shut_down;

static ssize_t counting_send(void *ctx, int fd, const void *buf, size_t len, int flags)
{
	if (sent_total >= 16 && short_sends) {
		if (send_calls_after_bootstrap++ == 0) {
			errno = EAGAIN;
			return -1;
		}
		len = len > 1 ? 1 : len;
	}
	ssize_t n = nsb_sys_default()->send(ctx, fd, buf, len, flags);
	if (n > 0) {
		const char *b = buf;
		for (size_t i = 0; i < (size_t)n; i++, sent_total++) {
			if (sent_total >= 16 && sent_len < sizeof(sent))
				sent[sent_len++] = b[i];
		}
	}
	return n;
}

static int counting_shutdown(void *ctx, int fd, int how)
{
	if (!shut_down)
		sent_at_shutdown = sent_len;
	shut_down = true;
	return nsb_sys_default()->shutdown(ctx, fd, how);
}

struct outcome {
	enum nsb_err rc;
	struct nsb_error err;
	struct nsb_parent_result res;
	long ms; /* how long nsb_parent_run took */
};

static long now_ms(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static volatile sig_atomic_t cancel_flag;

static void cancel_on_log(void *ctx, int level, const char *msg)
{
	(void)ctx, (void)level;
	if (strstr(msg, "cancel me") != NULL)
		cancel_flag = 1;
}

/* nsb_parent_run with the script, the counting seam and @tweak applied to the
 * config (may be NULL); the children of the test are left as they are. */
static struct outcome run_only(const struct script *s, void (*tweak)(struct nsb_parent_config *))
{
	static const unsigned char bootstrap[16] = {16, 0, 0, 0, 0x30, 0xf2, 1, 0}; /* header only */
	struct nsb_sys sys = *nsb_sys_default();
	struct outcome o;

	sys.read = counting_read;
	sys.recvmsg = counting_recvmsg;
	sys.send = counting_send;
	sys.shutdown = counting_shutdown;
	taken_from_socket = 0;
	sent_len = sent_at_shutdown = send_calls_after_bootstrap = sent_total = 0;
	shut_down = false;
	cancel_flag = 0;
	SHM->stranger = 0;
	memset(&o, 0, sizeof(o));
	struct nsb_parent_config cfg = {
	        .sys = &sys,
	        .bootstrap = bootstrap,
	        .bootstrap_len = sizeof(bootstrap),
	        .init_fn = fake_init,
	        .init_arg = (void *)(uintptr_t)s,
	};
	if (tweak != NULL)
		tweak(&cfg);
	(void)alarm(20);
	long t0 = now_ms();
	o.rc = nsb_parent_run(&cfg, &o.res, &o.err);
	o.ms = now_ms() - t0;
	(void)alarm(0);
	return o;
}

static struct outcome run(const struct script *s)
{
	struct outcome o = run_only(s, NULL);
	(void)alarm(20);
	/* every process of the run is gone, or this hangs until the alarm */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	(void)alarm(0);
	return o;
}

/* The children of this thread, as the kernel lists them (sorted as listed). */
static size_t children(pid_t *out, size_t cap)
{
	char text[4096];
	size_t n = 0;
	FILE *f = fopen("/proc/thread-self/children", "re");
	assert_non_null(f);
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	(void)fclose(f);
	text[len] = '\0';
	for (char *p = text, *end; *p != '\0'; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		assert_true(n < cap);
		out[n++] = (pid_t)v;
	}
	return n;
}

/* No child of the test is left but @keep (0: none), which is alive and unreaped. */
static void assert_only_child(pid_t keep)
{
	pid_t kids[16];
	size_t n = children(kids, 16);
	siginfo_t info;

	if (keep == 0) {
		if (n != 0)
			fail_msg("%zu children left, the first %d", n, (int)kids[0]);
		return;
	}
	if (n != 1 || kids[0] != keep)
		fail_msg("%zu children left (want only %d), the first %d", n, (int)keep,
		         n > 0 ? (int)kids[0] : 0);
	memset(&info, 0, sizeof(info));
	assert_int_equal(waitid(P_PID, (id_t)keep, &info, WEXITED | WNOHANG | WNOWAIT), 0);
	assert_int_equal(info.si_pid, 0); /* alive */
}

/* A child of the test that lives until end_sleeper(). */
static int sleeper_pipe[2];

static pid_t start_sleeper(void)
{
	char c;
	assert_int_equal(pipe2(sleeper_pipe, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)close(sleeper_pipe[1]);
		while (read(sleeper_pipe[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(0);
	}
	(void)close(sleeper_pipe[0]);
	return pid;
}

static void end_sleeper(pid_t pid)
{
	int status = 0;
	(void)close(sleeper_pipe[1]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0); /* never signaled */
}

/* The stranger of the last run is alive (never signaled), then let go. */
static void assert_stranger_lived(void)
{
	char path[64], stat[256];
	pid_t pid = SHM->stranger;
	const struct timespec settle = {0, 100 * 1000 * 1000}; /* a SIGKILL takes effect soon, not at once */
	assert_true(pid > 0);
	(void)nanosleep(&settle, NULL);
	(void)snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	FILE *f = fopen(path, "re");
	if (f == NULL)
		fail_msg("the stranger %d is gone", (int)pid);
	size_t len = fread(stat, 1, sizeof(stat) - 1, f);
	(void)fclose(f);
	stat[len] = '\0';
	const char *state = strrchr(stat, ')');
	assert_non_null(state);
	if (state[2] == 'Z' || state[2] == 'X')
		fail_msg("the stranger %d is dead: %s", (int)pid, stat);
}

static void assert_released(const struct outcome *o)
{
	assert_int_equal(o->rc, NSB_OK);
	assert_true(o->res.stage1 > 0 && o->res.stage2 > 0);
	assert_true(WIFEXITED(o->res.stage2_status));
	assert_int_equal(WEXITSTATUS(o->res.stage2_status), STAGE2_EXIT);
}

/* Released, and the parent took exactly the pid line and its '\n' from the pipe. */
static void assert_released_taking_only_the_pid_line(const struct outcome *o)
{
	assert_released(o);
	assert_int_equal(taken_from_socket,
	                 strlen("{\"stage1_pid\":,\"stage2_pid\":}\n") +
	                         (size_t)snprintf(NULL, 0, "%d%d", (int)o->res.stage1, (int)o->res.stage2));
}

static void assert_refused(const struct outcome *o, const char *what)
{
	assert_int_equal(o->rc, NSB_ERR_JSON_SYNTAX);
	assert_non_null(strstr(o->res.what, what));
}

static void test_pid_line_in_three_writes_is_assembled(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":", "%1,\"stage2_pid\":%2}", "\n"}};
	struct outcome o = run(&s);
	assert_released_taking_only_the_pid_line(&o);
}

/* A runtime goes on using the init pipe after the pid line (runc's Go
 * init does): the parent takes the line and its '\n', nothing more. */
static void test_bytes_after_the_pid_line_are_left_in_the_pipe(void **state)
{
	(void)state;
	const struct script s = {
	        .pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%2}\n{\"type\":\"procReady\"}\n"}};
	struct outcome o = run(&s);
	assert_released_taking_only_the_pid_line(&o);
}

/* 64 bytes is the longest line read whole (then parsed: malformed); 65 is
 * refused before any parsing, whatever follows. */
static void test_pid_line_of_64_bytes_is_parsed_and_65_is_too_long(void **state)
{
	(void)state;
	char line64[80], line65[80];
	(void)snprintf(line64, sizeof(line64), "%-64s\n", "{\"stage1_pid\":1,\"stage2_pid\":2}");
	(void)snprintf(line65, sizeof(line65), "%-65s\n", "{\"stage1_pid\":1,\"stage2_pid\":2}");
	const struct script s64 = {.pieces = {line64}}, s65 = {.pieces = {line65}};

	struct outcome o = run(&s64);
	assert_refused(&o, "malformed");
	o = run(&s65);
	assert_refused(&o, "too long");
}

static void test_too_long_pid_line_in_pieces_is_refused(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%2          ",
	                                    "                                           ", "}\n"}};
	struct outcome o = run(&s);
	assert_refused(&o, "too long");
}

static void test_malformed_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%1}\n"}};
	struct outcome o = run(&s);
	assert_refused(&o, "malformed");
}

static void test_stage0_exiting_0_without_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {.pieces = {NULL}};
	struct outcome o = run(&s);
	assert_refused(&o, "without reporting the pids");
}

/* Stage-0 gone with half a line written: what is in the pipe is all there
 * will be (stage-2 holds the pipe open), so the parent stops waiting. */
static void test_stage0_exiting_0_after_half_a_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%1,"}};
	struct outcome o = run(&s);
	assert_refused(&o, "without reporting the pids");
}

/* ---- the release ----------------------------------------------------------- */

#define PID_LINE "{\"stage1_pid\":%1,\"stage2_pid\":%2}\n"

/* The whole token went out before the shutdown, and stage-2 (which exits
 * 42 only on exactly the token, then EOF) ran. */
static void assert_released_with_the_token(const struct outcome *o)
{
	assert_released(o);
	assert_true(shut_down);
	assert_int_equal(sent_at_shutdown, NSB_RELEASE_TOKEN_LEN);
	assert_int_equal(sent_len, NSB_RELEASE_TOKEN_LEN);
	assert_memory_equal(sent, NSB_RELEASE_TOKEN, NSB_RELEASE_TOKEN_LEN);
	assert_only_child(0);
}

static void test_release_sends_the_token_then_eof(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}};
	struct outcome o = run_only(&s, NULL);
	assert_released_with_the_token(&o);
}

/* The socket is non-blocking on the parent's side: EAGAIN waits for room,
 * a short write sends the rest. */
static void test_release_survives_eagain_and_short_writes(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}};
	short_sends = true;
	struct outcome o = run_only(&s, NULL);
	short_sends = false;
	assert_released_with_the_token(&o);
	assert_int_equal(send_calls_after_bootstrap, NSB_RELEASE_TOKEN_LEN + 1);
}

/* ---- the pids of the pid line ----------------------------------------------- */

static void assert_pid_refused(const struct outcome *o, const char *what)
{
	if (o->rc != NSB_ERR_PID_NOT_CHILD)
		fail_msg("rc %s (%s), want PID_NOT_CHILD", nsb_error_name(o->rc), o->res.what);
	if (strstr(o->res.what, what) == NULL)
		fail_msg("no '%s' in '%s'", what, o->res.what);
	/* nothing reported as a stage, so nothing was done to it */
	assert_int_equal(o->res.stage1, 0);
	assert_int_equal(o->res.stage2, 0);
	assert_false(shut_down);
}

static void with_stranger(const struct script *s, const char *what)
{
	assert_int_equal(pipe2(SHM->stranger_pipe, O_CLOEXEC), 0);
	struct outcome o = run_only(s, NULL);
	assert_stranger_lived(); /* first: the harm the check prevents */
	assert_pid_refused(&o, what);
	assert_only_child(0); /* and the stages are gone */
	(void)close(SHM->stranger_pipe[0]);
	(void)close(SHM->stranger_pipe[1]);
}

/* A stage-0 naming a process that is not the runtime's child must not get
 * it killed (the teardown), moved or given an affinity. */
static void test_a_stranger_as_stage2_is_refused_and_survives(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%s}\n"}};
	with_stranger(&s, "which is not a child of the runtime");
}

static void test_a_stranger_as_stage1_is_refused_and_survives(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%s,\"stage2_pid\":%2}\n"}};
	with_stranger(&s, "which is not a child of the runtime");
}

/* A child the runtime had before is its own, not a stage: left alone, not reaped. */
static void test_a_child_from_before_is_refused_and_left_alone(void **state)
{
	(void)state;
	const struct script s = {.pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%p}\n"}, .stage0_stops = true};
	pid_t mine = start_sleeper();
	SHM->pid = mine;
	struct outcome o = run_only(&s, NULL);
	assert_pid_refused(&o, "a child the runtime had before init started");
	assert_only_child(mine);
	end_sleeper(mine);
}

/* Stage-0 is reaped before stage-2 is used (its pid may be reused by then),
 * and one pid cannot be two stages. */
static void test_stage0_or_one_pid_twice_is_refused(void **state)
{
	(void)state;
	const struct script twice = {.pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%1}\n"}};
	const struct script self = {.pieces = {"{\"stage1_pid\":%1,\"stage2_pid\":%0}\n"}};
	struct outcome o = run_only(&twice, NULL);
	assert_pid_refused(&o, "stage-0 or one pid twice");
	assert_only_child(0);
	o = run_only(&self, NULL);
	assert_pid_refused(&o, "stage-0 or one pid twice");
	assert_only_child(0);
}

/* ---- no child left behind ---------------------------------------------------- */

/* Stage-0 fails before the pid line: its stages (one exited, one waiting)
 * are still the runtime's children; none may be left, zombie or not, and a
 * child the runtime had before is not touched. */
static void test_a_failed_start_leaves_no_child_but_the_callers_own(void **state)
{
	(void)state;
	const struct script s = {.pieces = {NULL}, .stage0_exit = 1};
	pid_t mine = start_sleeper();
	struct outcome o = run_only(&s, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(o.res.stage1, 0); /* never reported */
	assert_only_child(mine);
	end_sleeper(mine);
}

/* The same with a stage-1 that stops itself: it must be killed, not waited for. */
static void test_a_failed_start_kills_a_stopped_unreported_stage(void **state)
{
	(void)state;
	const struct script s = {.pieces = {NULL}, .stage0_exit = 1, .stage1_stops = true};
	pid_t mine = start_sleeper();
	struct outcome o = run_only(&s, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_only_child(mine);
	end_sleeper(mine);
}

/* ---- the setup timeout and the cancel flag ----------------------------------- */

static void timeout_300ms(struct nsb_parent_config *cfg)
{
	cfg->setup_timeout_ms = 300;
}

static void assert_gave_up(const struct outcome *o, enum nsb_err rc, const char *what)
{
	if (o->rc != rc)
		fail_msg("rc %s (%s), want %s", nsb_error_name(o->rc), o->res.what, nsb_error_name(rc));
	if (strstr(o->res.what, what) == NULL)
		fail_msg("no '%s' in '%s'", what, o->res.what);
	assert_false(shut_down); /* never released */
	assert_only_child(0);    /* every stage killed and reaped */
}

/* Stage-0 stopped after the pid line (what a stopped stage-2 does to a real
 * stage-0, which waits for it): the timeout ends the wait. */
static void test_timeout_ends_a_stopped_stage0(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}, .stage0_stops = true};
	struct outcome o = run_only(&s, timeout_300ms);
	assert_gave_up(&o, NSB_ERR_TIMEOUT, "longer than 300 ms: wait for init");
	assert_true(o.ms >= 300 && o.ms < 5000);
	assert_true(WIFSIGNALED(o.res.stage2_status));
}

/* Stage-0 done, stage-1 stopped before its exit: reaping it must time out too. */
static void test_timeout_ends_a_stopped_stage1(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}, .stage1_stops = true};
	struct outcome o = run_only(&s, timeout_300ms);
	assert_gave_up(&o, NSB_ERR_TIMEOUT, "wait for stage-1");
	assert_true(o.ms >= 300 && o.ms < 5000);
}

static void cancel_via_log(struct nsb_parent_config *cfg)
{
	cfg->cancel = &cancel_flag;
	cfg->on_log = cancel_on_log;
}

/* The flag, set while the parent waits (here by the log callback). */
static void test_cancel_flag_ends_the_setup(void **state)
{
	(void)state;
	const struct script s = {
	        {PID_LINE}, .stage0_stops = true, .log = "{\"level\":\"info\",\"msg\":\"cancel me\"}\n"};
	struct outcome o = run_only(&s, cancel_via_log);
	assert_gave_up(&o, NSB_ERR_CANCELED, "canceled by the caller");
}

/* The flag set by a signal handler while the parent sits in poll(). */
static pthread_t main_thread;

static void on_usr1(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

static void *signal_later(void *arg)
{
	const struct timespec pause = {0, 200 * 1000 * 1000};
	(void)arg;
	(void)nanosleep(&pause, NULL);
	(void)pthread_kill(main_thread, SIGUSR1);
	return NULL;
}

static void cancel_only(struct nsb_parent_config *cfg)
{
	cfg->cancel = &cancel_flag;
}

static void test_cancel_by_a_signal_ends_the_setup(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}, .stage0_stops = true};
	struct sigaction sa, old;
	pthread_t t;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1; /* no SA_RESTART: poll fails with EINTR */
	assert_int_equal(sigaction(SIGUSR1, &sa, &old), 0);
	main_thread = pthread_self();
	assert_int_equal(pthread_create(&t, NULL, signal_later, NULL), 0);
	struct outcome o = run_only(&s, cancel_only);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_int_equal(sigaction(SIGUSR1, &old, NULL), 0);
	assert_gave_up(&o, NSB_ERR_CANCELED, "canceled by the caller");
	assert_true(o.ms >= 150 && o.ms < 5000);
}

static void set_cancel_before(struct nsb_parent_config *cfg)
{
	cancel_flag = 1;
	cfg->cancel = &cancel_flag;
}

static void negative_timeout(struct nsb_parent_config *cfg)
{
	cfg->setup_timeout_ms = -1;
}

static void test_canceled_before_the_call_starts_nothing(void **state)
{
	(void)state;
	const struct script s = {.pieces = {PID_LINE}};
	struct outcome o = run_only(&s, set_cancel_before);
	assert_gave_up(&o, NSB_ERR_CANCELED, "before init was started");
	assert_int_equal(o.res.stage0, 0);
	o = run_only(&s, negative_timeout);
	assert_int_equal(o.rc, NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(o.res.stage0, 0);
}

static void watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "test_parent: a run hung\n";
	(void)!write(2, msg, sizeof(msg) - 1);
	abort();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pid_line_in_three_writes_is_assembled),
	        cmocka_unit_test(test_bytes_after_the_pid_line_are_left_in_the_pipe),
	        cmocka_unit_test(test_pid_line_of_64_bytes_is_parsed_and_65_is_too_long),
	        cmocka_unit_test(test_too_long_pid_line_in_pieces_is_refused),
	        cmocka_unit_test(test_malformed_pid_line_is_refused),
	        cmocka_unit_test(test_stage0_exiting_0_without_pid_line_is_refused),
	        cmocka_unit_test(test_stage0_exiting_0_after_half_a_pid_line_is_refused),
	        cmocka_unit_test(test_release_sends_the_token_then_eof),
	        cmocka_unit_test(test_release_survives_eagain_and_short_writes),
	        cmocka_unit_test(test_a_stranger_as_stage2_is_refused_and_survives),
	        cmocka_unit_test(test_a_stranger_as_stage1_is_refused_and_survives),
	        cmocka_unit_test(test_a_child_from_before_is_refused_and_left_alone),
	        cmocka_unit_test(test_stage0_or_one_pid_twice_is_refused),
	        cmocka_unit_test(test_a_failed_start_leaves_no_child_but_the_callers_own),
	        cmocka_unit_test(test_a_failed_start_kills_a_stopped_unreported_stage),
	        cmocka_unit_test(test_timeout_ends_a_stopped_stage0),
	        cmocka_unit_test(test_timeout_ends_a_stopped_stage1),
	        cmocka_unit_test(test_cancel_flag_ends_the_setup),
	        cmocka_unit_test(test_cancel_by_a_signal_ends_the_setup),
	        cmocka_unit_test(test_canceled_before_the_call_starts_nothing),
	};
	(void)signal(SIGALRM, watchdog);
	SHM = mmap(NULL, sizeof(*SHM), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (SHM == MAP_FAILED)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
