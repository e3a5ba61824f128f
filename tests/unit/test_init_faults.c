/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_init_faults.c - the executor and the parent side on the fake seam
 * (fakesys.h), without privileges:
 *
 *  - each representative bootstrap runs to the end and does exactly what
 *    the plan says (the fake records every namespace action);
 *  - systematic fault injection: for every process role (stage-0, -1, -2,
 *    the map helper, the runtime parent) fail its 1st, 2nd, ... call until
 *    the run succeeds, once with cleanup calls working and once with every
 *    cleanup call failing too. Each run must end with a FATAL line naming
 *    the failed call (or succeed, for best-effort and fallback sites), no
 *    process left behind, no fd leaked in the runtime, and stage-2 holding
 *    only stdio and the two runtime pipes when it execs;
 *  - every call site of core linked into this program is failed at least
 *    once (nsb_sys_sites());
 *  - every sync value a stage receives is replaced by every wrong value:
 *    each is a FATAL SYNC_UNEXPECTED, never a hang or a success;
 *  - bad _LIBCONTAINER_* values are fatal ENV_INVALID.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakesys.h"
#include "nsboot/init.h"
#include "nsboot/machine.h"
#include "nsboot/parent.h"

static struct fk_shared *SH;
static char current[256]; /* what runs, for the watchdog */

/* ---- scenarios ------------------------------------------------------------- */

struct scenario {
	struct fk_scenario fk;
	void (*build)(struct nsb_bootstrap *b);
	bool with_cmd;
	enum nsb_dialect dialect;
	bool exec_mode; /* the parent execs this binary as init (main's --init-child) */
};

static void set_str(struct nsb_str *s, const char *text)
{
	s->ptr = text;
	s->len = strlen(text);
}

static void add_join(struct nsb_bootstrap *b, enum nsb_ns_type type, const char *path)
{
	struct nsb_ns_path *p = &b->ns_paths.paths[b->ns_paths.count++];
	p->type = type;
	set_str(&p->path, path);
	NSB_SET(b, NSB_F_NS_PATHS);
}

static void add_map(struct nsb_idmap *m, uint32_t c, uint32_t h, uint32_t s)
{
	m->extents[m->count++] = (struct nsb_idmap_extent){c, h, s};
}

static void build_create(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS | CL_NEWPID | CL_NEWNET | CL_NEWTIME;
	add_map(&b->uid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
	add_map(&b->gid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_GIDMAP);
	b->setgroup = true;
	NSB_SET(b, NSB_F_SETGROUP);
	b->oom_score_adj = 500;
	NSB_SET(b, NSB_F_OOM_SCORE_ADJ);
	b->time_offsets.count = 1;
	b->time_offsets.offsets[0] = (struct nsb_time_offset){NSB_CLOCK_MONOTONIC, 86400, 5};
	NSB_SET(b, NSB_F_TIMENSOFFSET);
}

static const struct fk_ns ns_pid4242[] = {
        {"/proc/4242/ns/user", CL_NEWUSER},
        {"/proc/4242/ns/ipc", CL_NEWIPC},
        {"/proc/4242/ns/net", CL_NEWNET},
        {"/proc/4242/ns/mnt", CL_NEWNS},
        {NULL, 0},
};

/* Every path names one process's namespaces: joined by the checked fds all the same. */
static void build_join_one_pid(struct nsb_bootstrap *b)
{
	for (size_t i = 0; ns_pid4242[i].path != NULL; i++) {
		enum nsb_ns_type t = i == 0   ? NSB_NS_USER
		                     : i == 1 ? NSB_NS_IPC
		                     : i == 2 ? NSB_NS_NET
		                              : NSB_NS_MNT;
		add_join(b, t, ns_pid4242[i].path);
	}
}

static const struct fk_ns ns_mixed[] = {
        {"/run/netns/blue", CL_NEWNET},
        {"/run/userns/u1", CL_NEWUSER},
        {"/proc/77/ns/uts", CL_NEWUTS},
        {NULL, 0},
};

/* Mixed paths: no pidfd; net's first setns fails EPERM and is retried after user. */
static void build_join_passes(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, "/run/netns/blue");
	add_join(b, NSB_NS_USER, "/run/userns/u1");
	add_join(b, NSB_NS_UTS, "/proc/77/ns/uts");
	b->clone_flags = CL_NEWPID;
}

