/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_init_run.c - nsb_init_run's own paths on the fake seam (fakesys.h),
 * the ones fault injection (test_init_faults.c) cannot reach because they
 * need a call to answer something other than success or EIO:
 *
 *  - the sync loops (init_run.c) retry EINTR and treat a write of 0 bytes
 *    as a short sync; the helper's waitpid retries EINTR (maps.c);
 *  - the log (init_log.c): the default level, level 0, FATAL on stderr
 *    naming the stage, a message longer than a log line, a failure text
 *    longer than the fault buffer, a reader error without an attribute;
 *  - JOIN (join.c): EINVAL from NS_GET_NSTYPE, a type with no name, the
 *    passes without a user namespace;
 *  - procfs writes (maps.c, init_setup.c): EPERM without a helper, short
 *    writes, a uid map alone, the dumpable toggle around the map writes.
 *
 * A wrapper seam sits in front of fakesys: it answers the chosen calls
 * itself (EINTR, 0, EINVAL, EIO) and hands everything else to the fakes.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fakesys.h"
#include "nsboot/init.h"
#include "nsboot/parent.h"

static struct fk_shared *SH;

/* ---- the wrapper seam ---------------------------------------------------------- */

/* What the wrapper answers itself; shared by every process of a run. */
struct wrap_shared {
	bool eintr_sync;        /* each process: its first sync read and write fail EINTR once */
	int zero_write_stage;   /* this fk_stage's first sync write returns 0; -1: none */
	bool eintr_helper_wait; /* the first waitpid for the id map helper fails EINTR */
	bool einval_nstype;     /* ioctl(NS_GET_NSTYPE) fails EINVAL */
	bool fail_dumpable_on;  /* prctl(PR_SET_DUMPABLE, 1) fails EIO */
	bool fake_release;      /* stage-2's release reads get release[0..release_len), then EOF */
	char release[64];
	size_t release_len;
	bool release_hup; /* stage-2's liveness poll sees POLLHUP: the runtime's end is closed */
	int eintr_reads;  /* outcome: EINTRs handed out */
	int eintr_writes;
	int zero_writes;
	int helper_wait_eintrs;
	char names[FK_STAGE2 + 1][32]; /* outcome: prctl(PR_SET_NAME) of each stage */
};

static struct wrap_shared *WS;

/* The fakes' context must come first: fakesys gets this pointer as its ctx. */
struct wrap {
	struct fk_ctx cx;
	struct nsb_sys fk;
	const struct nsb_site *last;
	pid_t read_eintr_pid, write_eintr_pid; /* the process that already had its EINTR */
	bool zero_done, wait_done;
	size_t release_at; /* stage-2: bytes of WS->release handed out */
};

static struct wrap W; /* per process: copied into every stage */

static bool last_is(const struct wrap *w, const char *file, const char *call)
{
	return w->last != NULL && strstr(w->last->file, file) != NULL && strcmp(w->last->call, call) == 0;
}

static void w_site(void *ctx, const struct nsb_site *site)
{
	struct wrap *w = ctx;
	w->last = site;
	w->fk.site(ctx, site);
}

static pid_t w_read_release(struct wrap *w, void *buf, size_t count);

static ssize_t w_read(void *ctx, int fd, void *buf, size_t count)
{
	struct wrap *w = ctx;
	if (WS->fake_release && last_is(w, "init_stage2.c", "read")) {
		/* what the runtime really sent is consumed, and replaced */
		char sink[64];
		while (w->fk.read(ctx, fd, sink, sizeof(sink)) > 0)
			;
		return w_read_release(w, buf, count);
	}
	if (WS->eintr_sync && last_is(w, "init_run.c", "read") && w->read_eintr_pid != getpid()) {
		w->read_eintr_pid = getpid();
		__atomic_fetch_add(&WS->eintr_reads, 1, __ATOMIC_SEQ_CST);
		errno = EINTR;
		return -1;
	}
	return w->fk.read(ctx, fd, buf, count);
}

