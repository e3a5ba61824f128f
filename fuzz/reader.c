/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reader.c - fuzz target `reader`: nsb_read_message on a stream that
 * delivers the input in random-sized chunks, compared with nsb_decode.
 *
 * The input is the byte stream the runtime would write to the init pipe:
 * one message and possibly more bytes after it. Everything else is derived
 * from a hash of the input, so a run is deterministic and any corpus file
 * (a runc capture, a decode seed) is a meaningful reader input:
 *  - chunking: a read_fn serving the bytes from memory answers every call
 *    with a short read of random size, now and then EINTR, and on some
 *    inputs one fault at a chosen call: EIO, -1 without errno, or a count
 *    larger than asked (a seam breaking the read(2) contract);
 *  - the cap: the default, or a small one, so MSG_TOO_BIG is reachable;
 *  - on a quarter of the inputs the same bytes also go through a real pipe
 *    and the default read(2) path.
 *
 * Invariants (abort() when broken):
 *  - the reader never asks for a byte past the 16-byte header before it has
 *    the length, nor past nlmsg_len after (the stream carries more data);
 *  - the verdict is the one the header implies: EOF (offset = bytes
 *    received) when the stream ends early, MSG_LEN_SMALL / MSG_TOO_BIG
 *    after exactly 16 bytes, IO (offset = bytes received, a non-zero errno:
 *    the injected one) after a fault, else success with exactly the first
 *    nlmsg_len bytes consumed and returned;
 *  - on failure the message is empty;
 *  - nsb_decode agrees: SHORT_HEADER / TRUNCATED where the reader saw EOF,
 *    the same header error, and on success the returned bytes decode
 *    exactly as the same bytes of the input do (TRAILING_DATA for the whole
 *    input when the stream continues).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pipe2 */
#endif
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "harness.h"

#define FEED_FD 1000 /* any value: the read_fn checks it is passed through */

/* splitmix64: small, good enough to pick chunk sizes. */
static uint64_t rng_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

/* FNV-1a of the input seeds the generator. */
static uint64_t hash_input(const uint8_t *data, size_t size)
{
	uint64_t h = 0xCBF29CE484222325ull;
	for (size_t i = 0; i < size; i++)
		h = (h ^ data[i]) * 0x100000001B3ull;
	return h;
}

struct feed {
	const uint8_t *data;
	size_t size;
	size_t pos;     /* bytes delivered so far */
	size_t msg_len; /* bytes the reader may consume once it has the header */
	uint64_t rng;
	unsigned calls;
	unsigned fail_call; /* 1-based call that faults; 0 = never */
	enum { FAULT_EIO, FAULT_NO_ERRNO, FAULT_OVERCLAIM } fault;
	bool failed;
	size_t failed_at; /* f->pos when the fault happened */
};

static ssize_t feed_read(void *ctx, int fd, void *buf, size_t count)
{
	struct feed *f = ctx;
	FUZZ_CHECK(fd == FEED_FD);
	FUZZ_CHECK(buf != NULL && count > 0);
	/* Never past the header before the length is known, never past the message. */
	size_t limit = f->pos < NSB_NLMSG_HDRLEN ? NSB_NLMSG_HDRLEN : f->msg_len;
	FUZZ_CHECK(f->pos + count <= limit);
	FUZZ_CHECK(!f->failed); /* a failed read ends the reader */

	f->calls++;
	if (f->calls == f->fail_call) {
		f->failed = true;
		f->failed_at = f->pos;
		switch (f->fault) {
		case FAULT_EIO:
			errno = EIO;
			return -1;
		case FAULT_NO_ERRNO:
			errno = 0;
			return -1;
		case FAULT_OVERCLAIM:
		default:
			return (ssize_t)count + 1; /* nothing written */
		}
	}
	uint64_t r = rng_next(&f->rng);
	if ((r & 7u) == 0) {
		errno = EINTR;
		return -1;
	}
	size_t avail = f->size - f->pos;
	if (avail == 0)
		return 0;
	size_t most = count < avail ? count : avail;
	size_t n = (r >> 3 & 3u) == 0 ? most : 1 + (size_t)(r >> 8) % most;
	memcpy(buf, f->data + f->pos, n);
	f->pos += n;
	return (ssize_t)n;
}