/* Rootless: setgroups deny; both map writes refused, so the helpers map. */
static void build_helper(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS;
	b->rootless_euid = true;
	add_map(&b->uid_map, 0, 1000, 1);
	add_map(&b->uid_map, 1, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
	add_map(&b->gid_map, 0, 1000, 1);
	NSB_SET(b, NSB_F_GIDMAP);
	set_str(&b->uid_map_helper, "/usr/bin/newuidmap");
	NSB_SET(b, NSB_F_UIDMAPPATH);
	set_str(&b->gid_map_helper, "/usr/bin/newgidmap");
	NSB_SET(b, NSB_F_GIDMAPPATH);
}

/* runc 1.1's dialect: the 0x00 byte first; no command: stage-2 exits 0. */
static void build_plain(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWNS | CL_NEWUTS | CL_NEWIPC | CL_NEWPID | CL_NEWNET;
}

/* runc 1.1 with a user namespace and bind mounts: MOUNT_SOURCES, runc's Go way. */
static const char mount_sources[] = "\0/\0/dev/null"; /* proc, bind /, bind /dev/null */
/* where stage-1 puts them; init_child opens placeholders there (below MOUNT_FD_UNOPENED) */
static const int mount_fds[] = {-1, 40, 41};
#define MOUNT_FD_UNOPENED 500
/* in a table of mount fds: stands for the init pipe's / the log pipe's number */
#define MOUNT_FD_INITPIPE (-100)
#define MOUNT_FD_LOGPIPE  (-101)

/*
 * runc 1.1 as vendored (core/compat/runc-1.1), by scenario name: runtime
 * mode (stage-2 returns; init_child then plays runc's Go code: records what
 * it holds, waits for the go signal, exits 0) and _LIBCONTAINER_MOUNT_FDS.
 */
struct vendored {
	const char *scenario;
	bool set; /* _LIBCONTAINER_MOUNT_FDS given */
	const int *fds;
	size_t count;
};

static const int fds_minus1_for_bind[] = {-1, -1, 41};
static const int fds_fd_for_proc[] = {39, 40, 41};
static const int fds_stdio[] = {-1, 2, 41};
static const int fds_initpipe[] = {-1, MOUNT_FD_INITPIPE, 41};
static const int fds_logpipe[] = {-1, 40, MOUNT_FD_LOGPIPE};
static const int fds_twice[] = {-1, 40, 40};
static const int fds_unopened[] = {-1, 40, MOUNT_FD_UNOPENED + 1};
static const int fds_below_minus1[] = {-2, 40, 41};

static const struct vendored vendored_table[] = {
        {"runc-1.1-mounts", true, mount_fds, 3},
        /* what the setup check refuses (test_bad_mount_fds_are_fatal_before_any_stage) */
        {"mount-fds-unset", false, NULL, 0},
        {"mount-fds-without-sources", true, mount_fds, 3},
        {"mount-fds-too-few", true, mount_fds, 2},
        {"mount-fds-null", true, NULL, 3},
        {"mount-fds-minus1-for-bind", true, fds_minus1_for_bind, 3},
        {"mount-fds-fd-for-proc", true, fds_fd_for_proc, 3},
        {"mount-fds-below-minus1", true, fds_below_minus1, 3},
        {"mount-fds-stdio", true, fds_stdio, 3},
        {"mount-fds-initpipe", true, fds_initpipe, 3},
        {"mount-fds-logpipe", true, fds_logpipe, 3},
        {"mount-fds-twice", true, fds_twice, 3},
        {"mount-fds-unopened", true, fds_unopened, 3},
};

static const struct vendored *vendored_of(const char *name)
{
	for (size_t i = 0; i < sizeof(vendored_table) / sizeof(vendored_table[0]); i++) {
		if (strcmp(vendored_table[i].scenario, name) == 0)
			return &vendored_table[i];
	}
	return NULL;
}

/* A mount fd table entry as a number: the markers become the pipes' fds. */
static int mount_fd_at(const struct vendored *v, size_t i, int initpipe, int logpipe)
{
	return v->fds[i] == MOUNT_FD_INITPIPE  ? initpipe
	       : v->fds[i] == MOUNT_FD_LOGPIPE ? logpipe
	                                       : v->fds[i];
}

static void build_mounts(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS | CL_NEWPID | CL_NEWCGROUP;
	add_map(&b->uid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
	add_map(&b->gid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_GIDMAP);
	b->setgroup = true;
	NSB_SET(b, NSB_F_SETGROUP);
	b->mount_sources.ptr = mount_sources;
	b->mount_sources.len = sizeof(mount_sources);
	NSB_SET(b, NSB_F_MOUNT_SOURCES);
}

static const struct scenario scenarios[] = {
        {{"create", NULL, 0, NULL, 0, false, false}, build_create, true, NSB_DIALECT_RUNC_1_2, false},
        {{"join-one-pid", ns_pid4242, 0, NULL, 0, false, false},
         build_join_one_pid,
         true,
         NSB_DIALECT_RUNC_1_2,
         false},
        {{"join-passes", ns_mixed, CL_NEWNET, NULL, 0, false, true /* before 6.3 */},
         build_join_passes,
         true,
         NSB_DIALECT_RUNC_1_2,
         false},
        {{"helper", NULL, 0, "uid_map gid_map", 0, true, false},
         build_helper,
         true,
         NSB_DIALECT_RUNC_1_2,
         false},
        {{"plain-1.1", NULL, 0, NULL, 0, false, false}, build_plain, false, NSB_DIALECT_RUNC_1_1, false},
        /* the parent's exec path: init is this binary again, on its own fakes */
        {{"exec-mode", NULL, 0, NULL, 0, false, false}, build_plain, false, NSB_DIALECT_RUNC_1_2, true},
        /* the parent's cgroup and CPU affinity: see placements[] */
        {{"affinity", NULL, 0, NULL, 0, false, false}, build_plain, true, NSB_DIALECT_RUNC_1_2, false},
        {{"affinity-reset", NULL, 0, NULL, 0, false, false}, build_plain, true, NSB_DIALECT_RUNC_1_2, false},
        {{"affinity-2000", NULL, 0, NULL, 0, false, false}, build_plain, true, NSB_DIALECT_RUNC_1_2, false},
        /* runc 1.1 vendored: runtime mode, mount sources, cgroup namespace in stage-2 */
        {{"runc-1.1-mounts", NULL, 0, NULL, 0, false, false},
         build_mounts,
         false,
         NSB_DIALECT_RUNC_1_1,
         false},
};
#define NSCEN (sizeof(scenarios) / sizeof(scenarios[0]))

/*
 * The parent side's cgroup and CPU affinity (parent.h), by scenario name:
 * CPU lists (NULL: unset), the cgroup (a fake file under /sys/fs/cgroup/),
 * and a fake kernel CPU count (fakesys.h; 0: the real one).
 */
struct placement {
	const char *scenario;
	const char *initial, *final, *cgroup;
	unsigned fake_cpus;
};

#define TEST_CGROUP "/sys/fs/cgroup/nsb-test"

static const struct placement placements[] = {
        {"affinity", "0", "1", TEST_CGROUP, 0},
        /* "" is unset, as in runtime-spec: both unset, so stage-2 is reset after the move */
        {"affinity-reset", "", "", TEST_CGROUP, 0},
        {"affinity-initial-only", "1", NULL, TEST_CGROUP, 0},
        /* a kernel with 2000 CPUs: masks above cpu_set_t's 1024 */
        {"affinity-2000", "1,1500", "1,1999", NULL, 2000},
        /* more CPUs than any mask nsboot reads (65536) */
        {"affinity-70000", "0", NULL, NULL, 70000},
        {"affinity-70000-no-initial", NULL, NULL, NULL, 70000},
};

static const struct placement *placement_of(const struct scenario *sc)
{
	for (size_t i = 0; i < sizeof(placements) / sizeof(placements[0]); i++) {
		if (strcmp(placements[i].scenario, sc->fk.name) == 0)
			return &placements[i];
	}
	return NULL;
}

static struct nsb_cpuset *cpus_of(const char *list, struct nsb_cpuset *set)
{
	struct nsb_error e;
	if (list == NULL)
		return NULL;
	assert_nsb_ok(nsb_cpulist_parse(list, strlen(list), set, &e), e);
	return set;
}

/* A log line that must come (strstr on each message); set by a test before run_once. */
static const char *want_log;
static bool saw_log;

/* ---- one run ----------------------------------------------------------------- */

struct child_arg {
	const struct scenario *sc;
	const char *loglevel;
	const char *initpipe_override; /* NULL: the real fd */
	bool no_logpipe;
};

/* Sites failed by any run of this binary: test_every_call_site_was_failed checks them all. */
static unsigned char sites_failed[FK_MAX_SITES];

static char command_name[] = "true";
static char *const command[] = {command_name, NULL};
/* The scenario of a kernel before 6.3 also names its command by path (no PATH search). */
static char command_path[] = "/bin/true";
static char *const command_by_path[] = {command_path, NULL};

static char *const *command_of(const struct scenario *sc)
{
	return sc->fk.no_mfd_exec ? command_by_path : command;
}

static int list_fds(int *fds, int max);

/* Runtime mode: what runc's Go does in stage-2, as far as the test cares:
 * record what it holds, wait for the go signal, end like its command. */
static int runtime_stage2(const struct vendored *v, int initpipe)
{
	char buf[256];
	int fd;
	ssize_t n;

	SH->return_nfds = list_fds(SH->return_fds, FK_MAX_FDS);
	for (size_t i = 0, k = 0; v->fds != NULL && i < v->count && k < 4; i++) {
		char path[64];
		if (v->fds[i] < 0)
			continue;
		(void)snprintf(path, sizeof(path), "/proc/self/fd/%d", v->fds[i]);
		n = readlink(path, SH->return_links[k], sizeof(SH->return_links[k]) - 1);
		SH->return_links[k++][n > 0 ? n : 0] = '\0';
	}
	fd = open("/proc/self/comm", O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, SH->return_comm, sizeof(SH->return_comm) - 1) : -1;
	if (fd >= 0)
		close(fd);
	SH->return_comm[n > 0 ? n - 1 : 0] = '\0'; /* without its '\n' */
	SH->return_count++;
	while ((n = read(initpipe, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno != EINTR)
			return 1;
	}
	return 0;
}

static int init_child(void *arg, int initpipe, int logpipe)
{
	const struct child_arg *ca = arg;
	const struct vendored *v = vendored_of(ca->sc->fk.name);
	int fds[8] = {0};
	struct fk_ctx cx;
	struct nsb_sys sys;
	char ip[16], lp[16];

	/* placeholders at the mount fd numbers, as runc's Go parent passes them */
	for (size_t i = 0; v != NULL && v->fds != NULL && i < v->count && i < 8; i++) {
		fds[i] = mount_fd_at(v, i, initpipe, logpipe);
		if (fds[i] > 2 && fds[i] < MOUNT_FD_UNOPENED && fds[i] != initpipe && fds[i] != logpipe &&
		    dup2(initpipe, fds[i]) < 0)
			return 99;
	}

	fk_sys(&sys, &cx, SH, &ca->sc->fk, FK_STAGE0);
	(void)snprintf(ip, sizeof(ip), "%d", initpipe);
	(void)snprintf(lp, sizeof(lp), "%d", logpipe);
	SH->init_fds[0] = initpipe;
	SH->init_fds[1] = logpipe;
	struct nsb_init_config cfg = {
	        .sys = &sys,
	        .dialect = ca->sc->dialect,
	        .initpipe = ca->initpipe_override != NULL ? ca->initpipe_override : ip,
	        .logpipe = ca->no_logpipe ? NULL : lp,
	        .loglevel = ca->loglevel,
	        .argv = ca->sc->with_cmd ? command_of(ca->sc) : NULL,
	        .process_name = v != NULL ? "runc" : NULL,
	        .stage2_returns = v != NULL,
	        .allow_missing_rootless_euid = v != NULL,
	        .mount_fds_set = v != NULL && v->set,
	        .mount_fds = v != NULL && v->fds != NULL ? fds : NULL,
	        .mount_fd_count = v != NULL ? v->count : 0,
	};
	int status = nsb_init_run(&cfg);
	return status == NSB_INIT_CONTINUE ? runtime_stage2(v, initpipe) : status;
}

struct outcome {
	enum nsb_err rc;
	struct nsb_error err;
	struct nsb_parent_result res;
	char fatal[4096]; /* every FATAL message, one per line */
	size_t fatal_len;
	int lines;
	int bad_lines;
};

static void on_log(void *ctx, int level, const char *msg)
{
	struct outcome *o = ctx;
	o->lines++;
	if (want_log != NULL && strstr(msg, want_log) != NULL)
		saw_log = true;
	if (level < 0) {
		o->bad_lines++;
		if (o->bad_lines == 1)
			print_error("malformed log line: %s\n", msg);
	}
	if (level == NSB_LOG_FATAL) {
		int n = snprintf(o->fatal + o->fatal_len, sizeof(o->fatal) - o->fatal_len, "%s\n", msg);
		if (n > 0 && o->fatal_len + (size_t)n < sizeof(o->fatal))
			o->fatal_len += (size_t)n;
	}
}

static int list_fds(int *fds, int max)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
			continue;
		assert_true(n < max);
		fds[n++] = atoi(e->d_name);
	}
	closedir(d);
	return n;
}

static void watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "test_init_faults: a run hung: ";
	(void)write(2, msg, sizeof(msg) - 1);
	(void)write(2, current, strlen(current));
	(void)write(2, "\n", 1);
	abort();
}

