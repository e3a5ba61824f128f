/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idmap.c - UIDMAP / GIDMAP payloads: lines "C H S\n".
 *
 * The rules are the kernel's (map_write() in kernel/user_namespace.c), so a
 * map that parses here is one the kernel accepts in a single write(2):
 * 1..340 lines, unsigned 32-bit decimal fields separated by one space,
 * size >= 1, start + size <= 2^32-1 on both sides (the kernel refuses
 * first + count wrapping to <= first, and first == (u32)-1: id 2^32-1 is
 * (uid_t)-1 and never mappable), no two extents overlap on the container
 * side or on the host side, and the text is shorter than a page.
 *
 * Lines are checked one after the other and each line completely (syntax,
 * then size, wrap, overlap with every earlier line) before the next, so the
 * error reported is the first problem in byte order. Positions:
 *   IDMAP_SYNTAX           the unexpected byte
 *   IDMAP_NUMBER_RANGE     the first digit of the number
 *   IDMAP_UNTERMINATED     len (the text ends inside a line)
 *   IDMAP_TOO_LONG         NSB_IDMAP_TEXT_MAX (the first byte past the limit)
 *   IDMAP_TOO_MANY_LINES   the start of line 341
 *   IDMAP_ZERO_SIZE        the first digit of the size
 *   IDMAP_RANGE_WRAP, IDMAP_OVERLAP   the start of the offending line
 * The empty text has no line at all: IDMAP_SYNTAX at 0.
 *
 * The page limit is enforced in byte order too: the cursor only sees the
 * first NSB_IDMAP_TEXT_MAX bytes, and running into its end while the real
 * text goes on is IDMAP_TOO_LONG, so any problem before the limit still
 * wins.
 */
#include <string.h>

#include "cursor.h"
#include "internal.h"
#include "nsboot/payload.h"

/* at_end - the cursor ran out inside a line: the text is unterminated, or
 * it goes on past the page limit (@full_len is the real length). */
static enum nsb_err at_end(const struct nsb_cur *c, size_t full_len, struct nsb_error *err)
{
	if (full_len > c->len)
		return nsb_payload_fail(err, NSB_ERR_IDMAP_TOO_LONG, c->len);
	return nsb_payload_fail(err, NSB_ERR_IDMAP_UNTERMINATED, c->len);
}

/* field - one number, then the byte @sep that must follow it. */
static enum nsb_err field(struct nsb_cur *c, size_t full_len, char sep, uint32_t *out, size_t *start,
                          struct nsb_error *err)
{
	*start = c->pos;
	switch (nsb_cur_u32(c, out)) {
	case NSB_NUM_OK:
		break;
	case NSB_NUM_RANGE:
		return nsb_payload_fail(err, NSB_ERR_IDMAP_NUMBER_RANGE, *start);
	case NSB_NUM_NONE:
	default:
		if (nsb_cur_eof(c))
			return at_end(c, full_len, err);
		return nsb_payload_fail(err, NSB_ERR_IDMAP_SYNTAX, c->pos);
	}
	if (nsb_cur_accept(c, sep))
		return NSB_OK;
	if (nsb_cur_eof(c))
		return at_end(c, full_len, err);
	return nsb_payload_fail(err, NSB_ERR_IDMAP_SYNTAX, c->pos);
}

/* wraps - would the kernel call [start, start + size) a wrapping range?
 * It needs start + size <= 2^32-1 (size >= 1 here). */
static bool wraps(uint32_t start, uint32_t size)
{
	return (uint64_t)start + size > UINT32_MAX;
}

/* overlaps - do [a, a + as - 1] and [b, b + bs - 1] share an id? */
static bool overlaps(uint32_t a, uint32_t as, uint32_t b, uint32_t bs)
{
	return (uint64_t)a <= (uint64_t)b + bs - 1u && (uint64_t)b <= (uint64_t)a + as - 1u;
}

/* Sorted views of the extents accepted so far, one per side: indices into
 * map->extents ordered by start. Accepted extents are disjoint, so a new one
 * overlaps some extent iff it overlaps its predecessor or successor. */
struct sorted {
	uint16_t idx[NSB_IDMAP_MAX_EXTENTS];
};

static uint32_t side_start(const struct nsb_idmap_extent *e, int host)
{
	return host ? e->host_id : e->container_id;
}

/* find - position of the first extent whose start is > @start. */
static size_t find(const struct nsb_idmap *map, const struct sorted *s, size_t n, int host, uint32_t start)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;
		if (side_start(&map->extents[s->idx[mid]], host) <= start)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

