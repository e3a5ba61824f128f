/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - fuzz target `log`: what the parent parses of init's output, the
 * log pipe's lines (nsb_log_parse, with nsb_log_format) and the pid line of
 * the init pipe (nsb_parse_pid_json).
 *
 * The first byte picks the mode (its value modulo 4); the rest is the body:
 *   0  body is a log line: nsb_log_parse
 *   1  body is level, stage, pid (8 bytes, host order), then the text:
 *      nsb_log_format -> nsb_log_parse
 *   2  body is a pid line: nsb_parse_pid_json
 *   3  the body goes to all three (as line, as text, as pid line)
 *
 * Invariants (abort() when broken):
 *  - log line: the verdict and the message equal those of a reference reader
 *    written here from log.h (a byte-at-a-time walk of the line format with
 *    JSON string escapes; surrogates refused); a rejection is JSON_SYNTAX
 *    with pos <= len and never past the first byte the reference finds bad;
 *    on acceptance level is 0..6, msg is NUL-terminated, msg_len <= len and
 *    msg_len == strlen(msg) unless the line spells \u0000; a buffer of
 *    msg_len bytes is NO_SPACE and one of msg_len + 1 suffices; err NULL
 *    gives the same verdict;
 *  - round trip: when the message reads "<stage>[<pid>]: <text>" with a
 *    canonical pid, formatting (level, stage, pid, text) again gives the
 *    input line itself whenever the input is what the reference formatter
 *    writes; otherwise format(level, setup, 0, message) is checked as below;
 *  - format: the line equals the reference formatter's byte for byte (cut
 *    point included), is shorter than NSB_LOG_LINE_MAX, ends in '\n', holds
 *    no NUL, and parses back to the same level and to the message
 *    "<stage>[<pid>]: <text>", or to its cut form ending in "..."; a level or
 *    stage out of range or a buffer under NSB_LOG_LINE_MAX gives 0;
 *  - missing arguments (mode 3): INVALID_ARGUMENT or 0, nothing written;
 *  - pid line: accepted exactly when a reference accepts it (the literal
 *    form, canonical decimals in [1, INT32_MAX]), with the same pids; then
 *    "%d" re-printing gives the input bytes; a rejection is JSON_SYNTAX with
 *    pos never past the first bad byte.
 */
#include "nsboot/log.h"
#include "harness.h"
#include "nsboot/parent.h"

/* ---- the reference log line reader ------------------------------------- */

static const char *const ref_levels[NSB_LOG_LEVEL_COUNT] = {
        "panic", "fatal", "error", "warning", "info", "debug", "trace",
};
static const char ref_head[] = "{\"level\":\"";
static const char ref_mid[] = "\", \"msg\": \"";

/* Is name[0..n) the start of a level name? Its index if it is a whole one. */
static bool ref_level_prefix(const char *name, size_t n, int *whole)
{
	bool any = false;
	*whole = -1;
	for (int l = 0; l < NSB_LOG_LEVEL_COUNT; l++) {
		size_t ln = strlen(ref_levels[l]);
		if (n <= ln && memcmp(ref_levels[l], name, n) == 0) {
			any = true;
			if (n == ln)
				*whole = l;
		}
	}
	return any;
}

