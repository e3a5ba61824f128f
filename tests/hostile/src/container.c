/* SPDX-License-Identifier: Apache-2.0 */
/*
 * container.c - start a test container for tests/hostile (host side).
 *
 *   container [--user] [--no-pid] ROOTFS
 *
 * Creates a process in new mount, net, uts and ipc namespaces, plus a new
 * pid namespace (unless --no-pid) and a new user namespace mapping 0..65535
 * to 100000..165535 (--user). That process makes ROOTFS its root
 * (pivot_root, the old root detached), mounts its own /proc and execs
 * /hostile/agent init, the container's init (a reaper).
 *
 * Prints the init's host pid on stdout once it runs inside the rootfs, then
 * waits for it. Both die with their parent (PR_SET_PDEATHSIG): killing this
 * process, or the suite that started it, kills the container.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAP_LINE "0 100000 65536\n"

static void die(const char *what)
{
	fprintf(stderr, "container: %s: %s\n", what, strerror(errno));
	_exit(125);
}

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	size_t len = strlen(text);

	if (fd < 0)
		die(path);
	if (write(fd, text, len) != (ssize_t)len)
		die(path);
	if (close(fd) < 0)
		die(path);
}

/* In the new namespaces: wait for the maps, become root there, enter ROOTFS. */
static void child(const char *rootfs, int go, int ready, int user)
{
	char c;
	char proc[4096];

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("PR_SET_PDEATHSIG");
	if (read(go, &c, 1) != 1) /* the parent died or failed */
		_exit(125);
	if (user) {
		if (setgroups(0, NULL) < 0)
			die("setgroups");
		if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
			die("become root in the user namespace");
		/* A change of credentials clears the parent-death signal: set it
		 * again, then make sure the parent did not die in between (it
		 * holds the pipe's other end open until it exits). */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
			die("PR_SET_PDEATHSIG");
		if (fcntl(go, F_SETFL, O_NONBLOCK) < 0)
			die("fcntl");
		if (read(go, &c, 1) == 0)
			_exit(125);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		die("make / private");
	if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
		die("bind the rootfs");
	snprintf(proc, sizeof(proc), "%s/proc", rootfs);
	if (mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		die("mount /proc");
	if (sethostname("hostile", 7) < 0)
		die("sethostname");
	if (chdir(rootfs) < 0)
		die("chdir rootfs");
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		die("detach the old root");
	if (chdir("/") < 0)
		die("chdir /");
	if (dup2(ready, 3) < 0)
		die("dup2");
	char *const argv[] = {"agent", "init", "3", NULL};
	char *const envp[] = {"PATH=/bin", NULL};
	execve("/hostile/agent", argv, envp);
	die("exec /hostile/agent");
}

int main(int argc, char **argv)
{
	int user = 0, pidns = 1, i = 1;
	int go[2], ready[2];
	char path[64], line[32];

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--user") == 0)
			user = 1;
		else if (strcmp(argv[i], "--no-pid") == 0)
			pidns = 0;
		else
			break;
	}
	if (i != argc - 1) {
		fprintf(stderr, "usage: container [--user] [--no-pid] ROOTFS\n");
		return 2;
	}
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		die("PR_SET_PDEATHSIG");
	if (getppid() == 1) /* the suite is already gone */
		return 125;
	if (pipe2(go, O_CLOEXEC) < 0 || pipe2(ready, 0) < 0)
		die("pipe2");

	unsigned long flags = CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	if (pidns)
		flags |= CLONE_NEWPID;
	if (user)
		flags |= CLONE_NEWUSER;
	pid_t pid = (pid_t)syscall(SYS_clone, flags, NULL, NULL, NULL, NULL);
	if (pid < 0)
		die("clone");
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		child(argv[i], go[0], ready[1], user);
	}
	close(go[0]);
	close(ready[1]);
	if (user) {
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		write_file(path, MAP_LINE);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		write_file(path, MAP_LINE);
	}
	if (write(go[1], "g", 1) != 1)
		die("release the container");
	/* init writes one byte once it runs in the rootfs; EOF means it failed */
	ssize_t n = read(ready[0], line, 1);
	if (n != 1) {
		fprintf(stderr, "container: the container did not start\n");
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return 125;
	}
	printf("%d\n", (int)pid);
	fflush(stdout);
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	return 0;
}
