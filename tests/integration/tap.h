/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tap.h - TAP output of the privileged integration suite.
 *
 * Every test ends in exactly one of pass, fail or skip. A skip names its
 * reason and says whether this machine supports what the test needs:
 * with NSB_MUST_WORK=1 (set in CI) a skip of something the machine supports
 * (e.g. "needs root" when the machine has root) is reported as a failure,
 * while a skip for something it lacks (no cpuset on cgroup v2 here) stays a
 * skip. The last line is "integration: P passed, F failed, S skipped".
 */
#ifndef NSB_INTEGRATION_TAP_H
#define NSB_INTEGRATION_TAP_H

#include <stdbool.h>

struct tap {
	unsigned n, passed, failed, skipped;
	bool must_work;
};

/* tap_init - print the TAP header; reads NSB_MUST_WORK. */
void tap_init(struct tap *t);

/* tap_check - pass if @ok, else fail with the diagnostic (printf-style, may be NULL). */
bool tap_check(struct tap *t, bool ok, const char *name, const char *diag_fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* tap_diag - a "# ..." line (no test). */
void tap_diag(struct tap *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * tap_skip - skip @name because of @reason. @supported: the machine has what
 * the test needs and only this run cannot use it, which NSB_MUST_WORK=1
 * turns into a failure.
 */
void tap_skip(struct tap *t, const char *name, bool supported, const char *reason_fmt, ...)
        __attribute__((format(printf, 4, 5)));

/* tap_finish - the plan and the summary line; returns the exit status (0: no failure). */
int tap_finish(struct tap *t);

#endif
