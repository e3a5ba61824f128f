/* SPDX-License-Identifier: Apache-2.0 */
/*
 * decode.c - fuzz target `decode`: nsb_decode on arbitrary bytes, in both
 * dialects, checked against the contract of bootstrap.h and the decoder
 * conventions (docs/protocol.md, 'Decoder conventions', and the comment at
 * the top of core/src/decode.c).
 *
 * Invariants, each an abort() when broken:
 *  1. Header: the verdict and offset equal a reference check of the 16-byte
 *     header (SHORT_HEADER .. BAD_MSG_TYPE, attr NONE).
 *  2. Framing: a framing error (ATTR_HEADER_SHORT .. ATTR_DUPLICATE) is
 *     exactly the first one a reference walk of the attribute chain finds;
 *     a payload error names an attribute the walk passed before it; nothing
 *     past a framing error is accepted or reported.
 *  3. After the walk: ATTR_MISSING and the cross-attribute errors are the
 *     ones a reference computes from the raw attributes, in the documented
 *     order, with their offsets and attribute types.
 *  4. Acceptance: header fields as on the wire; one presence bit per
 *     attribute; values equal to the raw payloads and to what the payload
 *     parsers make of them; absent fields zero; every view inside the input,
 *     the *_text views exactly the payload without its NUL.
 *  5. Round trip: encode(accepted) decodes to equal values (compared field by
 *     field, not by view pointers), encoding those again gives the same
 *     bytes, and encode into a buffer one byte short is NO_SPACE.
 *  6. The cap: max_len = nlmsg_len changes nothing; nlmsg_len - 1 is
 *     MSG_TOO_BIG at offset 0.
 *  7. The dialects agree, error or values, unless attribute 27290 is present.
 *  8. opts NULL and err NULL are the defaults: the same verdict; the
 *     liberal allow_missing_rootless_euid changes only "ROOTLESS_EUID
 *     missing" (into acceptance with false, or a cross-attribute error).
 * An input whose nlmsg_len or type is off is also checked as a copy with
 * both repaired, so that mutations are not wasted on the header.
 */
#include "harness.h"

#define ATTR_FIRST NSB_ATTR_CLONE_FLAGS
#define ATTR_LAST  NSB_ATTR_TIMENSOFFSET
#define ATTR_SLOTS (ATTR_LAST - ATTR_FIRST + 1)

static uint32_t align4(uint32_t n)
{
	return (n + 3u) & ~3u;
}

/* ---- reference header check (conventions, step 1) ------------------------ */

static enum nsb_err ref_header(const uint8_t *d, size_t size, uint32_t cap, uint32_t *offset)
{
	*offset = 0;
	if (size < NSB_NLMSG_HDRLEN)
		return NSB_ERR_SHORT_HEADER;
	uint32_t len = fuzz_rd32(d);
	if (len < NSB_NLMSG_HDRLEN)
		return NSB_ERR_MSG_LEN_SMALL;
	if (len > cap)
		return NSB_ERR_MSG_TOO_BIG;
	if (size < len) {
		*offset = (uint32_t)size;
		return NSB_ERR_TRUNCATED;
	}
	if (size > len) {
		*offset = len;
		return NSB_ERR_TRAILING_DATA;
	}
	if (fuzz_rd16(d + 4) != NSB_INIT_MSG) {
		*offset = 4;
		return NSB_ERR_BAD_MSG_TYPE;
	}
	return NSB_OK;
}

static bool is_header_error(enum nsb_err rc)
{
	return rc >= NSB_ERR_SHORT_HEADER && rc <= NSB_ERR_BAD_MSG_TYPE;
}

static bool is_framing_error(enum nsb_err rc)
{
	return rc >= NSB_ERR_ATTR_HEADER_SHORT && rc <= NSB_ERR_ATTR_DUPLICATE;
}

static bool is_cross_error(enum nsb_err rc)
{
	return rc >= NSB_ERR_NS_CLONE_AND_JOIN && rc <= NSB_ERR_TIMENS_WITHOUT_NEWTIME;
}

/* ---- reference walk of the attribute chain (conventions, step 2) ----------- */

struct ref_attr {
	uint32_t off; /* offset of the attribute header */
	uint16_t len; /* nla_len */
	uint16_t type;
};

