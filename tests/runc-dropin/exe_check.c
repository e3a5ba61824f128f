// SPDX-License-Identifier: Apache-2.0
/*
 * exe_check PID - CVE-2019-5736 check of a container init in `runc create` state.
 *
 * The attack: a container process opens /proc/<init>/exe and writes through it into the
 * host's runc binary. runc's defence (cloned_binary.c) re-executes itself from a copy, so
 * the init's executable must be either
 *   - a memfd carrying at least the seals SEAL|SHRINK|GROW|WRITE (nobody can ever write it), or
 *   - a file on a read-only mount (the bind-mount fallback),
 * and the copy marks itself with _LIBCONTAINER_CLONED_BINARY in its environment.
 *
 * Prints one line of facts (`exe=... memfd=0|1 seals=0x.. rdonly=0|1 cloned_env=0|1`) and
 * exits 0 when the binary is protected and the variable is set, 1 when not, 2 on an error
 * (cannot open, read or stat: the check itself did not run).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

/* The seals runc 1.1 puts on its copy; newer kernels may add more (F_SEAL_EXEC): a superset is fine. */
#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
#define ENV_NAME       "_LIBCONTAINER_CLONED_BINARY="
#define ENVIRON_MAX    (1024 * 1024)

static int parse_pid(const char *s, long *out)
{
	char *end = NULL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v <= 0 || v > INT_MAX)
		return -1;
	*out = v;
	return 0;
}

/* Reads the whole environ file (NUL-separated) and reports whether ENV_NAME is one entry's prefix. */
static int environ_has_marker(long pid, bool *found)
{
	char path[64];
	(void)snprintf(path, sizeof(path), "/proc/%ld/environ", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "exe_check: open %s: %s\n", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(ENVIRON_MAX);
	if (buf == NULL) {
		fprintf(stderr, "exe_check: out of memory\n");
		(void)close(fd);
		return -1;
	}
	size_t len = 0;
	int rc = 0;
	for (;;) {
		if (len == ENVIRON_MAX) {
			fprintf(stderr, "exe_check: %s larger than %d bytes\n", path, ENVIRON_MAX);
			rc = -1;
			break;
		}
		ssize_t n = read(fd, buf + len, ENVIRON_MAX - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "exe_check: read %s: %s\n", path, strerror(errno));
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	(void)close(fd);
	*found = false;
	for (size_t off = 0; rc == 0 && off < len;) {
		const char *entry = buf + off;
		size_t left = len - off;
		const char *nul = memchr(entry, '\0', left);
		size_t elen = nul != NULL ? (size_t)(nul - entry) : left;
		if (elen >= strlen(ENV_NAME) && memcmp(entry, ENV_NAME, strlen(ENV_NAME)) == 0)
			*found = true;
		off += elen + 1;
	}
	free(buf);
	return rc;
}

int main(int argc, char **argv)
{
	long pid = 0;
	if (argc != 2 || parse_pid(argv[1], &pid) != 0) {
		fprintf(stderr, "usage: exe_check PID\n");
		return 2;
	}
	char path[64];
	(void)snprintf(path, sizeof(path), "/proc/%ld/exe", pid);

	char target[PATH_MAX];
	ssize_t tlen = readlink(path, target, sizeof(target) - 1);
	if (tlen < 0) {
		fprintf(stderr, "exe_check: readlink %s: %s\n", path, strerror(errno));
		return 2;
	}
	target[tlen] = '\0';

	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "exe_check: open %s: %s\n", path, strerror(errno));
		return 2;
	}
	/* F_GET_SEALS fails with EINVAL on anything that is not a memfd (or shmem file). */
	int seals = fcntl(fd, F_GET_SEALS);
	bool memfd = seals >= 0;
	if (!memfd && errno != EINVAL) {
		fprintf(stderr, "exe_check: F_GET_SEALS %s: %s\n", path, strerror(errno));
		(void)close(fd);
		return 2;
	}
	struct statvfs vfs;
	if (fstatvfs(fd, &vfs) != 0) {
		fprintf(stderr, "exe_check: fstatvfs %s: %s\n", path, strerror(errno));
		(void)close(fd);
		return 2;
	}
	(void)close(fd);
	bool rdonly = (vfs.f_flag & ST_RDONLY) != 0;

	bool cloned_env = false;
	if (environ_has_marker(pid, &cloned_env) != 0)
		return 2;

	bool sealed = memfd && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
	printf("exe=%s memfd=%d seals=0x%x rdonly=%d cloned_env=%d\n", target, memfd ? 1 : 0,
	       memfd ? (unsigned)seals : 0U, rdonly ? 1 : 0, cloned_env ? 1 : 0);
	return (sealed || rdonly) && cloned_env ? 0 : 1;
}
