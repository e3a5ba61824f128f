/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - format and parse the log pipe's JSON lines (see log.h). Pure.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "internal.h"
#include "nsboot/log.h"

static const char *const level_names[NSB_LOG_LEVEL_COUNT] = {
        "panic", "fatal", "error", "warning", "info", "debug", "trace",
};

static const char line_head[] = "{\"level\":\"";
static const char line_mid[] = "\", \"msg\": \"";
static const char line_tail[] = "\"}\n";
static const char cut_mark[] = "...";

const char *nsb_log_level_name(int level)
{
	return level >= 0 && level < NSB_LOG_LEVEL_COUNT ? level_names[level] : NULL;
}

bool nsb_log_level_from_name(const char *name, size_t len, int *out)
{
	if (name == NULL || out == NULL)
		return false;
	for (int i = 0; i < NSB_LOG_LEVEL_COUNT; i++) {
		if (strlen(level_names[i]) == len && memcmp(level_names[i], name, len) == 0) {
			*out = i;
			return true;
		}
	}
	return false;
}

/* The escaped form of one byte into @e (at most 6 bytes); returns its length. */
static size_t escape_byte(unsigned char c, char e[6])
{
	static const char hex[] = "0123456789abcdef";
	static const char simple[][2] = {{'\\', '\\'}, {'"', '"'},  {'\b', 'b'}, {'\n', 'n'},
	                                 {'\r', 'r'},  {'\t', 't'}, {'\f', 'f'}};

	for (size_t i = 0; i < sizeof(simple) / sizeof(simple[0]); i++) {
		if ((unsigned char)simple[i][0] == c) {
			e[0] = '\\';
			e[1] = simple[i][1];
			return 2;
		}
	}
	if (c < 0x20 || c == 0x7f) {
		e[0] = '\\';
		e[1] = 'u';
		e[2] = '0';
		e[3] = '0';
		e[4] = hex[c >> 4];
		e[5] = hex[c & 0x0f];
		return 6;
	}
	e[0] = (char)c;
	return 1;
}

/* escaped_len - the escaped length of @text, or a number above @room as
 * soon as it exceeds @room (the caller only asks whether it fits). */
static size_t escaped_len(const char *text, size_t text_len, size_t room)
{
	size_t n = 0;
	for (size_t i = 0; i < text_len && n <= room; i++) {
		char e[6];
		n += escape_byte((unsigned char)text[i], e);
	}
	return n;
}

