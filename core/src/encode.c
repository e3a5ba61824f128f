/* SPDX-License-Identifier: Apache-2.0 */
/*
 * encode.c - the bytes runc's Go parent sends, from parsed values.
 *
 * runc builds the message with Int32msg/Boolmsg/Bytemsg (message_linux.go)
 * in a fixed order (emit_order[] below); every attribute is padded with
 * zeros to 4 bytes, so nlmsg_len = 16 + the sum of padded attribute sizes:
 *   u32, bool  nla_len 8, one host-order u32 (bool 0 or 1)
 *   string     nla_len 4 + len + 1, the value, its NUL, zero padding
 * The header is nlmsg_len, INIT_MSG, then flags, seq and pid as given.
 *
 * String values are produced from the parsed fields (never from the *_text
 * views) by snprintf-style functions, called once to measure and once to
 * write, so measuring and writing cannot disagree. A value longer than
 * NSB_STRING_MAX would overflow the u16 nla_len (CVE-2021-43784) and is
 * refused. Input that cannot be represented at all (counts beyond the
 * arrays, enum values out of range, NULL views with a length, a ',' inside
 * an NS_PATHS path) is INVALID_ARGUMENT; anything else is encoded and then decoded with the same
 * dialect, and the decoder's verdict is returned, so a successful encode
 * is always a message nsb_decode accepts.
 */
#include <string.h>

#include "internal.h"
#include "nsboot/bootstrap.h"

/* ---- values ---------------------------------------------------------------- */

static uint32_t val_clone_flags(const struct nsb_bootstrap *b)
{
	return b->clone_flags;
}

static uint32_t val_setgroup(const struct nsb_bootstrap *b)
{
	return b->setgroup ? 1u : 0u;
}

static uint32_t val_rootless(const struct nsb_bootstrap *b)
{
	return b->rootless_euid ? 1u : 0u;
}

/* Text producers: snprintf-style, return the value's length without NUL. */

static size_t text_view(struct nsb_str s, char *buf, size_t cap)
{
	struct nsb_out o = {buf, cap, 0};
	nsb_out_put(&o, s.ptr, s.len);
	return nsb_out_end(&o);
}

static size_t text_ns_paths(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	struct nsb_out o = {buf, cap, 0};

	for (size_t i = 0; i < b->ns_paths.count; i++) {
		const struct nsb_ns_path *p = &b->ns_paths.paths[i];
		const char *name = nsb_ns_type_name(p->type);
		if (i > 0)
			nsb_out_char(&o, ',');
		nsb_out_put(&o, name, strlen(name));
		nsb_out_char(&o, ':');
		nsb_out_put(&o, p->path.ptr, p->path.len);
	}
	return nsb_out_end(&o);
}

static size_t text_uid_helper(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return text_view(b->uid_map_helper, buf, cap);
}

static size_t text_uid_map(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return nsb_idmap_format(&b->uid_map, buf, cap);
}

static size_t text_gid_map(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return nsb_idmap_format(&b->gid_map, buf, cap);
}

static size_t text_gid_helper(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return text_view(b->gid_map_helper, buf, cap);
}

/* strconv.Itoa */
static size_t text_oom(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	struct nsb_out o = {buf, cap, 0};
	nsb_out_i64(&o, b->oom_score_adj);
	return nsb_out_end(&o);
}

static size_t text_time_offsets(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return nsb_timens_format(&b->time_offsets, buf, cap);
}

/* The entries as they are; the string's own NUL is added like any other's. */
static size_t text_mount_sources(const struct nsb_bootstrap *b, char *buf, size_t cap)
{
	return text_view(b->mount_sources, buf, cap);
}

/* ---- the emission table ----------------------------------------------------- */

struct emit_rule {
	uint16_t type;
	enum nsb_field field;
	uint32_t (*u32)(const struct nsb_bootstrap *b);                /* u32/bool attributes */
	size_t (*text)(const struct nsb_bootstrap *b, char *, size_t); /* string attributes */
};

/* runc's order (bootstrapData in container_linux.go). TIMENSOFFSET (1.2)
 * and MOUNT_SOURCES (1.1) share the last place and the type 27290; the
 * dialect check in check_input() lets at most one of them through. */
