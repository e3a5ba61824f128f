/* SPDX-License-Identifier: Apache-2.0 */
/*
 * mount_sources.c - the MOUNT_SOURCES payload of dialect runc-1.1.
 *
 * runc 1.1 sends, for each mount of the config, "<source>\0" for a bind
 * mount and "\0" for any other mount, then the string's own NUL. The text
 * handed to these functions is the payload without that last NUL, so it is
 * either empty (no mounts) or a run of NUL-terminated entries.
 */
#include <string.h>

#include "internal.h"
#include "nsboot/payload.h"

enum nsb_err nsb_mount_sources_parse(const char *text, size_t len, size_t *count, struct nsb_error *err)
{
	size_t n = 0;

	if (!count || (!text && len > 0))
		return nsb_payload_fail(err, NSB_ERR_INVALID_ARGUMENT, 0);
	/* Every entry ends in NUL, so the text does too, unless it is empty;
	 * the missing terminator is at position len. */
	if (len > 0 && text[len - 1] != '\0')
		return nsb_payload_fail(err, NSB_ERR_MOUNT_SOURCES_SYNTAX, len);
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\0';
	*count = n;
	return nsb_ok(err);
}

bool nsb_mount_sources_next(struct nsb_str sources, size_t *cursor, struct nsb_str *entry)
{
	const char *nul;
	size_t at;

	if (!cursor || !entry || !sources.ptr || *cursor >= sources.len)
		return false;
	at = *cursor;
	nul = memchr(sources.ptr + at, '\0', sources.len - at);
	/* Only an unparsed, malformed payload has an unterminated tail: stop. */
	if (!nul)
		return false;
	entry->ptr = sources.ptr + at;
	entry->len = (size_t)(nul - entry->ptr);
	*cursor = at + entry->len + 1;
	return true;
}