struct ref_walk {
	enum nsb_err code; /* first framing error, or NSB_OK */
	uint32_t err_off;  /* the offset it is reported at */
	int32_t err_attr;  /* the attribute it reports, when the rule names one */
	bool check_attr;
	size_t count; /* attributes that passed every framing rule, in order */
	struct ref_attr attrs[ATTR_SLOTS];
	const struct ref_attr *by_type[ATTR_SLOTS];
};

static void walk_fail(struct ref_walk *w, enum nsb_err code, uint32_t off, int32_t attr, bool check_attr)
{
	w->code = code;
	w->err_off = off;
	w->err_attr = attr;
	w->check_attr = check_attr;
}

/* The message is known to be exactly @len bytes with a valid header. */
static void ref_walk(const uint8_t *d, uint32_t len, struct ref_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->code = NSB_OK;
	uint32_t a = NSB_NLMSG_HDRLEN;
	while (a < len) {
		if (len - a < NSB_NLA_HDRLEN) {
			walk_fail(w, NSB_ERR_ATTR_HEADER_SHORT, a, NSB_ATTR_NONE, true);
			return;
		}
		uint16_t nla_len = fuzz_rd16(d + a);
		uint16_t type = fuzz_rd16(d + a + 2);
		if (nla_len < NSB_NLA_HDRLEN) {
			walk_fail(w, NSB_ERR_ATTR_LEN_SMALL, a, type, true);
			return;
		}
		if ((uint64_t)a + nla_len > len) {
			walk_fail(w, NSB_ERR_ATTR_OVERRUN, a, type, false);
			return;
		}
		if ((uint64_t)a + align4(nla_len) > len) {
			walk_fail(w, NSB_ERR_PADDING_MISSING, a + nla_len, type, false);
			return;
		}
		for (uint32_t p = a + nla_len; p < a + align4(nla_len); p++) {
			if (d[p] != 0) {
				walk_fail(w, NSB_ERR_PADDING_NONZERO, p, type, false);
				return;
			}
		}
		if (type < ATTR_FIRST || type > ATTR_LAST) {
			walk_fail(w, NSB_ERR_ATTR_UNKNOWN, a, type, true);
			return;
		}
		if (w->by_type[type - ATTR_FIRST] != NULL) {
			walk_fail(w, NSB_ERR_ATTR_DUPLICATE, a, type, true);
			return;
		}
		struct ref_attr *r = &w->attrs[w->count++];
		r->off = a;
		r->len = nla_len;
		r->type = type;
		w->by_type[type - ATTR_FIRST] = r;
		a += align4(nla_len);
	}
}

static const struct ref_attr *walk_get(const struct ref_walk *w, int type)
{
	return w->by_type[type - ATTR_FIRST];
}

static const uint8_t *payload(const uint8_t *d, const struct ref_attr *r)
{
	return d + r->off + NSB_NLA_HDRLEN;
}

static uint32_t payload_len(const struct ref_attr *r)
{
	return (uint32_t)r->len - NSB_NLA_HDRLEN;
}

/* ---- reference cross-attribute rules (conventions, step 4) ----------------- */

struct ref_verdict {
	enum nsb_err code;
	uint32_t offset;
	int32_t attr;
	uint32_t pos;
};

/* Only called when every attribute passed its payload rules. */
static struct ref_verdict ref_cross(const uint8_t *d, const struct ref_walk *w, enum nsb_dialect dialect)
{
	struct ref_verdict v = {NSB_OK, 0, NSB_ATTR_NONE, 0};
	const struct ref_attr *cf = walk_get(w, NSB_ATTR_CLONE_FLAGS);
	/* The decoder claims the payload rules passed: check before reading. */
	FUZZ_CHECK(cf != NULL && payload_len(cf) == 4);
	uint32_t clone = fuzz_rd32(payload(d, cf));
	const struct ref_attr *nsp = walk_get(w, NSB_ATTR_NS_PATHS);
	const struct ref_attr *uid = walk_get(w, NSB_ATTR_UIDMAP);
	const struct ref_attr *gid = walk_get(w, NSB_ATTR_GIDMAP);
	const struct ref_attr *setg = walk_get(w, NSB_ATTR_SETGROUP);
	const struct ref_attr *uidp = walk_get(w, NSB_ATTR_UIDMAPPATH);
	const struct ref_attr *gidp = walk_get(w, NSB_ATTR_GIDMAPPATH);
	const struct ref_attr *tns = walk_get(w, NSB_ATTR_TIMENSOFFSET);
	const struct ref_attr *culprit = NULL;