static int ref_hex(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

static void ref_put(char *out, size_t *n, unsigned char c)
{
	out[(*n)++] = (char)c;
}

static void ref_put_utf8(char *out, size_t *n, unsigned cp)
{
	if (cp < 0x80) {
		ref_put(out, n, (unsigned char)cp);
	} else if (cp < 0x800) {
		ref_put(out, n, (unsigned char)(0xc0 | (cp >> 6)));
		ref_put(out, n, (unsigned char)(0x80 | (cp & 0x3f)));
	} else {
		ref_put(out, n, (unsigned char)(0xe0 | (cp >> 12)));
		ref_put(out, n, (unsigned char)(0x80 | ((cp >> 6) & 0x3f)));
		ref_put(out, n, (unsigned char)(0x80 | (cp & 0x3f)));
	}
}

struct ref_line {
	bool ok;
	size_t bad;   /* the first byte no accepted line has there (len: too short) */
	int level;    /* when ok */
	size_t n;     /* message length when ok; out holds the message */
	bool has_nul; /* the message holds a NUL (spelt \u0000) */
};

/*
 * ref_log_parse - walk @line one byte at a time through the states of
 * {"level":"<name>", "msg": "<JSON string body>"}; @out holds >= len bytes.
 */
static struct ref_line ref_log_parse(const unsigned char *line, size_t len, char *out)
{
	enum { HEAD, NAME, MID, BODY, ESC, HEX, CLOSE, END } st = HEAD;
	struct ref_line r = {false, len, -1, 0, false};
	size_t k = 0, name_at = 0;
	unsigned cp = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = line[i];
		switch (st) {
		case HEAD:
			if (c != (unsigned char)ref_head[k])
				goto bad;
			if (++k == sizeof(ref_head) - 1) {
				st = NAME;
				name_at = i + 1;
			}
			break;
		case NAME: {
			int whole;
			if (ref_level_prefix((const char *)line + name_at, i + 1 - name_at, &whole))
				break;
			(void)ref_level_prefix((const char *)line + name_at, i - name_at, &whole);
			if (c != '"' || whole < 0)
				goto bad;
			r.level = whole;
			st = MID;
			k = 1;
			break;
		}
		case MID:
			if (c != (unsigned char)ref_mid[k])
				goto bad;
			if (++k == sizeof(ref_mid) - 1)
				st = BODY;
			break;
		case BODY:
			if (c == '"')
				st = CLOSE;
			else if (c == '\\')
				st = ESC;
			else if (c < 0x20)
				goto bad;
			else
				ref_put(out, &r.n, c);
			break;
		case ESC: {
			static const char from[] = "\"\\/bfnrt";
			static const char to[] = "\"\\/\b\f\n\r\t";
			const char *hit = c != '\0' ? strchr(from, c) : NULL;
			if (hit != NULL) {
				ref_put(out, &r.n, (unsigned char)to[hit - from]);
				st = BODY;
			} else if (c == 'u') {
				st = HEX;
				k = 0;
				cp = 0;
			} else {
				goto bad;
			}
			break;
		}
		case HEX: {
			int h = ref_hex(c);
			if (h < 0)
				goto bad;
			cp = cp * 16u + (unsigned)h;
			if (k == 1 && cp >= 0xd8 && cp <= 0xdf)
				goto bad; /* U+D800..U+DFFF: a surrogate */
			if (++k == 4) {
				if (cp == 0)
					r.has_nul = true;
				ref_put_utf8(out, &r.n, cp);
				st = BODY;
			}
			break;
		}
		case CLOSE:
			if (c != '}')
				goto bad;
			st = END;
			break;
		case END:
			goto bad;
		}
		continue;
	bad:
		r.bad = i;
		return r;
	}
	r.ok = st == END;
	return r;
}

/* ---- the reference log line writer ------------------------------------- */

/* The escaped form of @c as log.h spells it; returns its length (1..6). */
static size_t ref_escape(unsigned char c, char e[6])
{
	static const char simple_from[] = "\\\"\b\n\r\t\f";
	static const char simple_to[] = "\\\"bnrtf";
	static const char hex[] = "0123456789abcdef";
	const char *hit = c != '\0' ? strchr(simple_from, c) : NULL;

	if (hit != NULL) {
		e[0] = '\\';
		e[1] = simple_to[hit - simple_from];
		return 2;
	}
	if (c < 0x20 || c == 0x7f) {
		memcpy(e, "\\u00", 4);
		e[4] = hex[c >> 4];
		e[5] = hex[c & 0x0f];
		return 6;
	}
	e[0] = (char)c;
	return 1;
}