static ssize_t w_write(void *ctx, int fd, const void *buf, size_t count)
{
	struct wrap *w = ctx;
	if (WS->eintr_sync && last_is(w, "init_run.c", "write") && w->write_eintr_pid != getpid()) {
		w->write_eintr_pid = getpid();
		__atomic_fetch_add(&WS->eintr_writes, 1, __ATOMIC_SEQ_CST);
		errno = EINTR;
		return -1;
	}
	if (w->cx.stage == WS->zero_write_stage && last_is(w, "init_run.c", "write") && !w->zero_done) {
		w->zero_done = true;
		__atomic_fetch_add(&WS->zero_writes, 1, __ATOMIC_SEQ_CST);
		return 0;
	}
	return w->fk.write(ctx, fd, buf, count);
}

static pid_t w_read_release(struct wrap *w, void *buf, size_t count)
{
	size_t n = WS->release_len - w->release_at < count ? WS->release_len - w->release_at : count;
	memcpy(buf, WS->release + w->release_at, n);
	w->release_at += n;
	return (pid_t)n;
}

static int w_poll(void *ctx, struct pollfd *fds, nfds_t nfds, int timeout)
{
	struct wrap *w = ctx;
	int n = w->fk.poll(ctx, fds, nfds, timeout);
	if (WS->release_hup && last_is(w, "init_stage2.c", "poll") && n >= 0) {
		fds[0].revents |= POLLHUP;
		return 1;
	}
	return n;
}

static pid_t w_waitpid(void *ctx, pid_t pid, int *status, int options)
{
	struct wrap *w = ctx;
	if (WS->eintr_helper_wait && last_is(w, "maps.c", "waitpid") && !w->wait_done) {
		w->wait_done = true;
		__atomic_fetch_add(&WS->helper_wait_eintrs, 1, __ATOMIC_SEQ_CST);
		errno = EINTR;
		return -1;
	}
	return w->fk.waitpid(ctx, pid, status, options);
}

static int w_ioctl(void *ctx, int fd, unsigned long request)
{
	struct wrap *w = ctx;
	if (WS->einval_nstype && last_is(w, "join.c", "ioctl")) {
		errno = EINVAL;
		return -1;
	}
	return w->fk.ioctl(ctx, fd, request);
}

static int w_prctl(void *ctx, int option, unsigned long arg2)
{
	struct wrap *w = ctx;
	if (option == PR_SET_NAME && w->cx.stage <= FK_STAGE2)
		(void)snprintf(WS->names[w->cx.stage], sizeof(WS->names[0]), "%s", (const char *)arg2);
	if (WS->fail_dumpable_on && option == PR_SET_DUMPABLE && arg2 == 1) {
		errno = EIO;
		return -1;
	}
	return w->fk.prctl(ctx, option, arg2);
}

/* ---- one run --------------------------------------------------------------------- */

struct run {
	struct fk_scenario fk;
	void (*build)(struct nsb_bootstrap *b);
	const char *loglevel; /* NULL: unset */
	bool no_logpipe;
	uint32_t max_len; /* init's cap on the bootstrap; 0: default */
	const char *cmd;  /* the command; NULL: "true" */
};

static char command_name[] = "true";
static char *cmd[] = {command_name, NULL}; /* per process: struct run's cmd replaces [0] */

