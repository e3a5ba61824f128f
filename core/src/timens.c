/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timens.c - the TIMENSOFFSET payload (dialect runc-1.2): lines
 * "clock secs nsecs\n", the format of /proc/PID/timens_offsets.
 *
 * clock is "monotonic" or "boottime", each at most once; secs is a signed
 * 64-bit decimal; nsecs an unsigned decimal in [0, 999999999]; one space
 * between fields; every line ends in '\n'. Go emits the lines in random map
 * order, so the order is kept but carries no meaning.
 *
 * Checked in byte order. Positions:
 *   TIMENS_SYNTAX          the unexpected byte (0 for the empty text)
 *   TIMENS_CLOCK, TIMENS_DUPLICATE_CLOCK   the start of the clock name
 *   TIMENS_SECS_RANGE, TIMENS_NSECS_RANGE  the start of the number
 *   TIMENS_UNTERMINATED    len (the text ends inside a line)
 */
#include <string.h>

#include "cursor.h"
#include "internal.h"
#include "nsboot/payload.h"

#define NSECS_MAX 999999999u

/* fail_at - SYNTAX at the cursor, or UNTERMINATED if the text ended there. */
static enum nsb_err fail_at(const struct nsb_cur *c, struct nsb_error *err)
{
	if (nsb_cur_eof(c))
		return nsb_payload_fail(err, NSB_ERR_TIMENS_UNTERMINATED, c->len);
	return nsb_payload_fail(err, NSB_ERR_TIMENS_SYNTAX, c->pos);
}

/* clock_word - the clock name: bytes up to ' ', '\n' or the end. */
static enum nsb_err clock_word(struct nsb_cur *c, const struct nsb_time_offsets *seen, enum nsb_clock *out,
                               struct nsb_error *err)
{
	size_t start = c->pos;
	size_t n;
	int ch;

	while ((ch = nsb_cur_peek(c)) != -1 && ch != ' ' && ch != '\n')
		c->pos++;
	n = c->pos - start;
	if (n == 0)
		return fail_at(c, err);
	for (unsigned i = 0; i < NSB_CLOCK_COUNT; i++) {
		const char *name = nsb_clock_name((enum nsb_clock)i);
		if (strlen(name) == n && memcmp(c->text + start, name, n) == 0) {
			for (size_t j = 0; j < seen->count; j++)
				if (seen->offsets[j].clock == (enum nsb_clock)i)
					return nsb_payload_fail(err, NSB_ERR_TIMENS_DUPLICATE_CLOCK, start);
			*out = (enum nsb_clock)i;
			return NSB_OK;
		}
	}
	return nsb_payload_fail(err, NSB_ERR_TIMENS_CLOCK, start);
}

/* parse_line - one line at the cursor into @o. */
static enum nsb_err parse_line(struct nsb_cur *c, const struct nsb_time_offsets *seen,
                               struct nsb_time_offset *o, struct nsb_error *err)
{
	enum nsb_err rc = clock_word(c, seen, &o->clock, err);
	size_t start;
	uint32_t nsecs = 0;

	if (rc != NSB_OK)
		return rc;
	if (!nsb_cur_accept(c, ' '))
		return fail_at(c, err);

	start = c->pos;
	switch (nsb_cur_i64(c, &o->secs)) {
	case NSB_NUM_OK:
		break;
	case NSB_NUM_RANGE:
		return nsb_payload_fail(err, NSB_ERR_TIMENS_SECS_RANGE, start);
	case NSB_NUM_NONE:
	default:
		return fail_at(c, err);
	}
	if (!nsb_cur_accept(c, ' '))
		return fail_at(c, err);

	start = c->pos;
	switch (nsb_cur_u32(c, &nsecs)) {
	case NSB_NUM_OK:
		break;
	case NSB_NUM_RANGE:
		return nsb_payload_fail(err, NSB_ERR_TIMENS_NSECS_RANGE, start);
	case NSB_NUM_NONE:
	default:
		return fail_at(c, err);
	}
	if (nsecs > NSECS_MAX)
		return nsb_payload_fail(err, NSB_ERR_TIMENS_NSECS_RANGE, start);
	o->nsecs = nsecs;
	if (!nsb_cur_accept(c, '\n'))
		return fail_at(c, err);
	return NSB_OK;
}

enum nsb_err nsb_timens_parse(const char *text, size_t len, struct nsb_time_offsets *out,
                              struct nsb_error *err)
{
	struct nsb_cur c = nsb_cur_init(text, len);

	if (!out || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	out->count = 0;
	if (len == 0)
		return nsb_payload_fail(err, NSB_ERR_TIMENS_SYNTAX, 0);
	while (!nsb_cur_eof(&c)) {
		struct nsb_time_offset o;
		/* A third line can only repeat a clock: DUPLICATE_CLOCK, so
		 * count never exceeds NSB_CLOCK_COUNT. */
		enum nsb_err rc = parse_line(&c, out, &o, err);
		if (rc != NSB_OK)
			return rc;
		out->offsets[out->count++] = o;
	}
	return nsb_ok(err);
}

size_t nsb_timens_format(const struct nsb_time_offsets *offs, char *buf, size_t cap)
{
	struct nsb_out o = {buf, buf ? cap : 0, 0};
	/* As nsb_idmap_format: never read past the array. An invalid clock
	 * is written as an empty name, which the parser rejects. */
	size_t n = offs ? offs->count : 0;

	if (n > NSB_CLOCK_COUNT)
		n = NSB_CLOCK_COUNT;
	for (size_t i = 0; i < n; i++) {
		const char *name = nsb_clock_name(offs->offsets[i].clock);
		if (name)
			nsb_out_put(&o, name, strlen(name));
		nsb_out_char(&o, ' ');
		nsb_out_i64(&o, offs->offsets[i].secs);
		nsb_out_char(&o, ' ');
		nsb_out_u64(&o, offs->offsets[i].nsecs);
		nsb_out_char(&o, '\n');
	}
	return nsb_out_end(&o);
}
