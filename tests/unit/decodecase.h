/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decodecase.h - the shared frame of the decoder tests.
 *
 * Two means, so that a decoder test is only its message and its verdict:
 *
 * - A fixture (struct nsbt_dec, owned by nsbt_dec_setup/_teardown): the
 *   message being built, the decoded result and the error. dec_new/dec_base
 *   start a fresh message (freeing the previous one), the teardown frees the
 *   last, and the assert_dec_* macros decode it and check the verdict.
 *
 * - Table rows (struct nsbt_dcase): a decode case whose message is a list of
 *   attributes and whose verdict is one error (or NSB_OK). nsbt_run_group
 *   turns each row into a cmocka test of its own, named by the row's
 *   behaviour, so a failing row prints that name.
 */
#ifndef NSB_TEST_DECODECASE_H
#define NSB_TEST_DECODECASE_H

#include <stdbool.h>

#include "testutil.h"

#define D12 NSB_DIALECT_RUNC_1_2
#define D11 NSB_DIALECT_RUNC_1_1

/* ---- fixture --------------------------------------------------------------- */

struct nsbt_dec {
	struct mb m;
	struct nsb_bootstrap b;
	struct nsb_error e;
};

int nsbt_dec_setup(void **state);
int nsbt_dec_teardown(void **state);
/* A test function run on the fixture. */
#define dec_test(f) cmocka_unit_test_setup_teardown(f, nsbt_dec_setup, nsbt_dec_teardown)

/* Start a fresh message in @t (the previous one is freed): the bare header
 * (mb_new), one of another type, or the standard start (mb_base). Return the
 * message to build on. */
struct mb *dec_new(struct nsbt_dec *t);
struct mb *dec_new_type(struct nsbt_dec *t, uint16_t type);
struct mb *dec_base(struct nsbt_dec *t, uint32_t clone_flags);

/* Decode the fixture's message in @dialect (tdecode) and check the verdict:
 * _err as assert_nsb_err (code, offset, attr, pos exactly; NSBT_ANY skips
 * offset or pos), _ok as assert_nsb_ok. The *_fin forms mb_finish() first;
 * the others send the header as it stands. */
#define assert_dec_err(t, dialect, code, offset, attr, pos) \
	nsbt_dec_check((t), false, (dialect), (code), (uint32_t)(offset), (attr), (pos), __FILE__, __LINE__)
#define assert_dec_err_fin(t, dialect, code, offset, attr, pos) \
	nsbt_dec_check((t), true, (dialect), (code), (uint32_t)(offset), (attr), (pos), __FILE__, __LINE__)
#define assert_dec_ok(t, dialect) \
	nsbt_dec_check((t), false, (dialect), NSB_OK, 0, NSB_ATTR_NONE, 0, __FILE__, __LINE__)
#define assert_dec_ok_fin(t, dialect) \
	nsbt_dec_check((t), true, (dialect), NSB_OK, 0, NSB_ATTR_NONE, 0, __FILE__, __LINE__)
void nsbt_dec_check(struct nsbt_dec *t, bool finish, enum nsb_dialect dialect, enum nsb_err code,
                    uint32_t offset, int32_t attr, uint32_t pos, const char *file, int line);

/* ---- table rows -------------------------------------------------------------- */

enum nsbt_akind { NSBT_A_END = 0, NSBT_A_STR, NSBT_A_U32, NSBT_A_BYTES, NSBT_A_RAW };

/* One attribute of a row, written by the msgbuild call of its kind. */
struct nsbt_attr {
	enum nsbt_akind kind;
	uint16_t type;
	const char *bytes; /* STR: the text; BYTES, RAW: the payload */
	size_t len;        /* BYTES, RAW: payload bytes */
	uint32_t value;    /* U32: the value; RAW: nla_len */
	size_t padlen;     /* RAW: padding bytes after the payload ... */
	unsigned char pad; /* ... of this value */
};
/* mb_str, mb_u32, mb_bytes, and mb_attr_raw(nla_len, type, payload, plen, padlen, padbyte). */
/* clang-format off */
#define A_STR(t, s)      {.kind = NSBT_A_STR, .type = (t), .bytes = (s)}
#define A_U32(t, v)      {.kind = NSBT_A_U32, .type = (t), .value = (v)}
#define A_BYTES(t, p, n) {.kind = NSBT_A_BYTES, .type = (t), .bytes = (p), .len = (n)}
#define A_RAW(nla_len, t, p, n, pn, pb) \
	{.kind = NSBT_A_RAW, .type = (t), .bytes = (p), .len = (n), .value = (nla_len), \
	 .padlen = (pn), .pad = (pb)}
/* clang-format on */

#define NSBT_MAX_ATTRS 10
/* Where a row's expected error offset is counted from (then .plus added):
 * AT(i), the offset of attrs[i]; AT_ZERO, the start of the message (the
 * default: a row says its offset in .plus); AT_END, the message's length. */
#define AT(i)   ((i) + 1)
#define AT_ZERO 0
#define AT_END  (-1)

struct nsbt_dcase {
	const char *name;         /* the behaviour; the cmocka test name */
	enum nsb_dialect dialect; /* 0 (the default) is runc-1.2 */
	bool bare;                /* start with the bare header (mb_new), not mb_base */
	uint32_t clone_flags;     /* mb_base's CLONE_FLAGS */
	struct nsbt_attr attrs[NSBT_MAX_ATTRS];
	enum nsb_err code; /* the verdict; NSB_OK: the message decodes */
	int at;            /* the error offset: AT(i), AT_ZERO or AT_END ... */
	uint32_t plus;     /* ... plus this many bytes */
	int32_t attr;
	uint32_t pos;
};

/* Build @c's message into @m (mb_finish included); returns the offsets of
 * its attributes in @off (NSBT_MAX_ATTRS entries). */
void nsbt_dcase_build(const struct nsbt_dcase *c, struct mb *m, size_t *off);

/*
 * nsbt_run_group - run @fns (tests of their own, e.g. dec_test(...)) and then
 * one test per row of @rows, named by the row, as one cmocka group.
 * Returns what cmocka returns (the number of failures).
 */
int nsbt_run_group(const char *group, const struct CMUnitTest *fns, size_t nfns, struct nsbt_dcase *rows,
                   size_t nrows);

#define NSBT_COUNT(a) (sizeof(a) / sizeof((a)[0]))

#endif /* NSB_TEST_DECODECASE_H */
