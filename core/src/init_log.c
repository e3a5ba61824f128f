/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_log.c - the executor's log lines and failure reports.
 *
 * Log writes are best effort (a failed or short write is dropped: there is
 * nowhere else to report it), one write(2) per line, each line at most
 * PIPE_BUF bytes so lines of concurrent stages never interleave.
 *
 * A failure is recorded once, with the text of the FATAL line:
 *   "<what>: <call>: <strerror(errno)>"    a system call failed
 *   "<what>: <ERROR_NAME>: <description>"  anything else
 * and logged by nsb_xfatal() when the stage ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "init_internal.h"

static void log_text(struct nsb_exec *ex, int level, const char *text, size_t len)
{
	char line[NSB_LOG_LINE_MAX];
	int saved = errno;
	long pid = (long)ex->sys->getpid(ex->sys->ctx); /* cannot fail: no call site */

	if (ex->logfd < 0) {
		/* No log pipe: only FATAL goes anywhere, to stderr, as runc does. */
		if (level == NSB_LOG_FATAL) {
			char stage[16] = "nsexec";
			if (ex->stage != NSB_LOG_STAGE_SETUP)
				(void)snprintf(stage, sizeof(stage), "nsexec-%d", ex->stage);
			/* The text is ex->fault.text (< 1024 bytes): the line fits; were it
			 * cut, strlen still gives what was written. */
			(void)snprintf(line, sizeof(line), "FATAL: %s[%ld]: %.*s\n", stage, pid, (int)len,
			               text);
			(void)NSB_CALL_K(ex, NSB_SITE_BEST_EFFORT, write, 2, line, strlen(line));
		}
		errno = saved;
		return;
	}
	/* Never 0 here: the levels are the executor's constants and the stage is
	 * setup, 0, 1 or 2, the only arguments nsb_log_format refuses. */
	size_t n = nsb_log_format(line, sizeof(line), level, ex->stage, pid, text, len);
	(void)NSB_CALL_K(ex, NSB_SITE_BEST_EFFORT, write, ex->logfd, line, n);
	errno = saved;
}

void nsb_xlog(struct nsb_exec *ex, int level, const char *fmt, ...)
{
	char text[NSB_LOG_LINE_MAX];
	va_list ap;
	int n;

	if (level > ex->loglevel)
		return;
	va_start(ap, fmt);
	/* clang-tidy 14 reports ap as uninitialized when it checks several files
	 * in one run: a false positive (as in tools/nsboot/util.c), ap is
	 * va_start'ed just above. */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	/* vsnprintf fails only on a wide-character conversion, which no format
	 * of the executor has. GCOVR_EXCL_START: DefensiveCoding */
	if (n < 0)
		return;
	/* GCOVR_EXCL_STOP: DefensiveCoding */
	log_text(ex, level, text, (size_t)n < sizeof(text) ? (size_t)n : sizeof(text) - 1);
}

/* Record the first failure only: later ones are consequences of it. */
static bool fault_is_new(struct nsb_exec *ex)
{
	return ex->fault.code == NSB_OK;
}

__attribute__((format(printf, 3, 0))) static void vrecord(struct nsb_exec *ex, enum nsb_err code,
                                                          const char *fmt, va_list ap)
{
	/* every caller va_starts ap: the same clang-tidy 14 false positive as above */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	int n = vsnprintf(ex->fault.text, sizeof(ex->fault.text), fmt, ap);
	size_t used = n < 0 ? 0 : (size_t)n;

	if (used >= sizeof(ex->fault.text))
		used = sizeof(ex->fault.text) - 1;
	ex->fault.code = code;
	if (code == NSB_ERR_SYSCALL)
		/* fault.call is never NULL with this code: see nsb_xfail_sys */
		(void)snprintf(ex->fault.text + used, sizeof(ex->fault.text) - used, ": %s: %s",
		               ex->fault.call, strerror(ex->fault.sys_errno));
	else
		(void)snprintf(ex->fault.text + used, sizeof(ex->fault.text) - used, ": %s: %s",
		               nsb_error_name(code), nsb_error_describe(code));
}

enum nsb_step nsb_xfail_sys(struct nsb_exec *ex, const char *fmt, ...)
{
	int e = errno;

	/* Only the first failure is recorded (fault_is_new); no op of the
	 * executor fails twice today, so the false side is not taken. */
	if (fault_is_new(ex)) { /* GCOVR_EXCL_BR_LINE: DefensiveCoding */
		va_list ap;
		/* Every caller reports a seam call that just failed, so last_site
		 * is set; "?" only stands in should one ever not.
		 * GCOVR_EXCL_BR_START: DefensiveCoding */
		ex->fault.call = ex->last_site != NULL ? ex->last_site->call : "?";
		/* GCOVR_EXCL_BR_STOP: DefensiveCoding */
		ex->fault.sys_errno = e;
		va_start(ap, fmt);
		vrecord(ex, NSB_ERR_SYSCALL, fmt, ap);
		va_end(ap);
	}
	return NSB_STEP_FAIL;
}

enum nsb_step nsb_xfail(struct nsb_exec *ex, enum nsb_err code, const char *fmt, ...)
{
	/* First failure only, as in nsb_xfail_sys. @code is never
	 * NSB_ERR_SYSCALL: a failed call is nsb_xfail_sys's, which names it. */
	if (fault_is_new(ex)) { /* GCOVR_EXCL_BR_LINE: DefensiveCoding */
		va_list ap;
		va_start(ap, fmt);
		vrecord(ex, code, fmt, ap);
		va_end(ap);
	}
	return NSB_STEP_FAIL;
}

/* A failure reported by a core function in a struct nsb_error (reader, decoder, plan). */
enum nsb_step nsb_xfail_err(struct nsb_exec *ex, const struct nsb_error *err, const char *what)
{
	if (err->code == NSB_ERR_IO) {
		/* the reader's read(2) failed: name the call like any other */
		errno = err->sys_errno;
		return nsb_xfail_sys(ex, "%s", what);
	}
	if (err->attr != NSB_ATTR_NONE)
		return nsb_xfail(ex, err->code, "%s: at offset %u, attribute %d, position %u", what,
		                 err->offset, err->attr, err->pos);
	return nsb_xfail(ex, err->code, "%s: at offset %u", what, err->offset);
}

void nsb_xfatal(struct nsb_exec *ex)
{
	if (NSB_LOG_FATAL > ex->loglevel)
		return;
	/* Every NSB_STEP_FAIL comes from nsb_xfail*(), which records a cause:
	 * this text only stands in should one ever not. GCOVR_EXCL_START: DefensiveCoding */
	if (ex->fault.code == NSB_OK)
		(void)snprintf(ex->fault.text, sizeof(ex->fault.text), "failed without a recorded cause");
	/* GCOVR_EXCL_STOP: DefensiveCoding */
	log_text(ex, NSB_LOG_FATAL, ex->fault.text, strlen(ex->fault.text));
}
