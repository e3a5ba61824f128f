/* SPDX-License-Identifier: Apache-2.0 */
/*
 * peer_libmnl.c - nsb_decode's rules on top of libmnl: the decoder a C
 * runtime would otherwise write, and the peer decode_bench measures against.
 *
 * libmnl does the iteration (mnl_attr_parse), the per-attribute shape checks
 * (mnl_attr_validate: exact size of a u32, non-empty NUL-terminated string)
 * and the reads (mnl_attr_get_*); nsboot's public parsers do the payloads.
 * Everything libmnl does not know is added here, in the order nsb_decode
 * checks it (docs/protocol.md, 'Decoder conventions'), so both report the
 * same error:
 *  - the header cap, exact length and type (mnl_nlmsg_ok only bounds it);
 *  - padding inside the message and zero (libmnl steps over it unread);
 *  - a walk that stops early: mnl_attr_parse ends silently at the first
 *    attribute mnl_attr_ok refuses, so the walk records where the next
 *    attribute starts and diagnoses the leftover itself;
 *  - the raw type (mnl_attr_get_type masks the NLA_F_* bits, and runc's
 *    types all have NLA_F_NET_BYTEORDER set), duplicates, a
 *    string's inner NUL, bool 0/1, the clone mask, required attributes and
 *    the cross-attribute rules.
 * One libmnl trap is closed before it can fire: mnl_attr_parse bounds the
 * walk by MNL_ALIGN(nlmsg_len), so when nlmsg_len is not a multiple of 4
 * mnl_attr_ok would read an attribute header in the 1..3 bytes past the
 * message. The walk stops with ATTR_HEADER_SHORT before libmnl gets there.
 */
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <stddef.h>
#include <string.h>

#include "peers.h"

#define CLONE_NEWUSER 0x10000000u
#define CLONE_NEWTIME 0x00000080u

enum kind { K_U32, K_BOOL, K_STRING, K_SEQUENCE };

struct rule {
	enum kind kind;
	enum nsb_field field;
};

/* By nla_type - NSB_ATTR_CLONE_FLAGS; slot 9 (27290) depends on the dialect. */
static const struct rule rules[] = {
        {K_U32, NSB_F_CLONE_FLAGS},    {K_STRING, NSB_F_NS_PATHS},   {K_STRING, NSB_F_UIDMAP},
        {K_STRING, NSB_F_GIDMAP},      {K_BOOL, NSB_F_SETGROUP},     {K_STRING, NSB_F_OOM_SCORE_ADJ},
        {K_BOOL, NSB_F_ROOTLESS_EUID}, {K_STRING, NSB_F_UIDMAPPATH}, {K_STRING, NSB_F_GIDMAPPATH},
};
static const struct rule rule_timens = {K_STRING, NSB_F_TIMENSOFFSET};
static const struct rule rule_mounts = {K_SEQUENCE, NSB_F_MOUNT_SOURCES};

struct walk {
	const unsigned char *msg;
	uint32_t end;
	enum nsb_dialect dialect;
	struct nsb_bootstrap *b;
	struct nsb_error *err;
	uint32_t next; /* where the next attribute starts */
	uint32_t where[NSB_F_COUNT];
};

static enum nsb_err fail(struct nsb_error *err, enum nsb_err code, uint32_t offset, int32_t attr,
                         uint32_t pos)
{
	*err = (struct nsb_error){code, offset, attr, pos, 0};
	return code;
}

static const struct rule *rule_of(const struct walk *w, uint16_t type)
{
	if (type >= NSB_ATTR_CLONE_FLAGS && type < NSB_ATTR_TIMENSOFFSET)
		return &rules[type - NSB_ATTR_CLONE_FLAGS];
	if (type == NSB_ATTR_TIMENSOFFSET)
		return w->dialect == NSB_DIALECT_RUNC_1_1 ? &rule_mounts : &rule_timens;
	return NULL;
}

/* shape - mnl_attr_validate plus what it leaves out; code and pos only. */
static enum nsb_err shape(const struct nlattr *attr, enum kind kind, struct nsb_error *err)
{
	uint16_t plen = mnl_attr_get_payload_len(attr);
	const char *p;
	size_t n;

	if (kind == K_U32 || kind == K_BOOL) {
		if (mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			return fail(err, NSB_ERR_PAYLOAD_SIZE, 0, NSB_ATTR_NONE, 0);
		if (kind == K_BOOL && mnl_attr_get_u32(attr) > 1)
			return fail(err, NSB_ERR_BOOL_VALUE, 0, NSB_ATTR_NONE, 0);
		return NSB_OK;
	}
	p = mnl_attr_get_str(attr);
	/* "\0" is empty too, but a lone non-NUL byte is unterminated. */
	if (kind == K_STRING && plen == 1 && p[0] == '\0')
		return fail(err, NSB_ERR_STRING_EMPTY, 0, NSB_ATTR_NONE, 0);
	if (mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) < 0)
		return errno == ERANGE ? fail(err, NSB_ERR_STRING_EMPTY, 0, NSB_ATTR_NONE, 0)
		                       : fail(err, NSB_ERR_STRING_UNTERMINATED, 0, NSB_ATTR_NONE, plen);
	n = strlen(p);
	if (kind == K_STRING && n + 1u != plen)
		return fail(err, NSB_ERR_STRING_EMBEDDED_NUL, 0, NSB_ATTR_NONE, (uint32_t)n);
	return NSB_OK;
}

