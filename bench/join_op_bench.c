/* SPDX-License-Identifier: Apache-2.0 */
/*
 * join_op_bench.c - the time of stage-1's JOIN op alone (core/src/join.c),
 * as root, on the real system calls.
 *
 *   join_op_bench PID [ROUNDS]
 *
 * Joins every namespace of PID that differs from ours (/proc/PID/ns/<type>,
 * as `nsboot exec --target` names them) ROUNDS times (default 2000), each
 * time in a freshly forked child that calls nsb_op_join between two
 * clock_gettime(CLOCK_MONOTONIC) and reports the difference: the opens,
 * the nsfs and type checks, every setns and the closes, nothing else. Prints
 * the median, the 10th and the 90th percentile in microseconds.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "init_internal.h"

static int cmp_long(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;
	return (x > y) - (x < y);
}

static long now_ns(void)
{
	struct timespec ts;
	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void child(const struct nsb_exec *proto, int out)
{
	struct nsb_exec ex = *proto;
	struct nsb_op op = {NSB_OP_JOIN, NSB_PEER_PARENT, 0};
	long t0 = now_ns();
	enum nsb_step step = nsb_op_join(&ex, &op);
	long dt = now_ns() - t0;
	if (step != NSB_STEP_OK) {
		(void)fprintf(stderr, "join_op_bench: %s\n", ex.fault.text);
		_exit(1);
	}
	_exit(write(out, &dt, sizeof(dt)) == (ssize_t)sizeof(dt) ? 0 : 1);
}

int main(int argc, char **argv)
{
	static const struct {
		enum nsb_ns_type type;
		const char *name;
	} types[] = {{NSB_NS_USER, "user"},     {NSB_NS_IPC, "ipc"},  {NSB_NS_UTS, "uts"},
	             {NSB_NS_NET, "net"},       {NSB_NS_PID, "pid"},  {NSB_NS_MNT, "mnt"},
	             {NSB_NS_CGROUP, "cgroup"}, {NSB_NS_TIME, "time"}};
	static char paths[8][64];
	static struct nsb_exec ex; /* large: off the stack */
	long pid, rounds = 2000, *dts;
	int fds[2];

	if (argc < 2 || argc > 3 || (pid = strtol(argv[1], NULL, 10)) <= 0 ||
	    (argc == 3 && (rounds = strtol(argv[2], NULL, 10)) <= 0)) {
		(void)fprintf(stderr, "usage: join_op_bench PID [ROUNDS]\n");
		return 2;
	}
	ex.sys = nsb_sys_default();
	ex.stage = 1;
	ex.loglevel = 0;
	ex.logfd = -1;
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char self[64], theirs[64], a[128] = "", b[128] = "";
		(void)snprintf(self, sizeof(self), "/proc/self/ns/%s", types[i].name);
		(void)snprintf(theirs, sizeof(theirs), "/proc/%ld/ns/%s", pid, types[i].name);
		if (readlink(self, a, sizeof(a) - 1) < 0 || readlink(theirs, b, sizeof(b) - 1) < 0 ||
		    strcmp(a, b) == 0)
			continue;
		struct nsb_ns_path *p = &ex.plan.joins[ex.plan.join_count];
		(void)snprintf(paths[ex.plan.join_count], sizeof(paths[0]), "%s", theirs);
		p->type = types[i].type;
		p->path.ptr = paths[ex.plan.join_count];
		p->path.len = strlen(paths[ex.plan.join_count]);
		ex.plan.join_flags |= nsb_ns_type_flag(types[i].type);
		ex.plan.join_count++;
	}
	if (ex.plan.join_count == 0) {
		(void)fprintf(stderr, "join_op_bench: pid %ld shares every namespace with us\n", pid);
		return 2;
	}
	dts = calloc((size_t)rounds, sizeof(*dts));
	if (dts == NULL || pipe2(fds, O_CLOEXEC) < 0) {
		perror("join_op_bench");
		return 2;
	}
	for (long r = 0; r < rounds; r++) {
		int status;
		pid_t c = fork();
		if (c < 0) {
			perror("fork");
			return 2;
		}
		if (c == 0)
			child(&ex, fds[1]);
		if (waitpid(c, &status, 0) != c || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
		    read(fds[0], &dts[r], sizeof(dts[r])) != (ssize_t)sizeof(dts[r])) {
			(void)fprintf(stderr, "join_op_bench: round %ld failed\n", r);
			return 1;
		}
	}
	qsort(dts, (size_t)rounds, sizeof(*dts), cmp_long);
	long median = dts[rounds / 2], p10 = dts[rounds / 10], p90 = dts[rounds * 9 / 10];
	(void)printf("join of %zu namespaces, %ld rounds: median %.1f us, p10 %.1f us, p90 %.1f us\n",
	             ex.plan.join_count, rounds, (double)median / 1e3, (double)p10 / 1e3, (double)p90 / 1e3);
	free(dts);
	return 0;
}
