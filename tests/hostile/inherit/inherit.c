/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inherit.c - the two ends of tests/hostile/inherit.sh, built static so that
 * the same binary runs on the host and inside a busybox container.
 *
 *   inherit probe
 *       Reports, one "key<TAB>value" line each, what this process was handed
 *       by whoever exec'd it: fds, environment names, credentials,
 *       capabilities, no_new_privs, seccomp, securebits, LSM label, cgroups,
 *       cwd and root, session / process group / controlling tty, oom score,
 *       CPU affinity, rlimits, umask, nice, signal mask and dispositions.
 *       Everything is read before this process opens anything of its own.
 *
 *   inherit probe --hold SECONDS
 *       The same, then stays alive until SIGTERM (or SECONDS), exit 0.
 *
 *   inherit steal PID
 *       Run by a process already in the container, with the container's own
 *       credentials: what it gets of the held probe PID (a pid of the
 *       container's pid namespace) through /proc: its fds above 2, its fd 0
 *       (the caller's terminal, if that is what it is), its environment.
 *
 *   inherit caller --info F --out F --err F --file F --dir D --cwd D
 *                  --timeout S -- TOOL [ARGS...]
 *       Plays an interactive root shell that runs TOOL: a new session whose
 *       controlling terminal is a fresh pty, TOOL in its own foreground
 *       process group with the pty as stdin, stdout and stderr to the files
 *       F. Before TOOL is exec'd the caller holds fd 7 (the file --file) and
 *       fd 9 (the directory --dir) open without close-on-exec, fd 8 with it,
 *       a small fixed environment with a secret in it, the supplementary
 *       groups 4, 27 and 4242, umask 027, oom_score_adj 123, CPU 0 only,
 *       RLIMIT_NOFILE 2048/4096, nice 5, SIGUSR1 ignored and SIGUSR2 blocked,
 *       and its cwd in --cwd. The session and the tty it made go to --info.
 *       TOOL's process group is SIGKILLed after --timeout seconds. Exit
 *       status: TOOL's, 128+N for signal N, 124 on timeout, 125 on a setup
 *       failure.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define HOST_MARKER "inherit-host-marker"

extern char **environ;

/* ---- probe ------------------------------------------------------------------------- */

/* A whole small file into @buf (NUL-terminated); -1 if it cannot be read. */
static ssize_t slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t len = 0;

	if (fd < 0)
		return -1;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	(void)close(fd);
	return (ssize_t)len;
}

/* The value of "Key:\t..." in /proc/self/status text, into @out. */
static const char *status_field(const char *status, const char *key, char *out, size_t size)
{
	size_t klen = strlen(key);

	for (const char *p = status; p != NULL && *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > klen && strncmp(p, key, klen) == 0 && p[klen] == ':') {
			const char *v = p + klen + 1;
			while (*v == '\t' || *v == ' ')
				v++;
			size_t vlen = len - (size_t)(v - p);
			if (vlen >= size)
				vlen = size - 1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			for (char *t = out; *t != '\0'; t++) /* "0\t0\t0\t0" -> "0 0 0 0" */
				if (*t == '\t')
					*t = ' ';
			return out;
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	(void)snprintf(out, size, "?");
	return out;
}

static void print_caps(const char *status, const char *key)
{
	char v[64];
	unsigned long long mask;
	char *end;

	status_field(status, key, v, sizeof(v));
	errno = 0;
	mask = strtoull(v, &end, 16);
	if (errno != 0 || end == v)
		(void)printf("%s\t%s\n", key, v);
	else
		(void)printf("%s\t%s (%d)\n", key, v, __builtin_popcountll(mask));
}

static const char *fd_kind(int fd, const char *target)
{
	struct stat st;

	if (isatty(fd))
		return "tty";
	if (strncmp(target, "pipe:", 5) == 0)
		return "pipe";
	if (strncmp(target, "socket:", 7) == 0)
		return "socket";
	if (strncmp(target, "anon_inode:", 11) == 0)
		return "anon";
	if (fstat(fd, &st) < 0)
		return "?";
	if (S_ISDIR(st.st_mode))
		return "dir";
	if (S_ISREG(st.st_mode))
		return "file";
	if (S_ISCHR(st.st_mode))
		return "chr";
	return "other";
}

/* fds: "N:kind" each; fd.N: the link; host_dir: which dir fds reach the host's marker. */
static void print_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	char kinds[1024] = "", reach[256] = "", links[4096] = "";
	size_t kl = 0, rl = 0, ll = 0;
	struct dirent *e;
	int nums[256], n = 0;

	if (d == NULL) {
		(void)printf("fds\t? (%s)\n", strerror(errno));
		return;
	}
	while ((e = readdir(d)) != NULL && n < 256) {
		char *end;
		long fd = strtol(e->d_name, &end, 10);
		if (e->d_name[0] == '.' || *end != '\0' || fd == dirfd(d))
			continue;
		nums[n++] = (int)fd;
	}
	(void)closedir(d);
	for (int i = 1; i < n; i++) /* readdir order is numeric already; be sure */
		for (int j = i; j > 0 && nums[j - 1] > nums[j]; j--) {
			int t = nums[j];
			nums[j] = nums[j - 1];
			nums[j - 1] = t;
		}
	for (int i = 0; i < n; i++) {
		char path[64], target[512];
		ssize_t len;
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", nums[i]);
		len = readlink(path, target, sizeof(target) - 1);
		target[len > 0 ? len : 0] = '\0';
		const char *kind = fd_kind(nums[i], target);
		kl += (size_t)snprintf(kinds + kl, sizeof(kinds) - kl, "%s%d:%s", kl > 0 ? " " : "", nums[i],
		                       kind);
		ll += (size_t)snprintf(links + ll, sizeof(links) - ll, "%s%d=%s", ll > 0 ? " " : "", nums[i],
		                       target);
		if (strcmp(kind, "dir") == 0 && faccessat(nums[i], HOST_MARKER, F_OK, 0) == 0)
			rl += (size_t)snprintf(reach + rl, sizeof(reach) - rl, "%sfd %d", rl > 0 ? ", " : "",
			                       nums[i]);
		if (kl >= sizeof(kinds) || ll >= sizeof(links) || rl >= sizeof(reach))
			break;
	}
	(void)printf("fds\t%s\n", kinds);
	(void)printf("fd_links\t%s\n", links);
	(void)printf("host_dir_fd\t%s\n", rl > 0 ? reach : "no");
}

/* Names of the environment, sorted, separated by spaces. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void print_env(void)
{
	char *names[128] = {NULL};
	size_t n = 0;

	for (size_t i = 0; environ[i] != NULL && n < 128; i++) {
		size_t len = strcspn(environ[i], "=");
		names[n] = strndup(environ[i], len);
		if (names[n] != NULL)
			n++;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	(void)printf("env\t");
	for (size_t i = 0; i < n; i++) {
		(void)printf("%s%s", i > 0 ? " " : "", names[i]);
		free(names[i]);
	}
	(void)printf("%s\n", n == 0 ? "(empty)" : "");
}

/* cgroup membership: "path: controllers" per distinct path. */
static void print_cgroups(void)
{
	char buf[4096], out[2048] = "";
	char paths[16][512], ctrls[16][256];
	int np = 0;
	size_t ol = 0;

	if (slurp("/proc/self/cgroup", buf, sizeof(buf)) < 0) {
		(void)printf("cgroup\t?\n");
		return;
	}
	for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n")) {
		char *c1 = strchr(line, ':'), *c2 = c1 != NULL ? strchr(c1 + 1, ':') : NULL;
		int i;
		if (c2 == NULL)
			continue;
		*c1 = *c2 = '\0';
		const char *ctrl = c1[1] != '\0' ? c1 + 1 : "v2";
		if (strncmp(ctrl, "name=", 5) == 0)
			ctrl += 5;
		for (i = 0; i < np && strcmp(paths[i], c2 + 1) != 0; i++) {
		}
		if (i == np) {
			if (np == 16)
				continue;
			(void)snprintf(paths[np], sizeof(paths[np]), "%s", c2 + 1);
			ctrls[np++][0] = '\0';
		}
		size_t cl = strlen(ctrls[i]);
		(void)snprintf(ctrls[i] + cl, sizeof(ctrls[i]) - cl, "%s%s", cl > 0 ? "," : "", ctrl);
	}
	for (int i = 0; i < np && ol < sizeof(out); i++)
		ol += (size_t)snprintf(out + ol, sizeof(out) - ol, "%s%s (%s)", i > 0 ? "; " : "", paths[i],
		                       ctrls[i]);
	(void)printf("cgroup\t%s\n", out);
}

