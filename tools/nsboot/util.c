/* SPDX-License-Identifier: Apache-2.0 */
/* util.c - the CLI's shared plumbing: whole-input reads, full writes, numbers, usage errors. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

int cli_usage(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	(void)fprintf(stderr, "nsboot %s: ", cmd);
	va_start(ap, fmt);
	/* clang-tidy 14 reports ap as uninitialized when it checks several files in one run
	 * (not when util.c is checked alone): a false positive, ap is va_start'ed above. */
	/* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fprintf(stderr, "\nTry 'nsboot %s --help'.\n", cmd);
	return CLI_EXIT_USAGE;
}

int cli_sys_error(const char *cmd, const char *what, int errnum)
{
	(void)fprintf(stderr, "nsboot %s: %s: %s\n", cmd, what, strerror(errnum));
	return CLI_EXIT_USAGE;
}

int cli_getopt_error(const char *cmd, char *const argv[], int c)
{
	/* getopt_long leaves optind just past the offending argument. */
	const char *arg = optind > 0 ? argv[optind - 1] : "?";

	if (c == ':') {
		return cli_usage(cmd, "option '%s' needs a value", arg);
	}
	/* optopt is the short option letter, or a long option's value when that
	 * option was given a value it does not take ("--json=x"), or 0. */
	if (optopt > 0 && optopt < 128 && isalnum(optopt)) {
		return cli_usage(cmd, "unknown option '-%c'", optopt);
	}
	return cli_usage(cmd, "%s option '%s'", optopt != 0 ? "invalid" : "unknown", arg);
}

/* Growth step of cli_read_input: double, but never beyond @limit. */
static size_t grow(size_t cap, size_t limit)
{
	return cap > limit / 2 ? limit : cap * 2;
}

int cli_read_input(const char *path, size_t limit, unsigned char **out, size_t *out_len)
{
	int fd = STDIN_FILENO;
	bool own = false;
	int rc = 0;
	size_t cap = limit < 4096 ? limit : 4096;
	size_t len = 0;
	unsigned char *buf = NULL;

	*out = NULL;
	*out_len = 0;
	if (limit == 0) {
		return EINVAL;
	}
	if (path != NULL && strcmp(path, "-") != 0) {
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd < 0) {
			return errno;
		}
		own = true;
	}
	buf = malloc(cap);
	if (buf == NULL) {
		rc = ENOMEM;
		goto out;
	}
	while (len < limit) {
		if (len == cap) {
			size_t ncap = grow(cap, limit);
			unsigned char *nbuf = realloc(buf, ncap);
			if (nbuf == NULL) {
				rc = ENOMEM;
				goto out;
			}
			buf = nbuf;
			cap = ncap;
		}
		ssize_t n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			rc = errno;
			goto out;
		}
		if (n == 0) {
			break;
		}
		len += (size_t)n;
	}
out:
	/* A read-only fd has nothing to flush: a close error cannot lose data. */
	if (own && close(fd) != 0 && rc == 0 && errno != EINTR) {
		rc = errno;
	}
	if (rc != 0) {
		free(buf);
		return rc;
	}
	*out = buf;
	*out_len = len;
	return 0;
}

int cli_write_all(int fd, const void *buf, size_t len)
{
	const unsigned char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR) {
				continue;
			}
			return errno;
		}
		if (n == 0) {
			return EIO;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int cli_finish_stdout(const char *cmd, int status)
{
	errno = 0;
	if (fflush(stdout) != 0 || ferror(stdout)) {
		return cli_sys_error(cmd, "writing standard output", errno != 0 ? errno : EIO);
	}
	return status;
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9') {
		return c - '0';
	}
	if (c >= 'a' && c <= 'f') {
		return c - 'a' + 10;
	}
	if (c >= 'A' && c <= 'F') {
		return c - 'A' + 10;
	}
	return -1;
}

bool cli_parse_u32(const char *s, uint32_t *out)
{
	uint64_t v = 0;
	uint64_t base = 10;
	size_t digits = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; *s != '\0'; s++, digits++) {
		int d = hex_digit(*s);
		if (d < 0 || (uint64_t)d >= base) {
			return false;
		}
		v = v * base + (uint64_t)d;
		if (v > UINT32_MAX) {
			return false;
		}
	}
	if (digits == 0) {
		return false;
	}
	*out = (uint32_t)v;
	return true;
}

void cli_put_escaped(FILE *f, const char *p, size_t len, bool quoted)
{
	if (quoted) {
		(void)fputc('"', f);
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '\\' || (quoted && c == '"')) {
			(void)fprintf(f, "\\%c", c);
		} else if (c < 0x20 || c > 0x7e) {
			(void)fprintf(f, "\\x%02x", c);
		} else {
			(void)fputc(c, f);
		}
	}
	if (quoted) {
		(void)fputc('"', f);
	}
}

void cli_put_escaped_line(FILE *f, const char *head, const char *text)
{
	(void)fputs(head, f);
	cli_put_escaped(f, text, strlen(text), false);
	(void)fputc('\n', f);
}
