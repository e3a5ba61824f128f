/* SPDX-License-Identifier: Apache-2.0 */
/*
 * parent_json.c - the one JSON line stage-0 writes to the init pipe:
 * {"stage1_pid":N,"stage2_pid":M}. Exactly this shape, which is what
 * runc's C side and nsboot's stage-0 write; anything else is refused.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "nsboot/parent.h"

static bool take(const char *s, size_t len, size_t *i, const char *lit)
{
	size_t n = strlen(lit);
	if (len - *i < n || memcmp(s + *i, lit, n) != 0)
		return false;
	*i += n;
	return true;
}

/* A canonical decimal in [1, INT32_MAX]: no sign, no leading zero. */
static bool take_pid(const char *s, size_t len, size_t *i, pid_t *out)
{
	int64_t v = 0;
	size_t start = *i;

	if (*i >= len || s[*i] < '1' || s[*i] > '9')
		return false;
	while (*i < len && s[*i] >= '0' && s[*i] <= '9') {
		v = v * 10 + (s[*i] - '0');
		if (v > INT32_MAX) {
			*i = start;
			return false;
		}
		(*i)++;
	}
	*out = (pid_t)v;
	return true;
}

enum nsb_err nsb_parse_pid_json(const char *line, size_t len, pid_t *stage1, pid_t *stage2,
                                struct nsb_error *err)
{
	size_t i = 0;

	if (line == NULL || stage1 == NULL || stage2 == NULL)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	if (!take(line, len, &i, "{\"stage1_pid\":") || !take_pid(line, len, &i, stage1) ||
	    !take(line, len, &i, ",\"stage2_pid\":") || !take_pid(line, len, &i, stage2) ||
	    !take(line, len, &i, "}") || i != len)
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i));
	return nsb_ok(err);
}