static int init_child(void *arg, int initpipe, int logpipe)
{
	const struct run *r = arg;
	struct nsb_sys sys;
	char ip[16], lp[16];

	fk_sys(&W.fk, &W.cx, SH, &r->fk, FK_STAGE0);
	sys = W.fk;
	sys.ctx = &W;
	sys.site = w_site;
	sys.read = w_read;
	sys.write = w_write;
	sys.waitpid = w_waitpid;
	sys.ioctl = w_ioctl;
	sys.prctl = w_prctl;
	sys.poll = w_poll;
	if (r->cmd != NULL)
		cmd[0] = (char *)(uintptr_t)r->cmd;
	(void)snprintf(ip, sizeof(ip), "%d", initpipe);
	(void)snprintf(lp, sizeof(lp), "%d", logpipe);
	struct nsb_init_config cfg = {
	        .sys = &sys,
	        .dialect = NSB_DIALECT_RUNC_1_2,
	        .max_len = r->max_len,
	        .initpipe = ip,
	        .logpipe = r->no_logpipe ? NULL : lp,
	        .loglevel = r->loglevel,
	        .argv = cmd,
	};
	return nsb_init_run(&cfg);
}

struct outcome {
	enum nsb_err rc;
	struct nsb_error err;
	struct nsb_parent_result res;
	char log[65536]; /* every message, one per line */
	size_t log_len;
	char fatal[8192]; /* every FATAL message, one per line */
	size_t fatal_len;
	int lines;
};

static void append(char *buf, size_t cap, size_t *len, const char *msg)
{
	int n = snprintf(buf + *len, cap - *len, "%s\n", msg);
	if (n > 0 && *len + (size_t)n < cap)
		*len += (size_t)n;
}

static void on_log(void *ctx, int level, const char *msg)
{
	struct outcome *o = ctx;
	o->lines++;
	append(o->log, sizeof(o->log), &o->log_len, msg);
	if (level == NSB_LOG_FATAL)
		append(o->fatal, sizeof(o->fatal), &o->fatal_len, msg);
}

static void watchdog(int sig)
{
	(void)sig;
	static const char msg[] = "test_init_run: a run hung\n";
	(void)write(2, msg, sizeof(msg) - 1);
	abort();
}

static void reset(void)
{
	fk_reset(SH);
	memset(WS, 0, sizeof(*WS));
	WS->zero_write_stage = -1;
}

static struct outcome O; /* large: off the stack */

static const struct outcome *run(const struct run *r)
{
	struct fk_ctx pcx;
	struct nsb_sys psys;
	struct nsb_bootstrap b;
	struct nsb_error e;
	size_t len = 0;

	nsb_bootstrap_init(&b, NSB_DIALECT_RUNC_1_2);
	r->build(&b);
	assert_int_equal(nsb_encode(&b, NULL, 0, &len, &e), NSB_ERR_NO_SPACE);
	unsigned char *msg = malloc(len);
	assert_non_null(msg);
	assert_nsb_ok(nsb_encode(&b, msg, len, &len, &e), e);

	memset(&O, 0, sizeof(O));
	fk_sys(&psys, &pcx, SH, &r->fk, FK_PARENT);
	struct nsb_parent_config cfg = {
	        .sys = &psys,
	        .bootstrap = msg,
	        .bootstrap_len = len,
	        .log_level = 6,
	        .dialect = NSB_DIALECT_RUNC_1_2,
	        .init_fn = init_child,
	        .init_arg = (void *)(uintptr_t)r,
	        .init_path = "/proc/self/exe",
	        .on_log = on_log,
	        .log_ctx = &O,
	};
	(void)alarm(20);
	O.rc = nsb_parent_run(&cfg, &O.res, &O.err);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
	(void)alarm(0);
	free(msg);
	return &O;
}

static bool succeeded(const struct outcome *o)
{
	return o->rc == NSB_OK && o->res.stage2_status != -1 && WIFEXITED(o->res.stage2_status) &&
	       WEXITSTATUS(o->res.stage2_status) == 0 && SH->exec_count == 1;
}

#define assert_succeeded(o)                                                                         \
	do {                                                                                        \
		if (!succeeded(o)) {                                                                \
			fail_msg("run failed: %s, FATAL: %s", nsb_error_name((o)->rc), (o)->fatal); \
		}                                                                                   \
	} while (0)

