/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_read.c - nsb_read_message: exactly one message from a stream, looping
 * on short reads and EINTR, never reading past the message, checking the
 * length claim before allocating, EOF and I/O errors reported with offsets.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- a scripted read(2) ---------------------------------------------------- */

struct src {
	const unsigned char *data;
	size_t len;     /* bytes available in the stream */
	size_t pos;     /* bytes handed out so far */
	size_t chunk;   /* at most this many per call (0 = no limit) */
	int eintr_left; /* this many calls fail EINTR, interleaved with reads */
	size_t fail_at; /* once pos >= fail_at, fail with fail_errno (0 = never) */
	int fail_errno;
	size_t limit;  /* a request reaching past this byte is an overreach */
	int overreach; /* set when a request asked for bytes past limit */
	size_t calls;
};

static ssize_t src_read(void *ctx, int fd, void *buf, size_t count)
{
	struct src *s = ctx;
	(void)fd;
	s->calls++;
	if (s->eintr_left > 0 && (s->calls % 2u) == 1u) {
		s->eintr_left--;
		errno = EINTR;
		return -1;
	}
	if (s->fail_errno && s->pos >= s->fail_at) {
		errno = s->fail_errno;
		return -1;
	}
	if (s->limit && s->pos + count > s->limit) {
		s->overreach = 1;
	}
	size_t n = count;
	if (s->chunk && n > s->chunk) {
		n = s->chunk;
	}
	if (n > s->len - s->pos) {
		n = s->len - s->pos;
	}
	memcpy(buf, s->data + s->pos, n);
	s->pos += n;
	return (ssize_t)n;
}

static void src_init(struct src *s, const unsigned char *data, size_t len)
{
	memset(s, 0, sizeof *s);
	s->data = data;
	s->len = len;
}

static enum nsb_err rd(struct src *s, const struct nsb_decode_opts *opts, struct nsb_message *msg,
                       struct nsb_error *e)
{
	msg->data = NULL;
	msg->len = 0;
	nsbt_poison(e);
	return nsb_read_message(-1, opts, src_read, s, msg, e);
}

/* a valid message (of a user namespace with both maps) */
static void userns_msg(struct mb *m)
{
	mb_base(m, CL_NEWUSER);
	mb_str(m, T_UIDMAP, "0 100000 65536\n");
	mb_str(m, T_GIDMAP, "0 200000 1000\n1000 300000 64536\n");
	mb_finish(m);
}

/*
 * The fixture of the scripted-read tests: the stream's bytes (userns_msg
 * unless a test starts another), the script, what was read and the error.
 * The teardown frees the message read and the bytes.
 */
struct rt {
	struct mb m;
	struct src s;
	struct nsb_message msg;
	struct nsb_error e;
};

static int rt_setup(void **state)
{
	struct rt *t = calloc(1, sizeof *t);
	if (!t) {
		return -1;
	}
	userns_msg(&t->m);
	*state = t;
	return 0;
}

static int rt_teardown(void **state)
{
	struct rt *t = *state;
	nsb_message_free(&t->msg);
	mb_free(&t->m);
	free(t);
	return 0;
}

#define rt_test(f) cmocka_unit_test_setup_teardown(f, rt_setup, rt_teardown)

/* The script: a stream of the first @len bytes of the fixture's message. */
static struct src *stream(struct rt *t, size_t len)
{
	src_init(&t->s, t->m.data, len);
	return &t->s;
}

/* One nsb_read_message through the script (a message read before is freed). */
static enum nsb_err rt_read(struct rt *t, const struct nsb_decode_opts *opts)
{
	nsb_message_free(&t->msg);
	return rd(&t->s, opts, &t->msg, &t->e);
}

/* The read fails with @code at @offset and hands back no message. */
#define assert_read_err(t, opts, code, offset)                                                              \
	do {                                                                                                \
		assert_nsb_err(rt_read((t), (opts)), (t)->e, (code), (uint32_t)(offset), NSB_ATTR_NONE, 0); \
		assert_null((t)->msg.data);                                                                 \
		assert_int_equal((t)->msg.len, 0);                                                          \
	} while (0)

/* The read returns the first @n bytes of the stream, exactly. */
#define assert_read_ok(t, n)                                          \
	do {                                                          \
		assert_nsb_ok(rt_read((t), NULL), (t)->e);            \
		assert_int_equal((t)->msg.len, (n));                  \
		assert_memory_equal((t)->msg.data, (t)->m.data, (n)); \
	} while (0)