struct expect {
	enum nsb_err rc;
	uint32_t offset;
	size_t consumed;
};

/* What a correct reader returns for this stream and cap, without failures. */
static struct expect expected(const uint8_t *data, size_t size, uint32_t cap)
{
	if (size < NSB_NLMSG_HDRLEN)
		return (struct expect){NSB_ERR_EOF, (uint32_t)size, size};
	uint32_t len = fuzz_rd32(data);
	if (len < NSB_NLMSG_HDRLEN)
		return (struct expect){NSB_ERR_MSG_LEN_SMALL, 0, NSB_NLMSG_HDRLEN};
	if (len > cap)
		return (struct expect){NSB_ERR_MSG_TOO_BIG, 0, NSB_NLMSG_HDRLEN};
	if (size < len)
		return (struct expect){NSB_ERR_EOF, (uint32_t)size, size};
	return (struct expect){NSB_OK, 0, len};
}

static void check_message(enum nsb_err rc, const struct nsb_error *err, const struct nsb_message *msg)
{
	if (rc == NSB_OK) {
		FUZZ_CHECK(msg->data != NULL);
		return;
	}
	FUZZ_CHECK(err->code == rc);
	fuzz_check_named(rc);
	FUZZ_CHECK(msg->data == NULL && msg->len == 0);
}

static void check_against_decoder(const uint8_t *data, size_t size, const struct nsb_decode_opts *opts,
                                  const struct expect *e, const struct nsb_message *msg)
{
	struct nsb_bootstrap b;
	struct nsb_error err;
	enum nsb_err whole = nsb_decode(data, size, opts, &b, &err);

	switch (e->rc) {
	case NSB_ERR_EOF:
		FUZZ_CHECK(whole == (size < NSB_NLMSG_HDRLEN ? NSB_ERR_SHORT_HEADER : NSB_ERR_TRUNCATED));
		return;
	case NSB_ERR_MSG_LEN_SMALL:
	case NSB_ERR_MSG_TOO_BIG:
		FUZZ_CHECK(whole == e->rc);
		return;
	default:
		break;
	}
	FUZZ_CHECK(e->rc == NSB_OK);
	if (size > msg->len)
		FUZZ_CHECK(whole == NSB_ERR_TRAILING_DATA && err.offset == msg->len);

	/* The reader's own buffer (exact size: ASan checks the decoder on it)
	 * decodes exactly as the same bytes of the input. */
	struct nsb_bootstrap b1, b2;
	struct nsb_error e1, e2;
	enum nsb_err r1 = nsb_decode(msg->data, msg->len, opts, &b1, &e1);
	enum nsb_err r2 = nsb_decode(data, msg->len, opts, &b2, &e2);
	FUZZ_CHECK(r1 == r2);
	if (r1 != NSB_OK)
		FUZZ_CHECK(e1.offset == e2.offset && e1.attr == e2.attr && e1.pos == e2.pos);
	else
		FUZZ_CHECK(b1.present == b2.present && b1.clone_flags == b2.clone_flags &&
		           b1.length == b2.length);
}