/* @o failed (no command ran) and one of its FATAL messages holds @text. */
static void assert_fatal_has(const struct outcome *o, const char *text)
{
	assert_int_equal(o->rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(SH->exec_count, 0);
	if (strstr(o->fatal, text) == NULL)
		fail_msg("no FATAL with '%s' in:\n%s", text, o->fatal);
}

static void assert_rec(const char *line)
{
	if (!fk_rec_has(SH, line))
		fail_msg("no '%s' in the record:\n%.*s", line, (int)SH->rec_len, SH->rec);
}

/* ---- bootstraps -------------------------------------------------------------------- */

static void add_join(struct nsb_bootstrap *b, enum nsb_ns_type type, const char *path)
{
	struct nsb_ns_path *p = &b->ns_paths.paths[b->ns_paths.count++];
	p->type = type;
	p->path.ptr = path;
	p->path.len = strlen(path);
	NSB_SET(b, NSB_F_NS_PATHS);
}

static void add_map(struct nsb_idmap *m, uint32_t c, uint32_t h, uint32_t s)
{
	m->extents[m->count++] = (struct nsb_idmap_extent){c, h, s};
}

static void build_plain(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWNS | CL_NEWPID;
}

/* user namespace with both maps and setgroups: every sync of the protocol */
static void build_userns(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS | CL_NEWPID;
	add_map(&b->uid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
	add_map(&b->gid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_GIDMAP);
	b->setgroup = true;
	NSB_SET(b, NSB_F_SETGROUP);
}

static void build_uid_map_only(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS;
	add_map(&b->uid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
}

static void build_oom(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWNS;
	b->oom_score_adj = -17;
	NSB_SET(b, NSB_F_OOM_SCORE_ADJ);
}

/* rootless: the uid map write is refused, newuidmap maps */
static void build_helper(struct nsb_bootstrap *b)
{
	b->clone_flags = CL_NEWUSER | CL_NEWNS;
	b->rootless_euid = true;
	add_map(&b->uid_map, 0, 1000, 1);
	NSB_SET(b, NSB_F_UIDMAP);
	b->uid_map_helper.ptr = "/usr/bin/newuidmap";
	b->uid_map_helper.len = strlen(b->uid_map_helper.ptr);
	NSB_SET(b, NSB_F_UIDMAPPATH);
}

static const struct fk_ns ns_net_uts[] = {
        {"/run/netns/red", CL_NEWNET},
        {"/proc/77/ns/uts", CL_NEWUTS},
        {"/run/netns/odd", 0x1}, /* an nsfs type no CLONE_NEW* flag names */
        {NULL, 0},
};

/* two namespaces of two different holders: no pidfd, runc's passes, no user namespace */
static void build_join_net_uts(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, "/run/netns/red");
	add_join(b, NSB_NS_UTS, "/proc/77/ns/uts");
	b->clone_flags = CL_NEWPID;
}

static void build_join_odd(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, "/run/netns/odd");
}

static void build_join_missing(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, "/run/netns/missing");
}

/* join one namespace while creating the user namespace */
static void build_join_and_userns(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, "/run/netns/red");
	b->clone_flags = CL_NEWUSER | CL_NEWNS;
	add_map(&b->uid_map, 0, 100000, 65536);
	NSB_SET(b, NSB_F_UIDMAP);
}

/* the longest namespace path the decoder accepts: 4095 bytes */
static char long_path[NSB_NS_PATH_MAX];
static struct fk_ns ns_long[] = {{long_path, CL_NEWNET}, {NULL, 0}};

static void build_join_long(struct nsb_bootstrap *b)
{
	add_join(b, NSB_NS_NET, long_path);
}

/* ---- init_run.c: the sync loops ------------------------------------------------------ */

static void test_sync_reads_and_writes_retry_eintr_in_every_stage(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "eintr"}, .build = build_userns, .loglevel = "5"};
	reset();
	WS->eintr_sync = true;
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	/* stage-0, -1 and -2 each read and write a sync value */
	assert_true(WS->eintr_reads >= 3);
	assert_true(WS->eintr_writes >= 3);
}