static const struct emit_rule emit_order[] = {
        {NSB_ATTR_CLONE_FLAGS, NSB_F_CLONE_FLAGS, val_clone_flags, NULL},
        {NSB_ATTR_NS_PATHS, NSB_F_NS_PATHS, NULL, text_ns_paths},
        {NSB_ATTR_UIDMAPPATH, NSB_F_UIDMAPPATH, NULL, text_uid_helper},
        {NSB_ATTR_UIDMAP, NSB_F_UIDMAP, NULL, text_uid_map},
        {NSB_ATTR_GIDMAP, NSB_F_GIDMAP, NULL, text_gid_map},
        {NSB_ATTR_GIDMAPPATH, NSB_F_GIDMAPPATH, NULL, text_gid_helper},
        {NSB_ATTR_SETGROUP, NSB_F_SETGROUP, val_setgroup, NULL},
        {NSB_ATTR_OOM_SCORE_ADJ, NSB_F_OOM_SCORE_ADJ, NULL, text_oom},
        {NSB_ATTR_ROOTLESS_EUID, NSB_F_ROOTLESS_EUID, val_rootless, NULL},
        {NSB_ATTR_TIMENSOFFSET, NSB_F_TIMENSOFFSET, NULL, text_time_offsets},
        {NSB_ATTR_MOUNT_SOURCES, NSB_F_MOUNT_SOURCES, NULL, text_mount_sources},
};

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- input checks ----------------------------------------------------------- */

static bool view_ok(struct nsb_str s)
{
	return s.ptr != NULL || s.len == 0;
}

/* An NS_PATHS path is joined with ',': one containing a ',' would decode
 * as two elements, a different value the decoder would accept. */
static bool ns_path_ok(const struct nsb_ns_path *p)
{
	return nsb_ns_type_name(p->type) && view_ok(p->path) &&
	       (p->path.len == 0 || !memchr(p->path.ptr, ',', p->path.len));
}

static enum nsb_err invalid(struct nsb_error *err, int32_t attr)
{
	return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, attr, 0);
}

/* check_input - what cannot be represented as text at all. */
static enum nsb_err check_input(const struct nsb_bootstrap *in, struct nsb_error *err)
{
	const uint32_t known = (1u << NSB_F_COUNT) - 1u;
	/* The meaning of 27290 this dialect does not have. */
	enum nsb_field foreign =
	        in->dialect == NSB_DIALECT_RUNC_1_2 ? NSB_F_MOUNT_SOURCES : NSB_F_TIMENSOFFSET;

	if (!nsb_dialect_name(in->dialect) || (in->present & ~known))
		return invalid(err, NSB_ATTR_NONE);
	if (NSB_HAS(in, foreign))
		return invalid(err, NSB_ATTR_TIMENSOFFSET);
	if (NSB_HAS(in, NSB_F_NS_PATHS)) {
		if (in->ns_paths.count > NSB_NS_COUNT)
			return invalid(err, NSB_ATTR_NS_PATHS);
		for (size_t i = 0; i < in->ns_paths.count; i++)
			if (!ns_path_ok(&in->ns_paths.paths[i]))
				return invalid(err, NSB_ATTR_NS_PATHS);
	}
	if (NSB_HAS(in, NSB_F_UIDMAP) && in->uid_map.count > NSB_IDMAP_MAX_EXTENTS)
		return invalid(err, NSB_ATTR_UIDMAP);
	if (NSB_HAS(in, NSB_F_GIDMAP) && in->gid_map.count > NSB_IDMAP_MAX_EXTENTS)
		return invalid(err, NSB_ATTR_GIDMAP);
	if (NSB_HAS(in, NSB_F_UIDMAPPATH) && !view_ok(in->uid_map_helper))
		return invalid(err, NSB_ATTR_UIDMAPPATH);
	if (NSB_HAS(in, NSB_F_GIDMAPPATH) && !view_ok(in->gid_map_helper))
		return invalid(err, NSB_ATTR_GIDMAPPATH);
	if (NSB_HAS(in, NSB_F_TIMENSOFFSET)) {
		if (in->time_offsets.count > NSB_CLOCK_COUNT)
			return invalid(err, NSB_ATTR_TIMENSOFFSET);
		for (size_t i = 0; i < in->time_offsets.count; i++)
			if (!nsb_clock_name(in->time_offsets.offsets[i].clock))
				return invalid(err, NSB_ATTR_TIMENSOFFSET);
	}
	if (NSB_HAS(in, NSB_F_MOUNT_SOURCES) && !view_ok(in->mount_sources))
		return invalid(err, NSB_ATTR_MOUNT_SOURCES);
	return NSB_OK;
}

