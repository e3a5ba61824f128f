/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_corpus.c - the four messages a real runc 1.1.5 wrote (corpus/runc/)
 * decode, in both dialects, to exactly the configuration of their .json
 * (values written out here by hand from those files), and nsb_encode
 * reproduces each capture byte for byte.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS NSB_SOURCE_DIR "/corpus/runc/"

/* "namespaces": pid, network, ipc, uts, mount (+ user) */
#define RUN_FLAGS    (CL_NEWPID | CL_NEWNET | CL_NEWIPC | CL_NEWUTS | CL_NEWNS)
#define BASE_PRESENT ((1u << NSB_F_CLONE_FLAGS) | (1u << NSB_F_ROOTLESS_EUID))

static struct nsb_bootstrap b;

static unsigned char *load(const char *name, size_t *len)
{
	char path[512];
	snprintf(path, sizeof path, "%s%s", CORPUS, name);
	return nsbt_read_file(path, len);
}

/* decode @name in @d; header as runc sends it */
static unsigned char *decode(const char *name, enum nsb_dialect d, size_t *len)
{
	unsigned char *buf = load(name, len);
	struct nsb_decode_opts opts = {.dialect = d, .max_len = 0};
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_decode(buf, *len, &opts, &b, &e), e);
	assert_int_equal(b.dialect, d);
	assert_int_equal(b.length, *len);
	assert_int_equal(b.type, 62000);
	assert_int_equal(b.flags, 1);
	assert_int_equal(b.seq, 1);
	assert_int_equal(b.pid, 0);
	assert_false(b.rootless_euid); /* runc run as root */
	return buf;
}

/* nsb_encode(decode(capture)) == capture */
static void check_reencode(const unsigned char *buf, size_t len)
{
	unsigned char *out = malloc(len);
	assert_non_null(out);
	size_t got = 0;
	struct nsb_error e;
	nsbt_poison(&e);
	assert_nsb_ok(nsb_encode(&b, out, len, &got, &e), e);
	assert_int_equal(got, len);
	assert_memory_equal(out, buf, len);
	free(out);
}

static void test_corpus_run_default_matches_config(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		size_t len;
		unsigned char *buf = decode("run-default.bin", (enum nsb_dialect)d, &len);
		assert_int_equal(len, 32);
		assert_int_equal(b.present, BASE_PRESENT);
		assert_int_equal(b.clone_flags, RUN_FLAGS);
		assert_int_equal(b.clone_flags, 0x6C020000u);
		check_reencode(buf, len);
		free(buf);
	}
}

static void test_corpus_run_default_exec_matches_config(void **state)
{
	(void)state;
	/* runc exec: nothing created, every namespace of the container joined
	 * through /proc/<container pid>/ns/<type>, in runc's order */
	static const struct {
		enum nsb_ns_type type;
		const char *path;
	} want[] = {
	        {NSB_NS_IPC, "/proc/16551/ns/ipc"}, {NSB_NS_UTS, "/proc/16551/ns/uts"},
	        {NSB_NS_NET, "/proc/16551/ns/net"}, {NSB_NS_PID, "/proc/16551/ns/pid"},
	        {NSB_NS_MNT, "/proc/16551/ns/mnt"},
	};
	for (int d = 0; d < 2; d++) {
		size_t len;
		unsigned char *buf = decode("run-default-exec.bin", (enum nsb_dialect)d, &len);
		assert_int_equal(len, 152);
		assert_int_equal(b.present, BASE_PRESENT | (1u << NSB_F_NS_PATHS));
		assert_int_equal(b.clone_flags, 0);
		assert_int_equal(b.ns_paths.count, 5);
		for (size_t i = 0; i < 5; i++) {
			assert_int_equal(b.ns_paths.paths[i].type, want[i].type);
			assert_view_eq(b.ns_paths.paths[i].path, want[i].path);
		}
		check_reencode(buf, len);
		free(buf);
	}
}

static void test_corpus_run_userns_matches_config(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		size_t len;
		unsigned char *buf = decode("run-userns.bin", (enum nsb_dialect)d, &len);
		assert_int_equal(len, 100);
		assert_int_equal(b.present, BASE_PRESENT | (1u << NSB_F_UIDMAP) | (1u << NSB_F_GIDMAP) |
		                                    (1u << NSB_F_SETGROUP));
		assert_int_equal(b.clone_flags, RUN_FLAGS | CL_NEWUSER);
		/* uidMappings: {0, 100000, 65536} */
		assert_int_equal(b.uid_map.count, 1);
		assert_int_equal(b.uid_map.extents[0].container_id, 0);
		assert_int_equal(b.uid_map.extents[0].host_id, 100000);
		assert_int_equal(b.uid_map.extents[0].size, 65536);
		assert_view_eq(b.uid_map_text, "0 100000 65536\n");
		/* gidMappings: {0, 200000, 1000}, {1000, 300000, 64536} */
		assert_int_equal(b.gid_map.count, 2);
		assert_int_equal(b.gid_map.extents[0].container_id, 0);
		assert_int_equal(b.gid_map.extents[0].host_id, 200000);
		assert_int_equal(b.gid_map.extents[0].size, 1000);
		assert_int_equal(b.gid_map.extents[1].container_id, 1000);
		assert_int_equal(b.gid_map.extents[1].host_id, 300000);
		assert_int_equal(b.gid_map.extents[1].size, 64536);
		assert_view_eq(b.gid_map_text, "0 200000 1000\n1000 300000 64536\n");
		assert_true(b.setgroup);
		assert_int_equal(b.uid_map_helper.len, 0); /* not rootless: no helpers */
		check_reencode(buf, len);
		free(buf);
	}
}

static void test_corpus_run_oom_matches_config(void **state)
{
	(void)state;
	for (int d = 0; d < 2; d++) {
		size_t len;
		unsigned char *buf = decode("run-oom.bin", (enum nsb_dialect)d, &len);
		assert_int_equal(len, 40);
		assert_int_equal(b.present, BASE_PRESENT | (1u << NSB_F_OOM_SCORE_ADJ));
		assert_int_equal(b.clone_flags, RUN_FLAGS);
		assert_int_equal(b.oom_score_adj, 500); /* "oomScoreAdj": 500 */
		check_reencode(buf, len);
		free(buf);
	}
}

static void test_corpus_every_truncation_is_rejected(void **state)
{
	(void)state;
	/* every proper prefix of every capture is an error, never a crash */
	static const char *names[] = {"run-default.bin", "run-default-exec.bin", "run-userns.bin",
	                              "run-oom.bin"};
	for (size_t i = 0; i < 4; i++) {
		size_t len;
		unsigned char *full = load(names[i], &len);
		for (size_t cut = 0; cut < len; cut++) {
			unsigned char *p = malloc(cut ? cut : 1u);
			assert_non_null(p);
			memcpy(p, full, cut);
			struct nsb_error e;
			nsbt_poison(&e);
			enum nsb_err rc = nsb_decode(p, cut, NULL, &b, &e);
			assert_int_equal(rc, cut < 16 ? NSB_ERR_SHORT_HEADER : NSB_ERR_TRUNCATED);
			free(p);
		}
		free(full);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_corpus_run_default_matches_config),
	        cmocka_unit_test(test_corpus_run_default_exec_matches_config),
	        cmocka_unit_test(test_corpus_run_userns_matches_config),
	        cmocka_unit_test(test_corpus_run_oom_matches_config),
	        cmocka_unit_test(test_corpus_every_truncation_is_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
