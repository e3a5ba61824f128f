/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpulist.c - fuzz target `cpulist`: nsb_cpulist_parse / nsb_cpulist_format.
 *
 * Invariants (abort() when broken):
 *  - a rejection is a named input error with pos inside the text;
 *  - an acceptance is consistent: count = bits set, highest = the top bit,
 *    nsb_cpuset_has agrees with the bits, nsb_cpuset_bytes covers CPU
 *    0..highest in whole 8-byte words, count is 0 only for "";
 *  - it agrees with a reference reading of the grammar in cpulist.h (written
 *    here independently): same set on acceptance, and a rejection only where
 *    the reference rejects too or the text spells a number with a leading
 *    zero (the one point the grammar leaves open);
 *  - parse -> format -> parse is stable: the same set, the same text.
 */
#include "harness.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

/* Unsigned decimal in [s, e): false if empty, not digits, or above NSB_CPU_MAX. */
static bool ref_number(const char *s, const char *e, uint32_t *out)
{
	uint32_t v = 0;
	if (s == e)
		return false;
	for (; s < e; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10u + (uint32_t)(*s - '0');
		if (v > NSB_CPU_MAX)
			return false;
	}
	*out = v;
	return true;
}

/* Set CPUs lo..hi, a whole word at a time where possible: "0-65535" repeated
 * must stay cheap. */
static void set_range(struct nsb_cpuset *set, uint32_t lo, uint32_t hi)
{
	uint32_t c = lo;
	while (c <= hi) {
		if (c % 64u == 0 && hi - c >= 63u) {
			set->bits[c / 64u] = ~UINT64_C(0);
			c += 64u;
		} else {
			set->bits[c / 64u] |= UINT64_C(1) << (c % 64u);
			c++;
		}
	}
}

/* Reference parser: comma-separated, ASCII-space trimmed, empty elements
 * skipped, N or N-M with N <= M <= NSB_CPU_MAX; "" is unset; non-empty text
 * without a CPU is an error. */
static bool ref_parse(const char *text, size_t len, struct nsb_cpuset *set)
{
	memset(set, 0, sizeof(*set));
	bool any = false;
	const char *end = text + len;
	const char *elem = text;
	while (elem <= end) {
		const char *comma = memchr(elem, ',', (size_t)(end - elem));
		const char *stop = comma != NULL ? comma : end;
		const char *s = elem, *e = stop;
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (s < e) {
			const char *dash = memchr(s, '-', (size_t)(e - s));
			uint32_t lo, hi;
			if (dash == NULL) {
				if (!ref_number(s, e, &lo))
					return false;
				hi = lo;
			} else if (!ref_number(s, dash, &lo) || !ref_number(dash + 1, e, &hi) || lo > hi) {
				return false;
			}
			set_range(set, lo, hi);
			any = true;
		}
		if (comma == NULL)
			break;
		elem = comma + 1;
	}
	return len == 0 || any;
}

static uint32_t popcount(const struct nsb_cpuset *set)
{
	uint32_t n = 0;
	for (size_t w = 0; w < NSB_CPUSET_WORDS; w++)
		n += (uint32_t)__builtin_popcountll(set->bits[w]);
	return n;
}

static void check_set(const struct nsb_cpuset *set, size_t text_len)
{
	FUZZ_CHECK(set->count == popcount(set));
	FUZZ_CHECK((set->count == 0) == (text_len == 0));
	if (set->count == 0)
		return;
	FUZZ_CHECK(set->highest <= NSB_CPU_MAX);
	FUZZ_CHECK(nsb_cpuset_has(set, set->highest));
	FUZZ_CHECK(set->highest == NSB_CPU_MAX || !nsb_cpuset_has(set, set->highest + 1));
	FUZZ_CHECK(!nsb_cpuset_has(set, NSB_CPU_MAX + 1));
	for (size_t w = set->highest / 64u + 1; w < NSB_CPUSET_WORDS; w++)
		FUZZ_CHECK(set->bits[w] == 0);
	FUZZ_CHECK((set->bits[set->highest / 64u] >> (set->highest % 64u)) == 1);
	FUZZ_CHECK(nsb_cpuset_bytes(set) == (set->highest / 64u + 1) * 8u);
	FUZZ_CHECK(nsb_cpuset_has(set, 0) == ((set->bits[0] & 1u) != 0));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct nsb_cpuset *set = calloc(3, sizeof(*set)); /* 24 KiB: off the stack */
	FUZZ_CHECK(set != NULL);
	struct nsb_cpuset *again = set + 1, *ref = set + 2;
	struct nsb_error err;

	enum nsb_err rc = nsb_cpulist_parse(text, size, again, NULL); /* err may be NULL */
	FUZZ_CHECK(nsb_cpulist_parse(text, size, set, &err) == rc);
	bool ref_ok = ref_parse(text, size, ref);
	if (rc != NSB_OK) {
		fuzz_check_parse_error(rc, &err, size);
		FUZZ_CHECK(!ref_ok || fuzz_has_noncanonical_number(text, size));
		free(set);
		return 0;
	}
	check_set(set, size);
	FUZZ_CHECK(ref_ok && memcmp(set->bits, ref->bits, sizeof(ref->bits)) == 0);

	size_t need = nsb_cpulist_format(set, NULL, 0);
	char *buf = malloc(need + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(nsb_cpulist_format(set, buf, need + 1) == need);
	FUZZ_CHECK(buf[need] == '\0' && strlen(buf) == need);
	FUZZ_CHECK(nsb_cpulist_parse(buf, need, again, &err) == NSB_OK);
	FUZZ_CHECK(memcmp(set, again, sizeof(*set)) == 0);

	char *buf2 = malloc(need + 1);
	FUZZ_CHECK(buf2 != NULL);
	FUZZ_CHECK(nsb_cpulist_format(again, buf2, need + 1) == need);
	FUZZ_CHECK(memcmp(buf, buf2, need + 1) == 0);

	free(buf2);
	free(buf);
	free(set);
	return 0;
}