/* ---- emission ---------------------------------------------------------------- */

/*
 * emit - lay out (and, when @buf is not NULL, write) the whole message.
 * *size receives nlmsg_len. With @buf, the caller guarantees room for the
 * size a previous measuring call returned.
 */
static enum nsb_err emit(const struct nsb_bootstrap *in, unsigned char *buf, size_t *size,
                         struct nsb_error *err)
{
	size_t off = NSB_NLMSG_HDRLEN;

	for (size_t i = 0; i < ARRAY_LEN(emit_order); i++) {
		const struct emit_rule *r = &emit_order[i];
		size_t plen = sizeof(uint32_t);
		size_t padded;

		if (!NSB_HAS(in, r->field))
			continue;
		if (r->text) {
			size_t n = r->text(in, NULL, 0);
			if (n > NSB_STRING_MAX)
				return nsb_fail(err, NSB_ERR_STRING_TOO_LONG, nsb_pos32(off), r->type, 0);
			plen = n + 1; /* the NUL is part of the payload */
		}
		padded = nsb_align4((uint32_t)(NSB_NLA_HDRLEN + plen));
		if (buf) {
			unsigned char *a = buf + off;
			nsb_store_u16(a, (uint16_t)(NSB_NLA_HDRLEN + plen));
			nsb_store_u16(a + 2, r->type);
			if (r->text)
				(void)r->text(in, (char *)a + NSB_NLA_HDRLEN, plen);
			else
				nsb_store_u32(a + NSB_NLA_HDRLEN, r->u32(in));
			memset(a + NSB_NLA_HDRLEN + plen, 0, padded - NSB_NLA_HDRLEN - plen);
		}
		off += padded;
	}
	if (buf) {
		nsb_store_u32(buf, (uint32_t)off);
		nsb_store_u16(buf + 4, (uint16_t)NSB_INIT_MSG);
		nsb_store_u16(buf + 6, in->flags);
		nsb_store_u32(buf + 8, in->seq);
		nsb_store_u32(buf + 12, in->pid);
	}
	*size = off;
	return NSB_OK;
}

void nsb_bootstrap_init(struct nsb_bootstrap *b, enum nsb_dialect dialect)
{
	if (!b)
		return;
	memset(b, 0, sizeof(*b));
	b->dialect = dialect;
	b->type = (uint16_t)NSB_INIT_MSG;
	b->flags = (uint16_t)NSB_NLM_F_REQUEST;
	b->seq = 1;
	b->pid = 0;
	NSB_SET(b, NSB_F_CLONE_FLAGS);
	NSB_SET(b, NSB_F_ROOTLESS_EUID);
}

enum nsb_err nsb_encode(const struct nsb_bootstrap *in, void *buf, size_t cap, size_t *out_len,
                        struct nsb_error *err)
{
	/* zeroed: every option not set below keeps its strict default */
	struct nsb_decode_opts opts = {0};
	struct nsb_bootstrap check;
	size_t size = 0;
	enum nsb_err rc;

	if (out_len)
		*out_len = 0;
	if (!in || !out_len || (!buf && cap > 0))
		return invalid(err, NSB_ATTR_NONE);
	rc = check_input(in, err);
	if (rc == NSB_OK)
		rc = emit(in, NULL, &size, err);
	if (rc != NSB_OK)
		return rc;
	*out_len = size;
	if (cap < size)
		return nsb_fail(err, NSB_ERR_NO_SPACE, 0, NSB_ATTR_NONE, 0);

	/* Cannot fail: the measuring call above laid out the same input. */
	(void)emit(in, buf, &size, err);
	/* The output must be a message the strict decoder accepts. */
	opts.dialect = in->dialect;
	opts.max_len = (uint32_t)size;
	return nsb_decode(buf, size, &opts, &check, err);
}