static enum nsb_err helper(struct nsb_str *dst, const char *text, size_t len, struct nsb_error *err)
{
	if (text[0] != '/')
		return fail(err, NSB_ERR_HELPER_PATH_RELATIVE, 0, NSB_ATTR_NONE, 0);
	*dst = (struct nsb_str){text, len};
	return NSB_OK;
}

/* store - the payload rules of one attribute whose shape holds. */
static enum nsb_err store(struct nsb_bootstrap *b, const struct nlattr *attr, enum nsb_field field,
                          struct nsb_error *err)
{
	const char *text = mnl_attr_get_str(attr);
	size_t len = (size_t)mnl_attr_get_payload_len(attr) - 1u; /* strings: without the NUL */

	switch (field) {
	case NSB_F_CLONE_FLAGS:
		b->clone_flags = mnl_attr_get_u32(attr);
		if (b->clone_flags & ~NSB_CLONE_NS_MASK)
			return fail(err, NSB_ERR_CLONE_FLAGS, 0, NSB_ATTR_NONE, 0);
		return NSB_OK;
	case NSB_F_SETGROUP:
		b->setgroup = mnl_attr_get_u32(attr) != 0;
		return NSB_OK;
	case NSB_F_ROOTLESS_EUID:
		b->rootless_euid = mnl_attr_get_u32(attr) != 0;
		return NSB_OK;
	case NSB_F_NS_PATHS:
		return nsb_nspaths_parse(text, len, &b->ns_paths, err);
	case NSB_F_UIDMAP:
		b->uid_map_text = (struct nsb_str){text, len};
		return nsb_idmap_parse(text, len, &b->uid_map, err);
	case NSB_F_GIDMAP:
		b->gid_map_text = (struct nsb_str){text, len};
		return nsb_idmap_parse(text, len, &b->gid_map, err);
	case NSB_F_OOM_SCORE_ADJ:
		return nsb_oom_parse(text, len, &b->oom_score_adj, err);
	case NSB_F_UIDMAPPATH:
		return helper(&b->uid_map_helper, text, len, err);
	case NSB_F_GIDMAPPATH:
		return helper(&b->gid_map_helper, text, len, err);
	case NSB_F_TIMENSOFFSET:
		b->time_offsets_text = (struct nsb_str){text, len};
		return nsb_timens_parse(text, len, &b->time_offsets, err);
	case NSB_F_MOUNT_SOURCES:
		b->mount_sources = (struct nsb_str){text, len};
		return nsb_mount_sources_parse(text, len, &b->mount_source_count, err);
	case NSB_F_COUNT:
	default:
		return fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	}
}

/* frame - what mnl_attr_ok leaves out: the end of the message itself when
 * nlmsg_len is unaligned, and the padding. */
static enum nsb_err frame(struct walk *w, uint32_t at, uint16_t len, uint16_t type)
{
	uint32_t left = w->end - at;
	uint32_t padded = ((uint32_t)len + 3u) & ~3u; /* MNL_ALIGN, unsigned */

	if (len > left)
		return fail(w->err, NSB_ERR_ATTR_OVERRUN, at, type, 0);
	if (padded > left)
		return fail(w->err, NSB_ERR_PADDING_MISSING, at + len, type, 0);
	for (uint32_t i = len; i < padded; i++)
		if (w->msg[at + i] != 0)
			return fail(w->err, NSB_ERR_PADDING_NONZERO, at + i, type, 0);
	w->next = at + padded;
	return NSB_OK;
}

