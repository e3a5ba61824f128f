/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_parent.c - nsb_parent_run against a scripted init: the parent's side
 * of the pid line ({"stage1_pid":N,"stage2_pid":M}\n on the init pipe).
 *
 * The fake init (the init_fn child) reads the bootstrap, creates a stage-1
 * that exits 0 and a stage-2 that waits for EOF on the init pipe and exits
 * 42, both with clone(CLONE_PARENT) as the real init does, then writes the
 * script's pieces of the pid line with a pause between them (so the parent
 * sees them in separate reads) and exits 0. The parent runs on the real
 * seam, wrapped to count the bytes it takes from the init pipe.
 */
#include "testutil.h" /* cmocka and what it needs */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nsboot/parent.h"

#define STAGE2_EXIT 42
#define MAX_PIECES  4

/* What the fake init writes: pieces of text, "%1" and "%2" replaced by the
 * pids of stage-1 and stage-2. */
struct script {
	const char *pieces[MAX_PIECES];
};

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

/* @piece with %1 / %2 replaced, into @out. */
static size_t expand(const char *piece, pid_t s1, pid_t s2, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = piece; *p != '\0' && n + 12 < cap; p++) {
		if (p[0] == '%' && (p[1] == '1' || p[1] == '2')) {
			n += (size_t)snprintf(out + n, cap - n, "%d", (int)(p[1] == '1' ? s1 : s2));
			p++;
		} else {
			out[n++] = *p;
		}
	}
	return n;
}

static int fake_init(void *arg, int initpipe, int logpipe)
{
	const struct script *s = arg;
	unsigned char hdr[16], body[4096];
	char buf[256];
	pid_t s1, s2;
	(void)logpipe; /* held until exit, as a real init's stages do */

	get(initpipe, hdr, sizeof(hdr));
	uint32_t len =
	        (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 | (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
	if (len < 16 || len - 16 > sizeof(body))
		return 92;
	get(initpipe, body, len - 16);
	if ((s1 = clone_parent()) == 0)
		_exit(0);
	if ((s2 = clone_parent()) == 0) {
		for (;;) { /* to EOF: the go signal */
			ssize_t n = read(initpipe, buf, sizeof(buf));
			if (n == 0)
				_exit(STAGE2_EXIT);
			if (n < 0 && errno != EINTR)
				_exit(93);
		}
	}
	if (s1 < 0 || s2 < 0)
		return 94;
	for (size_t i = 0; i < MAX_PIECES && s->pieces[i] != NULL; i++) {
		const struct timespec pause = {0, 20 * 1000 * 1000};
		if (i > 0)
			(void)nanosleep(&pause, NULL);
		put(initpipe, buf, expand(s->pieces[i], s1, s2, buf, sizeof(buf)));
	}
	return 0;
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

struct outcome {
	enum nsb_err rc;
	struct nsb_error err;
	struct nsb_parent_result res;
};

static struct outcome run(const struct script *s)
{
	static const unsigned char bootstrap[16] = {16, 0, 0, 0, 0x30, 0xf2, 1, 0}; /* header only */
	struct nsb_sys sys = *nsb_sys_default();
	struct outcome o;

	sys.read = counting_read;
	sys.recvmsg = counting_recvmsg;
	taken_from_socket = 0;
	memset(&o, 0, sizeof(o));
	struct nsb_parent_config cfg = {
	        .sys = &sys,
	        .bootstrap = bootstrap,
	        .bootstrap_len = sizeof(bootstrap),
	        .init_fn = fake_init,
	        .init_arg = (void *)(uintptr_t)s,
	};
	(void)alarm(20);
	o.rc = nsb_parent_run(&cfg, &o.res, &o.err);
	/* every process of the run is gone, or this hangs until the alarm */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	(void)alarm(0);
	return o;
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
	const struct script s = {{"{\"stage1_pid\":", "%1,\"stage2_pid\":%2}", "\n"}};
	struct outcome o = run(&s);
	assert_released_taking_only_the_pid_line(&o);
}

/* A runtime goes on using the init pipe after the pid line (runc's Go
 * init does): the parent takes the line and its '\n', nothing more. */
static void test_bytes_after_the_pid_line_are_left_in_the_pipe(void **state)
{
	(void)state;
	const struct script s = {{"{\"stage1_pid\":%1,\"stage2_pid\":%2}\n{\"type\":\"procReady\"}\n"}};
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
	const struct script s64 = {{line64}}, s65 = {{line65}};

	struct outcome o = run(&s64);
	assert_refused(&o, "malformed");
	o = run(&s65);
	assert_refused(&o, "too long");
}

static void test_too_long_pid_line_in_pieces_is_refused(void **state)
{
	(void)state;
	const struct script s = {{"{\"stage1_pid\":%1,\"stage2_pid\":%2          ",
	                          "                                           ", "}\n"}};
	struct outcome o = run(&s);
	assert_refused(&o, "too long");
}

static void test_malformed_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {{"{\"stage1_pid\":%1}\n"}};
	struct outcome o = run(&s);
	assert_refused(&o, "malformed");
}

static void test_stage0_exiting_0_without_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {{NULL}};
	struct outcome o = run(&s);
	assert_refused(&o, "without reporting the pids");
}

/* Stage-0 gone with half a line written: what is in the pipe is all there
 * will be (stage-2 holds the pipe open), so the parent stops waiting. */
static void test_stage0_exiting_0_after_half_a_pid_line_is_refused(void **state)
{
	(void)state;
	const struct script s = {{"{\"stage1_pid\":%1,"}};
	struct outcome o = run(&s);
	assert_refused(&o, "without reporting the pids");
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
	};
	(void)signal(SIGALRM, watchdog);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