static void test_sync_write_of_zero_bytes_is_a_short_sync(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "zero-write"}, .build = build_userns, .loglevel = "5"};
	reset();
	WS->zero_write_stage = FK_STAGE1;
	const struct outcome *o = run(&r);
	assert_int_equal(WS->zero_writes, 1);
	assert_fatal_has(o, "wrote 0 of 4 bytes: SYNC_SHORT");
}

/* ---- maps.c: map writes and the helper ------------------------------------------------ */

static void test_helper_wait_retries_eintr(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "helper-eintr", .write_eperm = "uid_map"},
	                      .build = build_helper,
	                      .loglevel = "5"};
	reset();
	WS->eintr_helper_wait = true;
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	assert_int_equal(WS->helper_wait_eintrs, 1);
	assert_int_equal(SH->helper_count, 1);
}

static void test_map_write_eperm_without_a_helper_is_fatal(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "eperm", .write_eperm = "uid_map"}, .build = build_userns, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "/uid_map: write: Operation not permitted");
	assert_int_equal(SH->helper_count, 0);
}

static void test_short_map_write_is_an_io_error(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "short-map"}, .build = build_uid_map_only, .loglevel = "5"};
	reset();
	SH->short_writes = true;
	const struct outcome *o = run(&r);
	/* "0 100000 65536\n" is 15 bytes */
	assert_fatal_has(o, "/uid_map: wrote 14 of 15 bytes: IO");
}

static void test_uid_map_alone_writes_no_gid_map(void **state)
{
	(void)state;
	char line[96];
	const struct run r = {.fk = {.name = "uid-only"}, .build = build_uid_map_only, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	(void)snprintf(line, sizeof(line), "write /proc/%d/uid_map 0 100000 65536", (int)o->res.stage1);
	assert_rec(line);
	assert_null(strstr(SH->rec, "gid_map"));
	assert_null(strstr(SH->rec, "/setgroups"));
}

static void test_joining_while_creating_the_user_namespace_is_dumpable_for_the_maps(void **state)
{
	(void)state;
	char map[96];
	const struct run r = {.fk = {.name = "join+userns", .ns = ns_net_uts},
	                      .build = build_join_and_userns,
	                      .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	(void)snprintf(map, sizeof(map), "write /proc/%d/uid_map 0 100000 65536", (int)o->res.stage1);
	/* stage-1 is dumpable exactly while stage-0 writes its map */
	long on = fk_rec_find(SH, "prctl 4 1"), write = fk_rec_find(SH, map);
	assert_true(on >= 0 && write > on);
	assert_true(fk_rec_find(SH, "setns /run/netns/red") < on);
	assert_true(strstr(SH->rec + write, "prctl 4 0") != NULL);
	/* a failure to become dumpable is named so */
	reset();
	WS->fail_dumpable_on = true;
	o = run(&r);
	assert_fatal_has(o, "set process as dumpable: prctl: Input/output error");
}

/* ---- init_setup.c ------------------------------------------------------------------------ */

static void test_short_write_to_oom_score_adj_is_an_io_error(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "short-oom"}, .build = build_oom, .loglevel = "5"};
	reset();
	SH->short_writes = true;
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "write '-17' to /proc/self/oom_score_adj: short write of 2 bytes: IO");
}

static void test_default_loglevel_is_debug(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "default-level"}, .build = build_plain, .loglevel = NULL};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	assert_non_null(strstr(o->log, "nsexec[")); /* setup's lines */
	assert_non_null(strstr(o->log, "=> nsexec container setup"));
}

/* ps(1) shows 15 bytes of a name: each stage's must fit whole. */
static void test_stages_are_named_whole_within_the_kernels_15_bytes(void **state)
{
	(void)state;
	static const char *const want[] = {"nsb:[0:PARENT]", "nsb:[1:CHILD]", "nsb:[2:INIT]"};
	const struct run r = {.fk = {.name = "names"}, .build = build_plain};
	reset();
	assert_succeeded(run(&r));
	for (int stage = FK_STAGE0; stage <= FK_STAGE2; stage++) {
		assert_string_equal(WS->names[stage], want[stage]);
		assert_true(strlen(WS->names[stage]) <= 15);
	}
}