/* "nsexec[-N][pid]: " into @out; returns its length. */
static size_t ref_prefix(int stage, long pid, char *out, size_t cap)
{
	int n = stage < 0 ? snprintf(out, cap, "nsexec[%ld]: ", pid)
	                  : snprintf(out, cap, "nsexec-%d[%ld]: ", stage, pid);
	FUZZ_CHECK(n > 0 && (size_t)n < cap);
	return (size_t)n;
}

/*
 * Where a text ends (log.h): the line up to the end of its text may take
 * REF_WHOLE_END bytes when the whole text fits, so that the tail "\"}\n"
 * and the NUL still fit in NSB_LOG_LINE_MAX; otherwise it is cut at
 * REF_BODY_END, leaving room for "..." too. A cut never splits an escape.
 */
#define REF_WHOLE_END (NSB_LOG_LINE_MAX - 1u - 3u)
#define REF_BODY_END  (REF_WHOLE_END - 3u)

/*
 * ref_log_format - the line log.h describes into @line (NSB_LOG_LINE_MAX
 * bytes, no NUL); sets *cut when the text had to be cut. Returns the line's
 * length.
 */
static size_t ref_log_format(int level, int stage, long pid, const unsigned char *text, size_t text_len,
                             char *line, bool *cut)
{
	char prefix[64];
	(void)ref_prefix(stage, pid, prefix, sizeof(prefix));
	int n = snprintf(line, NSB_LOG_LINE_MAX, "%s%s%s%s", ref_head, ref_levels[level], ref_mid, prefix);
	FUZZ_CHECK(n > 0 && (size_t)n < REF_BODY_END);
	size_t len = (size_t)n;

	size_t whole = len;
	for (size_t i = 0; i < text_len && whole <= REF_WHOLE_END; i++) {
		char e[6];
		whole += ref_escape(text[i], e);
	}
	size_t end = whole <= REF_WHOLE_END ? REF_WHOLE_END : REF_BODY_END;
	*cut = false;
	for (size_t i = 0; i < text_len; i++) {
		char e[6];
		size_t k = ref_escape(text[i], e);
		if (len + k > end) {
			memcpy(line + len, "...", 3);
			len += 3;
			*cut = true;
			break;
		}
		memcpy(line + len, e, k);
		len += k;
	}
	memcpy(line + len, "\"}\n", 3);
	return len + 3;
}

/* ---- format -> parse ---------------------------------------------------- */

/* Format one line with the library and check it against the reference. */
static void check_format(int level, int stage, long pid, const unsigned char *text, size_t text_len)
{
	bool valid = level >= 0 && level < NSB_LOG_LEVEL_COUNT && stage >= NSB_LOG_STAGE_SETUP && stage <= 2;
	char *buf = malloc(NSB_LOG_LINE_MAX);
	FUZZ_CHECK(buf != NULL);

	/* too small a buffer, exactly sized: 0 and no write past it (ASan) */
	char *small = malloc(NSB_LOG_LINE_MAX - 1);
	FUZZ_CHECK(small != NULL);
	FUZZ_CHECK(nsb_log_format(small, NSB_LOG_LINE_MAX - 1, level, stage, pid, (const char *)text,
	                          text_len) == 0);
	free(small);

	size_t n = nsb_log_format(buf, NSB_LOG_LINE_MAX, level, stage, pid, (const char *)text, text_len);
	const char *name = nsb_log_level_name(level);
	if (level >= 0 && level < NSB_LOG_LEVEL_COUNT) {
		int back = -1;
		FUZZ_CHECK(name != NULL && strcmp(name, ref_levels[level]) == 0);
		FUZZ_CHECK(nsb_log_level_from_name(name, strlen(name), &back) && back == level);
	} else {
		FUZZ_CHECK(name == NULL);
	}
	if (!valid) {
		FUZZ_CHECK(n == 0);
		free(buf);
		return;
	}
	FUZZ_CHECK(n > 0 && n < NSB_LOG_LINE_MAX);
	FUZZ_CHECK(buf[n - 1] == '\n' && buf[n] == '\0' && strlen(buf) == n);

	/* byte for byte what log.h describes, cut at the same place */
	char *ref = malloc(NSB_LOG_LINE_MAX);
	FUZZ_CHECK(ref != NULL);
	bool cut;
	FUZZ_CHECK(ref_log_format(level, stage, pid, text, text_len, ref, &cut) == n);
	FUZZ_CHECK(memcmp(ref, buf, n) == 0);
	free(ref);

	/* it parses back (without its '\n') to the level and the message */
	char *msg = malloc(n);
	FUZZ_CHECK(msg != NULL);
	int back_level = -1;
	size_t msg_len = 0;
	struct nsb_error err;
	enum nsb_err rc = nsb_log_parse(buf, n - 1, &back_level, msg, n, &msg_len, &err);
	FUZZ_CHECK_CODE(rc == NSB_OK, rc);
	FUZZ_CHECK(back_level == level);
	FUZZ_CHECK(msg_len < n && msg[msg_len] == '\0');

	/* "<stage>[<pid>]: <text>", or "<stage>[<pid>]: <text's start>..." */
	char prefix[64];
	size_t plen = ref_prefix(stage, pid, prefix, sizeof(prefix));
	FUZZ_CHECK(msg_len >= plen && memcmp(msg, prefix, plen) == 0);
	size_t kept = msg_len - plen;
	if (cut) {
		FUZZ_CHECK(kept >= 3 && memcmp(msg + msg_len - 3, "...", 3) == 0);
		kept -= 3;
		FUZZ_CHECK(kept < text_len);
	} else {
		FUZZ_CHECK(kept == text_len);
	}
	FUZZ_CHECK(kept == 0 || memcmp(msg + plen, text, kept) == 0);
	free(msg);
	free(buf);
}

