/* SPDX-License-Identifier: Apache-2.0 */
/*
 * error.h - the one error enum of nsboot.
 *
 * Every failure anywhere in core is one of these codes. 0 is success.
 * Malformed input (NSB_ERR_* of the wire, payload and cross-attribute
 * groups) is kept apart from resource and system failures (IO, NOMEM,
 * NO_SPACE), so a caller can tell "the runtime sent garbage" from "the
 * machine is in trouble".
 *
 * The list is an X-macro so that the enum, the stable names ("ATTR_OVERRUN")
 * and the one-line descriptions can never drift apart. Names are part of the
 * CLI's JSON output and are stable: append new codes, never renumber.
 */
#ifndef NSBOOT_ERROR_H
#define NSBOOT_ERROR_H

#include <stdint.h>

#include "nsboot/export.h"

NSB_BEGIN_DECLS

/* X(NAME, "description") */
#define NSB_ERROR_LIST(X)                                                        \
	X(OK, "success")                                                         \
	/* netlink header (offset 0..15) */                                      \
	X(SHORT_HEADER, "fewer than 16 bytes: no room for the netlink header")   \
	X(MSG_LEN_SMALL, "nlmsg_len is smaller than the 16-byte header")         \
	X(MSG_TOO_BIG, "nlmsg_len exceeds the configured cap")                   \
	X(TRUNCATED, "the buffer is shorter than nlmsg_len")                     \
	X(TRAILING_DATA, "the buffer is longer than nlmsg_len")                  \
	X(BAD_MSG_TYPE, "nlmsg_type is not INIT_MSG (62000)")                    \
	/* attribute framing */                                                  \
	X(ATTR_HEADER_SHORT, "fewer than 4 bytes left for an attribute header")  \
	X(ATTR_LEN_SMALL, "nla_len is smaller than the 4-byte attribute header") \
	X(ATTR_OVERRUN, "nla_len runs past the end of the message")              \
	X(PADDING_MISSING, "attribute padding runs past the end of the message") \
	X(PADDING_NONZERO, "attribute padding bytes are not zero")               \
	X(ATTR_UNKNOWN, "unknown attribute type")                                \
	X(ATTR_DUPLICATE, "attribute appears more than once")                    \
	X(ATTR_MISSING, "a required attribute is absent")                        \
	/* payload shapes */                                                     \
	X(PAYLOAD_SIZE, "fixed-size payload has the wrong size")                 \
	X(BOOL_VALUE, "bool payload is neither 0 nor 1")                         \
	X(CLONE_FLAGS, "clone flags outside the namespace mask 0x7E020080")      \
	X(STRING_EMPTY, "string payload is empty")                               \
	X(STRING_UNTERMINATED, "string payload is not NUL-terminated")           \
	X(STRING_EMBEDDED_NUL, "string payload contains a NUL before its end")   \
	X(STRING_TOO_LONG, "string longer than 65530 bytes cannot be encoded")   \
	/* NS_PATHS */                                                           \
	X(NSPATH_EMPTY_ELEMENT, "empty element in the namespace path list")      \
	X(NSPATH_NO_SEPARATOR, "namespace path element has no ':'")              \
	X(NSPATH_UNKNOWN_TYPE, "unknown namespace type")                         \
	X(NSPATH_EMPTY_PATH, "namespace path is empty")                          \
	X(NSPATH_RELATIVE, "namespace path is not absolute")                     \
	X(NSPATH_TOO_LONG, "namespace path is not shorter than PATH_MAX")        \
	X(NSPATH_DUPLICATE_TYPE, "namespace type listed more than once")         \
	/* UIDMAP / GIDMAP */                                                    \
	X(IDMAP_SYNTAX, "id map line is not 'C H S' in unsigned decimal")        \
	X(IDMAP_NUMBER_RANGE, "id map number does not fit in 32 bits")           \
	X(IDMAP_UNTERMINATED, "id map line is not newline-terminated")           \
	X(IDMAP_TOO_MANY_LINES, "id map has more than 340 lines")                \
	X(IDMAP_ZERO_SIZE, "id map extent has size 0")                           \
	X(IDMAP_RANGE_WRAP, "id map range passes 2^32-1")                        \
	X(IDMAP_OVERLAP, "id map extents overlap")                               \
	/* OOM_SCORE_ADJ */                                                      \
	X(OOM_SYNTAX, "oom_score_adj is not a decimal integer")                  \
	X(OOM_RANGE, "oom_score_adj is outside [-1000, 1000]")                   \
	/* TIMENSOFFSET */                                                       \
	X(TIMENS_SYNTAX, "time offset line is not 'clock secs nsecs'")           \
	X(TIMENS_CLOCK, "unknown clock (monotonic or boottime)")                 \
	X(TIMENS_DUPLICATE_CLOCK, "clock given more than once")                  \
	X(TIMENS_SECS_RANGE, "seconds do not fit in a signed 64-bit integer")    \
	X(TIMENS_NSECS_RANGE, "nanoseconds outside [0, 999999999]")              \
	X(TIMENS_UNTERMINATED, "time offset line is not newline-terminated")     \
	/* helper paths, mount sources */                                        \
	X(HELPER_PATH_RELATIVE, "id map helper path is not absolute")            \
	X(MOUNT_SOURCES_SYNTAX, "mount sources are not NUL-terminated entries")  \
	/* across attributes */                                                  \
	X(NS_CLONE_AND_JOIN, "namespace both created and joined")                \
	X(IDMAP_WITHOUT_NEWUSER, "id map without CLONE_NEWUSER")                 \
	X(SETGROUP_WITHOUT_GIDMAP, "SETGROUP without GIDMAP")                    \
	X(HELPER_WITHOUT_MAP, "id map helper without its map")                   \
	X(TIMENS_WITHOUT_NEWTIME, "time offsets without CLONE_NEWTIME")          \
	/* CPU lists (runtime-spec execCPUAffinity) */                           \
	X(CPULIST_SYNTAX, "CPU list element is not N or N-M")                    \
	X(CPULIST_EMPTY, "CPU list has no CPU but is not empty")                 \
	X(CPULIST_REVERSED, "CPU range N-M with N > M")                          \
	X(CPULIST_TOO_HIGH, "CPU number above 65535")                            \
	/* resources and the system */                                           \
	X(INVALID_ARGUMENT, "invalid argument to an nsboot function")            \
	X(NO_SPACE, "output buffer too small")                                   \
	X(NOMEM, "out of memory")                                                \
	X(IO, "read or write failed")                                            \
	X(EOF, "end of file before the message was complete")                    \
	/* the executor (stages, sync protocol) and the parent side */           \
	X(SYNC_UNEXPECTED, "a stage sent a sync value the plan does not allow")  \
	X(SYNC_SHORT, "a sync socket closed or was cut short mid-protocol")      \
	X(NS_NOT_NSFS, "the namespace path is not a namespace file")             \
	X(NS_TYPE_MISMATCH, "the namespace file is of another type")             \
	X(ENV_INVALID, "an environment integer is not decimal in [0, INT_MAX]")  \
	X(SYSCALL, "a system call failed (the call and errno are recorded)")     \
	X(HELPER_FAILED, "the id map helper did not exit with status 0")         \
	X(UNSUPPORTED, "the bootstrap asks for something nsboot does not do")    \
	X(JSON_SYNTAX, "a pid or log line from init is not the expected JSON")   \
	X(STAGE_FAILED, "a stage process exited with a failure status")          \
	/* UIDMAP / GIDMAP, continued */                                         \
	X(IDMAP_TOO_LONG, "id map text is not shorter than one page (4096)")     \
	/* runc 1.1 mount sources (MOUNT_SOURCES, _LIBCONTAINER_MOUNT_FDS) */    \
	X(MOUNT_FDS_INVALID, "mount fd numbers do not match the mount sources")  \
	X(MOUNT_FD_MESSAGE, "a mount source message is not 1 byte with 1 fd")    \
	/* the hostile-container defences */                                     \
	X(NOT_RELEASED, "stage-2 was not released by a live runtime")            \
	/* the parent side (parent.h) */                                         \
	X(PID_NOT_CHILD, "the pid line names a process that is not a new child") \
	X(TIMEOUT, "the setup did not finish within the time allowed")           \
	X(CANCELED, "the caller gave up on the run before the release")