static unsigned char *encode(const struct scenario *sc, size_t *len)
{
	struct nsb_bootstrap b;
	struct nsb_error e;
	nsb_bootstrap_init(&b, sc->dialect);
	sc->build(&b);
	assert_int_equal(nsb_encode(&b, NULL, 0, len, &e), NSB_ERR_NO_SPACE);
	unsigned char *msg = malloc(*len);
	assert_non_null(msg);
	assert_nsb_ok(nsb_encode(&b, msg, *len, len, &e), e);
	return msg;
}

static int base_fds[64], base_nfds;
static volatile sig_atomic_t never_canceled;

static void run_once(const struct scenario *sc, struct outcome *o, const struct child_arg *ca_in)
{
	struct fk_ctx pcx;
	struct nsb_sys psys;
	struct child_arg ca = {sc, "6", NULL, false};
	char arg0[] = "test_init_faults", arg1[] = "--init-child";
	char *exec_argv[] = {arg0, arg1, NULL};
	extern char **environ;
	size_t len;
	unsigned char *msg = encode(sc, &len);
	int after[64];

	static struct nsb_cpuset initial, final; /* 8 KiB each: not on the stack */
	const struct placement *pl = placement_of(sc);

	if (ca_in != NULL)
		ca = *ca_in;
	memset(o, 0, sizeof(*o));
	saw_log = false;
	if (pl != NULL && pl->fake_cpus != 0)
		SH->fake_cpus = pl->fake_cpus;
	base_nfds = list_fds(base_fds, 64);
	fk_sys(&psys, &pcx, SH, &sc->fk, FK_PARENT);
	struct nsb_parent_config cfg = {
	        .sys = &psys,
	        .bootstrap = msg,
	        .bootstrap_len = len,
	        .log_level = 6,
	        .dialect = sc->dialect,
	        .init_fn = sc->exec_mode ? NULL : init_child,
	        .init_arg = &ca,
	        .init_path = "/proc/self/exe",
	        .init_argv = exec_argv,
	        .envp = environ,
	        .on_log = on_log,
	        .log_ctx = o,
	        .affinity_initial = pl != NULL ? cpus_of(pl->initial, &initial) : NULL,
	        .affinity_final = pl != NULL ? cpus_of(pl->final, &final) : NULL,
	        .cgroup = pl != NULL ? pl->cgroup : NULL,
	        .setup_timeout_ms = 60000, /* never reached: its clock calls are sites too */
	        .cancel = &never_canceled,
	};
	(void)alarm(20);
	o->rc = nsb_parent_run(&cfg, &o->res, &o->err);
	/* Every process of the run must be gone (zombies are fine: reap them). */
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	(void)alarm(0);
	assert_int_equal(errno, ECHILD);
	free(msg);
	for (size_t i = 0; i < FK_MAX_SITES; i++)
		sites_failed[i] |= SH->failed[i];
	/* No fd of the run left open in the runtime. */
	int n = list_fds(after, 64);
	if (n != base_nfds || memcmp(after, base_fds, (size_t)n * sizeof(int)) != 0) {
		print_error("%s: fds before %d, after %d\n", current, base_nfds, n);
		fail();
	}
}

static bool succeeded(const struct outcome *o)
{
	return o->rc == NSB_OK && o->res.stage2_status != -1 && WIFEXITED(o->res.stage2_status) &&
	       WEXITSTATUS(o->res.stage2_status) == 0;
}

/* A FATAL message (log pipe or stderr) or the parent's own report names @call. */
static bool reports_call(const struct outcome *o, const char *call)
{
	char needle[64];
	(void)snprintf(needle, sizeof(needle), ": %s: ", call);
	return strstr(o->fatal, needle) != NULL || strstr(SH->err, needle) != NULL ||
	       strstr(o->res.what, needle) != NULL;
}

static void check_exec_fds(void)
{
	/* what stage-2 holds when it execs: the runtime's fds, the two pipes and the trampoline */
	int want = base_nfds + 3;
	const int seals = F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE;
	if (SH->exec_seals < 0 || (SH->exec_seals & seals) != seals || !SH->exec_image_ok ||
	    strncmp(SH->exec_fd_link, "/memfd:nsb-exec", 15) != 0) {
		print_error("%s: stage-2 execs fd %d (%s, seals %#x, image %s), not the sealed trampoline\n",
		            current, SH->exec_dirfd, SH->exec_fd_link, (unsigned)SH->exec_seals,
		            SH->exec_image_ok ? "ok" : "wrong");
		fail();
	}
	if (SH->exec_nfds != want) {
		print_error("%s: stage-2 holds %d fds at exec, want %d\n", current, SH->exec_nfds, want);
		fail();
	}
	for (int i = 0; i < SH->exec_nfds; i++) {
		int fd = SH->exec_fds[i];
		bool pipe = fd == SH->init_fds[0] || fd == SH->init_fds[1] || fd == SH->exec_dirfd;
		bool base = false;
		for (int k = 0; k < base_nfds; k++)
			base = base || base_fds[k] == fd;
		if (!pipe && !base) {
			print_error("%s: stage-2 holds fd %d at exec\n", current, fd);
			fail();
		}
		/* only the runtime's own stdio survives the exec */
		if (pipe && !SH->exec_cloexec[i]) {
			print_error("%s: fd %d would survive the exec\n", current, fd);
			fail();
		}
	}
}

/* Runtime mode: when stage-2 returns it holds the runtime's fds, the two
 * pipes at their numbers and the mount fds at theirs, nothing of core's own. */
static void check_return_fds(const struct vendored *v)
{
	int want = base_nfds + 2;
	size_t count = v != NULL && v->fds != NULL ? v->count : 0;
	for (size_t i = 0; i < count; i++)
		want += v->fds[i] >= 0;
	if (SH->return_nfds != want) {
		print_error("%s: stage-2 holds %d fds when it returns, want %d\n", current, SH->return_nfds,
		            want);
		fail();
	}
	for (int i = 0; i < SH->return_nfds; i++) {
		int fd = SH->return_fds[i];
		bool known = fd == SH->init_fds[0] || fd == SH->init_fds[1];
		for (int k = 0; k < base_nfds; k++)
			known = known || base_fds[k] == fd;
		for (size_t k = 0; k < count; k++)
			known = known || v->fds[k] == fd;
		if (!known) {
			print_error("%s: stage-2 holds fd %d when it returns\n", current, fd);
			fail();
		}
	}
}