static bool side_overlaps(const struct nsb_idmap *map, const struct sorted *s, int host,
                          const struct nsb_idmap_extent *e, size_t *at)
{
	size_t n = map->count, k = find(map, s, n, host, side_start(e, host));
	uint32_t st = side_start(e, host);
	*at = k;
	if (k > 0) {
		const struct nsb_idmap_extent *p = &map->extents[s->idx[k - 1]];
		if (overlaps(side_start(p, host), p->size, st, e->size))
			return true;
	}
	if (k < n) {
		const struct nsb_idmap_extent *q = &map->extents[s->idx[k]];
		if (overlaps(side_start(q, host), q->size, st, e->size))
			return true;
	}
	return false;
}

static void insert(struct sorted *s, size_t n, size_t at, uint16_t idx)
{
	memmove(&s->idx[at + 1], &s->idx[at], (n - at) * sizeof(s->idx[0]));
	s->idx[at] = idx;
}

/* check_extent - size, wrap, and overlap with the @count extents before it. */
static enum nsb_err check_extent(const struct nsb_idmap *map, struct sorted sides[2],
                                 const struct nsb_idmap_extent *e, size_t line, size_t size_pos,
                                 struct nsb_error *err)
{
	size_t at[2];
	if (e->size == 0)
		return nsb_payload_fail(err, NSB_ERR_IDMAP_ZERO_SIZE, size_pos);
	if (wraps(e->container_id, e->size) || wraps(e->host_id, e->size))
		return nsb_payload_fail(err, NSB_ERR_IDMAP_RANGE_WRAP, line);
	if (side_overlaps(map, &sides[0], 0, e, &at[0]) || side_overlaps(map, &sides[1], 1, e, &at[1]))
		return nsb_payload_fail(err, NSB_ERR_IDMAP_OVERLAP, line);
	insert(&sides[0], map->count, at[0], (uint16_t)map->count);
	insert(&sides[1], map->count, at[1], (uint16_t)map->count);
	return NSB_OK;
}

enum nsb_err nsb_idmap_parse(const char *text, size_t len, struct nsb_idmap *out, struct nsb_error *err)
{
	/* The cursor sees at most the page limit; see at_end(). */
	struct nsb_cur c = nsb_cur_init(text, len < NSB_IDMAP_TEXT_MAX ? len : NSB_IDMAP_TEXT_MAX);
	struct sorted sides[2];

	if (!out || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	out->count = 0;
	if (len == 0)
		return nsb_payload_fail(err, NSB_ERR_IDMAP_SYNTAX, 0);
	while (!nsb_cur_eof(&c)) {
		struct nsb_idmap_extent e;
		size_t line = c.pos, num_pos, size_pos;
		enum nsb_err rc;

		if (out->count == NSB_IDMAP_MAX_EXTENTS)
			return nsb_payload_fail(err, NSB_ERR_IDMAP_TOO_MANY_LINES, line);
		rc = field(&c, len, ' ', &e.container_id, &num_pos, err);
		if (rc == NSB_OK)
			rc = field(&c, len, ' ', &e.host_id, &num_pos, err);
		if (rc == NSB_OK)
			rc = field(&c, len, '\n', &e.size, &size_pos, err);
		if (rc == NSB_OK)
			rc = check_extent(out, sides, &e, line, size_pos, err);
		if (rc != NSB_OK)
			return rc;
		out->extents[out->count++] = e;
	}
	/* Whole lines up to the limit, and more text after it. */
	if (len > c.len)
		return nsb_payload_fail(err, NSB_ERR_IDMAP_TOO_LONG, c.len);
	return nsb_ok(err);
}

size_t nsb_idmap_format(const struct nsb_idmap *map, char *buf, size_t cap)
{
	struct nsb_out o = {buf, buf ? cap : 0, 0};
	/* A count beyond the array cannot come from the parser; format only
	 * what the array holds rather than read past it. */
	size_t n = map ? map->count : 0;

	if (n > NSB_IDMAP_MAX_EXTENTS)
		n = NSB_IDMAP_MAX_EXTENTS;
	for (size_t i = 0; i < n; i++) {
		nsb_out_u64(&o, map->extents[i].container_id);
		nsb_out_char(&o, ' ');
		nsb_out_u64(&o, map->extents[i].host_id);
		nsb_out_char(&o, ' ');
		nsb_out_u64(&o, map->extents[i].size);
		nsb_out_char(&o, '\n');
	}
	return nsb_out_end(&o);
}
