/* SPDX-License-Identifier: Apache-2.0 */
/*
 * read.c - read exactly one bootstrap message from a stream fd.
 *
 * The init pipe is a stream socket that carries more data after the
 * message (the pid JSON, then the runtime's config), so the reader asks for
 * exactly what is missing and never more: first the 16-byte header, then,
 * once nlmsg_len passed the cap check, exactly nlmsg_len - 16 bytes into a
 * buffer of nlmsg_len bytes. Short reads and EINTR loop; 0 is EOF.
 * Nothing is allocated before the cap check, so a hostile header cannot make
 * the reader allocate more than the cap.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"
#include "nsboot/bootstrap.h"

/* The default seam: plain read(2). */
static ssize_t sys_read(void *ctx, int fd, void *buf, size_t count)
{
	(void)ctx;
	return read(fd, buf, count);
}

static enum nsb_err io_fail(struct nsb_error *err, size_t received, int sys_errno)
{
	nsb_fail(err, NSB_ERR_IO, nsb_pos32(received), NSB_ATTR_NONE, 0);
	if (err)
		err->sys_errno = sys_errno;
	return NSB_ERR_IO;
}

/*
 * read_exact - fill buf[*done .. want) from @fd, looping on short reads and
 * EINTR. *done is the total received so far in the message (for the error
 * offset) and is advanced as bytes arrive.
 */
static enum nsb_err read_exact(int fd, nsb_read_fn read_fn, void *ctx, unsigned char *buf, size_t want,
                               size_t *done, struct nsb_error *err)
{
	while (*done < want) {
		size_t ask = want - *done;
		ssize_t n;

#if SSIZE_MAX < UINT32_MAX
		/* A message is at most 4 GiB - 1 (u32 nlmsg_len), which only a
		 * 32-bit ssize_t cannot hold; one read(2) then asks for less. */
		if (ask > (size_t)SSIZE_MAX)
			ask = (size_t)SSIZE_MAX;
#endif
		errno = 0;
		n = read_fn(ctx, fd, buf + *done, ask);
		if (n < 0) {
			int e = errno;
			if (e == EINTR)
				continue;
			/* A seam that fails without errno still fails as I/O. */
			return io_fail(err, *done, e != 0 ? e : EIO);
		}
		if (n == 0)
			return nsb_fail(err, NSB_ERR_EOF, nsb_pos32(*done), NSB_ATTR_NONE, 0);
		/* A read that claims more than was asked broke the read(2)
		 * contract; trusting it would run past the buffer. */
		if ((size_t)n > ask)
			return io_fail(err, *done, EIO);
		*done += (size_t)n;
	}
	return NSB_OK;
}

enum nsb_err nsb_read_message(int fd, const struct nsb_decode_opts *opts, nsb_read_fn read_fn, void *ctx,
                              struct nsb_message *msg, struct nsb_error *err)
{
	uint32_t cap = opts && opts->max_len ? opts->max_len : NSB_DEFAULT_MAX_LEN;
	/* Zeroed: the read seam is opaque to static analysis. */
	unsigned char header[NSB_NLMSG_HDRLEN] = {0};
	unsigned char *data;
	uint32_t total;
	size_t done = 0;
	enum nsb_err rc;

	if (!msg)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	msg->data = NULL;
	msg->len = 0;
	if (!read_fn)
		read_fn = sys_read;

	rc = read_exact(fd, read_fn, ctx, header, sizeof(header), &done, err);
	if (rc != NSB_OK)
		return rc;
	total = nsb_load_u32(header);
	if (total < NSB_NLMSG_HDRLEN)
		return nsb_fail(err, NSB_ERR_MSG_LEN_SMALL, 0, NSB_ATTR_NONE, 0);
	if (total > cap)
		return nsb_fail(err, NSB_ERR_MSG_TOO_BIG, 0, NSB_ATTR_NONE, 0);

	data = malloc(total);
	if (!data)
		return nsb_fail(err, NSB_ERR_NOMEM, 0, NSB_ATTR_NONE, 0);
	memcpy(data, header, sizeof(header));
	rc = read_exact(fd, read_fn, ctx, data, total, &done, err);
	if (rc != NSB_OK) {
		free(data);
		return rc;
	}
	msg->data = data;
	msg->len = total;
	return nsb_ok(err);
}

void nsb_message_free(struct nsb_message *msg)
{
	if (!msg)
		return;
	free(msg->data);
	msg->data = NULL;
	msg->len = 0;
}
