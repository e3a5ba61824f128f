/* SPDX-License-Identifier: Apache-2.0 */
/*
 * msgbuild.h - a test-only writer of raw bootstrap bytes.
 *
 * Independent of nsb_encode on purpose: every byte of the header and of each
 * attribute is written by hand, so tests can make exactly the malformed
 * message a rule is about (a zero nla_len, a non-zero padding byte, a header
 * that lies about its length) and can check nsb_encode against bytes it did
 * not produce itself. Host byte order, as on the wire.
 *
 * Aborts on allocation failure: a test helper has nothing better to do.
 */
#ifndef NSB_TEST_MSGBUILD_H
#define NSB_TEST_MSGBUILD_H

#include <stddef.h>
#include <stdint.h>

struct mb {
	unsigned char *data; /* growable working buffer */
	size_t len;
	size_t cap;
	unsigned char *exact; /* last copy made by mb_exact(), freed by mb_free() */
};

/* mb_new - start a message: 16-byte header, nlmsg_len 0 until mb_finish(),
 * type INIT_MSG, flags NLM_F_REQUEST, seq 1, pid 0 (what runc sends). */
void mb_new(struct mb *m);
/* mb_new_type - as mb_new with another nlmsg_type. */
void mb_new_type(struct mb *m, uint16_t type);
/* mb_free - release both buffers. */
void mb_free(struct mb *m);

/* Raw appends: bytes, host-order u16 and u32, @n copies of @byte. */
void mb_raw(struct mb *m, const void *bytes, size_t n);
void mb_raw_u16(struct mb *m, uint16_t v);
void mb_raw_u32(struct mb *m, uint32_t v);
void mb_fill(struct mb *m, unsigned char byte, size_t n);

/* Overwrite already written bytes at @off. */
void mb_put_u16(struct mb *m, size_t off, uint16_t v);
void mb_put_u32(struct mb *m, size_t off, uint32_t v);

/*
 * mb_attr_raw - one attribute with every field chosen by the caller:
 * nla_len and nla_type as given, then @plen payload bytes, then @padlen
 * bytes of value @padbyte. Returns the attribute's offset.
 */
size_t mb_attr_raw(struct mb *m, uint16_t nla_len, uint16_t nla_type, const void *payload, size_t plen,
                   size_t padlen, unsigned char padbyte);

/* mb_bytes - well-framed attribute: nla_len = 4 + @plen, payload as given
 * (no NUL added), zero padding to 4. Returns the attribute's offset. */
size_t mb_bytes(struct mb *m, uint16_t nla_type, const void *payload, size_t plen);
/* mb_str - a string attribute the way runc's Bytemsg writes it: the
 * characters, their NUL counted in nla_len, zero padding. */
size_t mb_str(struct mb *m, uint16_t nla_type, const char *s);
/* mb_u32 - a u32 or bool attribute: nla_len 8. */
size_t mb_u32(struct mb *m, uint16_t nla_type, uint32_t v);

/* mb_finish - set nlmsg_len to the current length. */
void mb_finish(struct mb *m);

/*
 * mb_exact - a heap copy of the message of exactly its length, so a read
 * past the end is caught by ASan. Valid until the next mb_exact/mb_free.
 */
const unsigned char *mb_exact(struct mb *m);

/* Standard start: header, CLONE_FLAGS @flags, ROOTLESS_EUID 0. */
void mb_base(struct mb *m, uint32_t clone_flags);

#endif /* NSB_TEST_MSGBUILD_H */