/* What every run must satisfy, failed or not. */
static void check_outcome(const struct scenario *sc, const struct outcome *o)
{
	const struct nsb_site *const *sites;
	size_t nsites;
	sites = nsb_sys_sites(&nsites);

	if (o->bad_lines != 0) {
		print_error("%s: %d malformed log lines\n", current, o->bad_lines);
		fail();
	}
	if (SH->exec_count > 0)
		check_exec_fds();
	if (SH->return_count > 0)
		check_return_fds(vendored_of(sc->fk.name));
	/* The command runs only after the runtime released stage-2, whatever
	 * failed (unless the kills of the cleanup were made to fail too: then
	 * closing the init pipe releases a stage-2 nobody could kill). */
	if (SH->exec_count > 0 && !SH->fail_cleanup) {
		char ran[64];
		(void)snprintf(ran, sizeof(ran), "execveat %s", command_of(sc)[0]);
		long rel = fk_rec_find(SH, "shutdown 1"), ex = fk_rec_find(SH, ran);
		if (rel < 0 || rel > ex) {
			print_error("%s: the command ran without the go signal\n", current);
			fail();
		}
	}
	if (SH->helper_count > 0) {
		assert_int_equal(SH->helper_envc, 0);
		assert_int_equal(SH->helper_inherited, 0);
	}
	if (SH->injected == 0) {
		if (!succeeded(o)) {
			print_error("%s: failed without an injected fault: %s / %s\n", current,
			            nsb_error_name(o->rc), o->fatal);
			fail();
		}
		assert_int_equal(SH->exec_count, sc->with_cmd ? 1 : 0);
		assert_int_equal(SH->return_count, vendored_of(sc->fk.name) != NULL ? 1 : 0);
		return;
	}
	assert_true(SH->first_failed >= 0 && (size_t)SH->first_failed < nsites);
	const struct nsb_site *site = sites[SH->first_failed];
	switch (site->kind) {
	case NSB_SITE_FATAL:
		/* With cleanup failing too, the runtime may stop reading the log
		 * early, so the FATAL line can be lost; the failure cannot. */
		if (succeeded(o) || (!SH->fail_cleanup && !reports_call(o, site->call))) {
			print_error("%s: failing %s at %s:%d: %s, FATAL: %s| stderr: %s| parent: %s\n",
			            current, site->call, site->file, site->line,
			            succeeded(o) ? "succeeded" : "not named", o->fatal, SH->err, o->res.what);
			fail();
		}
		break;
	case NSB_SITE_BEST_EFFORT:
	case NSB_SITE_FALLBACK:
		if (!succeeded(o)) {
			print_error("%s: failing %s at %s:%d should not fail the run: %s\n", current,
			            site->call, site->file, site->line, o->fatal);
			fail();
		}
		break;
	case NSB_SITE_CLEANUP:
	default:
		print_error("%s: a cleanup site failed first: %s:%d\n", current, site->file, site->line);
		fail();
	}
}

/* ---- success paths: what the fakes recorded -------------------------------------- */

static const struct scenario *scenario_named(const char *name);

static void run_clean(const struct scenario *sc, struct outcome *o)
{
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "%s: no fault", sc->fk.name);
	run_once(sc, o, NULL);
	check_outcome(sc, o);
	assert_true(succeeded(o));
}

static void assert_rec(const char *line)
{
	if (!fk_rec_has(SH, line)) {
		print_error("%s: no '%s' in the record:\n%.*s\n", current, line, (int)SH->rec_len, SH->rec);
		fail();
	}
}

static void assert_rec_order(const char *first, const char *second)
{
	long a = fk_rec_find(SH, first), b = fk_rec_find(SH, second);
	if (a < 0 || b < 0 || a > b) {
		print_error("%s: '%s' (%ld) not before '%s' (%ld)\n", current, first, a, second, b);
		fail();
	}
}

static void test_create_does_what_the_plan_says(void **state)
{
	(void)state;
	struct outcome o;
	char line[128];
	run_clean(&scenarios[0], &o);
	int s1 = (int)o.res.stage1;
	assert_rec("write /proc/self/oom_score_adj 500");
	assert_rec("unshare 0x10000000");
	(void)snprintf(line, sizeof(line), "write /proc/%d/uid_map 0 100000 65536", s1);
	assert_rec(line);
	(void)snprintf(line, sizeof(line), "write /proc/%d/gid_map 0 100000 65536", s1);
	assert_rec(line);
	assert_rec("setresuid 0 0 0");
	assert_rec("unshare 0x60020080");
	(void)snprintf(line, sizeof(line), "write /proc/%d/timens_offsets monotonic 86400 5", s1);
	assert_rec(line);
	assert_rec_order("unshare 0x10000000", "setresuid 0 0 0");
	assert_rec_order("setresuid 0 0 0", "unshare 0x60020080");
	assert_rec_order("unshare 0x60020080", line);
	assert_rec("setgroups 0"); /* root + SETGROUP */
	assert_rec("setsid");
	assert_rec("execveat true");
	assert_false(fk_rec_has(SH, "prctl 4 0")); /* nothing joined: stays dumpable */
	assert_string_equal(o.res.fatal, "");
}

static void assert_no_rec(const char *line)
{
	if (fk_rec_has(SH, line)) {
		print_error("%s: '%s' in the record:\n%.*s\n", current, line, (int)SH->rec_len, SH->rec);
		fail();
	}
}

/* What stage-1 joined for each of ns_pid4242's types is the fd opened from its path. */
static void assert_joined_the_checked_fds(void)
{
	for (size_t i = 0; ns_pid4242[i].path != NULL; i++) {
		const char *got = fk_joined(SH, ns_pid4242[i].actual);
		if (strcmp(got, ns_pid4242[i].path) != 0) {
			print_error("%s: joined '%s' for %s, not the fd checked\n", current, got,
			            ns_pid4242[i].path);
			fail();
		}
	}
}

static void test_join_all_of_one_pid_joins_the_checked_fds_in_passes(void **state)
{
	(void)state;
	struct outcome o;
	char opath[96], oread[96];
	run_clean(scenario_named("join-one-pid"), &o);
	assert_rec("prctl 4 0"); /* PR_SET_DUMPABLE 0 before anything is joined */
	/* each path: O_PATH|O_CLOEXEC, then (nsfs) the real fd, close-on-exec and non-blocking */
	for (size_t i = 0; ns_pid4242[i].path != NULL; i++) {
		(void)snprintf(opath, sizeof(opath), "open %s 0x280000", ns_pid4242[i].path);
		(void)snprintf(oread, sizeof(oread), "open %s 0x80900", ns_pid4242[i].path);
		assert_rec_order(opath, oread);
		assert_rec_order(oread, "setns /proc/4242/ns/ipc");
	}
	/* no pidfd: runc's passes, the user namespace after the others, then root in it */
	assert_no_rec("pidfd_open 4242");
	assert_null(strstr(SH->rec, "setns pidfd"));
	assert_rec_order("setns /proc/4242/ns/ipc", "setns /proc/4242/ns/net");
	assert_rec_order("setns /proc/4242/ns/net", "setns /proc/4242/ns/mnt");
	assert_rec_order("setns /proc/4242/ns/mnt", "setns /proc/4242/ns/user");
	assert_rec_order("setns /proc/4242/ns/user", "setresuid 0 0 0");
	assert_joined_the_checked_fds();
	assert_int_equal(o.res.fatal[0], '\0');
}

/*
 * The attack: every path is /proc/4242/ns/<type>, and between stage-1's
 * opens and its joins process 4242 moves to other namespaces (or exits and
 * its pid is reused). What stage-1 joins must still be what it checked.
 */
static void test_join_enters_the_checked_namespaces_even_when_the_pid_moved(void **state)
{
	(void)state;
	struct outcome o;
	const struct scenario *sc = scenario_named("join-one-pid");
	fk_reset(SH);
	SH->pid_moved = true;
	(void)snprintf(current, sizeof(current), "%s: pid moved", sc->fk.name);
	run_once(sc, &o, NULL);
	assert_true(succeeded(&o));
	assert_joined_the_checked_fds();
}

/*
 * A path that is not on nsfs (a FIFO, a device node, a FUSE file) is
 * refused before it is opened for reading: only its O_PATH open happens.
 * The fake's NS_GET_NSTYPE still calls it a net namespace, so nothing but
 * the fstatfs check can refuse it.
 */
