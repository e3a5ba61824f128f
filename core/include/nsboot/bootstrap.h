/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bootstrap.h - runc's netlink-framed bootstrap message: strict decoder,
 * fd reader and byte-compatible encoder.
 *
 * Wire layout (host byte order; see core/src/decode.c for the walk):
 *
 *   0               4       6       8               12              16
 *   +---------------+-------+-------+---------------+---------------+
 *   | nlmsg_len u32 | type  | flags | seq u32       | pid u32       |
 *   +---------------+-------+-------+---------------+---------------+
 *   | nla_len u16 | nla_type u16 | payload ... | pad to 4 | (repeat) |
 *   +-------------+--------------+-------------+----------+
 *
 * The decoder never allocates: struct nsb_bootstrap holds parsed values and
 * views (struct nsb_str) into the caller's buffer, which must outlive it.
 */
#ifndef NSBOOT_BOOTSTRAP_H
#define NSBOOT_BOOTSTRAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsboot/error.h"
#include "nsboot/export.h"
#include "nsboot/payload.h"

NSB_BEGIN_DECLS

#define NSB_NLMSG_HDRLEN  16u
#define NSB_NLA_HDRLEN    4u
#define NSB_INIT_MSG      62000u
#define NSB_NLM_F_REQUEST 1u
/* Default cap on nlmsg_len for decoding and reading: 1 MiB. */
#define NSB_DEFAULT_MAX_LEN (1024u * 1024u)
/* Longest string value that fits an attribute: 65535 - 4 header - 1 NUL. */
#define NSB_STRING_MAX 65530u

/* Attribute types as on the wire. 27290 means TIMENSOFFSET in runc-1.2 and
 * MOUNT_SOURCES in runc-1.1: the dialect decides. */
enum nsb_attr_type {
	NSB_ATTR_CLONE_FLAGS = 27281,
	NSB_ATTR_NS_PATHS = 27282,
	NSB_ATTR_UIDMAP = 27283,
	NSB_ATTR_GIDMAP = 27284,
	NSB_ATTR_SETGROUP = 27285,
	NSB_ATTR_OOM_SCORE_ADJ = 27286,
	NSB_ATTR_ROOTLESS_EUID = 27287,
	NSB_ATTR_UIDMAPPATH = 27288,
	NSB_ATTR_GIDMAPPATH = 27289,
	NSB_ATTR_TIMENSOFFSET = 27290,
	NSB_ATTR_MOUNT_SOURCES = 27290
};

enum nsb_dialect {
	NSB_DIALECT_RUNC_1_2 = 0, /* runc 1.2.0 .. main (default) */
	NSB_DIALECT_RUNC_1_1 = 1  /* runc 1.0 .. 1.1 (Debian bookworm: 1.1.5) */
};

/* nsb_dialect_name - "runc-1.2" / "runc-1.1"; NULL if out of range. */
NSB_API const char *nsb_dialect_name(enum nsb_dialect dialect);
/* nsb_dialect_from_name - parse "runc-1.2" / "runc-1.1". */
NSB_API bool nsb_dialect_from_name(const char *name, enum nsb_dialect *out);

/* Presence bits of struct nsb_bootstrap.present: one per meaning, so
 * TIMENSOFFSET and MOUNT_SOURCES have distinct bits. */
enum nsb_field {
	NSB_F_CLONE_FLAGS,
	NSB_F_NS_PATHS,
	NSB_F_UIDMAP,
	NSB_F_GIDMAP,
	NSB_F_SETGROUP,
	NSB_F_OOM_SCORE_ADJ,
	NSB_F_ROOTLESS_EUID,
	NSB_F_UIDMAPPATH,
	NSB_F_GIDMAPPATH,
	NSB_F_TIMENSOFFSET,
	NSB_F_MOUNT_SOURCES,
	NSB_F_COUNT
};

#define NSB_HAS(b, field) ((((b)->present) >> (unsigned)(field)) & 1u)
#define NSB_SET(b, field) ((b)->present |= (1u << (unsigned)(field)))

/*
 * struct nsb_bootstrap - one decoded bootstrap message.
 *
 * Fields of absent attributes are zero. *_text views are the exact payload
 * text without its NUL (what the executor writes to procfs); the parsed
 * values beside them are what the encoder reads.
 */
struct nsb_bootstrap {
	enum nsb_dialect dialect;
	/* header */
	uint32_t length;
	uint16_t type;
	uint16_t flags;
	uint32_t seq;
	uint32_t pid;

	uint32_t present; /* NSB_F_* bits */

