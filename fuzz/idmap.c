/* SPDX-License-Identifier: Apache-2.0 */
/*
 * idmap.c - fuzz target `idmap`: nsb_idmap_parse and nsb_idmap_format.
 *
 * Invariants (abort() when broken):
 *  - a rejection is a named input error with pos inside the text;
 *  - an acceptance is at most NSB_IDMAP_TEXT_MAX bytes and holds 1..340
 *    extents obeying the kernel's rules (size >= 1, start + size <= 2^32-1 on
 *    both sides since (uid_t)-1 is never mappable, no overlap on the
 *    container side nor on the host side), checked here pairwise,
 *    independently of the parser;
 *  - format -> parse gives the same extents, and format again the same text;
 *    without leading zeros in the input, the formatted text is the input;
 *  - format honours its capacity (snprintf-style): into a buffer one byte
 *    short it returns the same length and writes nothing past it (ASan).
 */
#include "harness.h"

static bool overlaps(uint32_t a, uint32_t alen, uint32_t b, uint32_t blen)
{
	return (uint64_t)a < (uint64_t)b + blen && (uint64_t)b < (uint64_t)a + alen;
}

static void check_rules(const struct nsb_idmap *map)
{
	FUZZ_CHECK(map->count >= 1 && map->count <= NSB_IDMAP_MAX_EXTENTS);
	for (size_t i = 0; i < map->count; i++) {
		const struct nsb_idmap_extent *x = &map->extents[i];
		FUZZ_CHECK(x->size >= 1);
		FUZZ_CHECK((uint64_t)x->container_id + x->size <= UINT32_MAX);
		FUZZ_CHECK((uint64_t)x->host_id + x->size <= UINT32_MAX);
		for (size_t j = 0; j < i; j++) {
			const struct nsb_idmap_extent *y = &map->extents[j];
			FUZZ_CHECK(!overlaps(x->container_id, x->size, y->container_id, y->size));
			FUZZ_CHECK(!overlaps(x->host_id, x->size, y->host_id, y->size));
		}
	}
}

static bool same_map(const struct nsb_idmap *a, const struct nsb_idmap *b)
{
	return a->count == b->count && memcmp(a->extents, b->extents, a->count * sizeof(a->extents[0])) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct nsb_idmap map, again;
	struct nsb_error err;

	enum nsb_err rc = nsb_idmap_parse(text, size, &map, &err);
	FUZZ_CHECK(nsb_idmap_parse(text, size, &again, NULL) == rc); /* err may be NULL */
	if (rc != NSB_OK) {
		fuzz_check_parse_error(rc, &err, size);
		return 0;
	}
	FUZZ_CHECK(size <= NSB_IDMAP_TEXT_MAX);
	check_rules(&map);

	size_t need = nsb_idmap_format(&map, NULL, 0);
	FUZZ_CHECK(need >= 6); /* "0 0 1\n" */
	char *buf = malloc(need + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(nsb_idmap_format(&map, buf, need + 1) == need);
	FUZZ_CHECK(buf[need] == '\0' && strlen(buf) == need);
	if (!fuzz_has_noncanonical_number(text, size))
		FUZZ_CHECK(need == size && memcmp(buf, text, size) == 0);

	FUZZ_CHECK(nsb_idmap_parse(buf, need, &again, &err) == NSB_OK);
	FUZZ_CHECK(same_map(&map, &again));

	char *buf2 = malloc(need + 1);
	FUZZ_CHECK(buf2 != NULL);
	FUZZ_CHECK(nsb_idmap_format(&again, buf2, need + 1) == need);
	FUZZ_CHECK(memcmp(buf, buf2, need + 1) == 0);
	free(buf2);

	char *short_buf = malloc(need); /* one byte short of the NUL */
	FUZZ_CHECK(short_buf != NULL);
	FUZZ_CHECK(nsb_idmap_format(&again, short_buf, need) == need);
	free(short_buf);
	free(buf);
	return 0;
}