enum nsb_err {
#define NSB_X_ENUM(name, desc) NSB_ERR_##name,
	NSB_ERROR_LIST(NSB_X_ENUM)
#undef NSB_X_ENUM
	        NSB_ERR__COUNT
};

/* NSB_OK is NSB_ERR_OK, spelled as callers expect. */
#define NSB_OK NSB_ERR_OK

/* No attribute is involved in the error (header problems, I/O, ...). */
#define NSB_ATTR_NONE (-1)

/*
 * struct nsb_error - where and why something was rejected.
 * @code:      the error.
 * @offset:    byte offset in the message where the problem starts; for a
 *             payload problem, the offset of its attribute's header.
 * @attr:      the attribute type as on the wire (e.g. 27282), or NSB_ATTR_NONE.
 * @pos:       for payload problems, the position inside the payload string
 *             where the problem starts; 0 otherwise.
 * @sys_errno: errno for NSB_ERR_IO, 0 otherwise.
 */
struct nsb_error {
	enum nsb_err code;
	uint32_t offset;
	int32_t attr;
	uint32_t pos;
	int sys_errno;
};

/* nsb_error_name - stable upper-case name ("ATTR_OVERRUN"); "UNKNOWN" if out of range. */
NSB_API const char *nsb_error_name(enum nsb_err code);

/* nsb_error_describe - one-line English description of @code. */
NSB_API const char *nsb_error_describe(enum nsb_err code);

NSB_END_DECLS

#endif /* NSBOOT_ERROR_H */
