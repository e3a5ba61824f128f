/* SPDX-License-Identifier: Apache-2.0 */
/*
 * harness.h - what the fuzz harnesses share. Header-only, so that every
 * target stays one .c file for CMake, AFL++ and the OSS-Fuzz build alike.
 *
 * Contract of a harness (OSS-Fuzz "ideal integration"): LLVMFuzzerTestOneInput
 * returns 0 for every input, keeps no state between calls, and reports a
 * broken invariant with abort() through FUZZ_CHECK, so that the fuzzers find
 * logic errors as well as memory errors. The same function runs under
 * libFuzzer, under AFL++ (fuzz/afl_main.c) and under the replay driver
 * (fuzz/replay_main.c) that ctest runs over the corpus.
 */
#ifndef NSB_FUZZ_HARNESS_H
#define NSB_FUZZ_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nsboot/nsboot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

_Noreturn static inline void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: invariant broken at %s:%d: %s\n", file, line, what);
	abort();
}

/* FUZZ_CHECK_CODE - like FUZZ_CHECK, naming the error code involved. */
#define FUZZ_CHECK_CODE(cond, rc)                                                                \
	((cond) ? (void)0                                                                        \
	        : (fprintf(stderr, "fuzz: error code %s (%d)\n", nsb_error_name(rc), (int)(rc)), \
	           fuzz_fail(__FILE__, __LINE__, #cond)))

/* FUZZ_CHECK - abort() with the failed condition when @cond is false. */
#define FUZZ_CHECK(cond) ((cond) ? (void)0 : fuzz_fail(__FILE__, __LINE__, #cond))

/*
 * fuzz_inside - is [ptr, ptr + len) within [base, base + size)?
 * Compared as integers: relational operators on pointers into different
 * objects are undefined, and a wrong view is exactly that case.
 */
static inline bool fuzz_inside(const void *base, size_t size, const void *ptr, size_t len)
{
	uintptr_t b = (uintptr_t)base;
	uintptr_t p = (uintptr_t)ptr;
	return ptr != NULL && p >= b && p - b <= size && len <= size - (p - b);
}

/*
 * fuzz_is_input_error - does @rc describe malformed input? Untrusted bytes
 * must be answered with one of these, never with OK-as-error, a resource or
 * system error (IO, NOMEM, SYSCALL, ...) or a code outside the enum. An
 * allowlist: error.h appends codes of both kinds, so a new input error must
 * be added here (the fuzzers abort on it until then, naming the code).
 */
static inline bool fuzz_is_input_error(enum nsb_err rc)
{
	if (rc >= NSB_ERR_SHORT_HEADER && rc <= NSB_ERR_CPULIST_TOO_HIGH)
		return rc != NSB_ERR_STRING_TOO_LONG; /* the encoder's refusal only */
	return rc == NSB_ERR_IDMAP_TOO_LONG;
}

/* fuzz_check_named - @rc has a stable name and a description. */
static inline void fuzz_check_named(enum nsb_err rc)
{
	const char *desc = nsb_error_describe(rc);
	FUZZ_CHECK(strcmp(nsb_error_name(rc), "UNKNOWN") != 0);
	FUZZ_CHECK(desc != NULL && desc[0] != '\0');
}

/*
 * fuzz_check_parse_error - a payload parser rejected @len bytes: the error
 * is a named input error, err says the same code, and the position is
 * inside the text (or one past its end, for "missing terminator").
 */
static inline void fuzz_check_parse_error(enum nsb_err rc, const struct nsb_error *err, size_t len)
{
	FUZZ_CHECK_CODE(fuzz_is_input_error(rc), rc);
	fuzz_check_named(rc);
	FUZZ_CHECK(err->code == rc);
	FUZZ_CHECK(err->pos <= len);
	FUZZ_CHECK(err->sys_errno == 0);
}

/*
 * fuzz_has_noncanonical_number - does @text hold a number a canonical
 * formatter would not reproduce: a leading zero ("01") or a negative zero
 * ("-0")? Without one, format(parse(text)) must give back text exactly.
 */
static inline bool fuzz_has_noncanonical_number(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		bool starts = i == 0 || !(text[i - 1] >= '0' && text[i - 1] <= '9');
		if (!starts || text[i] != '0')
			continue;
		if (i + 1 < len && text[i + 1] >= '0' && text[i + 1] <= '9')
			return true;
		if (i > 0 && text[i - 1] == '-')
			return true;
	}
	return false;
}

/* fuzz_rd16/fuzz_rd32 - host-order loads from unaligned bytes. */
static inline uint16_t fuzz_rd16(const uint8_t *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t fuzz_rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

#endif /* NSB_FUZZ_HARNESS_H */
