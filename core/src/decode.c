/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode.c - the strict decoder of runc's bootstrap message.
 *
 * Wire layout, host byte order (docs/protocol.md, 'The message'):
 *
 *   0               4       6       8               12              16
 *   +---------------+-------+-------+---------------+---------------+
 *   | nlmsg_len u32 | type  | flags | seq u32       | pid u32       |  header
 *   +---------------+-------+-------+---------------+---------------+
 *   A               A+2     A+4                     A+nla_len  A+align4(nla_len)
 *   +-------+-------+-----------------------------------+-------+
 *   |nla_len|nla_typ| payload (nla_len - 4 bytes)        | 0 pad |  attribute at A
 *   +-------+-------+-----------------------------------+-------+
 *   ... attributes repeat until nlmsg_len, which is also the buffer length.
 *
 *   u32, bool: nla_len 8, one host-order u32 (bool: 0 or 1).
 *   string:    nla_len = 4 + strlen + 1; the NUL is inside nla_len.
 *
 * Conventions (summarised in docs/protocol.md, 'Decoder conventions'; the
 * unit tests, the CLI and the fuzzers rely on them). The first problem in byte order wins, so the
 * result is deterministic:
 *  1. Header: len < 16 SHORT_HEADER @0; nlmsg_len < 16 MSG_LEN_SMALL @0;
 *     nlmsg_len > cap MSG_TOO_BIG @0; len < nlmsg_len TRUNCATED @len;
 *     len > nlmsg_len TRAILING_DATA @nlmsg_len; type != 62000 BAD_MSG_TYPE @4.
 *     flags, seq and pid may hold anything.
 *  2. Attributes in message order from offset 16; for the one at A:
 *     < 4 bytes left ATTR_HEADER_SHORT @A (attr NONE); nla_len < 4
 *     ATTR_LEN_SMALL @A; A + nla_len > nlmsg_len ATTR_OVERRUN @A;
 *     A + align4(nla_len) > nlmsg_len PADDING_MISSING @A+nla_len; a non-zero
 *     padding byte PADDING_NONZERO @that byte; type not in the dialect's
 *     policy table (0xC000 flag bits included) ATTR_UNKNOWN @A; seen before
 *     ATTR_DUPLICATE @A; then the payload rules @A with pos inside the
 *     payload. Once its header has been read, every error of an attribute
 *     carries attr = its raw nla_type.
 *     Strings: len 0 or "\0" STRING_EMPTY; last byte not NUL
 *     STRING_UNTERMINATED (pos = payload len); earlier NUL
 *     STRING_EMBEDDED_NUL (pos = it). MOUNT_SOURCES (runc-1.1) may hold
 *     NULs: only the first two rules, then MOUNT_SOURCES_SYNTAX.
 *  3. After the walk: CLONE_FLAGS, then ROOTLESS_EUID absent: ATTR_MISSING
 *     @nlmsg_len with attr = the missing type (ROOTLESS_EUID may be absent,
 *     meaning false, only with opts->allow_missing_rootless_euid).
 *  4. Cross-attribute rules: NS_CLONE_AND_JOIN (clone_and_join(), pos =
 *     the element's start), then those of cross_rules[] in its order, all
 *     at the dependent attribute's offset with attr = its type.
 * Payload errors other than element positions have pos 0 (PAYLOAD_SIZE,
 * BOOL_VALUE, CLONE_FLAGS, HELPER_PATH_RELATIVE).
 *
 * The decoder never allocates and never writes outside *out; views in
 * *out point into the caller's buffer.
 */
#include <stddef.h>
#include <string.h>

#include "internal.h"
#include "nsboot/bootstrap.h"

#define CLONE_NEWUSER 0x10000000u
#define CLONE_NEWTIME 0x00000080u

/* ---- the policy table ---------------------------------------------------- */

enum attr_kind {
	KIND_U32,      /* exactly 4 bytes */
	KIND_BOOL,     /* exactly 4 bytes, value 0 or 1 */
	KIND_STRING,   /* NUL-terminated, non-empty, no other NUL */
	KIND_SEQUENCE, /* NUL-terminated, may contain NULs (MOUNT_SOURCES) */
};

/* A payload after its kind was checked: u32 for U32/BOOL, the text without
 * its final NUL for STRING/SEQUENCE. */
struct attr_value {
	uint32_t u32;
	const char *text;
	size_t len;
};

/* Stores a checked value into *b after its own rules; on error fills code
 * and pos only (the walk adds offset and attr). */
typedef enum nsb_err (*attr_store_fn)(struct nsb_bootstrap *b, const struct attr_value *v,
                                      struct nsb_error *err);

struct attr_policy {
	enum attr_kind kind;
	enum nsb_field field; /* presence bit, also the duplicate detector */
	attr_store_fn store;  /* NULL: the type is unknown in this dialect */
};

static enum nsb_err store_clone_flags(struct nsb_bootstrap *b, const struct attr_value *v,
                                      struct nsb_error *err)
{
	if (v->u32 & ~NSB_CLONE_NS_MASK)
		return nsb_payload_fail(err, NSB_ERR_CLONE_FLAGS, 0);
	b->clone_flags = v->u32;
	return NSB_OK;
}

static enum nsb_err store_ns_paths(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	return nsb_nspaths_parse(v->text, v->len, &b->ns_paths, err);
}

static enum nsb_err store_uid_map(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	b->uid_map_text = (struct nsb_str){v->text, v->len};
	return nsb_idmap_parse(v->text, v->len, &b->uid_map, err);
}

static enum nsb_err store_gid_map(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	b->gid_map_text = (struct nsb_str){v->text, v->len};
	return nsb_idmap_parse(v->text, v->len, &b->gid_map, err);
}

static enum nsb_err store_setgroup(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	(void)err;
	b->setgroup = v->u32 != 0;
	return NSB_OK;
}

static enum nsb_err store_oom(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	return nsb_oom_parse(v->text, v->len, &b->oom_score_adj, err);
}

static enum nsb_err store_rootless(struct nsb_bootstrap *b, const struct attr_value *v, struct nsb_error *err)
{
	(void)err;
	b->rootless_euid = v->u32 != 0;
	return NSB_OK;
}

/* A helper path is run by stage-0: it must be absolute (string rules already hold). */
static enum nsb_err helper_path(struct nsb_str *dst, const struct attr_value *v, struct nsb_error *err)
{
	if (v->text[0] != '/')
		return nsb_payload_fail(err, NSB_ERR_HELPER_PATH_RELATIVE, 0);
	*dst = (struct nsb_str){v->text, v->len};
	return NSB_OK;
}

static enum nsb_err store_uid_helper(struct nsb_bootstrap *b, const struct attr_value *v,
                                     struct nsb_error *err)
{
	return helper_path(&b->uid_map_helper, v, err);
}

static enum nsb_err store_gid_helper(struct nsb_bootstrap *b, const struct attr_value *v,
                                     struct nsb_error *err)
{
	return helper_path(&b->gid_map_helper, v, err);
}

static enum nsb_err store_time_offsets(struct nsb_bootstrap *b, const struct attr_value *v,
                                       struct nsb_error *err)
{
	b->time_offsets_text = (struct nsb_str){v->text, v->len};
	return nsb_timens_parse(v->text, v->len, &b->time_offsets, err);
}

static enum nsb_err store_mount_sources(struct nsb_bootstrap *b, const struct attr_value *v,
                                        struct nsb_error *err)
{
	b->mount_sources = (struct nsb_str){v->text, v->len};
	return nsb_mount_sources_parse(v->text, v->len, &b->mount_source_count, err);
}

/* Indexed by nla_type - 27281; both dialects share 27281..27289. */
#define ATTR_FIRST ((uint16_t)NSB_ATTR_CLONE_FLAGS)
#define ATTR_SLOTS 10u
#define SLOT(type) ((type)-NSB_ATTR_CLONE_FLAGS)
#define COMMON_POLICY                                                                      \
	[SLOT(NSB_ATTR_CLONE_FLAGS)] = {KIND_U32, NSB_F_CLONE_FLAGS, store_clone_flags},   \
	[SLOT(NSB_ATTR_NS_PATHS)] = {KIND_STRING, NSB_F_NS_PATHS, store_ns_paths},         \
	[SLOT(NSB_ATTR_UIDMAP)] = {KIND_STRING, NSB_F_UIDMAP, store_uid_map},              \
	[SLOT(NSB_ATTR_GIDMAP)] = {KIND_STRING, NSB_F_GIDMAP, store_gid_map},              \
	[SLOT(NSB_ATTR_SETGROUP)] = {KIND_BOOL, NSB_F_SETGROUP, store_setgroup},           \
	[SLOT(NSB_ATTR_OOM_SCORE_ADJ)] = {KIND_STRING, NSB_F_OOM_SCORE_ADJ, store_oom},    \
	[SLOT(NSB_ATTR_ROOTLESS_EUID)] = {KIND_BOOL, NSB_F_ROOTLESS_EUID, store_rootless}, \
	[SLOT(NSB_ATTR_UIDMAPPATH)] = {KIND_STRING, NSB_F_UIDMAPPATH, store_uid_helper},   \
	[SLOT(NSB_ATTR_GIDMAPPATH)] = {KIND_STRING, NSB_F_GIDMAPPATH, store_gid_helper}

static const struct attr_policy policy_runc_1_2[ATTR_SLOTS] = {
        COMMON_POLICY,
        [SLOT(NSB_ATTR_TIMENSOFFSET)] = {KIND_STRING, NSB_F_TIMENSOFFSET, store_time_offsets},
};

static const struct attr_policy policy_runc_1_1[ATTR_SLOTS] = {
        COMMON_POLICY,
        [SLOT(NSB_ATTR_MOUNT_SOURCES)] = {KIND_SEQUENCE, NSB_F_MOUNT_SOURCES, store_mount_sources},
};

static const struct attr_policy *const policies[] = {
        [NSB_DIALECT_RUNC_1_2] = policy_runc_1_2,
        [NSB_DIALECT_RUNC_1_1] = policy_runc_1_1,
};

#define DIALECT_COUNT (sizeof(policies) / sizeof(policies[0]))

/* The wire type of each presence bit, for errors about a field. */
static const uint16_t field_type[NSB_F_COUNT] = {
        [NSB_F_CLONE_FLAGS] = NSB_ATTR_CLONE_FLAGS,
        [NSB_F_NS_PATHS] = NSB_ATTR_NS_PATHS,
        [NSB_F_UIDMAP] = NSB_ATTR_UIDMAP,
        [NSB_F_GIDMAP] = NSB_ATTR_GIDMAP,
        [NSB_F_SETGROUP] = NSB_ATTR_SETGROUP,
        [NSB_F_OOM_SCORE_ADJ] = NSB_ATTR_OOM_SCORE_ADJ,
        [NSB_F_ROOTLESS_EUID] = NSB_ATTR_ROOTLESS_EUID,
        [NSB_F_UIDMAPPATH] = NSB_ATTR_UIDMAPPATH,
        [NSB_F_GIDMAPPATH] = NSB_ATTR_GIDMAPPATH,
        [NSB_F_TIMENSOFFSET] = NSB_ATTR_TIMENSOFFSET,
        [NSB_F_MOUNT_SOURCES] = NSB_ATTR_MOUNT_SOURCES,
};

/* lookup - the policy of @type, or NULL if the dialect does not know it.
 * The raw u16 is compared, so a type with NLA_F_NESTED/NLA_F_NET_BYTEORDER
 * bits set is simply unknown. */
static const struct attr_policy *lookup(const struct attr_policy *table, uint16_t type)
{
	if (type < ATTR_FIRST || type - ATTR_FIRST >= (int)ATTR_SLOTS)
		return NULL;
	return table[type - ATTR_FIRST].store ? &table[type - ATTR_FIRST] : NULL;
}

/* ---- the walk ------------------------------------------------------------ */

struct decoder {
	const unsigned char *msg;
	uint32_t end; /* nlmsg_len == buffer length */
	const struct attr_policy *policy;
	struct nsb_bootstrap *b;
	uint32_t where[NSB_F_COUNT]; /* offset of each present attribute */
	bool rootless_optional;      /* opts->allow_missing_rootless_euid */
};

/* One attribute's framing, once checked. */
struct attr_frame {
	uint32_t at;   /* offset of the header */
	uint16_t len;  /* nla_len: header + payload */
	uint16_t type; /* raw nla_type */
	uint32_t next; /* at + align4(len): the next attribute */
};

/*
 * frame_attr - the bounds check of the walk, written once: room for a
 * header, nla_len at least a header, nla_len within what is left, padding
 * within what is left and zero. All arithmetic is on u32 with at < end, so
 * "end - at" cannot wrap and align4(nla_len) <= 65536 cannot overflow.
 */
static enum nsb_err frame_attr(const struct decoder *d, uint32_t at, struct attr_frame *f,
                               struct nsb_error *err)
{
	uint32_t left = d->end - at;
	uint32_t padded;

	if (left < NSB_NLA_HDRLEN)
		return nsb_fail(err, NSB_ERR_ATTR_HEADER_SHORT, at, NSB_ATTR_NONE, 0);
	f->at = at;
	f->len = nsb_load_u16(d->msg + at);
	f->type = nsb_load_u16(d->msg + at + 2);
	if (f->len < NSB_NLA_HDRLEN)
		return nsb_fail(err, NSB_ERR_ATTR_LEN_SMALL, at, f->type, 0);
	if (f->len > left)
		return nsb_fail(err, NSB_ERR_ATTR_OVERRUN, at, f->type, 0);
	padded = nsb_align4(f->len);
	if (padded > left)
		return nsb_fail(err, NSB_ERR_PADDING_MISSING, at + f->len, f->type, 0);
	for (uint32_t i = f->len; i < padded; i++)
		if (d->msg[at + i] != 0)
			return nsb_fail(err, NSB_ERR_PADDING_NONZERO, at + i, f->type, 0);
	f->next = at + padded;
	return NSB_OK;
}

/* check_kind - the payload rules of @kind; fills @v. Code and pos only. */
static enum nsb_err check_kind(enum attr_kind kind, const unsigned char *p, size_t plen, struct attr_value *v,
                               struct nsb_error *err)
{
	const void *nul;

	switch (kind) {
	case KIND_U32:
	case KIND_BOOL:
		if (plen != sizeof(uint32_t))
			return nsb_payload_fail(err, NSB_ERR_PAYLOAD_SIZE, 0);
		v->u32 = nsb_load_u32(p);
		/* The whole u32, not its first byte: right on any endianness. */
		if (kind == KIND_BOOL && v->u32 > 1)
			return nsb_payload_fail(err, NSB_ERR_BOOL_VALUE, 0);
		return NSB_OK;
	case KIND_STRING:
	case KIND_SEQUENCE:
		if (plen == 0 || (kind == KIND_STRING && plen == 1 && p[0] == 0))
			return nsb_payload_fail(err, NSB_ERR_STRING_EMPTY, 0);
		if (p[plen - 1] != 0)
			return nsb_payload_fail(err, NSB_ERR_STRING_UNTERMINATED, plen);
		nul = memchr(p, 0, plen - 1);
		if (kind == KIND_STRING && nul)
			return nsb_payload_fail(err, NSB_ERR_STRING_EMBEDDED_NUL,
			                        (size_t)((const unsigned char *)nul - p));
		v->text = (const char *)p;
		v->len = plen - 1;
		return NSB_OK;
	default:
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	}
}

/* take_attr - type, duplicate and payload rules of one framed attribute. */
static enum nsb_err take_attr(struct decoder *d, const struct attr_frame *f, struct nsb_error *err)
{
	const struct attr_policy *pol = lookup(d->policy, f->type);
	struct attr_value v = {0, NULL, 0};
	enum nsb_err rc;

	if (!pol)
		return nsb_fail(err, NSB_ERR_ATTR_UNKNOWN, f->at, f->type, 0);
	if (NSB_HAS(d->b, pol->field))
		return nsb_fail(err, NSB_ERR_ATTR_DUPLICATE, f->at, f->type, 0);
	rc = check_kind(pol->kind, d->msg + f->at + NSB_NLA_HDRLEN, (size_t)f->len - NSB_NLA_HDRLEN, &v, err);
	if (rc == NSB_OK)
		rc = pol->store(d->b, &v, err);
	if (rc != NSB_OK) {
		/* The payload layer knows code and pos; the place is ours. */
		err->offset = f->at;
		err->attr = f->type;
		return rc;
	}
	NSB_SET(d->b, pol->field);
	d->where[pol->field] = f->at;
	return NSB_OK;
}

static enum nsb_err walk(struct decoder *d, struct nsb_error *err)
{
	uint32_t at = NSB_NLMSG_HDRLEN;

	while (at < d->end) {
		struct attr_frame f;
		enum nsb_err rc = frame_attr(d, at, &f, err);
		if (rc == NSB_OK)
			rc = take_attr(d, &f, err);
		if (rc != NSB_OK)
			return rc;
		at = f.next;
	}
	return NSB_OK;
}

/* ---- after the walk ------------------------------------------------------ */

static const enum nsb_field required[] = {NSB_F_CLONE_FLAGS, NSB_F_ROOTLESS_EUID};

/* A present @field needs CLONE_* bit @need_flag (if non-zero) and field
 * @need_field present (if not NSB_F_COUNT). Checked in this order. */
static const struct cross_rule {
	enum nsb_field field;
	enum nsb_err code;
	uint32_t need_flag;
	enum nsb_field need_field;
} cross_rules[] = {
        {NSB_F_UIDMAP, NSB_ERR_IDMAP_WITHOUT_NEWUSER, CLONE_NEWUSER, NSB_F_COUNT},
        {NSB_F_GIDMAP, NSB_ERR_IDMAP_WITHOUT_NEWUSER, CLONE_NEWUSER, NSB_F_COUNT},
        {NSB_F_SETGROUP, NSB_ERR_SETGROUP_WITHOUT_GIDMAP, 0, NSB_F_GIDMAP},
        {NSB_F_UIDMAPPATH, NSB_ERR_HELPER_WITHOUT_MAP, 0, NSB_F_UIDMAP},
        {NSB_F_GIDMAPPATH, NSB_ERR_HELPER_WITHOUT_MAP, 0, NSB_F_GIDMAP},
        {NSB_F_TIMENSOFFSET, NSB_ERR_TIMENS_WITHOUT_NEWTIME, CLONE_NEWTIME, NSB_F_COUNT},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* clone_and_join - a namespace both created (CLONE_FLAGS) and joined
 * (NS_PATHS); pos is the offending element's start in the payload. */
static enum nsb_err clone_and_join(const struct decoder *d, struct nsb_error *err)
{
	const struct nsb_bootstrap *b = d->b;
	const char *payload = (const char *)d->msg + d->where[NSB_F_NS_PATHS] + NSB_NLA_HDRLEN;

	if (!NSB_HAS(b, NSB_F_NS_PATHS))
		return NSB_OK;
	for (size_t i = 0; i < b->ns_paths.count; i++) {
		const struct nsb_ns_path *p = &b->ns_paths.paths[i];
		if (b->clone_flags & nsb_ns_type_flag(p->type)) {
			/* The element starts at "<name>:" before the path view. */
			size_t pos = (size_t)(p->path.ptr - payload) - strlen(nsb_ns_type_name(p->type)) - 1;
			return nsb_fail(err, NSB_ERR_NS_CLONE_AND_JOIN, d->where[NSB_F_NS_PATHS],
			                NSB_ATTR_NS_PATHS, nsb_pos32(pos));
		}
	}
	return NSB_OK;
}

static enum nsb_err check_after_walk(const struct decoder *d, struct nsb_error *err)
{
	const struct nsb_bootstrap *b = d->b;
	enum nsb_err rc;

	for (size_t i = 0; i < ARRAY_LEN(required); i++) {
		bool optional = required[i] == NSB_F_ROOTLESS_EUID && d->rootless_optional;
		if (!NSB_HAS(b, required[i]) && !optional)
			return nsb_fail(err, NSB_ERR_ATTR_MISSING, d->end, field_type[required[i]], 0);
	}
	rc = clone_and_join(d, err);
	if (rc != NSB_OK)
		return rc;
	for (size_t i = 0; i < ARRAY_LEN(cross_rules); i++) {
		const struct cross_rule *r = &cross_rules[i];
		bool ok = (r->need_flag == 0 || (b->clone_flags & r->need_flag)) &&
		          (r->need_field == NSB_F_COUNT || NSB_HAS(b, r->need_field));
		if (NSB_HAS(b, r->field) && !ok)
			return nsb_fail(err, r->code, d->where[r->field], field_type[r->field], 0);
	}
	return NSB_OK;
}

/* ---- the header and the entry point --------------------------------------- */

static enum nsb_err check_header(const unsigned char *msg, size_t len, uint32_t cap, struct nsb_bootstrap *b,
                                 struct nsb_error *err)
{
	if (len < NSB_NLMSG_HDRLEN)
		return nsb_fail(err, NSB_ERR_SHORT_HEADER, 0, NSB_ATTR_NONE, 0);
	b->length = nsb_load_u32(msg);
	b->type = nsb_load_u16(msg + 4);
	b->flags = nsb_load_u16(msg + 6);
	b->seq = nsb_load_u32(msg + 8);
	b->pid = nsb_load_u32(msg + 12);
	if (b->length < NSB_NLMSG_HDRLEN)
		return nsb_fail(err, NSB_ERR_MSG_LEN_SMALL, 0, NSB_ATTR_NONE, 0);
	if (b->length > cap)
		return nsb_fail(err, NSB_ERR_MSG_TOO_BIG, 0, NSB_ATTR_NONE, 0);
	if (len < b->length)
		return nsb_fail(err, NSB_ERR_TRUNCATED, nsb_pos32(len), NSB_ATTR_NONE, 0);
	if (len > b->length)
		return nsb_fail(err, NSB_ERR_TRAILING_DATA, b->length, NSB_ATTR_NONE, 0);
	if (b->type != NSB_INIT_MSG)
		return nsb_fail(err, NSB_ERR_BAD_MSG_TYPE, 4, NSB_ATTR_NONE, 0);
	return NSB_OK;
}

/*
 * clear_output - zero *out except the two extent arrays: 8,160 of its
 * 8,584 bytes, which nothing reads past each map's count (bootstrap.h).
 * Zeroing them was three quarters of the instructions of decoding a
 * typical message. The skipped span runs from extents to the end of the
 * map, so extents must be the map's last member: */
_Static_assert(offsetof(struct nsb_idmap, extents) + sizeof(((struct nsb_idmap *)0)->extents) ==
                       sizeof(struct nsb_idmap),
               "clear_output() skips only the extent array");

static void clear_output(struct nsb_bootstrap *out)
{
	unsigned char *o = (unsigned char *)out;
	const size_t uid_x = offsetof(struct nsb_bootstrap, uid_map.extents);
	const size_t uid_end = offsetof(struct nsb_bootstrap, uid_map) + sizeof(out->uid_map);
	const size_t gid_x = offsetof(struct nsb_bootstrap, gid_map.extents);
	const size_t gid_end = offsetof(struct nsb_bootstrap, gid_map) + sizeof(out->gid_map);

	memset(o, 0, uid_x);
	memset(o + uid_end, 0, gid_x - uid_end);
	memset(o + gid_end, 0, sizeof(*out) - gid_end);
}

static enum nsb_err decode(const unsigned char *msg, size_t len, const struct nsb_decode_opts *opts,
                           struct nsb_bootstrap *out, struct nsb_error *err)
{
	enum nsb_dialect dialect = opts ? opts->dialect : NSB_DIALECT_RUNC_1_2;
	uint32_t cap = opts && opts->max_len ? opts->max_len : NSB_DEFAULT_MAX_LEN;
	struct decoder d;
	enum nsb_err rc;

	if (!out || (!msg && len > 0) || (unsigned)dialect >= DIALECT_COUNT)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	clear_output(out);
	out->dialect = dialect;
	rc = check_header(msg, len, cap, out, err);
	if (rc != NSB_OK)
		return rc;

	memset(&d, 0, sizeof(d));
	d.msg = msg;
	d.end = out->length;
	d.policy = policies[dialect];
	d.b = out;
	d.rootless_optional = opts && opts->allow_missing_rootless_euid;
	rc = walk(&d, err);
	if (rc == NSB_OK)
		rc = check_after_walk(&d, err);
	return rc;
}

enum nsb_err nsb_decode(const void *buf, size_t len, const struct nsb_decode_opts *opts,
                        struct nsb_bootstrap *out, struct nsb_error *err)
{
	/* Work on a local report so every path below can write to it. */
	struct nsb_error e;
	enum nsb_err rc;

	nsb_ok(&e);
	rc = decode(buf, len, opts, out, &e);
	if (err)
		*err = e;
	return rc;
}