/* The default read(2) path over a real pipe. */
static void read_through_pipe(const uint8_t *data, size_t size, const struct nsb_decode_opts *opts,
                              const struct expect *e)
{
	int fds[2];
	if (size > 65536 || pipe2(fds, O_CLOEXEC) != 0)
		return; /* no fds: not the code under test */

	/* The write end does not block: a pipe shrunk by pipe-user-pages-soft
	 * may hold less than the input, and then this path is skipped. */
	int fl = fcntl(fds[1], F_GETFL);
	FUZZ_CHECK(fl >= 0 && fcntl(fds[1], F_SETFL, fl | O_NONBLOCK) == 0);
	size_t done = 0;
	while (done < size) {
		ssize_t n = write(fds[1], data + done, size - done);
		if (n < 0 && errno == EAGAIN)
			break;
		FUZZ_CHECK(n > 0);
		done += (size_t)n;
	}
	FUZZ_CHECK(close(fds[1]) == 0);
	if (done < size) {
		FUZZ_CHECK(close(fds[0]) == 0);
		return;
	}

	struct nsb_message msg = {NULL, 0};
	struct nsb_error err;
	enum nsb_err rc = nsb_read_message(fds[0], opts, NULL, NULL, &msg, &err);
	FUZZ_CHECK(rc == e->rc);
	check_message(rc, &err, &msg);
	if (rc == NSB_OK)
		FUZZ_CHECK(msg.len == e->consumed && memcmp(msg.data, data, msg.len) == 0);
	if (rc == NSB_ERR_EOF)
		FUZZ_CHECK(err.offset == e->offset);
	nsb_message_free(&msg);

	/* Whatever the reader did not consume is still in the pipe, untouched. */
	uint8_t rest[512];
	size_t left = size - e->consumed, seen = 0;
	for (;;) {
		ssize_t n = read(fds[0], rest, sizeof(rest));
		FUZZ_CHECK(n >= 0);
		if (n == 0)
			break;
		FUZZ_CHECK(seen + (size_t)n <= left);
		FUZZ_CHECK(memcmp(rest, data + e->consumed + seen, (size_t)n) == 0);
		seen += (size_t)n;
	}
	FUZZ_CHECK(seen == left);
	FUZZ_CHECK(close(fds[0]) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t rng = hash_input(data, size);
	uint64_t pick = rng_next(&rng);

	struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2};
	if ((pick & 3u) == 0)
		opts.max_len = NSB_NLMSG_HDRLEN + (uint32_t)((pick >> 2) % 256u);
	if ((pick >> 10 & 1u) != 0)
		opts.dialect = NSB_DIALECT_RUNC_1_1;
	uint32_t cap = opts.max_len == 0 ? NSB_DEFAULT_MAX_LEN : opts.max_len;

	struct expect e = expected(data, size, cap);
	struct feed f = {data, size, 0, 0, rng, 0, 0, FAULT_EIO, false, 0};
	f.msg_len = e.rc == NSB_OK || (e.rc == NSB_ERR_EOF && size >= NSB_NLMSG_HDRLEN) ? fuzz_rd32(data)
	                                                                                : NSB_NLMSG_HDRLEN;
	if ((pick >> 12 & 7u) == 0) {
		f.fail_call = 1 + (unsigned)(pick >> 16 & 15u);
		f.fault = (pick >> 24 & 3u) == 0   ? FAULT_NO_ERRNO
		          : (pick >> 24 & 3u) == 1 ? FAULT_OVERCLAIM
		                                   : FAULT_EIO;
	}

	struct nsb_message msg = {(unsigned char *)1, 1}; /* garbage: the reader must reset it */
	struct nsb_error err;
	enum nsb_err rc = nsb_read_message(FEED_FD, &opts, feed_read, &f, &msg, &err);

	check_message(rc, &err, &msg);
	if (f.failed) {
		FUZZ_CHECK(rc == NSB_ERR_IO && err.offset == f.failed_at && err.sys_errno != 0);
		if (f.fault == FAULT_EIO)
			FUZZ_CHECK(err.sys_errno == EIO);
	} else {
		FUZZ_CHECK(rc == e.rc);
		FUZZ_CHECK(f.pos == e.consumed);
		if (rc == NSB_ERR_EOF)
			FUZZ_CHECK(err.offset == e.offset);
		if (rc == NSB_OK) {
			FUZZ_CHECK(msg.len == e.consumed && memcmp(msg.data, data, msg.len) == 0);
			check_against_decoder(data, size, &opts, &e, &msg);
		} else {
			check_against_decoder(data, size, &opts, &e, NULL);
		}
	}
	nsb_message_free(&msg);
	FUZZ_CHECK(msg.data == NULL && msg.len == 0);

	if ((pick >> 20 & 3u) == 0)
		read_through_pipe(data, size, &opts, &e);

	/* NULL options and a NULL error report: the defaults, same verdict. */
	if ((pick >> 22 & 3u) == 0 && opts.max_len == 0 && opts.dialect == NSB_DIALECT_RUNC_1_2) {
		struct feed g = {data, size, 0, f.msg_len, rng, 0, 0, FAULT_EIO, false, 0};
		struct nsb_message m2 = {NULL, 0};
		FUZZ_CHECK(nsb_read_message(FEED_FD, NULL, feed_read, &g, &m2, NULL) == e.rc);
		nsb_message_free(&m2);
	}
	return 0;
}
