/* SPDX-License-Identifier: Apache-2.0 */
/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void nsbt_poison(struct nsb_error *err)
{
	err->code = (enum nsb_err)0x5A5A;
	err->offset = 0xA5A5A5A5u;
	err->attr = 0x5A5A5A5A;
	err->pos = 0xA5A5A5A5u;
	err->sys_errno = 0x5A5A;
}

void nsbt_check_err(enum nsb_err rc, const struct nsb_error *err, enum nsb_err code, uint32_t offset,
                    int32_t attr, uint32_t pos, const char *file, int line)
{
	int bad = rc != code || err->code != code || err->attr != attr;
	if (offset != NSBT_ANY && err->offset != offset) {
		bad = 1;
	}
	if (pos != NSBT_ANY && err->pos != pos) {
		bad = 1;
	}
	if (!bad) {
		return;
	}
	print_error("returned %s, err = {%s, offset %u, attr %d, pos %u}\n"
	            "    wanted %s, offset %u, attr %d, pos %u (%u = any)\n",
	            nsb_error_name(rc), nsb_error_name(err->code), err->offset, err->attr, err->pos,
	            nsb_error_name(code), offset, attr, pos, NSBT_ANY);
	_fail(file, line);
}

void nsbt_check_parse(const char *input, enum nsb_err rc, const struct nsb_error *err, enum nsb_err want,
                      uint32_t pos, const char *file, int line)
{
	if (want == NSB_OK ? rc == NSB_OK
	                   : rc == want && err->code == want && (pos == NSBT_ANY || err->pos == pos))
		return;
	print_error("\"%s\": got %s/%s pos %u, wanted %s pos %u (%u = any)\n", input, nsb_error_name(rc),
	            nsb_error_name(err->code), err->pos, nsb_error_name(want), pos, NSBT_ANY);
	_fail(file, line);
}

void nsbt_check_ok(enum nsb_err rc, const struct nsb_error *err, const char *file, int line)
{
	if (rc == NSB_OK) {
		return;
	}
	print_error("returned %s, err = {%s, offset %u, attr %d, pos %u}, wanted OK\n", nsb_error_name(rc),
	            nsb_error_name(err->code), err->offset, err->attr, err->pos);
	_fail(file, line);
}

enum nsb_err tdecode_len(struct mb *m, size_t len, enum nsb_dialect dialect, struct nsb_bootstrap *out,
                         struct nsb_error *err)
{
	struct mb tmp = {0};
	if (len > m->len) {
		fprintf(stderr, "tdecode_len: %zu > %zu\n", len, m->len);
		abort();
	}
	/* An exact-size copy of the prefix, kept in m->exact. */
	tmp.data = m->data;
	tmp.len = len;
	const unsigned char *copy = mb_exact(&tmp);
	free(m->exact);
	m->exact = tmp.exact;
	struct nsb_decode_opts opts = {.dialect = dialect, .max_len = 0};
	nsbt_poison(err);
	memset(out, 0xA5, sizeof *out);
	return nsb_decode(copy, len, &opts, out, err);
}

enum nsb_err tdecode(struct mb *m, enum nsb_dialect dialect, struct nsb_bootstrap *out, struct nsb_error *err)
{
	return tdecode_len(m, m->len, dialect, out, err);
}

void nsbt_check_view(struct nsb_str s, const char *want, const char *file, int line)
{
	size_t n = strlen(want);
	if (s.len == n && (n == 0 || (s.ptr && memcmp(s.ptr, want, n) == 0))) {
		return;
	}
	print_error("view is \"%.*s\" (%zu bytes), wanted \"%s\" (%zu bytes)\n", (int)(s.ptr ? s.len : 0),
	            s.ptr ? s.ptr : "", s.len, want, n);
	_fail(file, line);
}

unsigned char *nsbt_read_file(const char *path, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		print_error("open %s: %s\n", path, strerror(errno));
		_fail(__FILE__, __LINE__);
	}
	size_t cap = 4096, n = 0;
	unsigned char *buf = malloc(cap);
	assert_non_null(buf);
	for (;;) {
		if (n == cap) {
			cap *= 2;
			unsigned char *p = realloc(buf, cap);
			assert_non_null(p);
			buf = p;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR) {
			continue;
		}
		if (r < 0) {
			print_error("read %s: %s\n", path, strerror(errno));
			_fail(__FILE__, __LINE__);
		}
		if (r == 0) {
			break;
		}
		n += (size_t)r;
	}
	close(fd);
	/* Exact size, so an overread is caught. */
	unsigned char *exact = malloc(n ? n : 1u);
	assert_non_null(exact);
	memcpy(exact, buf, n);
	free(buf);
	*len = n;
	return exact;
}
