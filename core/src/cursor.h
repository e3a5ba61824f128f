/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cursor.h - a length-checked cursor over untrusted text.
 *
 * Every text parser in core walks its input through this cursor and nothing
 * else: each fetch checks what remains before it consumes, so no parser does
 * raw pointer arithmetic and none can read outside (text, len). Any byte,
 * NUL included, is just a byte.
 *
 * Numbers are plain ASCII decimal: no sign (except the explicit one of
 * nsb_cur_i64), no '+', no white space, no hex. Leading zeros are digits.
 */
#ifndef NSBOOT_CURSOR_H
#define NSBOOT_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nsb_cur {
	const char *text;
	size_t len;
	size_t pos; /* next byte to read; pos <= len always */
};

static inline struct nsb_cur nsb_cur_init(const char *text, size_t len)
{
	struct nsb_cur c = {text, len, 0};
	return c;
}

static inline bool nsb_cur_eof(const struct nsb_cur *c)
{
	return c->pos >= c->len;
}

/* nsb_cur_peek - the next byte as 0..255, or -1 at the end. */
static inline int nsb_cur_peek(const struct nsb_cur *c)
{
	return nsb_cur_eof(c) ? -1 : (int)(unsigned char)c->text[c->pos];
}

/* nsb_cur_accept - consume the next byte if it is @ch. */
static inline bool nsb_cur_accept(struct nsb_cur *c, char ch)
{
	if (nsb_cur_peek(c) != (int)(unsigned char)ch)
		return false;
	c->pos++;
	return true;
}

static inline bool nsb_cur_is_digit(int ch)
{
	return ch >= '0' && ch <= '9';
}

enum nsb_num {
	NSB_NUM_OK,    /* value stored */
	NSB_NUM_NONE,  /* no digit at the cursor; nothing consumed */
	NSB_NUM_RANGE, /* digits consumed, value above the limit */
};

/*
 * nsb_cur_u64 - consume a run of decimal digits; the value must be <= @max.
 * On NSB_NUM_RANGE every digit of the run is still consumed, so the caller
 * reports the number's start position, which it saved before the call.
 */
static inline enum nsb_num nsb_cur_u64(struct nsb_cur *c, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	bool over = false;
	size_t start = c->pos;

	while (nsb_cur_is_digit(nsb_cur_peek(c))) {
		unsigned d = (unsigned)(nsb_cur_peek(c) - '0');
		if (!over && (d > max || v > (max - d) / 10u))
			over = true;
		if (!over)
			v = v * 10u + d;
		c->pos++;
	}
	if (c->pos == start)
		return NSB_NUM_NONE;
	if (over)
		return NSB_NUM_RANGE;
	*out = v;
	return NSB_NUM_OK;
}

static inline enum nsb_num nsb_cur_u32(struct nsb_cur *c, uint32_t *out)
{
	uint64_t v = 0;
	enum nsb_num r = nsb_cur_u64(c, UINT32_MAX, &v);
	if (r == NSB_NUM_OK)
		*out = (uint32_t)v;
	return r;
}

/*
 * nsb_cur_i64 - optional '-' then decimal digits, in [INT64_MIN, INT64_MAX].
 * NSB_NUM_NONE leaves the cursor at the byte where a digit was expected
 * (after a '-' if there was one).
 */
static inline enum nsb_num nsb_cur_i64(struct nsb_cur *c, int64_t *out)
{
	bool neg = nsb_cur_accept(c, '-');
	/* |INT64_MIN| = INT64_MAX + 1 */
	uint64_t limit = neg ? (uint64_t)INT64_MAX + 1u : (uint64_t)INT64_MAX;
	uint64_t mag = 0;
	enum nsb_num r = nsb_cur_u64(c, limit, &mag);

	if (r != NSB_NUM_OK)
		return r;
	if (!neg)
		*out = (int64_t)mag;
	else if (mag == 0)
		*out = 0;
	else
		*out = -(int64_t)(mag - 1u) - 1;
	return NSB_NUM_OK;
}

#endif /* NSBOOT_CURSOR_H */
