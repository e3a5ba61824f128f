/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hrun.c - run `nsboot exec` for tests/hostile and report what it did and
 * what it left behind (host side).
 *
 *   hrun --report FILE [--deadline S] [--grace S] [--sigchld-ignore]
 *        [--signal SIG@S] [--race N] -- CMD [ARGS...]
 *
 * hrun is a child subreaper: every process CMD starts that outlives it
 * (a stage, the command) becomes hrun's child, so "left behind" is exact
 * and nothing escapes. Appended to FILE:
 *   status exit N | status signal N | status timeout   how CMD ended
 *   elapsed S                                          seconds CMD ran
 *   reaped PID exit|signal N                           a process CMD left that
 *                                                      ended within GRACE s
 *   left PID STATE COMM                                alive GRACE s after CMD
 *                                                      ended (then SIGKILLed)
 *   --deadline S   SIGKILL CMD after S seconds (default 20): nothing hangs
 *   --grace S      how long what CMD started may take to go (default 1)
 *   --sigchld-ignore  start CMD with SIGCHLD ignored
 *   --signal SIG@S send SIG (INT TERM HUP KILL) to CMD S seconds after start
 *   --race N       until N tries count (at most 3N, within --deadline):
 *                  start CMD (HOSTILE_TRY=I in its environment);
 *                  as soon as stage-2 exists (a child of CMD with comm
 *                  nsb:[2:...]), SIGSTOP CMD; 50 ms later SIGKILL it. Each
 *                  try is reported as "try I stage2=PID waiting ..." (stage-2
 *                  was still nsboot's, waiting: CMD had not released it) or
 *                  "try I stage2=PID late ..." (stage-2 had already become
 *                  the command: CMD released it before the stop) or "try I
 *                  missed ..."; only "waiting" tries count
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_KIDS 64

static FILE *report;
static double deadline_s = 20, grace_s = 1;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_us(long us)
{
	struct timespec ts = {us / 1000000L, (us % 1000000L) * 1000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

static void die(const char *what)
{
	fprintf(stderr, "hrun: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* The children of @pid (single-threaded: its main thread's list). */
static int children_of(pid_t pid, pid_t *out, int cap)
{
	char path[64], buf[4096];
	ssize_t n = -1;
	int fd, count = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *p = buf, *end; count < cap; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		out[count++] = (pid_t)v;
	}
	return count;
}

/* comm and state letter of @pid; "?" when gone */
static void comm_state(pid_t pid, char *comm, size_t cap, char *state)
{
	char path[64], buf[512];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	snprintf(comm, cap, "?");
	*state = '?';
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *open_p = strchr(buf, '('), *close_p = strrchr(buf, ')');
	if (open_p == NULL || close_p == NULL || close_p < open_p || close_p[1] == '\0')
		return;
	snprintf(comm, cap, "%.*s", (int)(close_p - open_p - 1), open_p + 1);
	*state = close_p[2];
}

static pid_t start(char **cmd, int sigchld_ignore)
{
	pid_t pid = fork();

	if (pid < 0)
		die("fork");
	if (pid == 0) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("PR_SET_PDEATHSIG");
		if (sigchld_ignore && signal(SIGCHLD, SIG_IGN) == SIG_ERR)
			die("ignore SIGCHLD");
		execvp(cmd[0], cmd);
		fprintf(stderr, "hrun: exec %s: %s\n", cmd[0], strerror(errno));
		_exit(127);
	}
	return pid;
}

static void report_status(int status)
{
	if (WIFEXITED(status))
		fprintf(report, "status exit %d\n", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		fprintf(report, "status signal %d\n", WTERMSIG(status));
	else
		fprintf(report, "status other %#x\n", status);
}

/*
 * After CMD ended: give what it left GRACE seconds to go, then report and
 * SIGKILL whatever is still there, and reap it. Returns how many were left.
 */
static int sweep(void)
{
	double end = now() + grace_s;
	pid_t kids[MAX_KIDS];
	int n, left = 0;

	for (;;) {
		int status = 0;
		pid_t r = waitpid(-1, &status, WNOHANG);
		if (r < 0 && errno == ECHILD)
			return 0;
		if (r > 0) {
			fprintf(report, "reaped %d %s %d\n", (int)r, WIFSIGNALED(status) ? "signal" : "exit",
			        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
			continue;
		}
		if (now() >= end)
			break;
		nap_us(2000);
	}
	n = children_of(getpid(), kids, MAX_KIDS);
	for (int i = 0; i < n; i++) {
		char comm[64], state;
		comm_state(kids[i], comm, sizeof(comm), &state);
		if (state == 'Z' || state == '?')
			continue;
		fprintf(report, "left %d %c %s\n", (int)kids[i], state, comm);
		left++;
		kill(kids[i], SIGKILL);
	}
	/* SIGKILL ends even a stopped process; bounded anyway */
	end = now() + 5;
	while (now() < end) {
		pid_t r = waitpid(-1, NULL, WNOHANG);
		if (r < 0 && errno == ECHILD)
			break;
		if (r == 0)
			nap_us(2000);
	}
	return left;
}

static int parse_signal(const char *s, int *sig, double *at)
{
	static const struct {
		const char *name;
		int sig;
	} names[] = {{"INT", SIGINT}, {"TERM", SIGTERM}, {"HUP", SIGHUP}, {"KILL", SIGKILL}};
	const char *a = strchr(s, '@');

	if (a == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strlen(names[i].name) == (size_t)(a - s) &&
		    strncmp(s, names[i].name, (size_t)(a - s)) == 0) {
			*sig = names[i].sig;
			*at = strtod(a + 1, NULL);
			return 0;
		}
	}
	return -1;
}

static void run_once(char **cmd, int sigchld_ignore, int sig, double sig_at)
{
	double t0 = now();
	pid_t pid = start(cmd, sigchld_ignore);
	int status = 0, sent = 0;

	for (;;) {
		pid_t r = waitpid(-1, &status, WNOHANG);
		if (r == pid)
			break;
		if (r > 0)
			continue; /* something CMD left, reparented to us, ended */
		double t = now() - t0;
		if (sig != 0 && !sent && t >= sig_at) {
			kill(pid, sig);
			sent = 1;
		}
		if (t >= deadline_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			fprintf(report, "status timeout\n");
			status = -1;
			break;
		}
		nap_us(1000);
	}
	if (status != -1)
		report_status(status);
	fprintf(report, "elapsed %.3f\n", now() - t0);
	sweep();
}

/* A stage that has read the bootstrap: stage-0 names itself after that. */
static int find_stage(pid_t pid, const char *tag, char *comm, size_t cap, pid_t *which)
{
	pid_t kids[MAX_KIDS];
	int n = children_of(pid, kids, MAX_KIDS);

	for (int i = 0; i < n; i++) {
		char c[64], state;
		comm_state(kids[i], c, sizeof(c), &state);
		if (strncmp(c, "nsb:", 4) == 0 && strstr(c, tag) != NULL && state != 'Z') {
			snprintf(comm, cap, "%s", c);
			*which = kids[i];
			return 1;
		}
	}
	return 0;
}

static int race_try(int i, char **cmd)
{
	char seen[64] = "none", comm[64], state, env[32];
	pid_t pid, stage2 = 0;
	double end = now() + 2;
	int status = 0, caught = 0;

	snprintf(env, sizeof(env), "%d", i);
	setenv("HOSTILE_TRY", env, 1);
	pid = start(cmd, 0);
	while (now() < end) {
		if (find_stage(pid, "[2:", seen, sizeof(seen), &stage2)) {
			kill(pid, SIGSTOP);
			caught = 1;
			break;
		}
		if (waitpid(pid, &status, WNOHANG) == pid) {
			fprintf(report, "try %d missed: CMD ended before stage-2 was seen (status %#x)\n", i,
			        status);
			sweep();
			return 0;
		}
	}
	if (!caught) {
		fprintf(report, "try %d missed: no stage-2 in 2 s\n", i);
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		sweep();
		return 0;
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status)) {
		fprintf(report, "try %d missed: CMD ended instead of stopping (status %#x)\n", i, status);
		sweep();
		return 0;
	}
	/* CMD is stopped. Had it released stage-2 before the stop, stage-2 would
	 * be running the command within this time: such a try does not count. */
	nap_us(50000);
	comm_state(stage2, comm, sizeof(comm), &state);
	int waiting = strncmp(comm, "nsb:", 4) == 0 && state != 'Z' && state != '?';
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	int left = sweep();
	if (waiting)
		fprintf(report, "try %d stage2=%d waiting (%s %c) left=%d\n", i, (int)stage2, comm, state,
		        left);
	else
		fprintf(report, "try %d stage2=%d late: it was released before the stop (%s %c) left=%d\n", i,
		        (int)stage2, comm, state, left);
	return waiting;
}

int main(int argc, char **argv)
{
	const char *report_path = NULL;
	int sigchld_ignore = 0, sig = 0, race = 0, i;
	double sig_at = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--report") == 0 && i + 1 < argc)
			report_path = argv[++i];
		else if (strcmp(argv[i], "--deadline") == 0 && i + 1 < argc)
			deadline_s = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--grace") == 0 && i + 1 < argc)
			grace_s = strtod(argv[++i], NULL);
		else if (strcmp(argv[i], "--sigchld-ignore") == 0)
			sigchld_ignore = 1;
		else if (strcmp(argv[i], "--signal") == 0 && i + 1 < argc) {
			if (parse_signal(argv[++i], &sig, &sig_at) < 0) {
				fprintf(stderr, "hrun: --signal SIG@SECONDS, SIG one of INT TERM HUP KILL\n");
				return 2;
			}
		} else if (strcmp(argv[i], "--race") == 0 && i + 1 < argc)
			race = atoi(argv[++i]);
		else
			break;
	}
	if (report_path == NULL || i >= argc - 1 || strcmp(argv[i], "--") != 0) {
		fprintf(stderr, "usage: hrun --report FILE [--deadline S] [--grace S] [--sigchld-ignore] "
		                "[--signal SIG@S] [--race N] -- CMD [ARGS...]\n");
		return 2;
	}
	report = fopen(report_path, "ae");
	if (report == NULL)
		die(report_path);
	setvbuf(report, NULL, _IOLBF, 0);
	if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
		die("PR_SET_CHILD_SUBREAPER");
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("PR_SET_PDEATHSIG");
	char **cmd = argv + i + 1;
	if (race > 0) {
		/* N tries that count, out of at most 3N, within the deadline */
		double end = now() + deadline_s;
		int counted = 0, t = 0;
		while (counted < race && t < 3 * race && now() < end)
			counted += race_try(++t, cmd);
		fprintf(report, "race %d of %d tries had stage-2 waiting when CMD was killed%s\n", counted, t,
		        counted < race ? " (gave up)" : "");
	} else {
		run_once(cmd, sigchld_ignore, sig, sig_at);
	}
	fclose(report);
	return 0;
}