/* ---- parse -> format ---------------------------------------------------- */

/*
 * Split "<stage>[<pid>]: <text>" as nsb_log_format writes it: "nsexec" or
 * "nsexec-0".."nsexec-2", a pid as "%ld" prints it, "]: ". False otherwise.
 */
static bool split_message(const char *msg, size_t len, int *stage, long *pid, size_t *text_at)
{
	size_t i = 6;
	if (len < 6 || memcmp(msg, "nsexec", 6) != 0)
		return false;
	*stage = NSB_LOG_STAGE_SETUP;
	if (i + 1 < len && msg[i] == '-' && msg[i + 1] >= '0' && msg[i + 1] <= '2') {
		*stage = msg[i + 1] - '0';
		i += 2;
	}
	if (i >= len || msg[i] != '[')
		return false;
	size_t num = ++i;
	if (i < len && msg[i] == '-')
		i++;
	size_t digits = i;
	while (i < len && i - digits < 19 && msg[i] >= '0' && msg[i] <= '9')
		i++;
	if (i == digits || len - i < 3 || memcmp(msg + i, "]: ", 3) != 0)
		return false;
	char tmp[24];
	memcpy(tmp, msg + num, i - num);
	tmp[i - num] = '\0';
	long v = strtol(tmp, NULL, 10);
	char canon[24];
	(void)snprintf(canon, sizeof(canon), "%ld", v);
	if (strcmp(canon, tmp) != 0)
		return false; /* "-0", a leading zero, or out of range */
	*pid = v;
	*text_at = i + 3;
	return true;
}

