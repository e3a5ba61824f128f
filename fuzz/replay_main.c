/* SPDX-License-Identifier: Apache-2.0 */
/*
 * replay_main.c - the plain driver: run a harness over files and directories
 * without any fuzzing engine. ctest runs it over corpus/<target>/ and
 * corpus/regressions/<target>/ (replay.<target>), under every preset
 * including MSan, and it reproduces a crash in one command:
 *
 *   replay-<target> PATH...
 *
 * Each input is read into a heap buffer of exactly its size (no slack, so
 * ASan sees a one-byte overread), then handed to LLVMFuzzerTestOneInput.
 * Directories are walked recursively in sorted order; names starting with
 * '.' are skipped (.gitkeep). Replaying nothing is an error: a corpus that
 * vanished must not pass as a green test. If the harness dies, the path of
 * the input it died on is printed to stderr.
 *
 * Exit status: 0 when every input ran, 1 on a usage or I/O problem, 2 when
 * no input was found; a broken invariant aborts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* asprintf */
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

/* The input being run, for the death reports below. */
static const char *current_path;

static void say_current(void)
{
	if (current_path == NULL)
		return;
	/* async-signal-safe: write(2) only */
	static const char pre[] = "replay: died on input ";
	ssize_t rc = write(STDERR_FILENO, pre, sizeof(pre) - 1);
	rc = write(STDERR_FILENO, current_path, strlen(current_path));
	rc = write(STDERR_FILENO, "\n", 1);
	(void)rc;
}

static void on_fatal_signal(int sig)
{
	say_current();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Report the input on @sig, unless a sanitizer already handles it (ASan
 * owns SIGSEGV and reports through the death callback instead). */
static void hook_signal(int sig)
{
	struct sigaction old;
	if (sigaction(sig, NULL, &old) != 0 || old.sa_handler != SIG_DFL)
		return;
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal_signal;
	sigemptyset(&sa.sa_mask);
	(void)sigaction(sig, &sa, NULL);
}

static int run_file(const char *path, size_t *count)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	struct stat st;
	if (fstat(fd, &st) != 0 || st.st_size < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		close(fd);
		return 1;
	}
	size_t size = (size_t)st.st_size;
	static uint8_t empty_input[1];
	uint8_t *buf = size == 0 ? empty_input : malloc(size); /* exact size */
	if (buf == NULL) {
		fprintf(stderr, "replay: %s: out of memory for %zu bytes\n", path, size);
		close(fd);
		return 1;
	}
	size_t got = 0;
	while (got < size) {
		ssize_t n = read(fd, buf + got, size - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			fprintf(stderr, "replay: %s: got %zu of %zu bytes: %s\n", path, got, size,
			        n < 0 ? strerror(errno) : "end of file");
			close(fd);
			if (buf != empty_input)
				free(buf);
			return 1;
		}
		got += (size_t)n;
	}
	close(fd);

	current_path = path;
	(void)LLVMFuzzerTestOneInput(buf, size);
	current_path = NULL;
	if (buf != empty_input)
		free(buf);
	(*count)++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_path(const char *path, size_t *count);

static int run_dir(const char *path, size_t *count)
{
	DIR *dir = opendir(path);
	if (dir == NULL) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	int rc = 0;
	struct dirent *de;
	errno = 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **grown = realloc(names, cap * sizeof(*names));
			if (grown == NULL) {
				rc = 1;
				break;
			}
			names = grown;
		}
		if (asprintf(&names[n], "%s/%s", path, de->d_name) < 0) {
			rc = 1;
			break;
		}
		n++;
	}
	if (rc == 0 && errno != 0)
		rc = 1;
	closedir(dir);
	if (rc != 0)
		fprintf(stderr, "replay: %s: cannot list the directory\n", path);
	if (names != NULL)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		if (rc == 0)
			rc = run_path(names[i], count);
		free(names[i]);
	}
	free(names);
	return rc;
}

static int run_path(const char *path, size_t *count)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if (S_ISDIR(st.st_mode))
		return run_dir(path, count);
	return run_file(path, count);
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		fprintf(stderr, "usage: %s FILE|DIR...\nRuns the fuzz harness once on every input.\n",
		        argv[0]);
		return argc < 2 ? 1 : 0;
	}
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (__sanitizer_set_death_callback != NULL)
		__sanitizer_set_death_callback(say_current);
	hook_signal(SIGABRT);
	hook_signal(SIGSEGV);
	hook_signal(SIGBUS);

	size_t count = 0;
	for (int i = 1; i < argc; i++) {
		if (run_path(argv[i], &count) != 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "replay: no input found in the paths given\n");
		return 2;
	}
	printf("replay: %zu inputs ran cleanly\n", count);
	return 0;
}
