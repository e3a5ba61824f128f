/* SPDX-License-Identifier: Apache-2.0 */
/* tap.c - TAP lines, NSB_MUST_WORK and the summary (see tap.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

/* put_line - @text with every newline turned into "\n# " so a diagnostic cannot forge a TAP line. */
static void put_diag_text(const char *text)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == '\n') {
			(void)fputs("\n#   ", stdout);
		} else {
			(void)fputc(*p, stdout);
		}
	}
}

__attribute__((format(printf, 2, 0))) static void vdiag(const char *prefix, const char *fmt, va_list ap)
{
	char buf[4096];

	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	(void)fputs(prefix, stdout);
	put_diag_text(buf);
	(void)fputc('\n', stdout);
}

void tap_init(struct tap *t)
{
	const char *mw = getenv("NSB_MUST_WORK");

	memset(t, 0, sizeof(*t));
	t->must_work = mw != NULL && strcmp(mw, "1") == 0;
	/* Line-buffered even into a pipe or a serial console: a hang shows where it hung. */
	(void)setvbuf(stdout, NULL, _IOLBF, 0);
	(void)printf("TAP version 13\n");
}

bool tap_check(struct tap *t, bool ok, const char *name, const char *diag_fmt, ...)
{
	va_list ap;

	t->n++;
	if (ok) {
		t->passed++;
		(void)printf("ok %u - %s\n", t->n, name);
	} else {
		t->failed++;
		(void)printf("not ok %u - %s\n", t->n, name);
		if (diag_fmt != NULL) {
			va_start(ap, diag_fmt);
			vdiag("#   ", diag_fmt, ap);
			va_end(ap);
		}
	}
	(void)fflush(stdout);
	return ok;
}

void tap_diag(struct tap *t, const char *fmt, ...)
{
	va_list ap;

	(void)t;
	va_start(ap, fmt);
	vdiag("# ", fmt, ap);
	va_end(ap);
	(void)fflush(stdout);
}

void tap_skip(struct tap *t, const char *name, bool supported, const char *reason_fmt, ...)
{
	char reason[2048];
	va_list ap;

	va_start(ap, reason_fmt);
	(void)vsnprintf(reason, sizeof(reason), reason_fmt, ap);
	va_end(ap);
	t->n++;
	if (supported && t->must_work) {
		t->failed++;
		(void)printf("not ok %u - %s\n#   NSB_MUST_WORK=1 forbids this skip: ", t->n, name);
		put_diag_text(reason);
		(void)fputc('\n', stdout);
	} else {
		t->skipped++;
		(void)printf("ok %u - %s # SKIP ", t->n, name);
		put_diag_text(reason);
		(void)fputc('\n', stdout);
	}
	(void)fflush(stdout);
}

int tap_finish(struct tap *t)
{
	(void)printf("1..%u\n", t->n);
	(void)printf("integration: %u passed, %u failed, %u skipped\n", t->passed, t->failed, t->skipped);
	(void)fflush(stdout);
	return t->failed == 0 ? 0 : 1;
}