/* ---- init_log.c -------------------------------------------------------------------------- */

static void test_loglevel_0_silences_even_fatal(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "level-0", .ns = ns_net_uts}, .build = build_join_missing, .loglevel = "0"};
	reset();
	const struct outcome *o = run(&r);
	assert_int_equal(o->rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(o->lines, 0);
	assert_int_equal(SH->err_len, 0);
	assert_string_equal(o->res.fatal, "");
}

static void test_without_log_pipe_only_fatal_reaches_stderr_with_its_stage(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "stderr", .ns = ns_net_uts},
	                      .build = build_join_missing,
	                      .loglevel = "6",
	                      .no_logpipe = true};
	reset();
	const struct outcome *o = run(&r);
	assert_int_equal(o->rc, NSB_ERR_STAGE_FAILED);
	assert_int_equal(o->lines, 0);
	SH->err[sizeof(SH->err) - 1] = '\0';
	/* stage-1 failed to open the path; every line on stderr is a FATAL one */
	assert_non_null(strstr(SH->err, "FATAL: nsexec-1["));
	assert_non_null(strstr(SH->err, "]: open net namespace path /run/netns/missing: open: No such file"));
	for (const char *p = SH->err; *p != '\0'; p = strchr(p, '\n') + 1) {
		assert_memory_equal(p, "FATAL: nsexec", 13);
		assert_non_null(strchr(p, '\n'));
	}
}

static void test_message_longer_than_a_log_line_is_cut(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "long-path", .ns = ns_long}, .build = build_join_long, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	/* the setns line names the 4095-byte path: cut, marked, still one valid line */
	const char *at = strstr(o->log, "into net namespace (with path /aaaa");
	assert_non_null(at);
	const char *end = strchr(at, '\n');
	assert_non_null(end);
	assert_memory_equal(end - 3, "...", 3);
	assert_true(end - at < (long)NSB_LOG_LINE_MAX);
}

static void test_failure_text_longer_than_the_fault_buffer_is_cut(void **state)
{
	(void)state;
	static const struct fk_ns none[] = {{NULL, 0}};
	const struct run r = {
	        .fk = {.name = "long-missing", .ns = none}, .build = build_join_long, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "]: open net namespace path /aaaa");
	/* the first FATAL is stage-1's: its text is the fault buffer's 1023 bytes */
	const char *text = strstr(o->res.fatal, "]: ") + 3;
	assert_int_equal(strlen(text), 1023);
	assert_memory_equal(text, "open net namespace path /aaaa", 29);
}

static void test_bootstrap_over_inits_cap_is_fatal_at_offset_0(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "cap"}, .build = build_plain, .loglevel = "5", .max_len = 20};
	reset();
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "read bootstrap from the init pipe: at offset 0: MSG_TOO_BIG");
}

/* ---- join.c ------------------------------------------------------------------------------- */

static void test_join_in_passes_without_a_user_namespace(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "passes", .ns = ns_net_uts}, .build = build_join_net_uts, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	assert_rec("setns /run/netns/red");
	assert_rec("setns /proc/77/ns/uts");
	assert_null(strstr(SH->rec, "pidfd_open"));
	assert_null(strstr(SH->rec, "setresuid"));
}

static void test_nstype_einval_means_not_a_namespace_file(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "einval", .ns = ns_net_uts}, .build = build_join_net_uts, .loglevel = "5"};
	reset();
	WS->einval_nstype = true;
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "/run/netns/red is not a namespace file: NS_NOT_NSFS");
	assert_null(strstr(SH->rec, "setns"));
}