static void print_link(const char *key, const char *path)
{
	char target[512];
	ssize_t len = readlink(path, target, sizeof(target) - 1);

	if (len < 0)
		(void)printf("%s\t? (%s)\n", key, strerror(errno));
	else
		(void)printf("%s\t%.*s\n", key, (int)len, target);
}

/* Fields 3..8 of /proc/self/stat: state ppid pgrp session tty_nr tpgid. */
static void print_session(void)
{
	char buf[1024];
	const char *p;
	char state;
	int ppid, pgrp, sid, tty, tpgid;

	if (slurp("/proc/self/stat", buf, sizeof(buf)) < 0 || (p = strrchr(buf, ')')) == NULL ||
	    sscanf(p + 1, " %c %d %d %d %d %d", &state, &ppid, &pgrp, &sid, &tty, &tpgid) != 6) {
		(void)printf("session\t?\n");
		return;
	}
	(void)printf("pid\t%d\nppid\t%d\npgrp\t%d\nsid\t%d\ntpgid\t%d\n", getpid(), ppid, pgrp, sid, tpgid);
	if (tty == 0)
		(void)printf("tty_nr\t0\n");
	else
		(void)printf("tty_nr\t%u:%u\n", major((dev_t)tty), minor((dev_t)tty));
}

/* Can this process push input into the terminal on fd 0 (TIOCSTI)? A NUL byte
 * lands in the caller's pty, which nothing reads. */
