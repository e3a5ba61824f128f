/* SPDX-License-Identifier: Apache-2.0 */
/*
 * timens.c - fuzz target `timens`: nsb_timens_parse / nsb_timens_format and
 * nsb_oom_parse, both on the whole input (each rejects most of what the other
 * accepts; libFuzzer keeps inputs that reach either).
 *
 * Invariants (abort() when broken):
 *  - a rejection is a named input error with pos inside the text;
 *  - time offsets: 1..2 lines, distinct known clocks, nsecs < 10^9;
 *    format -> parse gives the same offsets and format again the same text;
 *    without leading zeros or "-0", the formatted text is the input; format
 *    into a buffer one byte short writes nothing past it (ASan);
 *  - oom_score_adj: accepted only for '-'? digits, with the value a reference
 *    computes, in [-1000, 1000]; the canonical "%d" text parses to it.
 */
#include "harness.h"

static bool same_offsets(const struct nsb_time_offsets *a, const struct nsb_time_offsets *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		if (a->offsets[i].clock != b->offsets[i].clock || a->offsets[i].secs != b->offsets[i].secs ||
		    a->offsets[i].nsecs != b->offsets[i].nsecs)
			return false;
	}
	return true;
}

static void fuzz_timens(const char *text, size_t size)
{
	struct nsb_time_offsets offs, again;
	struct nsb_error err;

	enum nsb_err rc = nsb_timens_parse(text, size, &offs, &err);
	FUZZ_CHECK(nsb_timens_parse(text, size, &again, NULL) == rc); /* err may be NULL */
	if (rc != NSB_OK) {
		fuzz_check_parse_error(rc, &err, size);
		return;
	}
	FUZZ_CHECK(offs.count >= 1 && offs.count <= NSB_CLOCK_COUNT);
	for (size_t i = 0; i < offs.count; i++) {
		FUZZ_CHECK((unsigned)offs.offsets[i].clock < NSB_CLOCK_COUNT);
		FUZZ_CHECK(nsb_clock_name(offs.offsets[i].clock) != NULL);
		FUZZ_CHECK(offs.offsets[i].nsecs <= 999999999u);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(offs.offsets[i].clock != offs.offsets[j].clock);
	}

	size_t need = nsb_timens_format(&offs, NULL, 0);
	char *buf = malloc(need + 1);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(nsb_timens_format(&offs, buf, need + 1) == need);
	FUZZ_CHECK(buf[need] == '\0' && strlen(buf) == need);
	if (!fuzz_has_noncanonical_number(text, size))
		FUZZ_CHECK(need == size && memcmp(buf, text, size) == 0);
	FUZZ_CHECK(nsb_timens_parse(buf, need, &again, &err) == NSB_OK);
	FUZZ_CHECK(same_offsets(&offs, &again));

	char *buf2 = malloc(need + 1);
	FUZZ_CHECK(buf2 != NULL);
	FUZZ_CHECK(nsb_timens_format(&again, buf2, need + 1) == need);
	FUZZ_CHECK(memcmp(buf, buf2, need + 1) == 0);
	free(buf2);

	char *short_buf = malloc(need); /* one byte short of the NUL */
	FUZZ_CHECK(short_buf != NULL);
	FUZZ_CHECK(nsb_timens_format(&again, short_buf, need) == need);
	free(short_buf);
	free(buf);
}

static void fuzz_oom(const char *text, size_t size)
{
	int32_t value = 12345;
	struct nsb_error err;

	enum nsb_err rc = nsb_oom_parse(text, size, &value, &err);
	int32_t ignored;
	FUZZ_CHECK(nsb_oom_parse(text, size, &ignored, NULL) == rc); /* err may be NULL */
	if (rc != NSB_OK) {
		fuzz_check_parse_error(rc, &err, size);
		return;
	}
	/* Reference: optional '-', then at least one digit, nothing else. */
	size_t i = size > 0 && text[0] == '-' ? 1 : 0;
	FUZZ_CHECK(i < size);
	int64_t ref = 0;
	for (; i < size; i++) {
		FUZZ_CHECK(text[i] >= '0' && text[i] <= '9');
		if (ref <= 1000)
			ref = ref * 10 + (text[i] - '0');
	}
	if (text[0] == '-')
		ref = -ref;
	FUZZ_CHECK(ref >= -1000 && ref <= 1000 && value == ref);

	char canon[16];
	int n = snprintf(canon, sizeof(canon), "%d", (int)value);
	int32_t back = 0;
	FUZZ_CHECK(n > 0 && nsb_oom_parse(canon, (size_t)n, &back, &err) == NSB_OK && back == value);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_timens((const char *)data, size);
	fuzz_oom((const char *)data, size);
	return 0;
}
