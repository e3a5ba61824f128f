/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.c - nsb_decode and its peers must agree before they are timed.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool same_str(struct nsb_str x, struct nsb_str y)
{
	return x.ptr == y.ptr && x.len == y.len;
}

static bool same_map(const struct nsb_idmap *x, const struct nsb_idmap *y)
{
	if (x->count != y->count)
		return false;
	for (size_t i = 0; i < x->count && i < NSB_IDMAP_MAX_EXTENTS; i++)
		if (x->extents[i].container_id != y->extents[i].container_id ||
		    x->extents[i].host_id != y->extents[i].host_id ||
		    x->extents[i].size != y->extents[i].size)
			return false;
	return true;
}

bool same_output(const struct nsb_bootstrap *x, const struct nsb_bootstrap *y)
{
	if (x->dialect != y->dialect || x->length != y->length || x->type != y->type ||
	    x->flags != y->flags || x->seq != y->seq || x->pid != y->pid || x->present != y->present ||
	    x->clone_flags != y->clone_flags)
		return false;
	if (x->ns_paths.count != y->ns_paths.count)
		return false;
	for (size_t i = 0; i < x->ns_paths.count && i < NSB_NS_COUNT; i++)
		if (x->ns_paths.paths[i].type != y->ns_paths.paths[i].type ||
		    !same_str(x->ns_paths.paths[i].path, y->ns_paths.paths[i].path))
			return false;
	if (!same_str(x->uid_map_text, y->uid_map_text) || !same_map(&x->uid_map, &y->uid_map) ||
	    !same_str(x->gid_map_text, y->gid_map_text) || !same_map(&x->gid_map, &y->gid_map))
		return false;
	if (x->setgroup != y->setgroup || x->oom_score_adj != y->oom_score_adj ||
	    x->rootless_euid != y->rootless_euid || !same_str(x->uid_map_helper, y->uid_map_helper) ||
	    !same_str(x->gid_map_helper, y->gid_map_helper))
		return false;
	if (!same_str(x->time_offsets_text, y->time_offsets_text) ||
	    x->time_offsets.count != y->time_offsets.count)
		return false;
	for (size_t i = 0; i < x->time_offsets.count && i < NSB_CLOCK_COUNT; i++)
		if (x->time_offsets.offsets[i].clock != y->time_offsets.offsets[i].clock ||
		    x->time_offsets.offsets[i].secs != y->time_offsets.offsets[i].secs ||
		    x->time_offsets.offsets[i].nsecs != y->time_offsets.offsets[i].nsecs)
			return false;
	return same_str(x->mount_sources, y->mount_sources) && x->mount_source_count == y->mount_source_count;
}

/* A floor view keeps the NUL in its length; nsboot's views do not. */
static bool floor_view(const char *p, size_t len, struct nsb_str s)
{
	return s.ptr == NULL ? p == NULL : (p == s.ptr && len == s.len + 1u);
}

bool floor_agrees(const struct floor_config *f, const struct nsb_bootstrap *b)
{
	const char *ns = b->ns_paths.count ? b->ns_paths.paths[0].path.ptr : NULL;

	/* NS_PATHS: the first element's path sits after "<type>:". */
	if (ns)
		ns -= strlen(nsb_ns_type_name(b->ns_paths.paths[0].type)) + 1u;
	return f->clone_flags == b->clone_flags && f->ns_paths == ns &&
	       floor_view(f->uid_map, f->uid_map_len, b->uid_map_text) &&
	       floor_view(f->gid_map, f->gid_map_len, b->gid_map_text) &&
	       floor_view(f->uid_map_helper, f->uid_map_helper_len, b->uid_map_helper) &&
	       floor_view(f->gid_map_helper, f->gid_map_helper_len, b->gid_map_helper) &&
	       (f->setgroup != 0) == b->setgroup && (f->rootless_euid != 0) == b->rootless_euid;
}

static bool same_error(const struct nsb_error *x, const struct nsb_error *y)
{
	return x->code == y->code && x->offset == y->offset && x->attr == y->attr && x->pos == y->pos &&
	       x->sys_errno == y->sys_errno;
}

struct tally {
	unsigned long cases, accepted, disagree;
	struct nsb_bootstrap *x, *y;
};

/* compare - one message, both dialects; @buf holds exactly @len bytes. */
static void compare(struct tally *t, const unsigned char *buf, size_t len, const char *what)
{
	for (int d = NSB_DIALECT_RUNC_1_2; d <= NSB_DIALECT_RUNC_1_1; d++) {
		struct nsb_decode_opts opts = {.dialect = (enum nsb_dialect)d};
		struct nsb_error ex, ey;
		enum nsb_err rx = nsb_decode(buf, len, &opts, t->x, &ex);
		enum nsb_err ry = mnl_peer_decode(buf, len, &opts, t->y, &ey);
		bool ok = rx == ry && same_error(&ex, &ey) && (rx != NSB_OK || same_output(t->x, t->y));

		t->cases++;
		t->accepted += rx == NSB_OK;
		if (ok)
			continue;
		if (t->disagree++ < 20)
			fprintf(stderr,
			        "check: %s (%s, %zu bytes): nsboot %s@%u attr %d pos %u, libmnl peer %s@%u "
			        "attr %d "
			        "pos %u%s\n",
			        what, nsb_dialect_name(opts.dialect), len, nsb_error_name(rx), ex.offset,
			        ex.attr, ex.pos, nsb_error_name(ry), ey.offset, ey.attr, ey.pos,
			        rx == ry && rx == NSB_OK ? " (outputs differ)" : "");
	}
}