static void test_a_path_not_on_nsfs_is_refused_before_it_is_opened_for_reading(void **state)
{
	(void)state;
	struct outcome o;
	const struct scenario *sc = scenario_named("join-one-pid");
	fk_reset(SH);
	(void)snprintf(SH->fs_path, sizeof(SH->fs_path), "%s", "/proc/4242/ns/net");
	SH->fs_type = 0x01021994; /* TMPFS_MAGIC: a FIFO in /tmp */
	(void)snprintf(current, sizeof(current), "%s: net path on tmpfs", sc->fk.name);
	run_once(sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal,
	                       "join net namespace: /proc/4242/ns/net is not a namespace file: NS_NOT_NSFS"));
	assert_rec("open /proc/4242/ns/net 0x280000");
	assert_no_rec("open /proc/4242/ns/net 0x80900");
	assert_no_rec("open /proc/4242/ns/mnt 0x280000"); /* refused at once: the next path is not opened */
	assert_null(strstr(SH->rec, "setns"));
	assert_int_equal(SH->exec_count, 0);
}

static void test_join_passes_retry_eperm_after_the_user_namespace(void **state)
{
	(void)state;
	struct outcome o;
	run_clean(&scenarios[2], &o);
	assert_false(fk_rec_has(SH, "pidfd_open 77"));
	assert_rec_order("setns /run/netns/blue EPERM", "setns /proc/77/ns/uts");
	assert_rec_order("setns /proc/77/ns/uts", "setns /run/userns/u1");
	assert_rec_order("setns /run/userns/u1", "setresuid 0 0 0");
	assert_rec_order("setresuid 0 0 0", "setns /run/netns/blue");
	assert_rec_order("setns /run/netns/blue", "unshare 0x20000000");
}

static void test_helper_maps_with_an_argv_sized_to_the_map(void **state)
{
	(void)state;
	struct outcome o;
	char want[128], line[128];
	run_clean(&scenarios[3], &o);
	int s1 = (int)o.res.stage1;
	(void)snprintf(line, sizeof(line), "write /proc/%d/setgroups deny", s1);
	assert_rec(line);
	assert_int_equal(SH->helper_count, 2);
	(void)snprintf(want, sizeof(want), "/usr/bin/newuidmap %d 0 1000 1 1 100000 65536", s1);
	assert_string_equal(SH->helper_argv[0], want);
	(void)snprintf(want, sizeof(want), "/usr/bin/newgidmap %d 0 1000 1", s1);
	assert_string_equal(SH->helper_argv[1], want);
	/* rootless: dropping the caller's groups is refused (EPERM) and the run goes on
	 * with the caller's own; runc's stage-2 setgroups is not attempted */
	assert_rec("setgroups 0 EPERM");
	assert_int_equal(fk_rec_find(SH, "setgroups 0 EPERM"), fk_rec_find(SH, "setgroups 0 EPERM"));
	assert_false(fk_rec_has(SH, "setgroups 0"));
}

static void test_helper_killed_by_a_signal_is_a_failure(void **state)
{
	(void)state;
	struct scenario sc = scenarios[3];
	struct outcome o;
	sc.fk.helper_status = -1;
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "helper killed");
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal, "killed by signal 9: HELPER_FAILED"));
	sc.fk.helper_status = 3;
	fk_reset(SH);
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal, "exit status 3: HELPER_FAILED"));
	assert_int_equal(SH->exec_count, 0);
}

static void test_plain_runc_1_1_dialect_without_command_exits_0(void **state)
{
	(void)state;
	struct outcome o;
	run_clean(&scenarios[4], &o);
	assert_int_equal(SH->exec_count, 0);
	assert_rec("unshare 0x6c020000");
	assert_true(o.lines > 10); /* debug lines came through at level 6 */
}

static void test_wrong_type_and_non_namespace_paths_fail_before_any_setns(void **state)
{
	(void)state;
	static const struct fk_ns wrong[] = {{"/proc/4242/ns/user", CL_NEWUSER},
	                                     {"/proc/4242/ns/ipc", CL_NEWUTS},
	                                     {"/proc/4242/ns/net", CL_NEWNET},
	                                     {"/proc/4242/ns/mnt", CL_NEWNS},
	                                     {NULL, 0}};
	static const struct fk_ns notns[] = {{"/proc/4242/ns/user", CL_NEWUSER},
	                                     {"/proc/4242/ns/ipc", CL_NEWIPC},
	                                     {"/proc/4242/ns/net", 0},
	                                     {"/proc/4242/ns/mnt", CL_NEWNS},
	                                     {NULL, 0}};
	struct scenario sc = scenarios[1];
	struct outcome o;

	sc.fk.ns = wrong;
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "wrong type");
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal,
	                       "/proc/4242/ns/ipc is a namespace of type uts (0x4000000): NS_TYPE_MISMATCH"));
	assert_null(strstr(SH->rec, "setns"));
	assert_int_equal(SH->exec_count, 0);

	sc.fk.ns = notns;
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "not a namespace");
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal, "/proc/4242/ns/net is not a namespace file: NS_NOT_NSFS"));
	assert_null(strstr(SH->rec, "setns"));
}

/* ---- runc 1.1 vendored: runtime mode and mount sources (vendored_table) ----------- */

static const struct scenario *scenario_named(const char *name)
{
	size_t i = 0;
	while (i + 1 < NSCEN && strcmp(scenarios[i].fk.name, name) != 0)
		i++;
	assert_string_equal(scenarios[i].fk.name, name);
	return &scenarios[i];
}

static void test_runc_1_1_vendored_returns_in_stage2_with_the_mount_fds_in_place(void **state)
{
	(void)state;
	struct outcome o;
	char theirs[64], open_theirs[80], setns_theirs[80];
	want_log = "mount 2: source at fd 41";
	run_clean(scenario_named("runc-1.1-mounts"), &o);
	want_log = NULL;
	assert_true(saw_log);
	(void)snprintf(theirs, sizeof(theirs), "/proc/%d/ns/mnt", (int)o.res.stage1);
	(void)snprintf(open_theirs, sizeof(open_theirs), "open %s", theirs);
	(void)snprintf(setns_theirs, sizeof(setns_theirs), "setns %s", theirs);
	/* stage-1: user namespace, maps, the rest but the cgroup namespace, then the fds */
	assert_rec_order("unshare 0x10000000", "setresuid 0 0 0");
	assert_rec_order("setresuid 0 0 0", "unshare 0x20020000");
	/* stage-0: into stage-1's mount namespace, open and send each bind source, back */
	assert_rec("open /proc/self/ns/mnt");
	assert_rec_order("unshare 0x20020000", open_theirs);
	assert_rec_order(open_theirs, setns_theirs);
	assert_rec_order(setns_theirs, "open-path /");
	assert_rec_order("open-path /", "open-path /dev/null");
	assert_rec_order("open-path /dev/null", "setns /proc/self/ns/mnt");
	assert_rec_order("sendmsg fd", "open-path /dev/null");
	/* stage-2: the cgroup namespace after the groups, as runc 1.1 does */
	assert_rec_order("setgroups 0", "unshare 0x2000000");
	/* stage-2 came back holding each source at its number, named like runc's */
	assert_int_equal(SH->return_count, 1);
	assert_int_equal(SH->exec_count, 0);
	assert_string_equal(SH->return_links[0], "/");
	assert_string_equal(SH->return_links[1], "/dev/null");
	assert_string_equal(SH->return_comm, "runc:[2:INIT]");
}

static void test_mount_fd_messages_interrupted_by_a_signal_are_retried(void **state)
{
	(void)state;
	struct outcome o;
	fk_reset(SH);
	SH->eintr_msg = true;
	(void)snprintf(current, sizeof(current), "mount messages: EINTR");
	run_once(scenario_named("runc-1.1-mounts"), &o, NULL);
	check_outcome(scenario_named("runc-1.1-mounts"), &o);
	assert_true(succeeded(&o));
	assert_int_equal(SH->return_count, 1);
	assert_string_equal(SH->return_links[1], "/dev/null");
}