static void print_tiocsti(void)
{
	char c = '\0';

	if (!isatty(STDIN_FILENO))
		(void)printf("tiocsti\tno tty on fd 0\n");
	else if (ioctl(STDIN_FILENO, TIOCSTI, &c) == 0)
		(void)printf("tiocsti\tyes\n");
	else
		(void)printf("tiocsti\tno (%s)\n", strerrorname_np(errno));
}

static void on_hold_end(int sig)
{
	(void)sig;
	_exit(0);
}

/* After the report: stay alive until SIGTERM or @seconds, for `steal`. */
static int hold(unsigned seconds)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_hold_end;
	if (sigaction(SIGTERM, &sa, NULL) < 0 || sigaction(SIGALRM, &sa, NULL) < 0)
		return 1;
	(void)alarm(seconds);
	for (;;)
		(void)pause();
}

/*
 * Fd @n of process @pid, as a process of the container gets it: reopened
 * through /proc/PID/fd/N (the file's own permissions decide), else copied
 * with pidfd_getfd (ptrace access decides). @how says which worked, or why
 * neither did. -1 if neither.
 */
static int take_fd(const char *pid, int pidfd, int n, int flags, char *how, size_t size)
{
	char path[64];
	int fd, e1;

	(void)snprintf(path, sizeof(path), "/proc/%s/fd/%d", pid, n);
	fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
	if (fd >= 0) {
		(void)snprintf(how, size, "yes (reopened)");
		return fd;
	}
	e1 = errno;
	fd = pidfd < 0 ? -1 : (int)syscall(SYS_pidfd_getfd, pidfd, n, 0);
	if (fd >= 0) {
		(void)snprintf(how, size, "yes (pidfd_getfd)");
		return fd;
	}
	(void)snprintf(how, size, "no (reopen %s, pidfd_getfd %s)", strerrorname_np(e1),
	               pidfd < 0 ? "without pidfd" : strerrorname_np(errno));
	return -1;
}

/*
 * steal PID: what a process in the container, with the container's own
 * credentials, gets of process PID (a held probe): its fds above 2, its
 * terminal on fd 0, its environment. Then it lets PID go (SIGTERM).
 */