static int on_attr(const struct nlattr *attr, void *data)
{
	struct walk *w = data;
	uint32_t at = (uint32_t)((const unsigned char *)attr - w->msg);
	const struct rule *r;
	enum nsb_err rc;

	if (frame(w, at, attr->nla_len, attr->nla_type) != NSB_OK)
		return MNL_CB_ERROR;
	/* The raw type, not mnl_attr_get_type(): runc's types 0x6A91..0x6A9A
	 * carry bit 0x4000 (NLA_F_NET_BYTEORDER), which libmnl masks off. */
	r = rule_of(w, attr->nla_type);
	if (r == NULL) {
		fail(w->err, NSB_ERR_ATTR_UNKNOWN, at, attr->nla_type, 0);
		return MNL_CB_ERROR;
	}
	if (NSB_HAS(w->b, r->field)) {
		fail(w->err, NSB_ERR_ATTR_DUPLICATE, at, attr->nla_type, 0);
		return MNL_CB_ERROR;
	}
	rc = shape(attr, r->kind, w->err);
	if (rc == NSB_OK)
		rc = store(w->b, attr, r->field, w->err);
	if (rc != NSB_OK) {
		w->err->offset = at;
		w->err->attr = attr->nla_type;
		return MNL_CB_ERROR;
	}
	NSB_SET(w->b, r->field);
	w->where[r->field] = at;
	/* 1..3 bytes left: libmnl would read the next header past the end. */
	if (w->end - w->next > 0 && w->end - w->next < NSB_NLA_HDRLEN) {
		fail(w->err, NSB_ERR_ATTR_HEADER_SHORT, w->next, NSB_ATTR_NONE, 0);
		return MNL_CB_ERROR;
	}
	return MNL_CB_OK;
}

/* leftover - mnl_attr_parse stopped at w->next without a word: say why. */
static enum nsb_err leftover(const struct walk *w)
{
	uint32_t at = w->next, left = w->end - at;
	uint16_t len, type;

	if (left < NSB_NLA_HDRLEN)
		return fail(w->err, NSB_ERR_ATTR_HEADER_SHORT, at, NSB_ATTR_NONE, 0);
	memcpy(&len, w->msg + at, sizeof(len));
	memcpy(&type, w->msg + at + 2, sizeof(type));
	if (len < NSB_NLA_HDRLEN)
		return fail(w->err, NSB_ERR_ATTR_LEN_SMALL, at, type, 0);
	return fail(w->err, NSB_ERR_ATTR_OVERRUN, at, type, 0);
}

static enum nsb_err header(const unsigned char *msg, size_t len, uint32_t cap, struct nsb_bootstrap *b,
                           struct nsb_error *err)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)(const void *)msg;

	if (len < sizeof(*nlh))
		return fail(err, NSB_ERR_SHORT_HEADER, 0, NSB_ATTR_NONE, 0);
	/* mnl_nlmsg_ok takes an int: anything longer is trailing data anyway. */
	if (len > INT32_MAX || !mnl_nlmsg_ok(nlh, (int)len)) {
		if (nlh->nlmsg_len < sizeof(*nlh))
			return fail(err, NSB_ERR_MSG_LEN_SMALL, 0, NSB_ATTR_NONE, 0);
		if (nlh->nlmsg_len > cap)
			return fail(err, NSB_ERR_MSG_TOO_BIG, 0, NSB_ATTR_NONE, 0);
		if (len < nlh->nlmsg_len)
			return fail(err, NSB_ERR_TRUNCATED, (uint32_t)len, NSB_ATTR_NONE, 0);
	}
	if (nlh->nlmsg_len > cap)
		return fail(err, NSB_ERR_MSG_TOO_BIG, 0, NSB_ATTR_NONE, 0);
	if (len > nlh->nlmsg_len)
		return fail(err, NSB_ERR_TRAILING_DATA, nlh->nlmsg_len, NSB_ATTR_NONE, 0);
	if (nlh->nlmsg_type != NSB_INIT_MSG)
		return fail(err, NSB_ERR_BAD_MSG_TYPE, 4, NSB_ATTR_NONE, 0);
	b->length = nlh->nlmsg_len;
	b->type = nlh->nlmsg_type;
	b->flags = nlh->nlmsg_flags;
	b->seq = nlh->nlmsg_seq;
	b->pid = nlh->nlmsg_pid;
	return NSB_OK;
}

/* after_walk - required attributes, then the cross rules in nsb_decode's order. */
static enum nsb_err after_walk(const struct walk *w)
{
	const struct nsb_bootstrap *b = w->b;
	const uint32_t *at = w->where;