size_t nsb_log_format(char *buf, size_t cap, int level, int stage, long pid, const char *text,
                      size_t text_len)
{
	struct nsb_out o = {buf, cap, 0};
	const char *name = nsb_log_level_name(level);
	size_t limit;

	if (buf == NULL || cap < NSB_LOG_LINE_MAX || name == NULL || stage < NSB_LOG_STAGE_SETUP ||
	    stage > 2 || (text == NULL && text_len > 0))
		return 0;
	nsb_out_put(&o, line_head, sizeof(line_head) - 1);
	nsb_out_put(&o, name, strlen(name));
	nsb_out_put(&o, line_mid, sizeof(line_mid) - 1);
	nsb_out_put(&o, "nsexec", 6);
	if (stage != NSB_LOG_STAGE_SETUP) {
		nsb_out_char(&o, '-');
		nsb_out_char(&o, (char)('0' + stage));
	}
	nsb_out_char(&o, '[');
	nsb_out_i64(&o, pid);
	nsb_out_put(&o, "]: ", 3);
	/* Room for the text: the line minus its tail and its NUL; and when the
	 * whole text does not fit, minus the cut mark too (a cut never splits
	 * an escape). */
	limit = NSB_LOG_LINE_MAX - 1 - (sizeof(line_tail) - 1);
	if (escaped_len(text, text_len, limit - o.len) > limit - o.len)
		limit -= sizeof(cut_mark) - 1;
	for (size_t i = 0; i < text_len; i++) {
		char e[6];
		size_t n = escape_byte((unsigned char)text[i], e);
		if (o.len + n > limit) {
			nsb_out_put(&o, cut_mark, sizeof(cut_mark) - 1);
			break;
		}
		nsb_out_put(&o, e, n);
	}
	nsb_out_put(&o, line_tail, sizeof(line_tail) - 1);
	return nsb_out_end(&o);
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* \uXXXX at @p (after the 'u'): the code point, or -1. */
static long parse_u4(const char *p, size_t left)
{
	long v = 0;

	if (left < 4)
		return -1;
	for (size_t i = 0; i < 4; i++) {
		int h = hex_value(p[i]);
		if (h < 0)
			return -1;
		v = v * 16 + h;
	}
	return v;
}

static void put_utf8(struct nsb_out *o, long cp)
{
	if (cp < 0x80) {
		nsb_out_char(o, (char)cp);
	} else if (cp < 0x800) {
		nsb_out_char(o, (char)(0xc0 | (cp >> 6)));
		nsb_out_char(o, (char)(0x80 | (cp & 0x3f)));
	} else {
		nsb_out_char(o, (char)(0xe0 | (cp >> 12)));
		nsb_out_char(o, (char)(0x80 | ((cp >> 6) & 0x3f)));
		nsb_out_char(o, (char)(0x80 | (cp & 0x3f)));
	}
}

/* Unescape the JSON string body starting at line[*i] up to its closing quote. */
static bool unescape(const char *line, size_t len, size_t *i, struct nsb_out *o)
{
	static const char from[] = "\\\"/bfnrt";
	static const char to[] = "\\\"/\b\f\n\r\t";

	while (*i < len && line[*i] != '"') {
		unsigned char c = (unsigned char)line[*i];
		if (c < 0x20)
			return false;
		if (c != '\\') {
			nsb_out_char(o, (char)c);
			(*i)++;
			continue;
		}
		if (++(*i) >= len)
			return false;
		const char *k = memchr(from, line[*i], sizeof(from) - 1);
		if (k != NULL) {
			nsb_out_char(o, to[k - from]);
			(*i)++;
			continue;
		}
		if (line[*i] != 'u')
			return false;
		long cp = parse_u4(line + *i + 1, len - *i - 1);
		if (cp < 0 || (cp >= 0xd800 && cp <= 0xdfff))
			return false; /* surrogates: never written by an init */
		put_utf8(o, cp);
		*i += 5;
	}
	return *i < len;
}

static bool expect(const char *line, size_t len, size_t *i, const char *lit, size_t n)
{
	if (len - *i < n || memcmp(line + *i, lit, n) != 0)
		return false;
	*i += n;
	return true;
}

enum nsb_err nsb_log_parse(const char *line, size_t len, int *level, char *msg, size_t cap, size_t *msg_len,
                           struct nsb_error *err)
{
	struct nsb_out o = {msg, cap, 0};
	size_t i = 0, name_start;

	if (line == NULL || level == NULL || msg == NULL || cap == 0 || msg_len == NULL)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	if (!expect(line, len, &i, line_head, sizeof(line_head) - 1))
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i));
	name_start = i;
	while (i < len && line[i] >= 'a' && line[i] <= 'z')
		i++;
	if (!nsb_log_level_from_name(line + name_start, i - name_start, level))
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(name_start));
	if (!expect(line, len, &i, line_mid, sizeof(line_mid) - 1))
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i));
	if (!unescape(line, len, &i, &o))
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i));
	/* the closing quote, then exactly "}" */
	if (len - i < 2 || line[i + 1] != '}')
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i + 1));
	if (len - i > 2)
		return nsb_fail(err, NSB_ERR_JSON_SYNTAX, 0, NSB_ATTR_NONE, nsb_pos32(i + 2));
	if (o.len >= cap)
		return nsb_fail(err, NSB_ERR_NO_SPACE, 0, NSB_ATTR_NONE, nsb_pos32(i));
	*msg_len = nsb_out_end(&o);
	return nsb_ok(err);
}
