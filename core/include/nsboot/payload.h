/* SPDX-License-Identifier: Apache-2.0 */
/*
 * payload.h - parsers of the bootstrap's string payloads.
 *
 * Each parser takes the payload text WITHOUT its terminating NUL (the
 * attribute layer has already checked termination) as (text, len) and must
 * cope with any bytes at all, including NUL, because the fuzz targets call
 * them directly. On error they fill err->code and err->pos (position inside
 * the text); the decoder then sets err->offset and err->attr.
 * None of them allocates; results are views into @text or plain values.
 */
#ifndef NSBOOT_PAYLOAD_H
#define NSBOOT_PAYLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsboot/error.h"
#include "nsboot/export.h"

NSB_BEGIN_DECLS

/* A view into a caller's buffer: @len bytes at @ptr, not owned. */
struct nsb_str {
	const char *ptr;
	size_t len;
};

/* ---- namespaces --------------------------------------------------------- */

/* The eight namespace types, in runc's NS_PATHS emission order. */
enum nsb_ns_type {
	NSB_NS_USER,
	NSB_NS_IPC,
	NSB_NS_UTS,
	NSB_NS_NET,
	NSB_NS_PID,
	NSB_NS_MNT,
	NSB_NS_CGROUP,
	NSB_NS_TIME,
	NSB_NS_COUNT
};

/* Every CLONE_NEW* bit a bootstrap may carry. */
#define NSB_CLONE_NS_MASK 0x7E020080u

/* nsb_ns_type_name - short name as in NS_PATHS ("mnt"); NULL if out of range. */
NSB_API const char *nsb_ns_type_name(enum nsb_ns_type type);
/* nsb_ns_type_flag - the CLONE_NEW* flag of @type; 0 if out of range. */
NSB_API uint32_t nsb_ns_type_flag(enum nsb_ns_type type);
/* nsb_ns_type_from_name - exact match of one of the eight short names. */
NSB_API bool nsb_ns_type_from_name(const char *name, size_t len, enum nsb_ns_type *out);

/* Paths are shorter than PATH_MAX (4096) including their NUL. */
#define NSB_NS_PATH_MAX 4096u

struct nsb_ns_path {
	enum nsb_ns_type type;
	struct nsb_str path; /* view into the payload; NOT NUL-terminated */
};

struct nsb_ns_paths {
	size_t count;                           /* at most NSB_NS_COUNT */
	struct nsb_ns_path paths[NSB_NS_COUNT]; /* in message order */
};

/*
 * nsb_nspaths_parse - parse "type:path(,type:path)*".
 * Rules: no empty element; a ':' in every element; the type before the first
 * ':' is one of the eight names; the path after it is non-empty, absolute,
 * shorter than NSB_NS_PATH_MAX with its NUL, and contains no NUL; every type
 * at most once.
 */
NSB_API enum nsb_err nsb_nspaths_parse(const char *text, size_t len, struct nsb_ns_paths *out,
                                       struct nsb_error *err);

/* ---- UIDMAP / GIDMAP ----------------------------------------------------- */

#define NSB_IDMAP_MAX_EXTENTS 340u
/* Longest map text: the kernel takes a map in one write(2) of less than a
 * page (map_write(): count >= PAGE_SIZE is EINVAL; 4096 is the smallest page). */
#define NSB_IDMAP_TEXT_MAX 4095u

struct nsb_idmap_extent {
	uint32_t container_id;
	uint32_t host_id;
	uint32_t size;
};

struct nsb_idmap {
	size_t count; /* 1..NSB_IDMAP_MAX_EXTENTS after a successful parse */
	struct nsb_idmap_extent extents[NSB_IDMAP_MAX_EXTENTS]; /* [count..] unspecified */
};

/*
 * nsb_idmap_parse - parse lines "C H S\n": single spaces, unsigned decimal
 * u32 (no sign, no hex), size >= 1, neither range passes 2^32-1, no two
 * extents overlap on the container side nor on the host side, every line
 * newline-terminated, 1..340 lines, at most NSB_IDMAP_TEXT_MAX bytes
 * (IDMAP_TOO_LONG). These are the kernel's own rules, so a map that parses
 * is one the kernel accepts in one write(2). "Passes 2^32-1" is the
 * kernel's: the last id of a range must be below 2^32-1, which is (uid_t)-1
 * and never mappable, i.e. start + size <= 2^32-1.
 */
NSB_API enum nsb_err nsb_idmap_parse(const char *text, size_t len, struct nsb_idmap *out,
                                     struct nsb_error *err);

/*
 * nsb_idmap_format - canonical text ("%u %u %u\n" per extent) into @buf.
 * Returns the length the text needs (without NUL), like snprintf: the output
 * is complete and NUL-terminated only when the return value is < @cap.
 */
NSB_API size_t nsb_idmap_format(const struct nsb_idmap *map, char *buf, size_t cap);

/* ---- OOM_SCORE_ADJ ------------------------------------------------------- */

/* nsb_oom_parse - optional '-' then decimal digits, value in [-1000, 1000]. */
NSB_API enum nsb_err nsb_oom_parse(const char *text, size_t len, int32_t *out, struct nsb_error *err);

/* ---- TIMENSOFFSET (dialect runc-1.2) --------------------------------------- */

enum nsb_clock { NSB_CLOCK_MONOTONIC, NSB_CLOCK_BOOTTIME, NSB_CLOCK_COUNT };

/* nsb_clock_name - "monotonic" / "boottime"; NULL if out of range. */
NSB_API const char *nsb_clock_name(enum nsb_clock clock);

struct nsb_time_offset {
	enum nsb_clock clock;
	int64_t secs;
	uint32_t nsecs; /* 0..999999999 */
};

struct nsb_time_offsets {
	size_t count;                                    /* 1..NSB_CLOCK_COUNT after a successful parse */
	struct nsb_time_offset offsets[NSB_CLOCK_COUNT]; /* message order */
};

/*
 * nsb_timens_parse - lines "clock secs nsecs\n": clock monotonic|boottime at
 * most once each, secs signed 64-bit decimal (optional '-'), nsecs unsigned
 * decimal in [0, 999999999], single spaces, every line newline-terminated.
 */
NSB_API enum nsb_err nsb_timens_parse(const char *text, size_t len, struct nsb_time_offsets *out,
                                      struct nsb_error *err);

/* nsb_timens_format - canonical text, snprintf-style return as nsb_idmap_format. */
NSB_API size_t nsb_timens_format(const struct nsb_time_offsets *offs, char *buf, size_t cap);

/* ---- MOUNT_SOURCES (dialect runc-1.1) ------------------------------------ */

/*
 * nsb_mount_sources_parse - the payload of MOUNT_SOURCES without the string's
 * own NUL is a sequence of entries, each "<source>\0" (bind mount) or "\0"
 * (other mount). @len 0 means no mounts. Anything not ending in NUL is
 * MOUNT_SOURCES_SYNTAX. On success *count is the number of entries.
 */
NSB_API enum nsb_err nsb_mount_sources_parse(const char *text, size_t len, size_t *count,
                                             struct nsb_error *err);

/*
 * nsb_mount_sources_next - iterate the entries of a parsed payload.
 * @cursor starts at 0. Returns false at the end; otherwise sets *entry to the
 * next entry (len 0 for a non-bind mount; ptr is NUL-terminated).
 */
NSB_API bool nsb_mount_sources_next(struct nsb_str sources, size_t *cursor, struct nsb_str *entry);

NSB_END_DECLS

#endif /* NSBOOT_PAYLOAD_H */
