/* SPDX-License-Identifier: Apache-2.0 */
/*
 * json.c - the few cJSON helpers the CLI needs.
 *
 * cJSON stores numbers as double, which loses integers above 2^53; every
 * integer here is formatted by printf and inserted as raw JSON text instead.
 * cJSON copies string bytes >= 0x80 through unchanged, so strings taken from
 * a message are made valid UTF-8 first (cli_json_bytes).
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

bool cli_json_add_uint(cJSON *obj, const char *key, uint64_t value)
{
	char text[24];

	(void)snprintf(text, sizeof(text), "%" PRIu64, value);
	return cJSON_AddRawToObject(obj, key, text) != NULL;
}

bool cli_json_add_int(cJSON *obj, const char *key, int64_t value)
{
	char text[24];

	(void)snprintf(text, sizeof(text), "%" PRId64, value);
	return cJSON_AddRawToObject(obj, key, text) != NULL;
}

/*
 * Length of the well-formed UTF-8 sequence at @p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0 if there is none.
 * NUL counts as ill-formed here: a C string cannot carry it.
 */
static size_t utf8_len(const unsigned char *p, size_t left)
{
	static const struct {
		size_t len;
		uint32_t min;
		unsigned char lead_min, lead_max, lead_mask;
	} forms[] = {
	        {1, 0x0, 0x01, 0x7f, 0x7f},
	        {2, 0x80, 0xc2, 0xdf, 0x1f},
	        {3, 0x800, 0xe0, 0xef, 0x0f},
	        {4, 0x10000, 0xf0, 0xf4, 0x07},
	};

	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++) {
		if (p[0] < forms[f].lead_min || p[0] > forms[f].lead_max) {
			continue;
		}
		size_t n = forms[f].len;
		if (left < n) {
			return 0;
		}
		uint32_t cp = (uint32_t)(p[0] & forms[f].lead_mask);
		for (size_t i = 1; i < n; i++) {
			if ((p[i] & 0xc0u) != 0x80u) {
				return 0;
			}
			cp = (cp << 6) | (uint32_t)(p[i] & 0x3fu);
		}
		if (cp < forms[f].min || cp > 0x10ffffu || (cp >= 0xd800u && cp <= 0xdfffu)) {
			return 0;
		}
		return n;
	}
	return 0;
}

cJSON *cli_json_bytes(const char *p, size_t len)
{
	static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
	const unsigned char *s = (const unsigned char *)p;
	/* Worst case: every byte becomes the 3-byte replacement. */
	char *text = len <= (SIZE_MAX - 1) / 3 ? malloc(len * 3 + 1) : NULL;
	size_t o = 0;

	if (text == NULL) {
		return NULL;
	}
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(s + i, len - i);
		if (n == 0) {
			memcpy(text + o, replacement, 3);
			o += 3;
			i++;
		} else {
			memcpy(text + o, s + i, n);
			o += n;
			i += n;
		}
	}
	text[o] = '\0';
	cJSON *item = cJSON_CreateString(text);
	free(text);
	return item;
}

bool cli_json_add_bytes(cJSON *obj, const char *key, const char *p, size_t len)
{
	cJSON *item = cli_json_bytes(p, len);

	if (item == NULL) {
		return false;
	}
	if (!cJSON_AddItemToObject(obj, key, item)) {
		cJSON_Delete(item);
		return false;
	}
	return true;
}

bool cli_json_print(const cJSON *root)
{
	char *text = cJSON_PrintUnformatted(root);

	if (text == NULL) {
		return false;
	}
	(void)fputs(text, stdout);
	(void)fputc('\n', stdout);
	cJSON_free(text);
	return true;
}