static void fuzz_log_parse(const unsigned char *line, size_t len)
{
	char *msg = malloc(len + 1); /* log.h: len + 1 always suffices */
	char *ref = malloc(len + 1);
	FUZZ_CHECK(msg != NULL && ref != NULL);
	int level = -1, again_level = -1;
	size_t msg_len = 0, again_len = 0;
	struct nsb_error err;

	enum nsb_err rc = nsb_log_parse((const char *)line, len, &level, msg, len + 1, &msg_len, &err);
	FUZZ_CHECK(nsb_log_parse((const char *)line, len, &again_level, ref, len + 1, &again_len, NULL) ==
	           rc);
	struct ref_line r = ref_log_parse(line, len, ref);
	if (rc != NSB_OK) {
		FUZZ_CHECK_CODE(rc == NSB_ERR_JSON_SYNTAX, rc);
		fuzz_check_named(rc);
		FUZZ_CHECK(err.code == rc && err.sys_errno == 0);
		FUZZ_CHECK(err.pos <= len);
		FUZZ_CHECK(!r.ok);
		FUZZ_CHECK(err.pos <= r.bad); /* never past the first bad byte */
		goto out;
	}
	FUZZ_CHECK(r.ok);
	FUZZ_CHECK(level >= 0 && level < NSB_LOG_LEVEL_COUNT && level == r.level);
	FUZZ_CHECK(msg_len <= len && msg[msg_len] == '\0');
	FUZZ_CHECK(msg_len == r.n && memcmp(msg, ref, r.n) == 0);
	FUZZ_CHECK(r.has_nul || strlen(msg) == msg_len);

	/* one byte short of the NUL is NO_SPACE; exactly enough is OK */
	char *tight = malloc(msg_len + 1);
	FUZZ_CHECK(tight != NULL);
	if (msg_len > 0) {
		rc = nsb_log_parse((const char *)line, len, &level, tight, msg_len, &again_len, &err);
		FUZZ_CHECK_CODE(rc == NSB_ERR_NO_SPACE, rc);
	}
	rc = nsb_log_parse((const char *)line, len, &level, tight, msg_len + 1, &again_len, &err);
	FUZZ_CHECK_CODE(rc == NSB_OK, rc);
	FUZZ_CHECK(again_len == msg_len && memcmp(tight, msg, msg_len + 1) == 0);
	free(tight);

	/* round trip: re-derive stage and pid, format again */
	int stage;
	long pid;
	size_t text_at;
	if (split_message(msg, msg_len, &stage, &pid, &text_at)) {
		const unsigned char *text = (const unsigned char *)msg + text_at;
		size_t text_len = msg_len - text_at;
		check_format(level, stage, pid, text, text_len);
		/* the input is canonical (what the reference writes): same bytes */
		char *canon = malloc(NSB_LOG_LINE_MAX);
		FUZZ_CHECK(canon != NULL);
		bool cut;
		size_t canon_len = ref_log_format(level, stage, pid, text, text_len, canon, &cut);
		if (canon_len == len + 1 && memcmp(canon, line, len) == 0) {
			char *buf = malloc(NSB_LOG_LINE_MAX);
			FUZZ_CHECK(buf != NULL);
			size_t n = nsb_log_format(buf, NSB_LOG_LINE_MAX, level, stage, pid,
			                          (const char *)text, text_len);
			FUZZ_CHECK(n == len + 1 && memcmp(buf, line, len) == 0 && buf[len] == '\n');
			free(buf);
		}
		free(canon);
	} else {
		check_format(level, NSB_LOG_STAGE_SETUP, 0, (const unsigned char *)msg, msg_len);
	}
out:
	free(ref);
	free(msg);
}

/* ---- the pid line ------------------------------------------------------- */

/* Reference: the literal form, canonical decimals in [1, INT32_MAX]; the
 * first bad byte in *bad (len when the line is only too short). */
static bool ref_pid_json(const unsigned char *s, size_t len, int32_t pids[2], size_t *bad)
{
	static const char *const lits[3] = {"{\"stage1_pid\":", ",\"stage2_pid\":", "}"};
	size_t i = 0;

	for (int part = 0; part < 3; part++) {
		for (const char *l = lits[part]; *l != '\0'; l++, i++) {
			if (i == len || s[i] != (unsigned char)*l) {
				*bad = i;
				return false;
			}
		}
		if (part == 2)
			break;
		int64_t v = 0;
		size_t start = i;
		while (i < len && s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (s[i] - '0');
			if ((i == start && v == 0) || v > INT32_MAX) {
				*bad = i;
				return false;
			}
			i++;
		}
		if (i == start) {
			*bad = i;
			return false;
		}
		pids[part] = (int32_t)v;
	}
	*bad = i;
	return i == len;
}