static void test_namespace_of_a_type_without_a_name_is_reported_unknown(void **state)
{
	(void)state;
	const struct run r = {
	        .fk = {.name = "odd", .ns = ns_net_uts}, .build = build_join_odd, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_fatal_has(o, "/run/netns/odd is a namespace of type unknown (0x1): NS_TYPE_MISMATCH");
	assert_null(strstr(SH->rec, "setns"));
}

/* ---- stage-2: the release and the exec ---------------------------------------------- */

static void build_plain_run(struct nsb_bootstrap *b)
{
	(void)b;
}

/* Stage-2 reads @bytes as the runtime's release: anything but the whole token runs nothing. */
static void assert_release_refused(const char *bytes, size_t len, const char *why)
{
	const struct run r = {.fk = {.name = "release"}, .build = build_plain_run, .loglevel = "5"};
	reset();
	WS->fake_release = true;
	memcpy(WS->release, bytes, len);
	WS->release_len = len;
	const struct outcome *o = run(&r);
	assert_int_equal(SH->exec_count, 0);
	assert_true(WIFEXITED(o->res.stage2_status) && WEXITSTATUS(o->res.stage2_status) == 1);
	if (strstr(o->fatal, why) == NULL || strstr(o->fatal, "NOT_RELEASED") == NULL)
		fail_msg("no FATAL NOT_RELEASED with '%s' in:\n%s", why, o->fatal);
	assert_false(fk_rec_has(SH, "memfd_create nsb-exec"));
}

static void test_eof_alone_does_not_release_stage2(void **state)
{
	(void)state;
	assert_release_refused("", 0, "0 bytes before the end of the init pipe");
}

static void test_part_of_the_release_token_does_not_release_stage2(void **state)
{
	(void)state;
	assert_release_refused(NSB_RELEASE_TOKEN, NSB_RELEASE_TOKEN_LEN - 1, "14 bytes before the end");
}

static void test_release_token_with_bytes_after_it_does_not_release_stage2(void **state)
{
	(void)state;
	assert_release_refused(NSB_RELEASE_TOKEN "x", NSB_RELEASE_TOKEN_LEN + 1, "16 bytes before the end");
	/* and a long stream is counted, not stored */
	char many[64];
	memset(many, 'r', sizeof(many));
	assert_release_refused(many, sizeof(many), "64 bytes before the end");
}

static void test_other_bytes_of_the_tokens_length_do_not_release_stage2(void **state)
{
	(void)state;
	assert_release_refused("nsboot:releasE\n", NSB_RELEASE_TOKEN_LEN, "15 bytes before the end");
}

static void test_release_from_a_runtime_that_is_gone_runs_nothing(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "gone"}, .build = build_plain_run, .loglevel = "5"};
	reset();
	WS->release_hup = true;
	const struct outcome *o = run(&r);
	assert_int_equal(SH->exec_count, 0);
	if (strstr(o->fatal, "released stage-2 but is gone") == NULL)
		fail_msg("no FATAL about the gone runtime in:\n%s", o->fatal);
}

static void test_command_runs_through_the_sealed_trampoline_by_fd(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "tramp"}, .build = build_plain_run, .loglevel = "5"};
	reset();
	const struct outcome *o = run(&r);
	assert_succeeded(o);
	assert_rec("memfd_create nsb-exec");
	assert_string_equal(SH->exec_argv[0], "nsb-exec");
	size_t n = strlen(SH->exec_argv[1]);
	assert_true(SH->exec_argv[1][0] == '/' && n > 5 && strcmp(SH->exec_argv[1] + n - 5, "/true") == 0);
	assert_string_equal(SH->exec_argv[2], "true");
	assert_string_equal(SH->exec_argv[3], "");
	assert_true(SH->exec_image_ok);
	assert_int_equal(SH->exec_seals & (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE),
	                 F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE);
}