	if (!NSB_HAS(b, NSB_F_CLONE_FLAGS))
		return fail(w->err, NSB_ERR_ATTR_MISSING, w->end, NSB_ATTR_CLONE_FLAGS, 0);
	if (!NSB_HAS(b, NSB_F_ROOTLESS_EUID))
		return fail(w->err, NSB_ERR_ATTR_MISSING, w->end, NSB_ATTR_ROOTLESS_EUID, 0);
	for (size_t i = 0; NSB_HAS(b, NSB_F_NS_PATHS) && i < b->ns_paths.count; i++) {
		const struct nsb_ns_path *p = &b->ns_paths.paths[i];
		const char *payload = (const char *)w->msg + at[NSB_F_NS_PATHS] + NSB_NLA_HDRLEN;
		if (b->clone_flags & nsb_ns_type_flag(p->type)) {
			size_t pos = (size_t)(p->path.ptr - payload) - strlen(nsb_ns_type_name(p->type)) - 1u;
			return fail(w->err, NSB_ERR_NS_CLONE_AND_JOIN, at[NSB_F_NS_PATHS], NSB_ATTR_NS_PATHS,
			            (uint32_t)pos);
		}
	}
	if (NSB_HAS(b, NSB_F_UIDMAP) && !(b->clone_flags & CLONE_NEWUSER))
		return fail(w->err, NSB_ERR_IDMAP_WITHOUT_NEWUSER, at[NSB_F_UIDMAP], NSB_ATTR_UIDMAP, 0);
	if (NSB_HAS(b, NSB_F_GIDMAP) && !(b->clone_flags & CLONE_NEWUSER))
		return fail(w->err, NSB_ERR_IDMAP_WITHOUT_NEWUSER, at[NSB_F_GIDMAP], NSB_ATTR_GIDMAP, 0);
	if (NSB_HAS(b, NSB_F_SETGROUP) && !NSB_HAS(b, NSB_F_GIDMAP))
		return fail(w->err, NSB_ERR_SETGROUP_WITHOUT_GIDMAP, at[NSB_F_SETGROUP], NSB_ATTR_SETGROUP,
		            0);
	if (NSB_HAS(b, NSB_F_UIDMAPPATH) && !NSB_HAS(b, NSB_F_UIDMAP))
		return fail(w->err, NSB_ERR_HELPER_WITHOUT_MAP, at[NSB_F_UIDMAPPATH], NSB_ATTR_UIDMAPPATH, 0);
	if (NSB_HAS(b, NSB_F_GIDMAPPATH) && !NSB_HAS(b, NSB_F_GIDMAP))
		return fail(w->err, NSB_ERR_HELPER_WITHOUT_MAP, at[NSB_F_GIDMAPPATH], NSB_ATTR_GIDMAPPATH, 0);
	if (NSB_HAS(b, NSB_F_TIMENSOFFSET) && !(b->clone_flags & CLONE_NEWTIME))
		return fail(w->err, NSB_ERR_TIMENS_WITHOUT_NEWTIME, at[NSB_F_TIMENSOFFSET],
		            NSB_ATTR_TIMENSOFFSET, 0);
	return NSB_OK;
}

static enum nsb_err decode(const unsigned char *msg, size_t len, const struct nsb_decode_opts *opts,
                           struct nsb_bootstrap *out, struct nsb_error *err)
{
	enum nsb_dialect dialect = opts ? opts->dialect : NSB_DIALECT_RUNC_1_2;
	uint32_t cap = opts && opts->max_len ? opts->max_len : NSB_DEFAULT_MAX_LEN;
	struct walk w;
	enum nsb_err rc;
	int cb;

	if (!out || (!msg && len > 0) || (dialect != NSB_DIALECT_RUNC_1_2 && dialect != NSB_DIALECT_RUNC_1_1))
		return fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	/* Zero what nsb_decode zeroes, so the race is about the walk: the id
	 * maps' extent arrays (8,160 bytes) are only read up to their count. */
	memset(out, 0, offsetof(struct nsb_bootstrap, uid_map.extents));
	memset(&out->uid_map_text, 0,
	       offsetof(struct nsb_bootstrap, gid_map.extents) -
	               offsetof(struct nsb_bootstrap, uid_map_text));
	memset(&out->setgroup, 0, sizeof(*out) - offsetof(struct nsb_bootstrap, setgroup));
	out->dialect = dialect;
	rc = header(msg, len, cap, out, err);
	if (rc != NSB_OK)
		return rc;

	memset(&w, 0, sizeof(w));
	w.msg = msg;
	w.end = out->length;
	w.dialect = dialect;
	w.b = out;
	w.err = err;
	w.next = NSB_NLMSG_HDRLEN;
	if (w.end - w.next > 0 && w.end - w.next < NSB_NLA_HDRLEN)
		return fail(err, NSB_ERR_ATTR_HEADER_SHORT, w.next, NSB_ATTR_NONE, 0);
	cb = mnl_attr_parse((const struct nlmsghdr *)(const void *)msg, 0, on_attr, &w);
	if (cb == MNL_CB_ERROR)
		return err->code;
	if (w.next != w.end)
		return leftover(&w);
	return after_walk(&w);
}

enum nsb_err mnl_peer_decode(const void *buf, size_t len, const struct nsb_decode_opts *opts,
                             struct nsb_bootstrap *out, struct nsb_error *err)
{
	struct nsb_error e = {NSB_OK, 0, NSB_ATTR_NONE, 0, 0};
	enum nsb_err rc = decode(buf, len, opts, out, &e);

	if (rc == NSB_OK)
		e = (struct nsb_error){NSB_OK, 0, NSB_ATTR_NONE, 0, 0};
	if (err)
		*err = e;
	return rc;
}