	uint32_t clone_flags;
	struct nsb_ns_paths ns_paths;
	struct nsb_str uid_map_text;
	struct nsb_idmap uid_map;
	struct nsb_str gid_map_text;
	struct nsb_idmap gid_map;
	bool setgroup;
	int32_t oom_score_adj;
	bool rootless_euid;
	struct nsb_str uid_map_helper; /* NUL-terminated in the buffer */
	struct nsb_str gid_map_helper; /* NUL-terminated in the buffer */
	struct nsb_str time_offsets_text;
	struct nsb_time_offsets time_offsets;
	struct nsb_str mount_sources; /* entries, without the string's own NUL */
	size_t mount_source_count;
};

struct nsb_decode_opts {
	enum nsb_dialect dialect; /* default NSB_DIALECT_RUNC_1_2 */
	uint32_t max_len;         /* cap on nlmsg_len; 0 = NSB_DEFAULT_MAX_LEN */
	/* Liberal, off by default (strict: ROOTLESS_EUID absent is ATTR_MISSING).
	 * true: an absent ROOTLESS_EUID means false. runc's Go parent always
	 * sends it, but runc 1.1's own nsenter tests omit it; only the runc 1.1
	 * adapter (core/compat/runc-1.1) sets this. */
	bool allow_missing_rootless_euid;
};

/*
 * nsb_decode - decode and validate exactly one message.
 * @buf, @len: the whole message, nothing more (len must equal nlmsg_len).
 * @opts:      NULL for the defaults.
 * @out:       filled on success; contents unspecified on failure. Entries of
 *             uid_map / gid_map past their count are not written (a map of
 *             340 extents is 4 KiB; a typical message has one line).
 * @err:       may be NULL; on failure it says what, where and which attribute.
 *
 * Strict: every rule in README's table is checked before anything is
 * returned, so a caller acts on nothing until everything is valid.
 */
NSB_API enum nsb_err nsb_decode(const void *buf, size_t len, const struct nsb_decode_opts *opts,
                                struct nsb_bootstrap *out, struct nsb_error *err);

/* A read(2)-shaped function, so callers can route reads through a seam. */
typedef ssize_t (*nsb_read_fn)(void *ctx, int fd, void *buf, size_t count);

/* struct nsb_message - bytes of one message read from an fd (malloc'd). */
struct nsb_message {
	unsigned char *data;
	size_t len;
};

/*
 * nsb_read_message - read exactly one message from @fd.
 * Reads the 16-byte header, checks nlmsg_len against the cap (MSG_LEN_SMALL,
 * MSG_TOO_BIG) before allocating anything, then reads exactly the rest,
 * looping on short reads and EINTR, never past the message (the stream
 * carries more data afterwards). @read_fn NULL means read(2); @ctx is passed
 * to it. EOF before the end is NSB_ERR_EOF (err->offset = bytes received);
 * a failed read is NSB_ERR_IO with err->sys_errno. The message is not
 * decoded: call nsb_decode on msg->data. On failure msg is left empty.
 */
NSB_API enum nsb_err nsb_read_message(int fd, const struct nsb_decode_opts *opts, nsb_read_fn read_fn,
                                      void *ctx, struct nsb_message *msg, struct nsb_error *err);

/* nsb_message_free - release msg->data; safe on an empty message. */
NSB_API void nsb_message_free(struct nsb_message *msg);

/*
 * nsb_bootstrap_init - an empty bootstrap ready to fill for encoding:
 * dialect @dialect, type INIT_MSG, flags NLM_F_REQUEST, seq 1, pid 0, and the
 * two attributes runc always sends (CLONE_FLAGS 0, ROOTLESS_EUID false).
 */
NSB_API void nsb_bootstrap_init(struct nsb_bootstrap *b, enum nsb_dialect dialect);

/*
 * nsb_encode - the exact bytes runc's Go encoder emits for @in.
 * Reads the parsed values (never the *_text views), emits attributes present
 * in @in->present in runc's order: CLONE_FLAGS, NS_PATHS, UIDMAPPATH, UIDMAP,
 * GIDMAP, GIDMAPPATH, SETGROUP, OOM_SCORE_ADJ, ROOTLESS_EUID, TIMENSOFFSET |
 * MOUNT_SOURCES; header seq/flags/pid from @in.
 * @buf may be NULL with @cap 0 to learn the size: *out_len is always set to
 * the size needed, and NSB_ERR_NO_SPACE is returned when @cap is short.
 * Refuses a string over NSB_STRING_MAX (STRING_TOO_LONG) and anything the
 * decoder would reject (the output is decoded before success is returned).
 */
NSB_API enum nsb_err nsb_encode(const struct nsb_bootstrap *in, void *buf, size_t cap, size_t *out_len,
                                struct nsb_error *err);

NSB_END_DECLS

#endif /* NSBOOT_BOOTSTRAP_H */
