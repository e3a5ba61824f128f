/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_exe_seal.c - nsb_run_sealed (core/src/exe_seal.c) on the real
 * system calls, behind a counting seam that can fail any one of them.
 *
 * This binary plays both parts: started with "--report FILE" it is the
 * re-exec'd copy, which calls nsb_run_sealed again (it must return at
 * once: already sealed) and writes what it sees of itself to FILE.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsboot/init.h"

extern char **environ;

#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL)

/* ---- a seam that counts and fails ------------------------------------------- */

struct counting {
	int calls;
	int fail_at; /* 1-based call to fail with EIO; 0: none */
	const char *failed_call;
	const char *last_call;
};

static struct counting C;

static void on_site(void *ctx, const struct nsb_site *site)
{
	(void)ctx;
	C.calls++;
	C.last_call = site->call;
}

static bool fail_now(void)
{
	if (C.fail_at != 0 && C.calls == C.fail_at) {
		C.failed_call = C.last_call;
		errno = EIO;
		return true;
	}
	return false;
}

static int c_open(void *ctx, const char *path, int flags, mode_t mode)
{
	return fail_now() ? -1 : nsb_sys_default()->open(ctx, path, flags, mode);
}
static int c_close(void *ctx, int fd)
{
	return fail_now() ? -1 : nsb_sys_default()->close(ctx, fd);
}
static ssize_t c_read(void *ctx, int fd, void *buf, size_t n)
{
	return fail_now() ? -1 : nsb_sys_default()->read(ctx, fd, buf, n);
}
static ssize_t c_write(void *ctx, int fd, const void *buf, size_t n)
{
	return fail_now() ? -1 : nsb_sys_default()->write(ctx, fd, buf, n);
}
static int c_fcntl(void *ctx, int fd, int cmd, int arg)
{
	return fail_now() ? -1 : nsb_sys_default()->fcntl(ctx, fd, cmd, arg);
}
static int c_memfd_create(void *ctx, const char *name, unsigned int flags)
{
	return fail_now() ? -1 : nsb_sys_default()->memfd_create(ctx, name, flags);
}
static int c_execveat(void *ctx, int dirfd, const char *path, char *const argv[], char *const envp[],
                      int flags)
{
	return fail_now() ? -1 : nsb_sys_default()->execveat(ctx, dirfd, path, argv, envp, flags);
}

static struct nsb_sys counting_sys(void)
{
	struct nsb_sys s = *nsb_sys_default();
	s.site = on_site;
	s.open = c_open;
	s.close = c_close;
	s.read = c_read;
	s.write = c_write;
	s.fcntl = c_fcntl;
	s.memfd_create = c_memfd_create;
	s.execveat = c_execveat;
	return s;
}

/* ---- the copy's side ---------------------------------------------------------- */

static int report_main(const char *file)
{
	const struct nsb_sys sys = counting_sys();
	char self[] = "test_exe_seal", report[] = "--report";
	char *const argv[] = {self, report, (char *)(uintptr_t)file, NULL};
	char link[256] = "";
	struct stat st;
	FILE *f = fopen(file, "w");

	if (f == NULL)
		return 2;
	/* already sealed: returns without an exec, after one open, one fcntl, one close */
	enum nsb_err rc = nsb_run_sealed(&sys, argv, environ, NULL, NULL);
	int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	(void)fprintf(f, "rc %d calls %d\nlink %s\nseals %d\nsize %lld\n", (int)rc, C.calls, link,
	              exe >= 0 ? fcntl(exe, F_GET_SEALS) : -1,
	              exe >= 0 && fstat(exe, &st) == 0 ? (long long)st.st_size : -1LL);
	/* writing to it, through a fresh open of /proc/self/exe, must fail */
	int w = open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
	(void)fprintf(f, "write %s\n", w >= 0 && write(w, "x", 1) == 1 ? "ok" : "refused");
	return fclose(f) == 0 ? 0 : 2;
}

/* ---- the tests ------------------------------------------------------------------ */

static char report_path[64];
static char self_path[4096];

static void read_report(char *buf, size_t cap)
{
	FILE *f = fopen(report_path, "r");
	assert_non_null(f);
	size_t n = fread(buf, 1, cap - 1, f);
	buf[n] = '\0';
	(void)fclose(f);
}

static int fds_open(void)
{
	int n = 0;
	for (int fd = 0; fd < 1024; fd++)
		n += fcntl(fd, F_GETFD) >= 0;
	return n;
}