	if (nsp != NULL) {
		struct nsb_ns_paths paths;
		struct nsb_error err;
		const char *text = (const char *)payload(d, nsp);
		FUZZ_CHECK(payload_len(nsp) >= 2 && text[payload_len(nsp) - 1] == '\0');
		FUZZ_CHECK(nsb_nspaths_parse(text, payload_len(nsp) - 1, &paths, &err) == NSB_OK);
		for (size_t i = 0; i < paths.count; i++) {
			if ((clone & nsb_ns_type_flag(paths.paths[i].type)) == 0)
				continue;
			const char *name = nsb_ns_type_name(paths.paths[i].type);
			size_t elem = (size_t)(paths.paths[i].path.ptr - text) - strlen(name) - 1;
			v = (struct ref_verdict){NSB_ERR_NS_CLONE_AND_JOIN, nsp->off, nsp->type,
			                         (uint32_t)elem};
			return v;
		}
	}
	if ((clone & 0x10000000u) == 0 && (uid != NULL || gid != NULL)) {
		v.code = NSB_ERR_IDMAP_WITHOUT_NEWUSER;
		culprit = uid != NULL ? uid : gid;
	} else if (setg != NULL && gid == NULL) {
		v.code = NSB_ERR_SETGROUP_WITHOUT_GIDMAP;
		culprit = setg;
	} else if ((uidp != NULL && uid == NULL) || (gidp != NULL && gid == NULL)) {
		v.code = NSB_ERR_HELPER_WITHOUT_MAP;
		culprit = uidp != NULL && uid == NULL ? uidp : gidp;
	} else if (dialect == NSB_DIALECT_RUNC_1_2 && tns != NULL && (clone & 0x80u) == 0) {
		v.code = NSB_ERR_TIMENS_WITHOUT_NEWTIME;
		culprit = tns;
	}
	if (culprit != NULL) {
		v.offset = culprit->off;
		v.attr = culprit->type;
	}
	return v;
}

/* ---- acceptance: values against the raw attributes (invariant 4) ----------- */

static bool str_is_zero(struct nsb_str s)
{
	return s.ptr == NULL && s.len == 0;
}

/* A string attribute's view: the payload without its NUL, NUL right after. */
static void check_text_view(const uint8_t *d, const struct ref_attr *r, struct nsb_str s)
{
	FUZZ_CHECK(payload_len(r) >= 2);
	FUZZ_CHECK(s.ptr == (const char *)payload(d, r));
	FUZZ_CHECK(s.len == payload_len(r) - 1);
	FUZZ_CHECK(s.ptr[s.len] == '\0');
	FUZZ_CHECK(memchr(s.ptr, '\0', s.len) == NULL);
}

static void check_bool(const uint8_t *d, const struct ref_attr *r, bool value)
{
	FUZZ_CHECK(payload_len(r) == 4);
	uint32_t raw = fuzz_rd32(payload(d, r));
	FUZZ_CHECK(raw <= 1);
	FUZZ_CHECK(value == (raw == 1));
}

static void check_idmap_field(const uint8_t *d, size_t size, const struct ref_attr *r, struct nsb_str text,
                              const struct nsb_idmap *map)
{
	if (r == NULL) {
		FUZZ_CHECK(str_is_zero(text) && map->count == 0);
		return;
	}
	check_text_view(d, r, text);
	FUZZ_CHECK(fuzz_inside(d, size, text.ptr, text.len));
	struct nsb_idmap ref;
	struct nsb_error err;
	FUZZ_CHECK(nsb_idmap_parse(text.ptr, text.len, &ref, &err) == NSB_OK);
	FUZZ_CHECK(ref.count == map->count && map->count >= 1 && map->count <= NSB_IDMAP_MAX_EXTENTS);
	FUZZ_CHECK(memcmp(ref.extents, map->extents, map->count * sizeof(map->extents[0])) == 0);
}

static void check_helper_field(const uint8_t *d, size_t size, const struct ref_attr *r, struct nsb_str s)
{
	if (r == NULL) {
		FUZZ_CHECK(str_is_zero(s));
		return;
	}
	check_text_view(d, r, s);
	FUZZ_CHECK(fuzz_inside(d, size, s.ptr, s.len + 1));
	FUZZ_CHECK(s.ptr[0] == '/');
}