/* xorshift64: a fixed sequence, so a disagreement reproduces. */
static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* mutate - one seeded change of @src into a fresh exact-size buffer. */
static unsigned char *mutate(const unsigned char *src, size_t len, uint64_t *seed, size_t *out_len)
{
	uint64_t r = next_rand(seed);
	size_t n = len, at = len ? (size_t)(next_rand(seed) % len) : 0;
	unsigned char *m;
	uint16_t v16;

	if (r % 3u == 1u && len > 16) /* truncate, keep the header honest */
		n = 16u + (size_t)(next_rand(seed) % (len - 16u));
	m = malloc(n ? n : 1);
	if (!m)
		return NULL;
	memcpy(m, src, n);
	*out_len = n;
	switch (r % 3u) {
	case 0: /* overwrite one byte */
		if (n)
			m[at % n] = (unsigned char)(next_rand(seed) >> 8);
		break;
	case 1: {
		uint32_t l32 = (uint32_t)n;
		if (n >= 16)
			memcpy(m, &l32, sizeof(l32));
		break;
	}
	default: /* rewrite a u16 at an aligned offset: often an nla_len */
		v16 = (uint16_t)(next_rand(seed) % 2u ? next_rand(seed) % 12u : next_rand(seed));
		if (n >= 20) {
			size_t off = 16u + ((at % (n - 17u)) & ~(size_t)3u);
			if (off + 2 <= n)
				memcpy(m + off, &v16, sizeof(v16));
		}
		break;
	}
	return m;
}

static int check_dir(struct tally *t, const char *dir, unsigned mutants, uint64_t *seed)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[4096];

	if (!d) {
		perror(dir);
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		unsigned char *buf, *copy;
		size_t len = 0, mlen = 0;

		if (e->d_name[0] == '.' || e->d_type == DT_DIR)
			continue;
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= sizeof(path))
			continue;
		buf = read_file(path, &len);
		if (!buf)
			continue;
		/* An exact-size copy: a read past the end is a sanitizer report. */
		copy = malloc(len ? len : 1);
		if (copy) {
			memcpy(copy, buf, len);
			compare(t, copy, len, path);
			free(copy);
		}
		for (unsigned i = 0; i < mutants; i++) {
			unsigned char *m = mutate(buf, len, seed, &mlen);
			if (!m)
				break;
			compare(t, m, mlen, path);
			free(m);
		}
		free(buf);
	}
	closedir(d);
	return 0;
}

int check_differential(char **dirs, int ndirs, unsigned mutants)
{
	struct tally t = {0, 0, 0, malloc(sizeof(struct nsb_bootstrap)),
	                  malloc(sizeof(struct nsb_bootstrap))};
	uint64_t seed = 0x6e73626f6f74ull; /* "nsboot" */
	int rc = 0;

	if (!t.x || !t.y) {
		free(t.x);
		free(t.y);
		return 2;
	}
	for (int i = 0; i < ndirs; i++)
		if (check_dir(&t, dirs[i], mutants, &seed) != 0)
			rc = 2;
	printf("check: %lu cases (files + %u mutants each, both dialects), %lu accepted, %lu disagreements "
	       "between nsb_decode and the libmnl peer\n",
	       t.cases, mutants, t.accepted, t.disagree);
	free(t.x);
	free(t.y);
	if (rc == 0 && t.disagree > 0)
		rc = 1;
	return rc;
}

bool check_inputs(const struct bench_input in[BENCH_INPUTS])
{
	struct nsb_bootstrap *x = malloc(sizeof(*x)), *y = malloc(sizeof(*y));
	bool ok = x && y;

	for (int i = 0; ok && i < BENCH_INPUTS; i++) {
		struct nsb_error ex, ey;
		struct floor_config f;
		if (nsb_decode(in[i].buf, in[i].len, &in[i].opts, x, &ex) != NSB_OK ||
		    mnl_peer_decode(in[i].buf, in[i].len, &in[i].opts, y, &ey) != NSB_OK ||
		    !same_output(x, y) || floor_decode(in[i].buf, in[i].len, &f) != 0 ||
		    !floor_agrees(&f, x)) {
			fprintf(stderr, "decode_bench: the decoders disagree on input %c (nsboot: %s@%u)\n",
			        in[i].id, nsb_error_name(ex.code), ex.offset);
			ok = false;
		}
	}
	free(x);
	free(y);
	return ok;
}
