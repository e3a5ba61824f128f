/* SPDX-License-Identifier: Apache-2.0 */
/* msgbuild.c - see msgbuild.h. */
#include "msgbuild.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MB_INIT_MSG      62000u
#define MB_NLM_F_REQUEST 1u
#define MB_CLONE_FLAGS   27281u
#define MB_ROOTLESS_EUID 27287u

static void mb_reserve(struct mb *m, size_t more)
{
	size_t need = m->len + more;
	if (need <= m->cap) {
		return;
	}
	size_t ncap = m->cap ? m->cap : 256;
	while (ncap < need) {
		ncap *= 2;
	}
	unsigned char *p = realloc(m->data, ncap);
	if (!p) {
		fprintf(stderr, "msgbuild: out of memory\n");
		abort();
	}
	m->data = p;
	m->cap = ncap;
}

void mb_raw(struct mb *m, const void *bytes, size_t n)
{
	if (n == 0) {
		return;
	}
	mb_reserve(m, n);
	memcpy(m->data + m->len, bytes, n);
	m->len += n;
}

void mb_raw_u16(struct mb *m, uint16_t v)
{
	mb_raw(m, &v, sizeof v);
}

void mb_raw_u32(struct mb *m, uint32_t v)
{
	mb_raw(m, &v, sizeof v);
}

void mb_fill(struct mb *m, unsigned char byte, size_t n)
{
	if (n == 0) {
		return;
	}
	mb_reserve(m, n);
	memset(m->data + m->len, byte, n);
	m->len += n;
}

void mb_put_u16(struct mb *m, size_t off, uint16_t v)
{
	if (off + sizeof v > m->len) {
		fprintf(stderr, "msgbuild: put_u16 past the end\n");
		abort();
	}
	memcpy(m->data + off, &v, sizeof v);
}

void mb_put_u32(struct mb *m, size_t off, uint32_t v)
{
	if (off + sizeof v > m->len) {
		fprintf(stderr, "msgbuild: put_u32 past the end\n");
		abort();
	}
	memcpy(m->data + off, &v, sizeof v);
}

void mb_new_type(struct mb *m, uint16_t type)
{
	memset(m, 0, sizeof *m);
	mb_raw_u32(m, 0); /* nlmsg_len, set by mb_finish */
	mb_raw_u16(m, type);
	mb_raw_u16(m, (uint16_t)MB_NLM_F_REQUEST);
	mb_raw_u32(m, 1); /* seq */
	mb_raw_u32(m, 0); /* pid */
}

void mb_new(struct mb *m)
{
	mb_new_type(m, (uint16_t)MB_INIT_MSG);
}

void mb_free(struct mb *m)
{
	free(m->data);
	free(m->exact);
	memset(m, 0, sizeof *m);
}

size_t mb_attr_raw(struct mb *m, uint16_t nla_len, uint16_t nla_type, const void *payload, size_t plen,
                   size_t padlen, unsigned char padbyte)
{
	size_t off = m->len;
	mb_raw_u16(m, nla_len);
	mb_raw_u16(m, nla_type);
	mb_raw(m, payload, plen);
	mb_fill(m, padbyte, padlen);
	return off;
}

size_t mb_bytes(struct mb *m, uint16_t nla_type, const void *payload, size_t plen)
{
	if (plen > 0xFFFFu - 4u) {
		fprintf(stderr, "msgbuild: payload of %zu bytes does not fit nla_len\n", plen);
		abort();
	}
	size_t pad = (4u - (plen & 3u)) & 3u;
	return mb_attr_raw(m, (uint16_t)(4u + plen), nla_type, payload, plen, pad, 0);
}

size_t mb_str(struct mb *m, uint16_t nla_type, const char *s)
{
	return mb_bytes(m, nla_type, s, strlen(s) + 1u);
}

size_t mb_u32(struct mb *m, uint16_t nla_type, uint32_t v)
{
	return mb_bytes(m, nla_type, &v, sizeof v);
}

void mb_finish(struct mb *m)
{
	mb_put_u32(m, 0, (uint32_t)m->len);
}

const unsigned char *mb_exact(struct mb *m)
{
	free(m->exact);
	/* malloc(0) may return NULL; keep one byte so the pointer is valid. */
	m->exact = malloc(m->len ? m->len : 1u);
	if (!m->exact) {
		fprintf(stderr, "msgbuild: out of memory\n");
		abort();
	}
	if (m->len) {
		memcpy(m->exact, m->data, m->len);
	}
	return m->exact;
}

void mb_base(struct mb *m, uint32_t clone_flags)
{
	mb_new(m);
	mb_u32(m, (uint16_t)MB_CLONE_FLAGS, clone_flags);
	mb_u32(m, (uint16_t)MB_ROOTLESS_EUID, 0);
}