static void check_mount_sources(const uint8_t *d, size_t size, const struct ref_attr *r,
                                const struct nsb_bootstrap *b)
{
	if (r == NULL) {
		FUZZ_CHECK(str_is_zero(b->mount_sources) && b->mount_source_count == 0);
		return;
	}
	/* Entries without the string's own NUL; the payload may hold NULs. */
	FUZZ_CHECK(payload_len(r) >= 1);
	FUZZ_CHECK(b->mount_sources.ptr == (const char *)payload(d, r));
	FUZZ_CHECK(b->mount_sources.len == payload_len(r) - 1);
	FUZZ_CHECK(b->mount_sources.ptr[b->mount_sources.len] == '\0');
	size_t count = 0;
	struct nsb_error err;
	FUZZ_CHECK(nsb_mount_sources_parse(b->mount_sources.ptr, b->mount_sources.len, &count, &err) ==
	           NSB_OK);
	FUZZ_CHECK(count == b->mount_source_count);
	size_t cursor = 0, seen = 0;
	struct nsb_str entry;
	while (nsb_mount_sources_next(b->mount_sources, &cursor, &entry)) {
		FUZZ_CHECK(seen < count);
		FUZZ_CHECK(fuzz_inside(b->mount_sources.ptr, b->mount_sources.len, entry.ptr, entry.len + 1));
		FUZZ_CHECK(entry.ptr[entry.len] == '\0');
		FUZZ_CHECK(memchr(entry.ptr, '\0', entry.len) == NULL);
		seen++;
	}
	FUZZ_CHECK(seen == count);
	FUZZ_CHECK(fuzz_inside(d, size, b->mount_sources.ptr, b->mount_sources.len));
}