static void test_mount_fd_messages_other_than_one_fd_are_fatal(void **state)
{
	(void)state;
	static const struct {
		int mode;
		const char *want;
	} cases[] = {
	        {FK_MSG_NO_FD, "mount 1: a message without SCM_RIGHTS: MOUNT_FD_MESSAGE"},
	        {FK_MSG_TWO_FDS, "mount 1: 2 fds in one message, want 1: MOUNT_FD_MESSAGE"},
	        {FK_MSG_THREE_FDS,
	         "mount 1: 2 fds in one message and more cut off, want 1: MOUNT_FD_MESSAGE"},
	        {FK_MSG_WRONG_LEVEL, "mount 1: a message without SCM_RIGHTS: MOUNT_FD_MESSAGE"},
	        {FK_MSG_WRONG_TYPE, "mount 1: a message without SCM_RIGHTS: MOUNT_FD_MESSAGE"},
	};
	const struct scenario *sc = scenario_named("runc-1.1-mounts");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int cleanup = 0; cleanup < 2; cleanup++) {
			struct outcome o;
			fk_reset(SH);
			SH->mount_msg = cases[i].mode;
			SH->fail_cleanup = cleanup != 0; /* closing the refused fds may fail too */
			(void)snprintf(current, sizeof(current), "mount message mode %d%s", cases[i].mode,
			               cleanup ? " (cleanup failing)" : "");
			run_once(sc, &o, NULL);
			assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
			if (!cleanup && strstr(o.fatal, cases[i].want) == NULL) {
				print_error("%s: want '%s', FATAL: %s\n", current, cases[i].want, o.fatal);
				fail();
			}
			assert_int_equal(SH->return_count, 0);
		}
	}
}

/* Bind sources the plan cannot serve: no user namespace to open them for. */
static void build_mounts_without_userns(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWNS | CL_NEWPID;
	b->mount_sources.ptr = mount_sources;
	b->mount_sources.len = sizeof(mount_sources);
	NSB_SET(b, NSB_F_MOUNT_SOURCES);
}

static void test_a_bootstrap_the_plan_refuses_is_fatal_in_setup(void **state)
{
	(void)state;
	struct scenario sc = *scenario_named("runc-1.1-mounts");
	struct outcome o;
	sc.fk.name = "mounts-without-userns";
	sc.build = build_mounts_without_userns;
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "%s", sc.fk.name);
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_non_null(strstr(o.fatal,
	                       "plan bootstrap: at offset 0, attribute 27290, position 1: INVALID_ARGUMENT"));
	assert_int_equal(o.res.stage1, 0);
}

static void test_bad_mount_fds_are_fatal_before_any_stage(void **state)
{
	(void)state;
	static const struct {
		const char *name;
		const char *want;
	} cases[] = {
	        {"mount-fds-unset", "MOUNT_SOURCES has 2 bind sources, _LIBCONTAINER_MOUNT_FDS is not set"},
	        {"mount-fds-without-sources",
	         "_LIBCONTAINER_MOUNT_FDS is set, the bootstrap has no MOUNT_SOURCES"},
	        {"mount-fds-too-few", "_LIBCONTAINER_MOUNT_FDS has 2 entries, MOUNT_SOURCES 3"},
	        {"mount-fds-null", "_LIBCONTAINER_MOUNT_FDS has 0 entries, MOUNT_SOURCES 3"},
	        {"mount-fds-minus1-for-bind", "mount 1 ('/') has fd -1: a bind mount, want an fd"},
	        {"mount-fds-fd-for-proc", "mount 0 ('') has fd 39: not a bind mount, want -1"},
	        {"mount-fds-below-minus1", "mount 0 ('') has fd -2: not a bind mount, want -1"},
	        {"mount-fds-stdio", "mount 1: fd 2 is stdio, the init pipe or the log pipe"},
	        {"mount-fds-initpipe", "is stdio, the init pipe or the log pipe"},
	        {"mount-fds-logpipe", "is stdio, the init pipe or the log pipe"},
	        {"mount-fds-twice", "mount 2: fd 40 is also mount 1's"},
	        {"mount-fds-unopened", "mount 2: fd 501 is not open"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct scenario sc = *scenario_named("runc-1.1-mounts");
		struct outcome o;
		char want[256];
		sc.fk.name = cases[i].name;
		if (strcmp(cases[i].name, "mount-fds-without-sources") == 0)
			sc.build = build_plain;
		fk_reset(SH);
		(void)snprintf(current, sizeof(current), "%s", cases[i].name);
		run_once(&sc, &o, NULL);
		(void)snprintf(want, sizeof(want), "%s: MOUNT_FDS_INVALID", cases[i].want);
		if (o.rc != NSB_ERR_STAGE_FAILED || strstr(o.fatal, want) == NULL) {
			print_error("%s: want '%s', FATAL: %s\n", current, want, o.fatal);
			fail();
		}
		/* refused in setup: no stage was created, nothing unshared */
		assert_int_equal(o.res.stage1, 0);
		assert_null(strstr(SH->rec, "unshare"));
	}
}

/* ---- the parent's cgroup and CPU affinity (placements[]) ------------------------------ */

/* A scenario with build_plain and a command, named for its placement. */
static struct scenario placed(const char *name)
{
	struct scenario sc = {
	        {name, NULL, 0, NULL, 0, false, false}, build_plain, true, NSB_DIALECT_RUNC_1_2, false};
	return sc;
}

/* The runtime's own mask as fakesys records it, read with a buffer of @size bytes. */
static void own_mask(size_t size, char *buf, size_t cap)
{
	unsigned char mask[8192] = {0};
	assert_true(size <= sizeof(mask));
	assert_int_equal(sched_getaffinity(0, size, (cpu_set_t *)(void *)mask), 0);
	fk_mask_text(mask, size, buf, cap);
}

static void test_affinity_and_cgroup_follow_runcs_order(void **state)
{
	(void)state;
	struct outcome o;
	char own[256], restore[300], reaped0[64], move[128], final[64];
	run_clean(&scenarios[6], &o);
	own_mask(128, own, sizeof(own));
	(void)snprintf(restore, sizeof(restore), "sched_setaffinity 0 128 %s", own);
	(void)snprintf(reaped0, sizeof(reaped0), "reaped %d", (int)o.res.stage0);
	(void)snprintf(move, sizeof(move), "write " TEST_CGROUP "/cgroup.procs %d", (int)o.res.stage2);
	(void)snprintf(final, sizeof(final), "sched_setaffinity %d 8 1", (int)o.res.stage2);
	/* initial {0} on our thread while init starts (8 bytes: one word), ours back after */
	assert_rec_order("sched_setaffinity 0 8 0", restore);
	/* stage-0 gone, then stage-2 into the cgroup, its final mask, then the go signal */
	assert_rec_order(restore, reaped0);
	assert_rec_order(reaped0, "open " TEST_CGROUP "/cgroup.procs");
	assert_rec_order("open " TEST_CGROUP "/cgroup.procs", move);
	assert_rec_order(move, final);
	assert_rec_order(final, "shutdown 1");
	assert_rec_order("shutdown 1", "execveat true");
}

static void test_unset_affinity_resets_stage2_to_all_cpus_after_the_move(void **state)
{
	(void)state;
	struct outcome o;
	char move[128], reset[64];
	run_clean(&scenarios[7], &o);
	(void)snprintf(move, sizeof(move), "write " TEST_CGROUP "/cgroup.procs %d", (int)o.res.stage2);
	/* all-ones, 8 KiB: every CPU a kernel may have */
	(void)snprintf(reset, sizeof(reset), "sched_setaffinity %d 8192 0-65535", (int)o.res.stage2);
	assert_rec_order(move, reset);
	assert_rec_order(reset, "shutdown 1");
	assert_null(strstr(SH->rec, "sched_setaffinity 0 ")); /* no initial: our thread untouched */
}

static void test_initial_without_final_leaves_stage2_to_the_kernel(void **state)
{
	(void)state;
	struct scenario sc = placed("affinity-initial-only");
	struct outcome o;
	char move[128], none[64];
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "initial only");
	run_once(&sc, &o, NULL);
	check_outcome(&sc, &o);
	assert_true(succeeded(&o));
	(void)snprintf(move, sizeof(move), "write " TEST_CGROUP "/cgroup.procs %d", (int)o.res.stage2);
	assert_rec(move);
	assert_rec("sched_setaffinity 0 8 1");
	(void)snprintf(none, sizeof(none), "sched_setaffinity %d ", (int)o.res.stage2);
	assert_null(strstr(SH->rec, none)); /* neither final nor reset */
}

static void test_masks_above_1023_cpus_are_sized_dynamically(void **state)
{
	(void)state;
	struct outcome o;
	char final[64], want[600] = "affinity: 0x8000";
	/* init's line: CPU 1999 is bit 15 of word 31, CPU 1 bit 1 of word 0 */
	for (int w = 30; w >= 1; w--)
		(void)strcat(want, "0000000000000000");
	(void)strcat(want, "0000000000000002");
	want_log = want;
	run_clean(&scenarios[8], &o);
	want_log = NULL;
	assert_true(saw_log);
	/* our own mask read with 256 bytes (128 is EINVAL for 2000 CPUs), put back whole */
	assert_rec_order("sched_setaffinity 0 192 1,1500", "sched_setaffinity 0 256 1,1999");
	(void)snprintf(final, sizeof(final), "sched_setaffinity %d 256 1,1999", (int)o.res.stage2);
	assert_rec(final);
	assert_null(strstr(SH->rec, "cgroup.procs")); /* no cgroup: no move, no reset */
}