static void test_command_not_found_is_127_before_any_trampoline(void **state)
{
	(void)state;
	const struct run r = {.fk = {.name = "enoent"},
	                      .build = build_plain_run,
	                      .loglevel = "5",
	                      .cmd = "nsb-no-such-command"};
	reset();
	const struct outcome *o = run(&r);
	assert_int_equal(SH->exec_count, 0);
	assert_true(WIFEXITED(o->res.stage2_status) && WEXITSTATUS(o->res.stage2_status) == 127);
	if (strstr(o->fatal, "exec nsb-no-such-command") == NULL)
		fail_msg("no FATAL naming the command in:\n%s", o->fatal);
	assert_false(fk_rec_has(SH, "memfd_create nsb-exec"));
	/* a path is checked as it is: missing is 127, not executable 126 */
	const struct run r2 = {.fk = {.name = "missing"}, .build = build_plain_run, .cmd = "/nsb/no/such"};
	reset();
	o = run(&r2);
	assert_true(WIFEXITED(o->res.stage2_status) && WEXITSTATUS(o->res.stage2_status) == 127);
	const struct run r3 = {.fk = {.name = "noexec"}, .build = build_plain_run, .cmd = "/etc/passwd"};
	reset();
	o = run(&r3);
	assert_int_equal(SH->exec_count, 0);
	assert_true(WIFEXITED(o->res.stage2_status) && WEXITSTATUS(o->res.stage2_status) == 126);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sync_reads_and_writes_retry_eintr_in_every_stage),
	        cmocka_unit_test(test_sync_write_of_zero_bytes_is_a_short_sync),
	        cmocka_unit_test(test_helper_wait_retries_eintr),
	        cmocka_unit_test(test_map_write_eperm_without_a_helper_is_fatal),
	        cmocka_unit_test(test_short_map_write_is_an_io_error),
	        cmocka_unit_test(test_uid_map_alone_writes_no_gid_map),
	        cmocka_unit_test(test_joining_while_creating_the_user_namespace_is_dumpable_for_the_maps),
	        cmocka_unit_test(test_short_write_to_oom_score_adj_is_an_io_error),
	        cmocka_unit_test(test_default_loglevel_is_debug),
	        cmocka_unit_test(test_stages_are_named_whole_within_the_kernels_15_bytes),
	        cmocka_unit_test(test_loglevel_0_silences_even_fatal),
	        cmocka_unit_test(test_without_log_pipe_only_fatal_reaches_stderr_with_its_stage),
	        cmocka_unit_test(test_message_longer_than_a_log_line_is_cut),
	        cmocka_unit_test(test_failure_text_longer_than_the_fault_buffer_is_cut),
	        cmocka_unit_test(test_bootstrap_over_inits_cap_is_fatal_at_offset_0),
	        cmocka_unit_test(test_join_in_passes_without_a_user_namespace),
	        cmocka_unit_test(test_nstype_einval_means_not_a_namespace_file),
	        cmocka_unit_test(test_namespace_of_a_type_without_a_name_is_reported_unknown),
	        cmocka_unit_test(test_eof_alone_does_not_release_stage2),
	        cmocka_unit_test(test_part_of_the_release_token_does_not_release_stage2),
	        cmocka_unit_test(test_release_token_with_bytes_after_it_does_not_release_stage2),
	        cmocka_unit_test(test_other_bytes_of_the_tokens_length_do_not_release_stage2),
	        cmocka_unit_test(test_release_from_a_runtime_that_is_gone_runs_nothing),
	        cmocka_unit_test(test_command_runs_through_the_sealed_trampoline_by_fd),
	        cmocka_unit_test(test_command_not_found_is_127_before_any_trampoline),
	};
	SH = fk_shared_new();
	WS = mmap(NULL, sizeof(*WS), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (WS == MAP_FAILED)
		abort();
	long_path[0] = '/';
	memset(long_path + 1, 'a', sizeof(long_path) - 2);
	long_path[sizeof(long_path) - 1] = '\0';
	(void)signal(SIGALRM, watchdog);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