static void test_read_returns_exactly_one_message_and_leaves_the_rest(void **state)
{
	struct rt *t = *state;
	size_t n = t->m.len;
	mb_raw(&t->m, "{\"next\":1}", 10);
	stream(t, t->m.len)->limit = n;
	assert_read_ok(t, n);
	assert_int_equal(t->s.pos, n);
	assert_false(t->s.overreach);
}

static void test_read_loops_on_one_byte_reads(void **state)
{
	struct rt *t = *state;
	struct src *s = stream(t, t->m.len);
	s->chunk = 1;
	s->limit = t->m.len;
	assert_read_ok(t, t->m.len);
	assert_true(s->calls >= t->m.len);
	assert_false(s->overreach);
}

static void test_read_retries_on_eintr(void **state)
{
	struct rt *t = *state;
	struct src *s = stream(t, t->m.len);
	s->chunk = 5; /* EINTRs land inside the header and inside the body */
	s->eintr_left = 12;
	s->limit = t->m.len;
	assert_read_ok(t, t->m.len);
	assert_int_equal(s->eintr_left, 0);
}

static void test_read_reports_eof_at_start(void **state)
{
	struct rt *t = *state;
	stream(t, 0);
	assert_read_err(t, NULL, NSB_ERR_EOF, 0);
}

static void test_read_reports_eof_inside_header(void **state)
{
	struct rt *t = *state;
	stream(t, 10)->chunk = 3;
	assert_read_err(t, NULL, NSB_ERR_EOF, 10);
}

static void test_read_reports_eof_inside_body(void **state)
{
	struct rt *t = *state;
	stream(t, t->m.len - 7u)->chunk = 4;
	assert_read_err(t, NULL, NSB_ERR_EOF, t->m.len - 7u);
}

/* The whole message in chunks of 4, failing with @err from byte @at on. */
static void failing_stream(struct rt *t, size_t at, int err)
{
	struct src *s = stream(t, t->m.len);
	s->chunk = 4;
	s->fail_at = at;
	s->fail_errno = err;
}

static void test_read_reports_io_error_with_errno(void **state)
{
	struct rt *t = *state;
	/* in the header */
	failing_stream(t, 8, EIO);
	assert_int_equal(rt_read(t, NULL), NSB_ERR_IO);
	assert_int_equal(t->e.code, NSB_ERR_IO);
	assert_int_equal(t->e.sys_errno, EIO);
	assert_null(t->msg.data);
	/* in the body */
	failing_stream(t, 24, ECONNRESET);
	assert_int_equal(rt_read(t, NULL), NSB_ERR_IO);
	assert_int_equal(t->e.sys_errno, ECONNRESET);
	assert_null(t->msg.data);
	assert_int_equal(t->msg.len, 0);
}

/* The fixture's message claiming nlmsg_len @claim: the read must stop after
 * the header with @code, not reading one byte more. */
static void assert_claim_refused_after_header(struct rt *t, uint32_t claim, enum nsb_err code)
{
	mb_put_u32(&t->m, 0, claim);
	stream(t, t->m.len)->limit = 16;
	assert_read_err(t, NULL, code, 0);
	assert_int_equal(t->s.pos, 16); /* the header and not one byte more */
	assert_false(t->s.overreach);
}

static void test_read_rejects_4gib_claim_without_reading_body(void **state)
{
	assert_claim_refused_after_header(*state, 0xFFFFFFF0u, NSB_ERR_MSG_TOO_BIG);
}

static void test_read_rejects_nlmsg_len_below_header(void **state)
{
	assert_claim_refused_after_header(*state, 15, NSB_ERR_MSG_LEN_SMALL);
}

static void test_read_honours_configured_cap(void **state)
{
	struct rt *t = *state;
	mb_free(&t->m);
	mb_base(&t->m, 0);
	mb_str(&t->m, T_OOM, "500"); /* 40 bytes */
	mb_finish(&t->m);
	struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = 39};
	stream(t, t->m.len);
	assert_read_err(t, &opts, NSB_ERR_MSG_TOO_BIG, 0);
	assert_int_equal(t->s.pos, 16);
	opts.max_len = 40;
	stream(t, t->m.len);
	assert_nsb_ok(rt_read(t, &opts), t->e);
	assert_int_equal(t->msg.len, 40);
}

static void test_read_default_cap_is_one_mib_inclusive(void **state)
{
	struct rt *t = *state;
	size_t big = NSB_DEFAULT_MAX_LEN + 64u;
	mb_free(&t->m);
	mb_fill(&t->m, 0, big); /* not decoded: zeros are fine */
	mb_put_u32(&t->m, 0, NSB_DEFAULT_MAX_LEN);
	stream(t, big)->limit = NSB_DEFAULT_MAX_LEN;
	assert_read_ok(t, NSB_DEFAULT_MAX_LEN);
	assert_false(t->s.overreach);
	mb_put_u32(&t->m, 0, NSB_DEFAULT_MAX_LEN + 1u);
	stream(t, big);
	assert_read_err(t, NULL, NSB_ERR_MSG_TOO_BIG, 0);
	assert_int_equal(t->s.pos, 16);
}