static int steal(const char *pid)
{
	char path[64], buf[16384], out[512] = "", how[160];
	pid_t target = (pid_t)strtol(pid, NULL, 10);
	int pidfd = (int)syscall(SYS_pidfd_open, target, 0);
	size_t ol = 0;
	DIR *d;
	struct dirent *e;
	int fd;

	(void)snprintf(path, sizeof(path), "/proc/%s/fd", pid);
	d = opendir(path);
	if (d == NULL) {
		(void)printf("steal_fds\tcannot list them (%s)\n", strerrorname_np(errno));
	} else {
		while ((e = readdir(d)) != NULL && ol < sizeof(out)) {
			char *end;
			long n = strtol(e->d_name, &end, 10);
			if (e->d_name[0] == '.' || *end != '\0' || n <= 2)
				continue;
			fd = take_fd(pid, pidfd, (int)n, O_RDONLY, how, sizeof(how));
			int host = fd >= 0 && faccessat(fd, HOST_MARKER, F_OK, 0) == 0;
			ol += (size_t)snprintf(out + ol, sizeof(out) - ol, "%s%ld: %s%s", ol > 0 ? "; " : "",
			                       n, how, host ? ", the host directory" : "");
			if (fd >= 0)
				(void)close(fd);
		}
		(void)closedir(d);
		(void)printf("steal_fds\t%s\n", ol > 0 ? out : "none above 2");
	}
	fd = take_fd(pid, pidfd, 0, O_RDWR, how, sizeof(how));
	(void)printf("steal_tty\t%s%s\n", how,
	             fd < 0       ? ""
	             : isatty(fd) ? ", a terminal"
	                          : ", not a terminal");
	if (fd >= 0)
		(void)close(fd);
	(void)snprintf(path, sizeof(path), "/proc/%s/environ", pid);
	ssize_t len = slurp(path, buf, sizeof(buf));
	if (len < 0) {
		(void)printf("steal_env\tno (%s)\n", strerrorname_np(errno));
	} else {
		int found = 0;
		for (ssize_t i = 0; i < len; i += (ssize_t)strlen(buf + i) + 1)
			found |= strncmp(buf + i, "INHERIT_SECRET=", 15) == 0;
		(void)printf("steal_env\t%s\n", len == 0 ? "no (empty read)"
		                                : found  ? "yes, with the secret"
		                                         : "yes, no secret in it");
	}
	if (pidfd >= 0)
		(void)close(pidfd);
	(void)kill(target, SIGTERM); /* done: let the held probe go */
	return fflush(stdout) == 0 ? 0 : 1;
}

static int probe(void)
{
	char status[8192], v[256], buf[512];
	struct rlimit rl;
	int sb;

	/* first, before anything of ours is open */
	print_fds();
	if (slurp("/proc/self/status", status, sizeof(status)) < 0)
		status[0] = '\0';
	print_env();
	(void)printf("uid\t%s\n", status_field(status, "Uid", v, sizeof(v)));
	(void)printf("gid\t%s\n", status_field(status, "Gid", v, sizeof(v)));
	(void)printf("groups\t%s\n", status_field(status, "Groups", v, sizeof(v)));
	print_caps(status, "CapInh");
	print_caps(status, "CapPrm");
	print_caps(status, "CapEff");
	print_caps(status, "CapBnd");
	print_caps(status, "CapAmb");
	(void)printf("no_new_privs\t%s\n", status_field(status, "NoNewPrivs", v, sizeof(v)));
	(void)printf("seccomp\t%s", status_field(status, "Seccomp", v, sizeof(v)));
	(void)printf(" (filters %s)\n", status_field(status, "Seccomp_filters", v, sizeof(v)));
	sb = prctl(PR_GET_SECUREBITS, 0, 0, 0, 0);
	(void)printf("securebits\t%s%x\n", sb < 0 ? "?" : "0x", sb < 0 ? 0u : (unsigned)sb);
	(void)printf("dumpable\t%d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
	if (slurp("/proc/self/attr/current", buf, sizeof(buf)) <= 0)
		(void)printf("lsm\tnone\n");
	else
		(void)printf("lsm\t%.*s\n", (int)strcspn(buf, "\n"), buf);
	print_cgroups();
	print_link("cwd", "/proc/self/cwd");
	print_link("root", "/proc/self/root");
	print_session();
	print_tiocsti();
	if (slurp("/proc/self/oom_score_adj", buf, sizeof(buf)) < 0)
		(void)printf("oom_score_adj\t?\n");
	else
		(void)printf("oom_score_adj\t%.*s\n", (int)strcspn(buf, "\n"), buf);
	(void)printf("cpus\t%s\n", status_field(status, "Cpus_allowed_list", v, sizeof(v)));
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		(void)printf("nofile\t%llu/%llu\n", (unsigned long long)rl.rlim_cur,
		             (unsigned long long)rl.rlim_max);
	(void)printf("umask\t%s\n", status_field(status, "Umask", v, sizeof(v)));
	errno = 0;
	int nice = getpriority(PRIO_PROCESS, 0);
	(void)printf("nice\t%d\n", errno == 0 ? nice : -99);
	(void)printf("sigblk\t%s\n", status_field(status, "SigBlk", v, sizeof(v)));
	(void)printf("sigign\t%s\n", status_field(status, "SigIgn", v, sizeof(v)));
	char ns[1024] = "";
	size_t nl = 0;
	static const char *const types[] = {"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"};
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		char path[64], target[64];
		(void)snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
		ssize_t len = readlink(path, target, sizeof(target) - 1);
		if (len < 0)
			continue;
		nl += (size_t)snprintf(ns + nl, sizeof(ns) - nl, "%s%.*s", nl > 0 ? " " : "", (int)len,
		                       target);
	}
	(void)printf("ns\t%s\n", ns);
	(void)printf("end\t\n");
	return fflush(stdout) == 0 ? 0 : 1;
}

