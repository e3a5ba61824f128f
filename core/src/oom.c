/* SPDX-License-Identifier: Apache-2.0 */
/*
 * oom.c - the OOM_SCORE_ADJ payload: optional '-', decimal digits, in
 * [-1000, 1000] (OOM_SCORE_ADJ_MIN/MAX of the kernel).
 *
 * Stricter than the kernel's kstrtoint (no '+', no trailing newline): runc
 * emits strconv.Itoa. Leading zeros and "-0", which Itoa never writes, are
 * accepted as the kernel accepts them: the value is exact, and re-encoding
 * gives Itoa's form.
 * Positions: OOM_SYNTAX at the unexpected byte (0 for the empty text),
 * OOM_RANGE at 0 (the number as a whole is out of range).
 */
#include "cursor.h"
#include "internal.h"
#include "nsboot/payload.h"

#define OOM_SCORE_ADJ_MAX 1000

enum nsb_err nsb_oom_parse(const char *text, size_t len, int32_t *out, struct nsb_error *err)
{
	struct nsb_cur c = nsb_cur_init(text, len);
	int64_t v = 0;

	if (!out || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	switch (nsb_cur_i64(&c, &v)) {
	case NSB_NUM_OK:
		break;
	case NSB_NUM_RANGE:
		return nsb_payload_fail(err, NSB_ERR_OOM_RANGE, 0);
	case NSB_NUM_NONE:
	default:
		return nsb_payload_fail(err, NSB_ERR_OOM_SYNTAX, c.pos);
	}
	if (!nsb_cur_eof(&c))
		return nsb_payload_fail(err, NSB_ERR_OOM_SYNTAX, c.pos);
	if (v < -OOM_SCORE_ADJ_MAX || v > OOM_SCORE_ADJ_MAX)
		return nsb_payload_fail(err, NSB_ERR_OOM_RANGE, 0);
	*out = (int32_t)v;
	return nsb_ok(err);
}