static void test_read_does_not_decode(void **state)
{
	struct rt *t = *state;
	/* wrong type and an attribute with nla_len 0: still exactly one message */
	mb_free(&t->m);
	mb_new_type(&t->m, 1);
	mb_attr_raw(&t->m, 0, 0, "\0\0\0\0", 4, 0, 0);
	mb_finish(&t->m);
	stream(t, t->m.len);
	assert_read_ok(t, 24);
}

static void test_message_free_is_safe_on_empty_message(void **state)
{
	(void)state;
	struct nsb_message msg = {NULL, 0};
	nsb_message_free(&msg);
	nsb_message_free(&msg);
	assert_null(msg.data);
}

/* ---- a real pipe fed one byte at a time ------------------------------------ */

struct feeder {
	int fd;
	const unsigned char *data;
	size_t len;
};

static void *feed(void *arg)
{
	struct feeder *f = arg;
	struct timespec pause = {0, 20000}; /* 20 us: the reader sees short reads */
	for (size_t i = 0; i < f->len; i++) {
		ssize_t w;
		do {
			w = write(f->fd, f->data + i, 1);
		} while (w < 0 && errno == EINTR);
		if (w != 1) {
			break;
		}
		nanosleep(&pause, NULL);
	}
	close(f->fd);
	return NULL;
}

/* A pipe whose write end a thread feeds the first @n bytes of the fixture's
 * message, one at a time, then closes; returns the read end. */
static int fed_pipe(struct rt *t, struct feeder *f, pthread_t *th, size_t n)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	*f = (struct feeder){p[1], t->m.data, n};
	assert_int_equal(pthread_create(th, NULL, feed, f), 0);
	return p[0];
}

static void test_read_from_pipe_fed_one_byte_at_a_time(void **state)
{
	struct rt *t = *state;
	struct feeder f;
	pthread_t th;
	size_t n = t->m.len;
	mb_raw(&t->m, "TAIL", 4); /* the runtime's next bytes on the init pipe */
	int fd = fed_pipe(t, &f, &th, t->m.len);
	nsbt_poison(&t->e);
	enum nsb_err rc = nsb_read_message(fd, NULL, NULL, NULL, &t->msg, &t->e);
	assert_nsb_ok(rc, t->e);
	assert_int_equal(t->msg.len, n);
	assert_memory_equal(t->msg.data, t->m.data, n);
	/* the bytes after the message are still in the pipe */
	char tail[8] = {0};
	size_t got = 0;
	while (got < sizeof tail) {
		ssize_t r = read(fd, tail + got, sizeof tail - got);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		assert_true(r >= 0);
		if (r == 0) {
			break;
		}
		got += (size_t)r;
	}
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_int_equal(got, 4);
	assert_memory_equal(tail, "TAIL", 4);
	close(fd);
}

static void test_read_from_pipe_reports_eof_inside_body(void **state)
{
	struct rt *t = *state;
	struct feeder f;
	pthread_t th;
	int fd = fed_pipe(t, &f, &th, 30); /* header + 14 bytes, then close */
	nsbt_poison(&t->e);
	assert_nsb_err(nsb_read_message(fd, NULL, NULL, NULL, &t->msg, &t->e), t->e, NSB_ERR_EOF, 30,
	               NSB_ATTR_NONE, 0);
	assert_int_equal(pthread_join(th, NULL), 0);
	assert_null(t->msg.data);
	close(fd);
}

/* ---- arguments and allocation failure ------------------------------------- */

static void test_read_rejects_null_message(void **state)
{
	(void)state;
	struct src s;
	struct nsb_error e;
	src_init(&s, (const unsigned char *)"", 0);
	nsbt_poison(&e);
	assert_nsb_err(nsb_read_message(-1, NULL, src_read, &s, NULL, &e), e, NSB_ERR_INVALID_ARGUMENT, 0,
	               NSB_ATTR_NONE, 0);
	assert_int_equal(s.calls, 0); /* nothing read */
}

static void test_read_io_error_without_error_struct(void **state)
{
	struct rt *t = *state;
	stream(t, t->m.len)->fail_errno = EIO;
	assert_int_equal(nsb_read_message(-1, NULL, src_read, &t->s, &t->msg, NULL), NSB_ERR_IO);
	assert_null(t->msg.data);
}