/* ---- caller ------------------------------------------------------------------------ */

struct caller_opts {
	const char *info, *out, *err, *file, *dir, *cwd;
	unsigned timeout;
	char **cmd;
};

static volatile sig_atomic_t tool_pgrp;

static void on_alarm(int sig)
{
	(void)sig;
	if (tool_pgrp > 0)
		(void)kill(-(pid_t)tool_pgrp, SIGKILL);
}

static _Noreturn void die(const char *what)
{
	(void)fprintf(stderr, "inherit caller: %s: %s\n", what, strerror(errno));
	_exit(125);
}

/* Open @path with @flags at exactly @want, without close-on-exec unless @cloexec. */
static void open_at_fd(const char *path, int flags, int want, int cloexec)
{
	int fd = open(path, flags | O_CLOEXEC);

	if (fd < 0)
		die(path);
	if (fd != want) {
		if (dup3(fd, want, cloexec ? O_CLOEXEC : 0) < 0)
			die("dup3");
		(void)close(fd);
	} else if (!cloexec && fcntl(fd, F_SETFD, 0) < 0) {
		die("fcntl");
	}
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		die(path);
	if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		die(path);
	(void)close(fd);
}

/* In the tool's process: everything a caller holds, then exec. */
static _Noreturn void become_tool(const struct caller_opts *o, int slave)
{
	static char *env[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
	                      "HOME=/root",
	                      "TERM=xterm-256color",
	                      "LANG=C.UTF-8",
	                      "INHERIT_SECRET=host-secret-token",
	                      NULL};
	static const gid_t groups[] = {0, 4, 27, 4242};
	sigset_t set;
	cpu_set_t cpus;
	struct rlimit rl = {2048, 4096};

	if (setpgid(0, 0) < 0)
		die("setpgid");
	/* become the terminal's foreground group, as a shell does for a job */
	sigemptyset(&set);
	sigaddset(&set, SIGTTOU);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0 || tcsetpgrp(slave, getpid()) < 0)
		die("tcsetpgrp");
	sigemptyset(&set);
	sigaddset(&set, SIGUSR2); /* the caller's mask: SIGUSR2 blocked, SIGTTOU no more */
	if (sigprocmask(SIG_SETMASK, &set, NULL) < 0)
		die("sigprocmask");
	if (signal(SIGUSR1, SIG_IGN) == SIG_ERR || signal(SIGALRM, SIG_DFL) == SIG_ERR)
		die("signal");
	if (dup2(slave, STDIN_FILENO) < 0)
		die("dup2 stdin");
	/* nothing of whoever started us: the caller's fds are 0-2, 7, 8 and 9 */
	if (close_range(STDERR_FILENO + 1, ~0U, 0) < 0)
		die("close_range");
	open_at_fd(o->out, O_WRONLY | O_CREAT | O_TRUNC, STDOUT_FILENO, 0);
	open_at_fd(o->err, O_WRONLY | O_CREAT | O_TRUNC, STDERR_FILENO, 0);
	open_at_fd(o->file, O_RDONLY, 7, 0);
	open_at_fd(o->file, O_RDONLY, 8, 1);
	open_at_fd(o->dir, O_RDONLY | O_DIRECTORY, 9, 0);
	if (setgroups(sizeof(groups) / sizeof(groups[0]), groups) < 0)
		die("setgroups");
	(void)umask(027);
	write_file("/proc/self/oom_score_adj", "123\n");
	CPU_ZERO(&cpus);
	CPU_SET(0, &cpus);
	if (sched_setaffinity(0, sizeof(cpus), &cpus) < 0)
		die("sched_setaffinity");
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		die("setrlimit");
	if (setpriority(PRIO_PROCESS, 0, 5) < 0)
		die("setpriority");
	if (chdir(o->cwd) < 0)
		die(o->cwd);
	environ = env;
	execvp(o->cmd[0], o->cmd);
	die(o->cmd[0]);
}

