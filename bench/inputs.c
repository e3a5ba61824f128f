/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inputs.c - build the three benchmark messages (see inputs.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inputs.h"

#define CLONE_NEWNS     0x00020000u
#define CLONE_NEWUTS    0x04000000u
#define CLONE_NEWIPC    0x08000000u
#define CLONE_NEWUSER   0x10000000u
#define CLONE_NEWPID    0x20000000u
#define CLONE_NEWNET    0x40000000u
#define BIG_MESSAGE_LEN 65536u

unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rbe");
	unsigned char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f) {
		fprintf(stderr, "decode_bench: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	for (;;) {
		size_t got;
		if (n == cap) {
			unsigned char *nb = realloc(buf, cap ? cap * 2 : 4096);
			if (!nb)
				break;
			buf = nb;
			cap = cap ? cap * 2 : 4096;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f) || !buf) {
		fprintf(stderr, "decode_bench: %s: cannot read\n", path);
		free(buf);
		buf = NULL;
	}
	(void)fclose(f);
	*len = n;
	return buf;
}

/* encode - nsb_encode into a fresh buffer of the exact size. */
static int encode(const struct nsb_bootstrap *b, struct bench_input *in)
{
	struct nsb_error err;
	size_t need = 0;

	if (nsb_encode(b, NULL, 0, &need, &err) != NSB_ERR_NO_SPACE || need == 0)
		goto fail;
	in->buf = malloc(need);
	if (!in->buf)
		goto fail;
	if (nsb_encode(b, in->buf, need, &in->len, &err) != NSB_OK)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "decode_bench: cannot encode input %c: %s at %u\n", in->id, nsb_error_name(err.code),
	        err.offset);
	return -1;
}

static void map_340(struct nsb_idmap *m)
{
	m->count = NSB_IDMAP_MAX_EXTENTS;
	for (uint32_t i = 0; i < NSB_IDMAP_MAX_EXTENTS; i++)
		m->extents[i] = (struct nsb_idmap_extent){i, 1000u + i, 1u};
}

static int build_userns(struct bench_input *in)
{
	static struct nsb_bootstrap b; /* 8 KiB: not on the stack */

	nsb_bootstrap_init(&b, NSB_DIALECT_RUNC_1_2);
	b.clone_flags =
	        CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET;
	map_340(&b.uid_map);
	map_340(&b.gid_map);
	b.setgroup = true;
	NSB_SET(&b, NSB_F_UIDMAP);
	NSB_SET(&b, NSB_F_GIDMAP);
	NSB_SET(&b, NSB_F_SETGROUP);
	return encode(&b, in);
}

/* fill_path - "/<prefix>/" then 63-letter components to exactly @len bytes. */
static void fill_path(char *dst, size_t len, const char *prefix)
{
	size_t n = (size_t)snprintf(dst, len + 1, "/%s/", prefix);

	for (; n < len; n++)
		dst[n] = (n % 64u == 63u && n + 1 < len) ? '/' : (char)('a' + (int)(n % 26u));
	dst[len] = '\0';
}

static int build_big(struct bench_input *in)
{
	static struct nsb_bootstrap b;
	static char paths[NSB_NS_COUNT][NSB_NS_PATH_MAX];
	static char helpers[2][NSB_STRING_MAX + 1];
	size_t base = 0, rest, a1, a2;
	struct nsb_error err;

	nsb_bootstrap_init(&b, NSB_DIALECT_RUNC_1_2);
	b.clone_flags = CLONE_NEWUSER;
	for (int t = NSB_NS_IPC; t < NSB_NS_COUNT; t++) {
		struct nsb_ns_path *p = &b.ns_paths.paths[b.ns_paths.count++];
		fill_path(paths[t], NSB_NS_PATH_MAX - 1, nsb_ns_type_name((enum nsb_ns_type)t));
		p->type = (enum nsb_ns_type)t;
		p->path = (struct nsb_str){paths[t], NSB_NS_PATH_MAX - 1};
	}
	b.uid_map.count = b.gid_map.count = 1;
	b.uid_map.extents[0] = b.gid_map.extents[0] = (struct nsb_idmap_extent){0, 100000, 65536};
	NSB_SET(&b, NSB_F_NS_PATHS);
	NSB_SET(&b, NSB_F_UIDMAP);
	NSB_SET(&b, NSB_F_GIDMAP);
	if (nsb_encode(&b, NULL, 0, &base, &err) != NSB_ERR_NO_SPACE || base >= BIG_MESSAGE_LEN / 2u) {
		fprintf(stderr, "decode_bench: input c: cannot size the base message\n");
		return -1;
	}
	/* Two helper attributes of a1 and a2 bytes (header + string + NUL, no
	 * padding needed) fill the rest exactly; base is a multiple of 4. */
	rest = BIG_MESSAGE_LEN - base;
	a1 = (rest / 2u) & ~(size_t)3u;
	a2 = rest - a1;
	fill_path(helpers[0], a1 - NSB_NLA_HDRLEN - 1u, "usr/bin/newuidmap.d");
	fill_path(helpers[1], a2 - NSB_NLA_HDRLEN - 1u, "usr/bin/newgidmap.d");
	b.uid_map_helper = (struct nsb_str){helpers[0], a1 - NSB_NLA_HDRLEN - 1u};
	b.gid_map_helper = (struct nsb_str){helpers[1], a2 - NSB_NLA_HDRLEN - 1u};
	NSB_SET(&b, NSB_F_UIDMAPPATH);
	NSB_SET(&b, NSB_F_GIDMAPPATH);
	if (encode(&b, in) != 0)
		return -1;
	if (in->len != BIG_MESSAGE_LEN) {
		fprintf(stderr, "decode_bench: input c is %zu bytes, not %u\n", in->len, BIG_MESSAGE_LEN);
		return -1;
	}
	return 0;
}

int inputs_build(const char *capture_path, struct bench_input in[BENCH_INPUTS])
{
	memset(in, 0, sizeof(*in) * BENCH_INPUTS);
	in[0] = (struct bench_input){
	        'a', "runc exec (real capture)", NULL, 0, {.dialect = NSB_DIALECT_RUNC_1_2}};
	in[1] = (struct bench_input){
	        'b', "userns, 340-line uid+gid maps", NULL, 0, {.dialect = NSB_DIALECT_RUNC_1_2}};
	in[2] = (struct bench_input){
	        'c', "64 KiB: 7 ns paths + helpers", NULL, 0, {.dialect = NSB_DIALECT_RUNC_1_2}};
	in[0].buf = read_file(capture_path, &in[0].len);
	if (!in[0].buf)
		return -1;
	if (build_userns(&in[1]) != 0 || build_big(&in[2]) != 0)
		return -1;
	return 0;
}

void inputs_free(struct bench_input in[BENCH_INPUTS])
{
	for (int i = 0; i < BENCH_INPUTS; i++)
		free(in[i].buf);
}