static void test_message_free_accepts_null(void **state)
{
	(void)state;
	nsb_message_free(NULL); /* must not crash */
}

#if defined(__SANITIZE_ADDRESS__)
#define NSBT_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer)
#define NSBT_SANITIZED 1
#endif
#endif

#ifndef NSBT_SANITIZED
/* In a child whose address space is capped just above what it uses: a
 * 512 MiB claim under a 1 GiB cap passes the cap check, then malloc fails. */
static int nomem_child(void)
{
	struct mb m;
	struct nsb_message msg;
	struct nsb_error e;
	struct src s;
	struct rlimit old, lim;
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f == NULL || fscanf(f, "%lu", &pages) != 1)
		return 2;
	(void)fclose(f);
	userns_msg(&m);
	mb_put_u32(&m, 0, 512u << 20);
	src_init(&s, m.data, m.len);
	struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = 1u << 30};
	if (getrlimit(RLIMIT_AS, &old) != 0)
		return 2;
	lim = old;
	lim.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + (64u << 20);
	if (setrlimit(RLIMIT_AS, &lim) != 0)
		return 2;
	nsbt_poison(&e);
	enum nsb_err rc = nsb_read_message(-1, &opts, src_read, &s, &msg, &e);
	(void)setrlimit(RLIMIT_AS, &old);
	return rc == NSB_ERR_NOMEM && e.code == NSB_ERR_NOMEM && e.offset == 0 && msg.data == NULL &&
	                       msg.len == 0 && s.pos == 16
	               ? 0
	               : 1;
}
#endif

static void test_read_reports_nomem_when_the_buffer_cannot_be_allocated(void **state)
{
	(void)state;
#ifdef NSBT_SANITIZED
	skip(); /* the sanitizers' shadow memory does not live under RLIMIT_AS */
#else
	int status = 0;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		exit(nomem_child()); /* exit, not _exit: coverage counters are written */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

/* a seam that breaks read(2)'s contract */
struct liar {
	int mode; /* 0: -1 without errno; 1: claims one byte more than asked */
};

static ssize_t liar_read(void *ctx, int fd, void *buf, size_t count)
{
	const struct liar *l = ctx;
	(void)fd;
	(void)buf;
	if (l->mode == 0)
		return -1; /* errno left as the reader set it: 0 */
	return (ssize_t)count + 1;
}

static void test_read_seam_failing_without_errno_or_overclaiming_is_io(void **state)
{
	(void)state;
	struct nsb_message msg;
	struct nsb_error e;
	struct liar l = {0};
	nsbt_poison(&e);
	assert_nsb_err(nsb_read_message(-1, NULL, liar_read, &l, &msg, &e), e, NSB_ERR_IO, 0, NSB_ATTR_NONE,
	               0);
	assert_int_equal(e.sys_errno, EIO);
	l.mode = 1;
	nsbt_poison(&e);
	assert_nsb_err(nsb_read_message(-1, NULL, liar_read, &l, &msg, &e), e, NSB_ERR_IO, 0, NSB_ATTR_NONE,
	               0);
	assert_int_equal(e.sys_errno, EIO);
	assert_null(msg.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        rt_test(test_read_returns_exactly_one_message_and_leaves_the_rest),
	        rt_test(test_read_loops_on_one_byte_reads),
	        rt_test(test_read_retries_on_eintr),
	        rt_test(test_read_reports_eof_at_start),
	        rt_test(test_read_reports_eof_inside_header),
	        rt_test(test_read_reports_eof_inside_body),
	        rt_test(test_read_reports_io_error_with_errno),
	        rt_test(test_read_rejects_4gib_claim_without_reading_body),
	        rt_test(test_read_rejects_nlmsg_len_below_header),
	        rt_test(test_read_honours_configured_cap),
	        rt_test(test_read_default_cap_is_one_mib_inclusive),
	        rt_test(test_read_does_not_decode),
	        cmocka_unit_test(test_message_free_is_safe_on_empty_message),
	        rt_test(test_read_from_pipe_fed_one_byte_at_a_time),
	        rt_test(test_read_from_pipe_reports_eof_inside_body),
	        cmocka_unit_test(test_read_rejects_null_message),
	        rt_test(test_read_io_error_without_error_struct),
	        cmocka_unit_test(test_message_free_accepts_null),
	        cmocka_unit_test(test_read_reports_nomem_when_the_buffer_cannot_be_allocated),
	        cmocka_unit_test(test_read_seam_failing_without_errno_or_overclaiming_is_io),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
