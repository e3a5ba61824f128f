/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpulist.c - runtime-spec execCPUAffinity CPU lists.
 *
 * Grammar (see cpulist.h): elements separated by ',', each trimmed of ASCII
 * white space (' ', \t, \n, \v, \f, \r); empty elements are skipped; an
 * element is N or N-M in unsigned decimal with N <= M <= NSB_CPU_MAX.
 * "" is unset (count 0); a non-empty text without any CPU is CPULIST_EMPTY.
 *
 * Positions: CPULIST_SYNTAX at the unexpected byte, CPULIST_TOO_HIGH at the
 * first digit of the number, CPULIST_REVERSED at the element's first byte
 * (after trimming), CPULIST_EMPTY at 0.
 *
 * Ranges are set a 64-bit word at a time, so an adversarial list costs
 * O(len * NSB_CPUSET_WORDS) at worst, never O(len * NSB_CPU_MAX).
 */
#include <string.h>

#include "cursor.h"
#include "internal.h"
#include "nsboot/cpulist.h"

static bool is_space(int ch)
{
	return ch == ' ' || (ch >= '\t' && ch <= '\r');
}

/* bits_from - word mask with bits @lo..63 set. */
static uint64_t bits_from(unsigned lo)
{
	return ~(uint64_t)0 << lo;
}

/* bits_to - word mask with bits 0..@hi set. */
static uint64_t bits_to(unsigned hi)
{
	return hi == 63 ? ~(uint64_t)0 : ((uint64_t)1 << (hi + 1u)) - 1u;
}

static void set_range(struct nsb_cpuset *set, uint32_t lo, uint32_t hi)
{
	uint32_t wlo = lo / 64u, whi = hi / 64u;

	if (wlo == whi) {
		set->bits[wlo] |= bits_from(lo % 64u) & bits_to(hi % 64u);
		return;
	}
	set->bits[wlo] |= bits_from(lo % 64u);
	for (uint32_t w = wlo + 1; w < whi; w++)
		set->bits[w] = ~(uint64_t)0;
	set->bits[whi] |= bits_to(hi % 64u);
}

static uint32_t popcount64(uint64_t v)
{
	uint32_t n = 0;
	for (; v != 0; v &= v - 1u)
		n++;
	return n;
}

/* top_bit - index of the highest set bit of @v (v != 0). */
static uint32_t top_bit(uint64_t v)
{
	uint32_t n = 63;
	while (!((v >> n) & 1u))
		n--;
	return n;
}

/* cpu_number - one CPU number at the cursor. */
static enum nsb_err cpu_number(struct nsb_cur *c, uint32_t *out, struct nsb_error *err)
{
	size_t start = c->pos;
	uint64_t v = 0;

	switch (nsb_cur_u64(c, NSB_CPU_MAX, &v)) {
	case NSB_NUM_OK:
		*out = (uint32_t)v;
		return NSB_OK;
	case NSB_NUM_RANGE:
		return nsb_payload_fail(err, NSB_ERR_CPULIST_TOO_HIGH, start);
	case NSB_NUM_NONE:
	default:
		return nsb_payload_fail(err, NSB_ERR_CPULIST_SYNTAX, c->pos);
	}
}

/* parse_element - "N" or "N-M", exactly the trimmed bytes [start, end). */
static enum nsb_err parse_element(const char *text, size_t start, size_t end, struct nsb_cpuset *set,
                                  struct nsb_error *err)
{
	/* A cursor limited to the element: it cannot run into the next one. */
	struct nsb_cur c = {text, end, start};
	uint32_t lo = 0, hi = 0;
	enum nsb_err rc = cpu_number(&c, &lo, err);

	if (rc != NSB_OK)
		return rc;
	hi = lo;
	if (nsb_cur_accept(&c, '-')) {
		rc = cpu_number(&c, &hi, err);
		if (rc != NSB_OK)
			return rc;
	}
	if (!nsb_cur_eof(&c))
		return nsb_payload_fail(err, NSB_ERR_CPULIST_SYNTAX, c.pos);
	if (lo > hi)
		return nsb_payload_fail(err, NSB_ERR_CPULIST_REVERSED, start);
	set_range(set, lo, hi);
	return NSB_OK;
}

enum nsb_err nsb_cpulist_parse(const char *text, size_t len, struct nsb_cpuset *out, struct nsb_error *err)
{
	size_t start = 0;

	if (!out || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	memset(out, 0, sizeof(*out));
	if (len == 0)
		return nsb_ok(err);
	/* Ends at the first element without a ',' after it; start <= len
	 * throughout, since a ',' is at most at len - 1. */
	for (;;) {
		const char *comma = memchr(text + start, ',', len - start);
		size_t end = comma ? (size_t)(comma - text) : len;
		size_t next = end + 1;

		while (start < end && is_space((unsigned char)text[start]))
			start++;
		while (end > start && is_space((unsigned char)text[end - 1]))
			end--;
		if (start < end) {
			enum nsb_err rc = parse_element(text, start, end, out, err);
			if (rc != NSB_OK)
				return rc;
		}
		if (!comma)
			break;
		start = next;
	}
	for (uint32_t w = 0; w < NSB_CPUSET_WORDS; w++) {
		uint32_t n = popcount64(out->bits[w]);
		out->count += n;
		if (n > 0)
			out->highest = w * 64u + top_bit(out->bits[w]);
	}
	if (out->count == 0)
		return nsb_payload_fail(err, NSB_ERR_CPULIST_EMPTY, 0);
	return nsb_ok(err);
}

size_t nsb_cpulist_format(const struct nsb_cpuset *set, char *buf, size_t cap)
{
	struct nsb_out o = {buf, buf ? cap : 0, 0};
	uint32_t cpu = 0;
	bool first = true;

	/* From the bits alone (count and highest are not trusted here), a
	 * whole word at a time where it is all clear or all set. */
	while (set && cpu <= NSB_CPU_MAX) {
		uint32_t lo, hi;
		if (cpu % 64u == 0 && set->bits[cpu / 64u] == 0) {
			cpu += 64u;
			continue;
		}
		if (!nsb_cpuset_has(set, cpu)) {
			cpu++;
			continue;
		}
		lo = hi = cpu;
		while (hi < NSB_CPU_MAX && nsb_cpuset_has(set, hi + 1u)) {
			uint32_t next = hi + 1u;
			hi += next % 64u == 0 && set->bits[next / 64u] == ~(uint64_t)0 ? 64u : 1u;
		}
		if (!first)
			nsb_out_char(&o, ',');
		first = false;
		nsb_out_u64(&o, lo);
		if (hi > lo) {
			nsb_out_char(&o, '-');
			nsb_out_u64(&o, hi);
		}
		cpu = hi + 1u;
	}
	return nsb_out_end(&o);
}

size_t nsb_cpuset_bytes(const struct nsb_cpuset *set)
{
	if (!set || set->count == 0 || set->highest > NSB_CPU_MAX)
		return 0;
	return ((size_t)set->highest / 64u + 1u) * sizeof(uint64_t);
}

bool nsb_cpuset_has(const struct nsb_cpuset *set, uint32_t cpu)
{
	if (!set || cpu > NSB_CPU_MAX)
		return false;
	return (set->bits[cpu / 64u] >> (cpu % 64u)) & 1u;
}
