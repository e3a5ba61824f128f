/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nspaths.c - the NS_PATHS payload: "type:path(,type:path)*".
 *
 * Elements are split on ',' (a path never contains one). Within an element
 * the checks run in byte order, so the first problem reported is the
 * leftmost one: element start (empty, no ':', unknown type, duplicate type),
 * then the path start (empty, relative, too long), then an embedded NUL at
 * its own position.
 */
#include <string.h>

#include "internal.h"
#include "nsboot/payload.h"

/* check_path - the path of one element, @start..@start+@len within @text. */
static enum nsb_err check_path(const char *text, size_t start, size_t len, struct nsb_error *err)
{
	const char *nul;

	if (len == 0)
		return nsb_payload_fail(err, NSB_ERR_NSPATH_EMPTY_PATH, start);
	if (text[start] != '/')
		return nsb_payload_fail(err, NSB_ERR_NSPATH_RELATIVE, start);
	/* PATH_MAX counts the NUL: a path of NSB_NS_PATH_MAX - 1 bytes is the longest. */
	if (len >= NSB_NS_PATH_MAX)
		return nsb_payload_fail(err, NSB_ERR_NSPATH_TOO_LONG, start);
	nul = memchr(text + start, '\0', len);
	if (nul)
		return nsb_payload_fail(err, NSB_ERR_STRING_EMBEDDED_NUL, (size_t)(nul - text));
	return NSB_OK;
}

/* parse_element - one "type:path" at @start, @len bytes (no ','). */
static enum nsb_err parse_element(const char *text, size_t start, size_t len, struct nsb_ns_paths *out,
                                  uint32_t *seen, struct nsb_error *err)
{
	const char *colon;
	size_t type_len;
	enum nsb_ns_type type;
	enum nsb_err rc;

	if (len == 0)
		return nsb_payload_fail(err, NSB_ERR_NSPATH_EMPTY_ELEMENT, start);
	colon = memchr(text + start, ':', len);
	if (!colon)
		return nsb_payload_fail(err, NSB_ERR_NSPATH_NO_SEPARATOR, start);
	type_len = (size_t)(colon - (text + start));
	if (!nsb_ns_type_from_name(text + start, type_len, &type))
		return nsb_payload_fail(err, NSB_ERR_NSPATH_UNKNOWN_TYPE, start);
	if (*seen & (1u << (unsigned)type))
		return nsb_payload_fail(err, NSB_ERR_NSPATH_DUPLICATE_TYPE, start);
	rc = check_path(text, start + type_len + 1, len - type_len - 1, err);
	if (rc != NSB_OK)
		return rc;

	/* Eight distinct types at most, so count < NSB_NS_COUNT here. */
	*seen |= 1u << (unsigned)type;
	out->paths[out->count].type = type;
	out->paths[out->count].path.ptr = text + start + type_len + 1;
	out->paths[out->count].path.len = len - type_len - 1;
	out->count++;
	return NSB_OK;
}

enum nsb_err nsb_nspaths_parse(const char *text, size_t len, struct nsb_ns_paths *out, struct nsb_error *err)
{
	uint32_t seen = 0;
	size_t start = 0;

	if (!out || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	out->count = 0;
	/* "" is one empty element. Each pass handles the element at @start. */
	for (;;) {
		const char *comma = len > start ? memchr(text + start, ',', len - start) : NULL;
		size_t end = comma ? (size_t)(comma - text) : len;
		enum nsb_err rc = parse_element(text, start, end - start, out, &seen, err);

		if (rc != NSB_OK)
			return rc;
		if (!comma)
			break;
		start = end + 1;
	}
	return nsb_ok(err);
}