static void check_accepted(const uint8_t *d, size_t size, const struct ref_walk *w, enum nsb_dialect dialect,
                           const struct nsb_bootstrap *b)
{
	struct nsb_error err;

	FUZZ_CHECK(b->dialect == dialect);
	FUZZ_CHECK(b->length == size && b->type == NSB_INIT_MSG);
	FUZZ_CHECK(b->flags == fuzz_rd16(d + 6) && b->seq == fuzz_rd32(d + 8) && b->pid == fuzz_rd32(d + 12));

	uint32_t want = 0;
	for (size_t i = 0; i < w->count; i++) {
		unsigned field = (unsigned)(w->attrs[i].type - ATTR_FIRST);
		if (w->attrs[i].type == NSB_ATTR_TIMENSOFFSET && dialect == NSB_DIALECT_RUNC_1_1)
			field = NSB_F_MOUNT_SOURCES;
		want |= 1u << field;
	}
	FUZZ_CHECK(b->present == want);

	const struct ref_attr *r = walk_get(w, NSB_ATTR_CLONE_FLAGS);
	FUZZ_CHECK(r != NULL && payload_len(r) == 4);
	FUZZ_CHECK(b->clone_flags == fuzz_rd32(payload(d, r)));
	FUZZ_CHECK((b->clone_flags & ~NSB_CLONE_NS_MASK) == 0);

	r = walk_get(w, NSB_ATTR_NS_PATHS);
	if (r == NULL) {
		FUZZ_CHECK(b->ns_paths.count == 0);
	} else {
		struct nsb_str text = {(const char *)payload(d, r), payload_len(r) - 1};
		struct nsb_ns_paths ref;
		FUZZ_CHECK(payload_len(r) >= 2 && text.ptr[text.len] == '\0');
		FUZZ_CHECK(nsb_nspaths_parse(text.ptr, text.len, &ref, &err) == NSB_OK);
		FUZZ_CHECK(ref.count == b->ns_paths.count && ref.count <= NSB_NS_COUNT);
		for (size_t i = 0; i < ref.count; i++) {
			const struct nsb_ns_path *p = &b->ns_paths.paths[i];
			FUZZ_CHECK(p->type == ref.paths[i].type);
			FUZZ_CHECK(p->path.ptr == ref.paths[i].path.ptr &&
			           p->path.len == ref.paths[i].path.len);
			FUZZ_CHECK(fuzz_inside(text.ptr, text.len, p->path.ptr, p->path.len));
			/* Created and joined at once is NS_CLONE_AND_JOIN. */
			FUZZ_CHECK((b->clone_flags & nsb_ns_type_flag(p->type)) == 0);
		}
	}

	check_idmap_field(d, size, walk_get(w, NSB_ATTR_UIDMAP), b->uid_map_text, &b->uid_map);
	check_idmap_field(d, size, walk_get(w, NSB_ATTR_GIDMAP), b->gid_map_text, &b->gid_map);
	if (NSB_HAS(b, NSB_F_UIDMAP) || NSB_HAS(b, NSB_F_GIDMAP))
		FUZZ_CHECK((b->clone_flags & 0x10000000u) != 0);

	r = walk_get(w, NSB_ATTR_SETGROUP);
	if (r == NULL)
		FUZZ_CHECK(!b->setgroup);
	else
		check_bool(d, r, b->setgroup);
	if (NSB_HAS(b, NSB_F_SETGROUP))
		FUZZ_CHECK(NSB_HAS(b, NSB_F_GIDMAP));

	r = walk_get(w, NSB_ATTR_OOM_SCORE_ADJ);
	if (r == NULL) {
		FUZZ_CHECK(b->oom_score_adj == 0);
	} else {
		int32_t oom = 0;
		FUZZ_CHECK(payload_len(r) >= 2);
		FUZZ_CHECK(nsb_oom_parse((const char *)payload(d, r), payload_len(r) - 1, &oom, &err) ==
		           NSB_OK);
		FUZZ_CHECK(oom == b->oom_score_adj && oom >= -1000 && oom <= 1000);
	}

	r = walk_get(w, NSB_ATTR_ROOTLESS_EUID);
	FUZZ_CHECK(r != NULL);
	check_bool(d, r, b->rootless_euid);

	check_helper_field(d, size, walk_get(w, NSB_ATTR_UIDMAPPATH), b->uid_map_helper);
	check_helper_field(d, size, walk_get(w, NSB_ATTR_GIDMAPPATH), b->gid_map_helper);
	if (NSB_HAS(b, NSB_F_UIDMAPPATH))
		FUZZ_CHECK(NSB_HAS(b, NSB_F_UIDMAP));
	if (NSB_HAS(b, NSB_F_GIDMAPPATH))
		FUZZ_CHECK(NSB_HAS(b, NSB_F_GIDMAP));

	r = walk_get(w, NSB_ATTR_TIMENSOFFSET);
	if (dialect == NSB_DIALECT_RUNC_1_1) {
		FUZZ_CHECK(str_is_zero(b->time_offsets_text) && b->time_offsets.count == 0);
		check_mount_sources(d, size, r, b);
	} else if (r == NULL) {
		FUZZ_CHECK(str_is_zero(b->time_offsets_text) && b->time_offsets.count == 0);
		FUZZ_CHECK(str_is_zero(b->mount_sources) && b->mount_source_count == 0);
	} else {
		struct nsb_time_offsets ref;
		check_text_view(d, r, b->time_offsets_text);
		FUZZ_CHECK(fuzz_inside(d, size, b->time_offsets_text.ptr, b->time_offsets_text.len));
		FUZZ_CHECK(nsb_timens_parse(b->time_offsets_text.ptr, b->time_offsets_text.len, &ref, &err) ==
		           NSB_OK);
		FUZZ_CHECK(ref.count == b->time_offsets.count && ref.count >= 1 &&
		           ref.count <= NSB_CLOCK_COUNT);
		for (size_t i = 0; i < ref.count; i++) {
			FUZZ_CHECK(ref.offsets[i].clock == b->time_offsets.offsets[i].clock);
			FUZZ_CHECK(ref.offsets[i].secs == b->time_offsets.offsets[i].secs);
			FUZZ_CHECK(ref.offsets[i].nsecs == b->time_offsets.offsets[i].nsecs);
		}
		FUZZ_CHECK((b->clone_flags & 0x80u) != 0);
		FUZZ_CHECK(str_is_zero(b->mount_sources) && b->mount_source_count == 0);
	}
}

/* ---- round trip (invariant 5) ---------------------------------------------- */

