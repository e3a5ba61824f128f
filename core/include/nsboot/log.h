/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.h - the log pipe's line format, exactly as runc's C side writes it:
 *
 *   {"level":"debug", "msg": "nsexec-1[4242]: unshare user namespace"}\n
 *
 * Levels are logrus's (0 panic .. 6 trace); the stage is "nsexec" in setup
 * and "nsexec-<n>" in stage n; the text is JSON-escaped: \\ \" \b \n \r \t
 * \f, other control bytes and DEL as \u00xx (lower-case hex), bytes >= 0x80
 * as they are. Runtimes (runc's Go side: logrus) forward these lines; tests
 * grep them.
 */
#ifndef NSBOOT_LOG_H
#define NSBOOT_LOG_H

#include <stdbool.h>
#include <stddef.h>

#include "nsboot/error.h"
#include "nsboot/export.h"

NSB_BEGIN_DECLS

enum nsb_log_level {
	NSB_LOG_PANIC,
	NSB_LOG_FATAL,
	NSB_LOG_ERROR,
	NSB_LOG_WARNING,
	NSB_LOG_INFO,
	NSB_LOG_DEBUG,
	NSB_LOG_TRACE,
	NSB_LOG_LEVEL_COUNT
};

/* Stage number of the setup step (before stage-0 exists), for nsb_log_format. */
#define NSB_LOG_STAGE_SETUP (-1)

/*
 * Size of a line buffer: PIPE_BUF, so that one line ('\n' included, at
 * most NSB_LOG_LINE_MAX - 1 bytes, the NUL after it in the buffer) is one
 * atomic write(2) even when all three stages share the pipe. A text whose
 * line would be longer is cut, between escapes, and ends in "..."; one
 * whose line fits is never cut.
 */
#define NSB_LOG_LINE_MAX 4096u

/* nsb_log_level_name - "panic" .. "trace"; NULL if out of range. */
NSB_API const char *nsb_log_level_name(int level);

/* nsb_log_level_from_name - exact, length-checked match of a level name. */
NSB_API bool nsb_log_level_from_name(const char *name, size_t len, int *out);

/*
 * nsb_log_format - one log line with its '\n' into @buf.
 * @stage: NSB_LOG_STAGE_SETUP or 0..2; @text: @text_len bytes, any bytes.
 * @cap must be at least NSB_LOG_LINE_MAX; the line is NUL-terminated.
 * Returns the line's length (< NSB_LOG_LINE_MAX), or 0 if @cap is too
 * small or @level/@stage are out of range.
 */
NSB_API size_t nsb_log_format(char *buf, size_t cap, int level, int stage, long pid, const char *text,
                              size_t text_len);

/*
 * nsb_log_parse - read back one line (without its '\n') in exactly that
 * format: sets *level and the unescaped "<stage>[<pid>]: <text>" message
 * into @msg (NUL-terminated; @cap >= @len + 1 always suffices).
 * Anything else is NSB_ERR_JSON_SYNTAX with err->pos at the start of the
 * token (key, literal, escape or number) where the line stops matching.
 * A \u0000 escape puts a NUL byte into @msg: *msg_len, not strlen, is the
 * message's length.
 */
NSB_API enum nsb_err nsb_log_parse(const char *line, size_t len, int *level, char *msg, size_t cap,
                                   size_t *msg_len, struct nsb_error *err);

NSB_END_DECLS

#endif /* NSBOOT_LOG_H */