/* In the session leader: the pty becomes our controlling terminal, the tool
 * runs in its own group, bounded by the timeout. */
static _Noreturn void session(const struct caller_opts *o, const char *slave_name)
{
	struct sigaction sa;
	int slave, status;
	pid_t tool;
	struct stat st;
	int info;

	if (setsid() < 0)
		die("setsid");
	slave = open(slave_name, O_RDWR | O_CLOEXEC);
	if (slave < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || fstat(slave, &st) < 0)
		die(slave_name);
	info = open(o->info, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (info < 0)
		die(o->info);
	if (dprintf(info, "caller_sid\t%d\ncaller_tty_nr\t%u:%u\n", getsid(0), major(st.st_rdev),
	            minor(st.st_rdev)) < 0 ||
	    close(info) < 0)
		die(o->info);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	if (sigaction(SIGALRM, &sa, NULL) < 0)
		die("sigaction");
	tool = fork();
	if (tool < 0)
		die("fork");
	if (tool == 0)
		become_tool(o, slave);
	tool_pgrp = tool;
	(void)alarm(o->timeout);
	while (waitpid(tool, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	if (WIFSIGNALED(status))
		_exit(WTERMSIG(status) == SIGKILL ? 124 : 128 + WTERMSIG(status));
	_exit(WEXITSTATUS(status));
}

static int caller(int argc, char **argv)
{
	struct caller_opts o = {0};
	int master, status;
	pid_t leader;

	/* --name value pairs, then -- and the command */
	for (int i = 2; i < argc; i += 2) {
		static const char *const names[] = {"--info", "--out", "--err", "--file", "--dir", "--cwd"};
		const char **slots[] = {&o.info, &o.out, &o.err, &o.file, &o.dir, &o.cwd};
		size_t k;
		if (strcmp(argv[i], "--") == 0) {
			o.cmd = argv + i + 1;
			break;
		}
		if (i + 1 >= argc)
			break;
		if (strcmp(argv[i], "--timeout") == 0) {
			o.timeout = (unsigned)strtoul(argv[i + 1], NULL, 10);
			continue;
		}
		for (k = 0; k < sizeof(names) / sizeof(names[0]) && strcmp(argv[i], names[k]) != 0; k++) {
		}
		if (k == sizeof(names) / sizeof(names[0]))
			break;
		*slots[k] = argv[i + 1];
	}
	if (o.cmd == NULL || o.cmd[0] == NULL || !o.info || !o.out || !o.err || !o.file || !o.dir || !o.cwd ||
	    o.timeout == 0) {
		(void)fprintf(stderr, "usage: inherit caller --info F --out F --err F --file F --dir D "
		                      "--cwd D --timeout S -- TOOL [ARGS...]\n");
		return 2;
	}
	master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0)
		die("pty");
	const char *slave_name = ptsname(master);
	if (slave_name == NULL)
		die("ptsname");
	leader = fork();
	if (leader < 0)
		die("fork");
	if (leader == 0)
		session(&o, slave_name);
	while (waitpid(leader, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	(void)close(master);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "probe") == 0)
		return probe();
	if (argc == 4 && strcmp(argv[1], "probe") == 0 && strcmp(argv[2], "--hold") == 0)
		return probe() != 0 ? 1 : hold((unsigned)strtoul(argv[3], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "steal") == 0)
		return steal(argv[2]);
	if (argc >= 2 && strcmp(argv[1], "caller") == 0)
		return caller(argc, argv);
	(void)fprintf(stderr, "usage: inherit probe [--hold SECONDS] | inherit steal PID |\n"
	                      "       inherit caller ... -- TOOL [ARGS...]\n");
	return 2;
}