static bool str_same(struct nsb_str a, struct nsb_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void check_same_values(const struct nsb_bootstrap *a, const struct nsb_bootstrap *b, bool same_dialect)
{
	if (same_dialect)
		FUZZ_CHECK(a->dialect == b->dialect);
	FUZZ_CHECK(a->type == b->type && a->flags == b->flags && a->seq == b->seq && a->pid == b->pid);
	FUZZ_CHECK(a->present == b->present);
	FUZZ_CHECK(a->clone_flags == b->clone_flags);
	FUZZ_CHECK(a->ns_paths.count == b->ns_paths.count);
	for (size_t i = 0; i < a->ns_paths.count; i++) {
		FUZZ_CHECK(a->ns_paths.paths[i].type == b->ns_paths.paths[i].type);
		FUZZ_CHECK(str_same(a->ns_paths.paths[i].path, b->ns_paths.paths[i].path));
	}
	FUZZ_CHECK(a->uid_map.count == b->uid_map.count);
	FUZZ_CHECK(memcmp(a->uid_map.extents, b->uid_map.extents,
	                  a->uid_map.count * sizeof(a->uid_map.extents[0])) == 0);
	FUZZ_CHECK(a->gid_map.count == b->gid_map.count);
	FUZZ_CHECK(memcmp(a->gid_map.extents, b->gid_map.extents,
	                  a->gid_map.count * sizeof(a->gid_map.extents[0])) == 0);
	FUZZ_CHECK(a->setgroup == b->setgroup);
	FUZZ_CHECK(a->oom_score_adj == b->oom_score_adj);
	FUZZ_CHECK(a->rootless_euid == b->rootless_euid);
	FUZZ_CHECK(str_same(a->uid_map_helper, b->uid_map_helper));
	FUZZ_CHECK(str_same(a->gid_map_helper, b->gid_map_helper));
	FUZZ_CHECK(a->time_offsets.count == b->time_offsets.count);
	for (size_t i = 0; i < a->time_offsets.count; i++) {
		FUZZ_CHECK(a->time_offsets.offsets[i].clock == b->time_offsets.offsets[i].clock);
		FUZZ_CHECK(a->time_offsets.offsets[i].secs == b->time_offsets.offsets[i].secs);
		FUZZ_CHECK(a->time_offsets.offsets[i].nsecs == b->time_offsets.offsets[i].nsecs);
	}
	FUZZ_CHECK(str_same(a->mount_sources, b->mount_sources));
	FUZZ_CHECK(a->mount_source_count == b->mount_source_count);
}

static void check_round_trip(const struct nsb_bootstrap *b)
{
	struct nsb_decode_opts opts = {.dialect = b->dialect};
	struct nsb_bootstrap again;
	struct nsb_error err;
	size_t need = 0, got = 0;

	FUZZ_CHECK(nsb_encode(b, NULL, 0, &need, &err) == NSB_ERR_NO_SPACE);
	FUZZ_CHECK(need >= NSB_NLMSG_HDRLEN && need % 4 == 0);

	/* One byte short: refused, and nothing written past the buffer (ASan). */
	unsigned char *buf = malloc(need);
	FUZZ_CHECK(buf != NULL);
	FUZZ_CHECK(nsb_encode(b, buf, need - 1, &got, &err) == NSB_ERR_NO_SPACE && got == need);

	FUZZ_CHECK(nsb_encode(b, buf, need, &got, &err) == NSB_OK && got == need);
	FUZZ_CHECK(nsb_decode(buf, need, &opts, &again, &err) == NSB_OK);
	FUZZ_CHECK(again.length == need);
	check_same_values(b, &again, true);

	unsigned char *buf2 = malloc(need);
	FUZZ_CHECK(buf2 != NULL);
	FUZZ_CHECK(nsb_encode(&again, buf2, need, &got, &err) == NSB_OK && got == need);
	FUZZ_CHECK(memcmp(buf, buf2, need) == 0);
	free(buf2);
	free(buf);
}

/* ---- one decode, every invariant ------------------------------------------- */

struct outcome {
	enum nsb_err rc;
	struct nsb_error err;
	struct nsb_bootstrap b;
	bool walked;
	struct ref_walk walk;
};

static void check_payload_error(const struct ref_walk *w, const struct nsb_error *err)
{
	/* It belongs to an attribute that passed every framing rule. */
	const struct ref_attr *r = NULL;
	for (size_t i = 0; i < w->count; i++) {
		if (w->attrs[i].off == err->offset)
			r = &w->attrs[i];
	}
	FUZZ_CHECK(r != NULL);
	FUZZ_CHECK(err->attr == r->type);
	FUZZ_CHECK(err->pos <= payload_len(r));
}

static void decode_one(const uint8_t *d, size_t size, enum nsb_dialect dialect, uint32_t cap,
                       struct outcome *o)
{
	struct nsb_decode_opts opts = {.dialect = dialect, .max_len = cap};
	uint32_t eff_cap = cap == 0 ? NSB_DEFAULT_MAX_LEN : cap;

	memset(o, 0, sizeof(*o));
	o->rc = nsb_decode(d, size, &opts, &o->b, &o->err);

	if (o->rc != NSB_OK) {
		FUZZ_CHECK_CODE(fuzz_is_input_error(o->rc), o->rc);
		fuzz_check_named(o->rc);
		FUZZ_CHECK(o->err.code == o->rc);
		FUZZ_CHECK(o->err.offset <= size);
		FUZZ_CHECK(o->err.sys_errno == 0);
		FUZZ_CHECK(o->err.attr >= NSB_ATTR_NONE && o->err.attr <= 0xFFFF);
		FUZZ_CHECK(o->rc < NSB_ERR_CPULIST_SYNTAX || o->rc > NSB_ERR_CPULIST_TOO_HIGH);
		if (o->err.pos != 0)
			FUZZ_CHECK((uint64_t)o->err.offset + NSB_NLA_HDRLEN + o->err.pos <= size);
	}

	/* 1. Header. */
	uint32_t hoff = 0;
	enum nsb_err href = ref_header(d, size, eff_cap, &hoff);
	if (href != NSB_OK) {
		FUZZ_CHECK(o->rc == href);
		FUZZ_CHECK(o->err.offset == hoff && o->err.attr == NSB_ATTR_NONE && o->err.pos == 0);
		return;
	}
	FUZZ_CHECK(!is_header_error(o->rc));

	/* 2. Framing. */
	o->walked = true;
	ref_walk(d, (uint32_t)size, &o->walk);
	const struct ref_walk *w = &o->walk;
	if (is_framing_error(o->rc)) {
		FUZZ_CHECK(o->rc == w->code && o->err.offset == w->err_off && o->err.pos == 0);
		if (w->check_attr)
			FUZZ_CHECK(o->err.attr == w->err_attr);
		return;
	}
	bool after_walk = o->rc == NSB_OK || o->rc == NSB_ERR_ATTR_MISSING || is_cross_error(o->rc);
	if (!after_walk) {
		check_payload_error(w, &o->err);
		return;
	}
	FUZZ_CHECK(w->code == NSB_OK);

	/* 3. Required attributes, then the cross-attribute rules. */
	bool has_clone = walk_get(w, NSB_ATTR_CLONE_FLAGS) != NULL;
	bool has_rootless = walk_get(w, NSB_ATTR_ROOTLESS_EUID) != NULL;
	if (o->rc == NSB_ERR_ATTR_MISSING) {
		FUZZ_CHECK(!has_clone || !has_rootless);
		FUZZ_CHECK(o->err.offset == size && o->err.pos == 0);
		FUZZ_CHECK(o->err.attr == (has_clone ? NSB_ATTR_ROOTLESS_EUID : NSB_ATTR_CLONE_FLAGS));
		return;
	}
	FUZZ_CHECK(has_clone && has_rootless);
	struct ref_verdict v = ref_cross(d, w, dialect);
	FUZZ_CHECK(o->rc == v.code);
	if (o->rc != NSB_OK) {
		FUZZ_CHECK(o->err.offset == v.offset && o->err.attr == v.attr && o->err.pos == v.pos);
		return;
	}

	/* 4 and 5. */
	check_accepted(d, size, w, dialect, &o->b);
	check_round_trip(&o->b);
}

static bool has_attr_27290(const struct outcome *o)
{
	if (!o->walked)
		return false;
	if (walk_get(&o->walk, NSB_ATTR_TIMENSOFFSET) != NULL)
		return true;
	/* A framing error at a 27290 attribute is the same in both dialects. */
	return false;
}

/* The name tables, driven by the first input byte: cheap, and they are what
 * the CLI prints for every decode. */
static void check_names(const uint8_t *data, size_t size)
{
	unsigned v = size > 0 ? data[0] : 0;
	enum nsb_err code = (enum nsb_err)v;
	bool known = v < (unsigned)NSB_ERR__COUNT;
	FUZZ_CHECK((strcmp(nsb_error_name(code), "UNKNOWN") != 0) == known);
	FUZZ_CHECK(nsb_error_describe(code) != NULL);
	for (unsigned d = 0; d < 3; d++) {
		const char *name = nsb_dialect_name((enum nsb_dialect)d);
		enum nsb_dialect back;
		FUZZ_CHECK((name != NULL) == (d < 2));
		if (name != NULL)
			FUZZ_CHECK(nsb_dialect_from_name(name, &back) && back == (enum nsb_dialect)d);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct outcome o12, o11;
	uint32_t cap = 0;

	/* runc-1.2 with the default cap. */
	decode_one(data, size, NSB_DIALECT_RUNC_1_2, 0, &o12);

	/* 6. With a cap of exactly nlmsg_len nothing may change (checked through
	 * the runc-1.1 decode below); one byte less is MSG_TOO_BIG. */
	if (size >= NSB_NLMSG_HDRLEN) {
		uint32_t len = fuzz_rd32(data);
		if (len >= NSB_NLMSG_HDRLEN && len <= NSB_DEFAULT_MAX_LEN) {
			struct nsb_decode_opts tight = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = len - 1};
			struct nsb_bootstrap b;
			struct nsb_error err;
			FUZZ_CHECK(nsb_decode(data, size, &tight, &b, &err) == NSB_ERR_MSG_TOO_BIG);
			FUZZ_CHECK(err.offset == 0);
			cap = len;
		}
	}

	/* runc-1.1. */
	decode_one(data, size, NSB_DIALECT_RUNC_1_1, cap, &o11);

	check_names(data, size);

	/* Most mutations break nlmsg_len == size (or the type) and end at the
	 * header. A copy with both repaired goes through every check as well,
	 * so every input also reaches the attribute walk. */
	if (size >= NSB_NLMSG_HDRLEN && size <= NSB_DEFAULT_MAX_LEN &&
	    (fuzz_rd32(data) != size || fuzz_rd16(data + 4) != NSB_INIT_MSG)) {
		uint8_t *fixed = malloc(size); /* exact size, like the input */
		uint32_t len = (uint32_t)size;
		uint16_t type = NSB_INIT_MSG;
		FUZZ_CHECK(fixed != NULL);
		memcpy(fixed, data, size);
		memcpy(fixed, &len, sizeof(len));
		memcpy(fixed + 4, &type, sizeof(type));
		struct outcome f12, f11;
		decode_one(fixed, size, NSB_DIALECT_RUNC_1_2, 0, &f12);
		decode_one(fixed, size, NSB_DIALECT_RUNC_1_1, 0, &f11);
		free(fixed);
	}

	/* The liberal option (runc 1.1's own tests omit ROOTLESS_EUID) changes
	 * exactly one verdict: ROOTLESS_EUID missing. Then only the checks after
	 * it remain (cross-attribute rules), and absent means false. */
	{
		struct nsb_decode_opts liberal = {.dialect = NSB_DIALECT_RUNC_1_2,
		                                  .allow_missing_rootless_euid = true};
		struct nsb_bootstrap b;
		struct nsb_error err;
		enum nsb_err rc = nsb_decode(data, size, &liberal, &b, &err);
		if (o12.rc == NSB_ERR_ATTR_MISSING && o12.err.attr == NSB_ATTR_ROOTLESS_EUID) {
			FUZZ_CHECK(rc == NSB_OK || is_cross_error(rc));
			if (rc == NSB_OK)
				FUZZ_CHECK(!b.rootless_euid);
		} else {
			FUZZ_CHECK(rc == o12.rc && err.offset == o12.err.offset && err.attr == o12.err.attr &&
			           err.pos == o12.err.pos);
		}
	}

	/* NULL options and a NULL error report are allowed: same verdict. */
	{
		struct nsb_bootstrap b;
		FUZZ_CHECK(nsb_decode(data, size, NULL, &b, NULL) == o12.rc);
	}

	/* 7. Without attribute 27290 the dialect cannot matter. */
	if (!has_attr_27290(&o12)) {
		FUZZ_CHECK(o12.rc == o11.rc);
		FUZZ_CHECK(o12.err.offset == o11.err.offset && o12.err.attr == o11.err.attr &&
		           o12.err.pos == o11.err.pos);
		if (o12.rc == NSB_OK)
			check_same_values(&o12.b, &o11.b, false);
	}
	return 0;
}