/* Runs nsb_run_sealed in a child as the program itself would; returns its wait status. */
static int run_child(int fail_at, enum nsb_err *rc_out, const char **call_out)
{
	int pfd[2];
	assert_int_equal(pipe2(pfd, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		const struct nsb_sys sys = counting_sys();
		char report[] = "--report";
		char *const argv[] = {self_path, report, report_path, NULL};
		const char *call = NULL;
		int before = fds_open();
		C.fail_at = fail_at;
		enum nsb_err rc = nsb_run_sealed(&sys, argv, environ, &call, NULL);
		/* returned: a failure; what failed, and did it leave an fd open? */
		char line[128];
		int n = snprintf(line, sizeof(line), "%d %s %d\n", (int)rc, call != NULL ? call : "-",
		                 fds_open() - before);
		(void)write(pfd[1], line, (size_t)n);
		_exit(0);
	}
	(void)close(pfd[1]);
	char line[128] = "";
	ssize_t n = read(pfd[0], line, sizeof(line) - 1);
	(void)close(pfd[0]);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	*rc_out = NSB_OK;
	*call_out = NULL;
	if (n > 0) {
		static char call[32];
		int rc = 0, leaked = 0;
		line[n] = '\0';
		assert_int_equal(sscanf(line, "%d %31s %d", &rc, call, &leaked), 3);
		assert_int_equal(leaked, 0);
		*rc_out = (enum nsb_err)rc;
		*call_out = call;
	}
	return status;
}

static void test_runs_from_a_sealed_copy_of_the_loaded_part(void **state)
{
	(void)state;
	enum nsb_err rc;
	const char *call;
	char rep[1024];
	struct stat self;

	(void)unlink(report_path);
	int status = run_child(0, &rc, &call);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_null(call); /* it exec'd: nothing came back through the pipe */
	read_report(rep, sizeof(rep));
	/* the copy found itself sealed: one open, one fcntl, one close, no exec */
	assert_non_null(strstr(rep, "rc 0 calls 3\n"));
	assert_non_null(strstr(rep, "link /memfd:nsboot (deleted)\n"));
	char want[32];
	(void)snprintf(want, sizeof(want), "seals %d\n", SEALS);
	if (strstr(rep, want) == NULL)
		fail_msg("not sealed %#x:\n%s", SEALS, rep);
	assert_non_null(strstr(rep, "write refused\n"));
	/* only the loaded part: smaller than the file, which carries debug information
	 * in every preset that builds the unit tests (-g) */
	long long size = -1;
	const char *sz = strstr(rep, "size ");
	assert_non_null(sz);
	assert_int_equal(sscanf(sz, "size %lld", &size), 1);
	assert_int_equal(stat(self_path, &self), 0);
	assert_true(size > 4096 && size < (long long)self.st_size);
}

static void test_every_failure_is_reported_and_leaves_the_process_as_it_was(void **state)
{
	(void)state;
	int failed = 0;
	/* the calls of one unsealed run: open, fcntl (not sealed), memfd_create,
	 * reads and writes of the copy, close, fcntl (seals), execveat */
	for (int at = 1; at < 64; at++) {
		enum nsb_err rc;
		const char *call;
		(void)unlink(report_path);
		int status = run_child(at, &rc, &call);
		assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
		if (call == NULL)
			continue; /* the failed call was one the code steps over (see below), and it exec'd */
		failed++;
		assert_int_equal(rc, NSB_ERR_SYSCALL);
		assert_true(strcmp(call, "open") == 0 || strcmp(call, "memfd_create") == 0 ||
		            strcmp(call, "read") == 0 || strcmp(call, "write") == 0 ||
		            strcmp(call, "fcntl") == 0 || strcmp(call, "execveat") == 0);
	}
	/* at least: open, a read, a write, the seal and the exec (the fallbacks,
	 * the MFD_EXEC memfd_create and the sealed check, and the closes are
	 * stepped over) */
	assert_true(failed >= 5);
}

static void test_without_argv_or_envp_nothing_happens(void **state)
{
	(void)state;
	struct nsb_error err;
	char *const argv[] = {NULL};
	assert_int_equal(nsb_run_sealed(NULL, NULL, environ, NULL, &err), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(nsb_run_sealed(NULL, argv, NULL, NULL, &err), NSB_ERR_INVALID_ARGUMENT);
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "--report") == 0)
		return report_main(argv[2]);
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n <= 0)
		return 2;
	self_path[n] = '\0';
	(void)snprintf(report_path, sizeof(report_path), "/tmp/nsb-exe-seal.%d", (int)getpid());
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_runs_from_a_sealed_copy_of_the_loaded_part),
	        cmocka_unit_test(test_every_failure_is_reported_and_leaves_the_process_as_it_was),
	        cmocka_unit_test(test_without_argv_or_envp_nothing_happens),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);
	(void)unlink(report_path);
	return rc;
}