static void fuzz_pid_json(const unsigned char *line, size_t len)
{
	pid_t s1 = -7, s2 = -7, t1, t2;
	int32_t ref[2] = {0, 0};
	size_t bad = 0;
	struct nsb_error err;

	enum nsb_err rc = nsb_parse_pid_json((const char *)line, len, &s1, &s2, &err);
	FUZZ_CHECK(nsb_parse_pid_json((const char *)line, len, &t1, &t2, NULL) == rc);
	bool ok = ref_pid_json(line, len, ref, &bad);
	if (rc != NSB_OK) {
		FUZZ_CHECK_CODE(rc == NSB_ERR_JSON_SYNTAX, rc);
		fuzz_check_named(rc);
		FUZZ_CHECK(err.code == rc && err.sys_errno == 0);
		FUZZ_CHECK(!ok);
		FUZZ_CHECK(err.pos <= len && err.pos <= bad);
		return;
	}
	FUZZ_CHECK(ok);
	FUZZ_CHECK(s1 == ref[0] && s2 == ref[1] && s1 >= 1 && s2 >= 1);
	char canon[64];
	int n = snprintf(canon, sizeof(canon), "{\"stage1_pid\":%d,\"stage2_pid\":%d}", (int)s1, (int)s2);
	FUZZ_CHECK(n > 0 && (size_t)n == len && memcmp(canon, line, len) == 0);
}

/* ---- the driver --------------------------------------------------------- */

/* Missing arguments are refused without a write (cap 0: an empty heap block). */
static void check_bad_arguments(const unsigned char *data, size_t size)
{
	const char *text = (const char *)data;
	char *none = malloc(0); /* glibc: a live block of 0 bytes, so ASan sees any write */
	char *buf = malloc(NSB_LOG_LINE_MAX);
	FUZZ_CHECK(buf != NULL);
	int level;
	size_t n;
	pid_t a, b;
	struct nsb_error err;

	FUZZ_CHECK(nsb_log_parse(text, size, &level, none, 0, &n, &err) == NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(err.code == NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(nsb_log_parse(NULL, size, &level, buf, NSB_LOG_LINE_MAX, &n, &err) ==
	           NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(nsb_log_parse(text, size, &level, buf, NSB_LOG_LINE_MAX, NULL, NULL) ==
	           NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(nsb_parse_pid_json(NULL, size, &a, &b, &err) == NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(nsb_parse_pid_json(text, size, &a, NULL, NULL) == NSB_ERR_INVALID_ARGUMENT);
	FUZZ_CHECK(nsb_log_format(NULL, NSB_LOG_LINE_MAX, NSB_LOG_INFO, 0, 1, text, size) == 0);
	FUZZ_CHECK(nsb_log_format(buf, NSB_LOG_LINE_MAX, NSB_LOG_INFO, 0, 1, NULL, 1) == 0);
	FUZZ_CHECK(!nsb_log_level_from_name(NULL, 0, &level));
	FUZZ_CHECK(!nsb_log_level_from_name(text, size, NULL));
	free(buf);
	free(none);
}

static void fuzz_format(const unsigned char *data, size_t size)
{
	unsigned char head[10] = {0};
	size_t h = size < sizeof(head) ? size : sizeof(head);
	memcpy(head, data, h);
	int level = (int)(head[0] % 9u) - 1; /* -1..7: both ends out of range */
	int stage = (int)(head[1] % 6u) - 2; /* -2..3: likewise */
	int64_t pid;
	memcpy(&pid, head + 2, sizeof(pid));
	check_format(level, stage, (long)pid, data + h, size - h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const unsigned char *body = data + 1;
	size_t len = size - 1;
	switch (data[0] % 4u) {
	case 0:
		fuzz_log_parse(body, len);
		break;
	case 1:
		fuzz_format(body, len);
		break;
	case 2:
		fuzz_pid_json(body, len);
		break;
	default:
		fuzz_log_parse(body, len);
		check_format(NSB_LOG_INFO, 1, 4242, body, len);
		fuzz_pid_json(body, len);
		check_bad_arguments(body, len);
		break;
	}
	return 0;
}