static void test_more_cpus_than_any_mask_fail_the_initial_affinity_and_warn_in_init(void **state)
{
	(void)state;
	struct scenario sc = placed("affinity-70000");
	struct outcome o;
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "70000 CPUs");
	run_once(&sc, &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_SYSCALL);
	assert_int_equal(o.err.sys_errno, EINVAL);
	assert_string_equal(o.res.what, "read the CPU affinity of the runtime (8192-byte mask): "
	                                "sched_getaffinity: Invalid argument");
	assert_int_equal(o.res.stage0, 0); /* nothing was started */
	assert_null(strstr(SH->rec, "sched_setaffinity"));

	sc = placed("affinity-70000-no-initial");
	want_log = "sched_getaffinity (8192-byte mask): Invalid argument";
	fk_reset(SH);
	run_once(&sc, &o, NULL);
	want_log = NULL;
	assert_true(succeeded(&o)); /* init's line is best effort: a warning */
	assert_true(saw_log);
}

static void test_short_write_to_cgroup_procs_is_an_io_error(void **state)
{
	(void)state;
	struct outcome o;
	char what[160];
	fk_reset(SH);
	SH->short_writes = true;
	(void)snprintf(current, sizeof(current), "short cgroup.procs write");
	run_once(&scenarios[7], &o, NULL);
	assert_int_equal(o.rc, NSB_ERR_IO);
	(void)snprintf(what, sizeof(what), "move stage-2 (pid %d) into the cgroup " TEST_CGROUP,
	               (int)o.res.stage2);
	assert_non_null(strstr(o.res.what, what));
	assert_non_null(strstr(o.res.what, ": short write of "));
	assert_int_equal(SH->exec_count, 0); /* stage-2 was killed, never released */
	assert_false(fk_rec_has(SH, "shutdown 1"));
}

static void test_bad_placement_arguments_fail_before_anything_starts(void **state)
{
	(void)state;
	static struct nsb_cpuset bad;
	static char long_path[PATH_MAX];
	static const unsigned char msg[16] = {16}; /* a header-only message: never sent */
	struct nsb_parent_result res;
	struct nsb_error e;
	struct nsb_parent_config cfg = {
	        .bootstrap = msg,
	        .bootstrap_len = sizeof(msg),
	        .init_path = "/nonexistent",
	        .cgroup = "",
	};
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_INVALID_ARGUMENT);
	memset(long_path, 'a', sizeof(long_path) - sizeof("/cgroup.procs") + 1);
	cfg.cgroup = long_path; /* with "/cgroup.procs" one byte over PATH_MAX */
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_INVALID_ARGUMENT);
	long_path[sizeof(long_path) - sizeof("/cgroup.procs")] = '\0'; /* exactly fits: not rejected here */
	cfg.cgroup = NULL;
	bad.count = 1;
	bad.highest = NSB_CPU_MAX + 1u;
	cfg.affinity_initial = &bad;
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_INVALID_ARGUMENT);
	cfg.affinity_initial = NULL;
	cfg.affinity_final = &bad;
	assert_int_equal(nsb_parent_run(&cfg, &res, &e), NSB_ERR_INVALID_ARGUMENT);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1); /* no child */
	assert_int_equal(errno, ECHILD);
}

/* ---- systematic fault injection ------------------------------------------------------- */

/* Fail call 1, 2, ... of @stage until a run no longer reaches that call. Returns the runs made. */
static size_t fail_each_call_of(const struct scenario *sc, int stage, bool fail_cleanup)
{
	size_t runs = 0;
	for (int nth = 1;; nth++) {
		struct outcome o;
		fk_reset(SH);
		SH->fail_stage = stage;
		SH->fail_nth = nth;
		SH->fail_cleanup = fail_cleanup;
		(void)snprintf(current, sizeof(current), "%s: role %d call %d%s", sc->fk.name, stage, nth,
		               fail_cleanup ? " (cleanup failing too)" : "");
		run_once(sc, &o, NULL);
		runs++;
		check_outcome(sc, &o);
		if (SH->stage_calls[stage] < nth)
			return runs; /* this role made fewer calls: every one of them was failed */
		assert_true(nth < 1000);
	}
}

/* Every process role of every scenario: call 1, 2, ... until the role makes fewer calls. */
static void test_every_call_of_every_role_fails_cleanly(void **state)
{
	(void)state;
	size_t runs = 0;
	for (size_t s = 0; s < NSCEN; s++) {
		for (int stage = 0; stage < FK_NSTAGES; stage++) {
			runs += fail_each_call_of(&scenarios[s], stage, false);
			runs += fail_each_call_of(&scenarios[s], stage, true);
		}
	}
	print_message("fault injection: %zu runs\n", runs);
}

/* FATAL goes to fd 2 without a log pipe; failing that write changes nothing else. */
static void test_without_log_pipe_fatal_goes_to_stderr(void **state)
{
	(void)state;
	struct outcome o;
	struct child_arg ca = {&scenarios[4], "6", "x", true};
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "no log pipe");
	run_once(&scenarios[4], &o, &ca);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(o.lines, 0);
	assert_non_null(strstr(SH->err, "FATAL: nsexec["));
	assert_non_null(strstr(SH->err, "]: bad value for _LIBCONTAINER_INITPIPE=x: ENV_INVALID"));
	fk_reset(SH);
	SH->fail_stage = FK_STAGE0;
	SH->fail_nth = 1; /* the write to fd 2 is its only call */
	run_once(&scenarios[4], &o, &ca);
	assert_int_equal(SH->injected, 1);
	assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(SH->err_len, 0);
}

/*
 * Runs after the loops above (cmocka keeps the order): a direct run for
 * each site they did not fail (one whose position moved between runs),
 * then every call site of core in this program must have been failed.
 */
static void test_every_call_site_was_failed(void **state)
{
	(void)state;
	size_t nsites, covered = 0;
	const struct nsb_site *const *sites = nsb_sys_sites(&nsites);
	unsigned char executed[FK_MAX_SITES] = {0};

	assert_true(nsites > 50 && nsites <= FK_MAX_SITES);
	for (size_t i = 0; i < nsites; i++) {
		for (size_t s = 0; s < NSCEN && !sites_failed[i]; s++) {
			struct outcome o;
			fk_reset(SH);
			SH->fail_site = (int)i;
			(void)snprintf(current, sizeof(current), "site %s:%d in %s", sites[i]->file,
			               sites[i]->line, scenarios[s].fk.name);
			run_once(&scenarios[s], &o, NULL);
			if (SH->first_failed == (int)i)
				check_outcome(&scenarios[s], &o);
			executed[i] |= SH->executed[i];
		}
	}
	/*
	 * A cleanup site runs only after another call failed, and the fault
	 * loops count calls across processes whose interleaving varies, so they
	 * may miss it in one run. Reach each one deterministically: fail every
	 * other site in turn by index with cleanups failing too.
	 */
	for (size_t i = 0; i < nsites; i++) {
		if (sites_failed[i] || sites[i]->kind != NSB_SITE_CLEANUP)
			continue;
		for (size_t j = 0; j < nsites && !sites_failed[i]; j++) {
			for (size_t s = 0; s < NSCEN && !sites_failed[i]; s++) {
				struct outcome o;
				fk_reset(SH);
				SH->fail_site = (int)j;
				SH->fail_cleanup = true;
				(void)snprintf(current, sizeof(current),
				               "cleanup site %s:%d after %s:%d in %s", sites[i]->file,
				               sites[i]->line, sites[j]->file, sites[j]->line,
				               scenarios[s].fk.name);
				run_once(&scenarios[s], &o, NULL);
				executed[i] |= SH->executed[i];
			}
		}
	}
	for (size_t i = 0; i < nsites; i++) {
		if (!sites_failed[i])
			print_error("never failed: %s() at %s:%d (%s)\n", sites[i]->call, sites[i]->file,
			            sites[i]->line, executed[i] ? "executed" : "never reached");
		covered += sites_failed[i];
	}
	print_message("call sites failed at least once: %zu of %zu\n", covered, nsites);
	assert_int_equal(covered, nsites);
}

