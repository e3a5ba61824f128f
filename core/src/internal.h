/* SPDX-License-Identifier: Apache-2.0 */
/*
 * internal.h - helpers shared by the core/src sources; not part of the public API.
 *
 * Error reporting: every function that fails fills a struct nsb_error through
 * nsb_fail() (which tolerates err == NULL) and returns the same code, so a
 * failure is always "return nsb_fail(...)" and can never be half-reported.
 */
#ifndef NSBOOT_INTERNAL_H
#define NSBOOT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "nsboot/error.h"

/* The seals of every sealed memfd core makes (the exec trampoline, the
 * sealed copy of the executable): nothing may change it, nor its seals. */
#define NSB_MEMFD_SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)
/* Linux 6.3's MFD_EXEC (an executable memfd whatever vm.memfd_noexec
 * says), for libc headers that lack it; older kernels refuse it (EINVAL) */
#ifdef MFD_EXEC
#define NSB_MFD_EXEC MFD_EXEC
#else
#define NSB_MFD_EXEC 0x0010u
#endif

/* nsb_pos32 - a size_t position as the u32 of struct nsb_error, saturating.
 * Decoded payloads are < 64 KiB; only direct parser calls on huge texts can
 * saturate. */
static inline uint32_t nsb_pos32(size_t pos)
{
	return pos > UINT32_MAX ? UINT32_MAX : (uint32_t)pos;
}

/* nsb_fail - fill @err (if not NULL) completely and return @code. */
static inline enum nsb_err nsb_fail(struct nsb_error *err, enum nsb_err code, uint32_t offset, int32_t attr,
                                    uint32_t pos)
{
	if (err) {
		err->code = code;
		err->offset = offset;
		err->attr = attr;
		err->pos = pos;
		err->sys_errno = 0;
	}
	return code;
}

/* nsb_payload_fail - a payload parser's error: only code and pos are known;
 * the decoder fills offset and attr afterwards. */
static inline enum nsb_err nsb_payload_fail(struct nsb_error *err, enum nsb_err code, size_t pos)
{
	return nsb_fail(err, code, 0, NSB_ATTR_NONE, nsb_pos32(pos));
}

/* nsb_ok - reset @err (if not NULL) to success and return NSB_OK. */
static inline enum nsb_err nsb_ok(struct nsb_error *err)
{
	return nsb_fail(err, NSB_OK, 0, NSB_ATTR_NONE, 0);
}

/* Unaligned host-order loads and stores: always through memcpy. */
static inline uint16_t nsb_load_u16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline uint32_t nsb_load_u32(const unsigned char *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

static inline void nsb_store_u16(unsigned char *p, uint16_t v)
{
	memcpy(p, &v, sizeof(v));
}

static inline void nsb_store_u32(unsigned char *p, uint32_t v)
{
	memcpy(p, &v, sizeof(v));
}

/* NLA_ALIGN: round up to a multiple of 4. Callers pass values < 2^32 - 3. */
static inline uint32_t nsb_align4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/*
 * struct nsb_out - snprintf-style text output shared by every *_format():
 * appends write what fits into @buf/@cap (buf may be NULL when cap is 0) and
 * always count the full length; nsb_out_end() NUL-terminates within @cap and
 * returns the length the whole text needs, without its NUL.
 */
struct nsb_out {
	char *buf;
	size_t cap;
	size_t len;
};

static inline void nsb_out_put(struct nsb_out *o, const char *s, size_t n)
{
	if (o->len < o->cap) {
		size_t room = o->cap - o->len;
		size_t k = n < room ? n : room;
		if (k > 0)
			memcpy(o->buf + o->len, s, k);
	}
	o->len += n;
}

static inline void nsb_out_char(struct nsb_out *o, char c)
{
	nsb_out_put(o, &c, 1);
}

static inline void nsb_out_u64(struct nsb_out *o, uint64_t v)
{
	char digits[20];
	size_t n = sizeof(digits);
	do {
		digits[--n] = (char)('0' + (int)(v % 10u));
		v /= 10u;
	} while (v != 0);
	nsb_out_put(o, digits + n, sizeof(digits) - n);
}

static inline void nsb_out_i64(struct nsb_out *o, int64_t v)
{
	if (v < 0) {
		nsb_out_char(o, '-');
		/* -(v + 1) cannot overflow, even for INT64_MIN. */
		nsb_out_u64(o, (uint64_t)(-(v + 1)) + 1u);
	} else {
		nsb_out_u64(o, (uint64_t)v);
	}
}

static inline size_t nsb_out_end(struct nsb_out *o)
{
	if (o->cap > 0)
		o->buf[o->len < o->cap ? o->len : o->cap - 1] = '\0';
	return o->len;
}

#endif /* NSBOOT_INTERNAL_H */
