/* SPDX-License-Identifier: Apache-2.0 */
/*
 * testutil.h - shared helpers of the unit suite: the cmocka include dance,
 * one assertion for a complete struct nsb_error, and decode wrappers that
 * hand the core an exact-size heap copy of each message.
 */
#ifndef NSB_TEST_TESTUTIL_H
#define NSB_TEST_TESTUTIL_H

/* cmocka.h needs these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "msgbuild.h"
#include "nsboot/nsboot.h"

/* Pass as offset or pos to leave that field unchecked (documented at each use). */
#define NSBT_ANY UINT32_MAX

/* Shorthand for attribute types as msgbuild's uint16_t. */
#define T_CLONE    ((uint16_t)NSB_ATTR_CLONE_FLAGS)
#define T_NSPATHS  ((uint16_t)NSB_ATTR_NS_PATHS)
#define T_UIDMAP   ((uint16_t)NSB_ATTR_UIDMAP)
#define T_GIDMAP   ((uint16_t)NSB_ATTR_GIDMAP)
#define T_SETGROUP ((uint16_t)NSB_ATTR_SETGROUP)
#define T_OOM      ((uint16_t)NSB_ATTR_OOM_SCORE_ADJ)
#define T_ROOTLESS ((uint16_t)NSB_ATTR_ROOTLESS_EUID)
#define T_UIDPATH  ((uint16_t)NSB_ATTR_UIDMAPPATH)
#define T_GIDPATH  ((uint16_t)NSB_ATTR_GIDMAPPATH)
#define T_TIMENS   ((uint16_t)NSB_ATTR_TIMENSOFFSET)
#define T_MOUNTSRC ((uint16_t)NSB_ATTR_MOUNT_SOURCES)

#define CL_NEWNS     0x00020000u
#define CL_NEWCGROUP 0x02000000u
#define CL_NEWUTS    0x04000000u
#define CL_NEWIPC    0x08000000u
#define CL_NEWUSER   0x10000000u
#define CL_NEWPID    0x20000000u
#define CL_NEWNET    0x40000000u
#define CL_NEWTIME   0x00000080u

/* A struct nsb_error filled with values no core would produce, so a field
 * the core forgot to set shows up. */
void nsbt_poison(struct nsb_error *err);

/*
 * assert_nsb_err - @rc and @err must be exactly @code at @offset, @attr, @pos
 * (NSBT_ANY skips offset or pos). On mismatch, prints both sides by name.
 */
#define assert_nsb_err(rc, err, code, offset, attr, pos) \
	nsbt_check_err((rc), &(err), (code), (offset), (attr), (pos), __FILE__, __LINE__)
void nsbt_check_err(enum nsb_err rc, const struct nsb_error *err, enum nsb_err code, uint32_t offset,
                    int32_t attr, uint32_t pos, const char *file, int line);

/* assert_nsb_ok - @rc is NSB_OK; otherwise print @err in full. */
#define assert_nsb_ok(rc, err) nsbt_check_ok((rc), &(err), __FILE__, __LINE__)
void nsbt_check_ok(enum nsb_err rc, const struct nsb_error *err, const char *file, int line);

/*
 * nsbt_check_parse - the verdict of a payload parser on @input: @want (NSB_OK
 * or an error code, which rc and err->code must both be) at @pos
 * (NSBT_ANY skips it; ignored for NSB_OK). The per-module assert_*_ok/_err
 * macros of the parser tests call this with __FILE__/__LINE__.
 */
void nsbt_check_parse(const char *input, enum nsb_err rc, const struct nsb_error *err, enum nsb_err want,
                      uint32_t pos, const char *file, int line);
/* NSBT_PARSE_CHECK - run the test file's own `parse(s, &err)` on @s and check it. */
#define NSBT_PARSE_CHECK(s, want, p)                                                        \
	do {                                                                                \
		struct nsb_error e_;                                                        \
		enum nsb_err rc_ = parse((s), &e_);                                         \
		nsbt_check_parse((s), rc_, &e_, (want), (uint32_t)(p), __FILE__, __LINE__); \
	} while (0)

/* tdecode - nsb_decode of an exact heap copy of @m (after mb_finish or not:
 * the header is sent as it stands) in @dialect, default cap. @err poisoned
 * first. The views in @out stay valid until the next tdecode/mb_free of @m. */
enum nsb_err tdecode(struct mb *m, enum nsb_dialect dialect, struct nsb_bootstrap *out,
                     struct nsb_error *err);

/* tdecode_len - as tdecode but hands the core only the first @len bytes. */
enum nsb_err tdecode_len(struct mb *m, size_t len, enum nsb_dialect dialect, struct nsb_bootstrap *out,
                         struct nsb_error *err);

/* nsbt_str_eq - does view @s hold exactly the C string @want? */
#define assert_view_eq(s, want) nsbt_check_view((s), (want), __FILE__, __LINE__)
void nsbt_check_view(struct nsb_str s, const char *want, const char *file, int line);

/* nsbt_read_file - whole file into a malloc'd buffer; fails the test on error. */
unsigned char *nsbt_read_file(const char *path, size_t *len);

#endif /* NSB_TEST_TESTUTIL_H */