/* ---- protocol violations ----------------------------------------------------------------- */

static void test_every_wrong_sync_value_is_fatal(void **state)
{
	(void)state;
	static const uint32_t values[] = {0,
	                                  0x3f,
	                                  NSB_SYNC_USERMAP_PLS,
	                                  NSB_SYNC_USERMAP_ACK,
	                                  NSB_SYNC_RECVPID_PLS,
	                                  NSB_SYNC_RECVPID_ACK,
	                                  NSB_SYNC_GRANDCHILD,
	                                  NSB_SYNC_CHILD_FINISH,
	                                  NSB_SYNC_TIMEOFFSETS_PLS,
	                                  NSB_SYNC_TIMEOFFSETS_ACK,
	                                  0x48,
	                                  UINT32_MAX};
	size_t violations = 0;
	for (size_t s = 0; s < NSCEN; s++) {
		for (int stage = FK_STAGE0; stage <= FK_STAGE2; stage++) {
			for (int nth = 1; nth < 100; nth++) {
				for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
					struct outcome o;
					fk_reset(SH);
					SH->corrupt_stage = stage;
					SH->corrupt_nth = nth;
					SH->corrupt_value = values[v];
					(void)snprintf(current, sizeof(current),
					               "%s: stage %d read %d := %#x", scenarios[s].fk.name,
					               stage, nth, values[v]);
					run_once(&scenarios[s], &o, NULL);
					if (!SH->corrupted)
						continue; /* not a sync value, or the value was that already */
					violations++;
					if (succeeded(&o) || strstr(o.fatal, "SYNC_UNEXPECTED") == NULL) {
						print_error("%s: accepted or not named: %s\n", current,
						            o.fatal);
						fail();
					}
					assert_int_equal(SH->exec_count, 0);
				}
				if (SH->stage_reads[stage] < nth)
					break; /* past the last read of this stage */
			}
		}
	}
	print_message("protocol violations rejected: %zu\n", violations);
	assert_true(violations > 100);
}

/* ---- the environment -------------------------------------------------------------------- */

static void test_bad_environment_integers_are_fatal(void **state)
{
	(void)state;
	static const char *const bad[] = {"",  "-1", "+3", " 3", "3 ", "0x3", "2147483648", "99999999999999",
	                                  "3a"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct outcome o;
		struct child_arg ca = {&scenarios[4], "6", bad[i], false};
		fk_reset(SH);
		(void)snprintf(current, sizeof(current), "initpipe '%s'", bad[i]);
		run_once(&scenarios[4], &o, &ca);
		assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
		assert_non_null(strstr(o.fatal, "_LIBCONTAINER_INITPIPE"));
		assert_non_null(strstr(o.fatal, "ENV_INVALID"));
		ca.initpipe_override = NULL;
		ca.loglevel = bad[i];
		fk_reset(SH);
		run_once(&scenarios[4], &o, &ca);
		assert_int_equal(o.rc, NSB_ERR_STAGE_FAILED);
		assert_non_null(strstr(o.fatal, "_LIBCONTAINER_LOGLEVEL"));
	}
	/* an fd that is not open */
	struct outcome o;
	struct child_arg ca = {&scenarios[4], "6", "1000", false};
	fk_reset(SH);
	run_once(&scenarios[4], &o, &ca);
	assert_non_null(strstr(o.fatal,
	                       "_LIBCONTAINER_INITPIPE=1000: set close-on-exec: fcntl: Bad file descriptor"));
}

static void test_no_initpipe_means_not_an_init(void **state)
{
	(void)state;
	struct nsb_init_config cfg = {0};
	assert_int_equal(nsb_init_run(&cfg), 0);
	assert_int_equal(nsb_init_run(NULL), 0);
}

static void test_loglevel_filters_lines_but_not_fatal_at_1(void **state)
{
	(void)state;
	struct outcome o;
	struct child_arg ca = {&scenarios[4], "1", NULL, false};
	fk_reset(SH);
	(void)snprintf(current, sizeof(current), "loglevel 1");
	run_once(&scenarios[4], &o, &ca);
	assert_true(succeeded(&o));
	assert_int_equal(o.lines, 0);
	fk_reset(SH);
	SH->fail_stage = FK_STAGE1;
	SH->fail_nth = 3;
	run_once(&scenarios[4], &o, &ca);
	assert_false(succeeded(&o));
	assert_true(o.lines >= 1 && o.fatal_len > 0);
}

/* main's --init-child: init as the parent execs it, on fakes of its own. */
static int init_child_main(char **argv)
{
	static const struct fk_scenario none = {"exec-mode child", NULL, 0, NULL, 0, false, false};
	char true_[] = "true";
	char *const cmd[] = {true_, NULL};
	(void)argv;
	struct fk_ctx cx;
	struct nsb_sys sys;
	SH = fk_shared_new();
	fk_reset(SH);
	fk_sys(&sys, &cx, SH, &none, FK_STAGE0);
	struct nsb_init_config cfg = {
	        .sys = &sys,
	        .initpipe = getenv("_LIBCONTAINER_INITPIPE"),
	        .logpipe = getenv("_LIBCONTAINER_LOGPIPE"),
	        .loglevel = getenv("_LIBCONTAINER_LOGLEVEL"),
	        .argv = cmd,
	};
	return nsb_init_run(&cfg);
}

int main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "--init-child") == 0)
		return init_child_main(argv);
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_create_does_what_the_plan_says),
	        cmocka_unit_test(test_join_all_of_one_pid_joins_the_checked_fds_in_passes),
	        cmocka_unit_test(test_join_enters_the_checked_namespaces_even_when_the_pid_moved),
	        cmocka_unit_test(test_a_path_not_on_nsfs_is_refused_before_it_is_opened_for_reading),
	        cmocka_unit_test(test_join_passes_retry_eperm_after_the_user_namespace),
	        cmocka_unit_test(test_helper_maps_with_an_argv_sized_to_the_map),
	        cmocka_unit_test(test_helper_killed_by_a_signal_is_a_failure),
	        cmocka_unit_test(test_plain_runc_1_1_dialect_without_command_exits_0),
	        cmocka_unit_test(test_wrong_type_and_non_namespace_paths_fail_before_any_setns),
	        cmocka_unit_test(test_runc_1_1_vendored_returns_in_stage2_with_the_mount_fds_in_place),
	        cmocka_unit_test(test_mount_fd_messages_interrupted_by_a_signal_are_retried),
	        cmocka_unit_test(test_mount_fd_messages_other_than_one_fd_are_fatal),
	        cmocka_unit_test(test_bad_mount_fds_are_fatal_before_any_stage),
	        cmocka_unit_test(test_a_bootstrap_the_plan_refuses_is_fatal_in_setup),
	        cmocka_unit_test(test_affinity_and_cgroup_follow_runcs_order),
	        cmocka_unit_test(test_unset_affinity_resets_stage2_to_all_cpus_after_the_move),
	        cmocka_unit_test(test_initial_without_final_leaves_stage2_to_the_kernel),
	        cmocka_unit_test(test_masks_above_1023_cpus_are_sized_dynamically),
	        cmocka_unit_test(test_more_cpus_than_any_mask_fail_the_initial_affinity_and_warn_in_init),
	        cmocka_unit_test(test_short_write_to_cgroup_procs_is_an_io_error),
	        cmocka_unit_test(test_bad_placement_arguments_fail_before_anything_starts),
	        cmocka_unit_test(test_no_initpipe_means_not_an_init),
	        cmocka_unit_test(test_loglevel_filters_lines_but_not_fatal_at_1),
	        cmocka_unit_test(test_bad_environment_integers_are_fatal),
	        cmocka_unit_test(test_every_wrong_sync_value_is_fatal),
	        cmocka_unit_test(test_without_log_pipe_fatal_goes_to_stderr),
	        cmocka_unit_test(test_every_call_of_every_role_fails_cleanly),
	        cmocka_unit_test(test_every_call_site_was_failed), /* last: sums up the runs before it */
	};
	SH = fk_shared_new();
	(void)signal(SIGALRM, watchdog);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
