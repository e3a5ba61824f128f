/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_exec.c - `nsboot exec [--target PID] [--ns TYPE:PATH]... [--oom-score-adj N]
 * [--cgroup DIR] [--cpu-affinity-initial L] [--cpu-affinity-final L] [--process F]
 * [--log-level L] -- CMD [ARGS...]`: run CMD in other namespaces through
 * nsboot's init, driven as runc's Go parent drives `runc init`
 * (nsb_parent_run). The init runs in the forked child itself, without
 * re-executing nsboot: that exec was 0.7 ms of a 2.7 ms join (bench/).
 * Nothing of this process reaches CMD: stage-2 execs it, and every fd of
 * ours is close-on-exec. With --target, every namespace of PID that differs from
 * ours is joined, as `nsenter -t PID -a` does. The cgroup and CPU affinity
 * options are runc's exec placement (exec_place.h, parent.h).
 *
 * Exit status: CMD's own; 128+N when CMD was killed by signal N; 126/127 when
 * it could not be run / was not found; 125 when nsboot failed before CMD ran;
 * 2 for a usage error.
 *
 * Hardening against a hostile container (its processes may share our pid
 * namespace, and everything init reports may carry their bytes):
 *  - this process is non-dumpable from its start: it holds the host binary
 *    as its exe and host fds, and a process without CAP_SYS_PTRACE cannot
 *    open /proc/<our pid>/exe or /proc/<our pid>/fd/N;
 *  - with --target, a pidfd of PID is taken before /proc/PID/ns is read;
 *    if PID has exited by the time stage-2 is to be released, the pid may
 *    name another process whose namespaces were joined: CMD is not run;
 *  - every text from init (log lines, FATAL lines) or from the bootstrap
 *    (what the parent was doing) is printed with cli_put_escaped, as decode
 *    prints message bytes;
 *  - a --bootstrap file is decoded first and refused as decode refuses it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exec_place.h"
#include "nsboot/init.h"
#include "nsboot/log.h"
#include "nsboot/parent.h"

#define EXEC_EXIT_FAILED 125

static const char exec_help[] =
        "Usage: nsboot exec [--target PID] [--ns TYPE:PATH]... [--oom-score-adj N]\n"
        "                   [--cgroup DIR] [--cpu-affinity-initial LIST]\n"
        "                   [--cpu-affinity-final LIST] [--process FILE]\n"
        "                   [--bootstrap FILE] [--preserve-fds N] [--timeout SECONDS]\n"
        "                   [--log-level LEVEL]\n"
        "                   -- CMD [ARGS...]\n"
        "\n"
        "Run CMD in the namespaces of another process, through nsboot's init (as 'nsboot\n"
        "init' runs it) driven over runc's init protocol. Like 'nsenter -t PID -a CMD'.\n"
        "\n"
        "Options:\n"
        "  --target PID        join every namespace of PID that differs from ours\n"
        "  --ns TYPE:PATH      join the namespace at PATH (TYPE: user ipc uts net pid mnt\n"
        "                      cgroup time); overrides --target for that type\n"
        "  --oom-score-adj N   set the oom_score_adj of CMD, -1000..1000\n"
        "  --timeout SECONDS   give up (exit 125) when CMD has not been started after\n"
        "                      SECONDS (1..86400); SIGINT, SIGTERM or SIGHUP before CMD\n"
        "                      starts give up the same way, after it are passed to CMD\n"
        "  --preserve-fds N    pass fds 3 .. 3+N-1 on to CMD (default 0: CMD gets fds 0, 1\n"
        "                      and 2 only, whatever else the caller holds open)\n"
        "  --cgroup DIR        move CMD into the cgroup DIR (v1 or v2) before it runs; with\n"
        "                      no affinity option its CPU affinity is then reset to all\n"
        "                      the CPUs DIR allows\n"
        "  --cpu-affinity-initial LIST\n"
        "                      CPUs the init stages run on from birth (e.g. 0-3,7)\n"
        "  --cpu-affinity-final LIST\n"
        "                      CPUs CMD runs on, set right after the cgroup move\n"
        "  --process FILE      take execCPUAffinity {initial, final} from this runtime-spec\n"
        "                      process object (JSON); the two options above win over it\n"
        "  --bootstrap FILE    send the message in FILE as it is (e.g. from 'nsboot encode')\n"
        "                      instead of building one; not with --target, --ns or\n"
        "                      --oom-score-adj\n"
        "  --log-level LEVEL   show init's log lines up to LEVEL (panic fatal error warning\n"
        "                      info debug trace; default warning); FATAL ones always\n"
        "  -h, --help          print this help\n"
        "\n"
        "With --target, PID is pinned (pidfd) before its namespaces are read; if it has\n"
        "exited when CMD is to be released, its pid may name another process, so CMD is\n"
        "not run (exit 125). A --bootstrap FILE must be one valid message, as 'nsboot\n"
        "decode' checks it (nothing after it); else nothing starts (exit 125). Text from\n"
        "init and from the bootstrap is printed with bytes outside printable ASCII as\n"
        "\\xNN. nsboot exec is not dumpable while it runs.\n"
        "\n"
        "CMD gets fds 0-2 (any that nsboot was started without is /dev/null), no\n"
        "_LIBCONTAINER_* variable, SIGPIPE as nsboot was started with it (ignored or\n"
        "default) and SIGCHLD at its default action even if nsboot was started with it\n"
        "ignored. nsboot itself never dies of SIGPIPE.\n"
        "\n"
        "Exit status: CMD's; 128+N if CMD was killed by signal N; 126 CMD could not be\n"
        "run; 127 CMD not found; 125 nsboot failed before CMD ran; 2 usage error.\n";

enum {
	OPT_TARGET = 256,
	OPT_NS,
	OPT_OOM,
	OPT_LOG_LEVEL,
	OPT_BOOTSTRAP,
	OPT_CGROUP,
	OPT_CPU_INITIAL,
	OPT_CPU_FINAL,
	OPT_PROCESS,
	OPT_PRESERVE_FDS,
	OPT_TIMEOUT
};

static const struct option exec_options[] = {
        {"target", required_argument, NULL, OPT_TARGET},
        {"ns", required_argument, NULL, OPT_NS},
        {"oom-score-adj", required_argument, NULL, OPT_OOM},
        {"log-level", required_argument, NULL, OPT_LOG_LEVEL},
        {"bootstrap", required_argument, NULL, OPT_BOOTSTRAP},
        {"cgroup", required_argument, NULL, OPT_CGROUP},
        {"cpu-affinity-initial", required_argument, NULL, OPT_CPU_INITIAL},
        {"cpu-affinity-final", required_argument, NULL, OPT_CPU_FINAL},
        {"process", required_argument, NULL, OPT_PROCESS},
        {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

struct exec_args {
	struct nsb_bootstrap boot;
	uint32_t target;
	const char *ns_path[NSB_NS_COUNT]; /* from --ns, by type */
	int log_level;
	const char *bootstrap_path; /* --bootstrap */
	bool built;                 /* an option that builds the message was given */
	char **cmd;
	char target_paths[NSB_NS_COUNT][48];
	struct exec_place place; /* --cgroup, --cpu-affinity-*, --process */
	uint32_t preserve_fds;   /* --preserve-fds */
	uint32_t timeout_s;      /* --timeout, 0: none */
	int target_pidfd;        /* --target's pidfd, -1 without --target */
	bool reported;           /* a refusal was printed already */
};

/* The signal handler's only state: where to forward signals once stage-2 runs. */
static volatile sig_atomic_t forward_pid;

/*
 * Until the release, SIGINT, SIGTERM and SIGHUP mean "give up": the handler
 * only sets the flag nsb_parent_run polls (no SA_RESTART, so its wait is
 * interrupted), and nsb_parent_run kills and reaps every stage. The init
 * child gets the caller's dispositions back (cancel_restore).
 */
static volatile sig_atomic_t cancel_flag;
static const int cancel_signals[] = {SIGINT, SIGTERM, SIGHUP};
static struct sigaction cancel_saved[3];

static void cancel_setup(int sig)
{
	(void)sig;
	cancel_flag = 1;
}

static int cancel_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cancel_setup;
	for (size_t i = 0; i < 3; i++) {
		if (sigaction(cancel_signals[i], &sa, &cancel_saved[i]) < 0)
			return errno;
	}
	return 0;
}

static int cancel_restore(void)
{
	for (size_t i = 0; i < 3; i++) {
		if (sigaction(cancel_signals[i], &cancel_saved[i], NULL) < 0)
			return errno;
	}
	return 0;
}

static void forward_signal(int sig)
{
	if (forward_pid > 0)
		(void)kill((pid_t)forward_pid, sig);
}

static int parse_ns(struct exec_args *a, const char *arg)
{
	const char *colon = strchr(arg, ':');
	enum nsb_ns_type type;

	if (colon == NULL || !nsb_ns_type_from_name(arg, (size_t)(colon - arg), &type))
		return cli_usage("exec",
		                 "--ns needs TYPE:PATH with TYPE one of user ipc uts net pid mnt "
		                 "cgroup time, not '%s'",
		                 arg);
	if (colon[1] != '/')
		return cli_usage("exec", "--ns %s: the path must be absolute", arg);
	/* NS_PATHS separates its entries with ',' (as `nsboot encode --ns`) */
	if (strchr(colon + 1, ',') != NULL)
		return cli_usage("exec", "--ns %s: a path cannot contain ','", arg);
	if (a->ns_path[type] != NULL)
		return cli_usage("exec", "--ns %s: a %s namespace is already given", arg,
		                 nsb_ns_type_name(type));
	a->ns_path[type] = colon + 1;
	return -1;
}

/* Returns -1 to go on, or the exit status (help printed, usage error). */
static int parse_args(int argc, char **argv, struct exec_args *a)
{
	int c, rc;

	a->log_level = NSB_LOG_WARNING;
	while ((c = getopt_long(argc, argv, "+:h", exec_options, NULL)) != -1) {
		switch (c) {
		case OPT_TARGET:
			if (!cli_parse_u32(optarg, &a->target) || a->target == 0 || a->target > INT32_MAX)
				return cli_usage("exec", "--target needs a pid, not '%s'", optarg);
			break;
		case OPT_TIMEOUT:
			if (!cli_parse_u32(optarg, &a->timeout_s) || a->timeout_s == 0 ||
			    a->timeout_s > 86400)
				return cli_usage("exec", "--timeout needs seconds from 1 to 86400, not '%s'",
				                 optarg);
			break;
		case OPT_PRESERVE_FDS:
			if (!cli_parse_u32(optarg, &a->preserve_fds) || a->preserve_fds > 65536)
				return cli_usage("exec",
				                 "--preserve-fds needs a count from 0 to 65536, not '%s'",
				                 optarg);
			break;
		case OPT_NS:
			if ((rc = parse_ns(a, optarg)) != -1)
				return rc;
			break;
		case OPT_OOM:
			if (nsb_oom_parse(optarg, strlen(optarg), &a->boot.oom_score_adj, NULL) != NSB_OK)
				return cli_usage(
				        "exec",
				        "--oom-score-adj needs an integer from -1000 to 1000, not '%s'",
				        optarg);
			NSB_SET(&a->boot, NSB_F_OOM_SCORE_ADJ);
			break;
		case OPT_BOOTSTRAP:
			a->bootstrap_path = optarg;
			break;
		case OPT_CGROUP:
			a->place.cgroup = optarg;
			break;
		case OPT_CPU_INITIAL:
		case OPT_CPU_FINAL:
			if ((rc = exec_place_cpus(&a->place, c == OPT_CPU_FINAL, optarg)) != -1)
				return rc;
			break;
		case OPT_PROCESS:
			a->place.process = optarg;
			break;
		case OPT_LOG_LEVEL:
			if (!nsb_log_level_from_name(optarg, strlen(optarg), &a->log_level))
				return cli_usage("exec", "unknown log level '%s'", optarg);
			break;
		case 'h':
			(void)fputs(exec_help, stdout);
			return cli_finish_stdout("exec", CLI_EXIT_OK);
		default:
			return cli_getopt_error("exec", argv, c);
		}
	}
	if (optind >= argc)
		return cli_usage("exec", "no command given");
	if ((rc = exec_place_finish(&a->place)) != -1)
		return rc;
	a->built = a->target != 0 || NSB_HAS(&a->boot, NSB_F_OOM_SCORE_ADJ);
	for (int t = 0; t < NSB_NS_COUNT; t++)
		a->built = a->built || a->ns_path[t] != NULL;
	if (a->built && a->bootstrap_path != NULL)
		return cli_usage("exec",
		                 "--bootstrap sends its file as it is: no --target, --ns or --oom-score-adj");
	a->cmd = argv + optind;
	return -1;
}

/* A failure of nsboot's own before CMD ran (not a usage error): 125, as the help says. */
static int exec_sys_failed(const char *what, int errnum)
{
	(void)cli_sys_error("exec", what, errnum);
	return EXEC_EXIT_FAILED;
}

/* Is the namespace at @path another one than ours of @type? */
static int differs(const char *path, enum nsb_ns_type type, bool *out)
{
	char self[48];
	struct stat a, b;

	(void)snprintf(self, sizeof(self), "/proc/self/ns/%s", nsb_ns_type_name(type));
	if (stat(path, &a) < 0) {
		/* a namespace type this kernel does not have, for both of us */
		if (errno == ENOENT && stat(self, &b) < 0 && errno == ENOENT) {
			*out = false;
			return 0;
		}
		return exec_sys_failed(path, errno);
	}
	if (stat(self, &b) < 0)
		return exec_sys_failed(self, errno);
	*out = a.st_dev != b.st_dev || a.st_ino != b.st_ino;
	return 0;
}

/* NS_PATHS in runc's order (user first): --ns paths, then --target's differing ones. */
static int build_paths(struct exec_args *a)
{
	struct nsb_ns_paths *ns = &a->boot.ns_paths;

	for (int t = 0; t < NSB_NS_COUNT; t++) {
		const char *path = a->ns_path[t];
		if (path == NULL && a->target != 0) {
			bool other = false;
			(void)snprintf(a->target_paths[t], sizeof(a->target_paths[t]), "/proc/%u/ns/%s",
			               a->target, nsb_ns_type_name((enum nsb_ns_type)t));
			int rc = differs(a->target_paths[t], (enum nsb_ns_type)t, &other);
			if (rc != 0)
				return rc;
			path = other ? a->target_paths[t] : NULL;
		}
		if (path == NULL)
			continue;
		ns->paths[ns->count].type = (enum nsb_ns_type)t;
		ns->paths[ns->count].path.ptr = path;
		ns->paths[ns->count].path.len = strlen(path);
		ns->count++;
	}
	if (ns->count > 0)
		NSB_SET(&a->boot, NSB_F_NS_PATHS);
	return 0;
}

/* Init's texts carry bytes from the bootstrap and the container: escaped, as decode prints them. */
static void on_log(void *ctx, int level, const char *msg)
{
	const struct exec_args *a = ctx;
	char head[32];

	if (level == NSB_LOG_FATAL || level == NSB_LOG_PANIC) {
		cli_put_escaped_line(stderr, "nsboot exec: ", msg);
	} else if (level < 0) {
		cli_put_escaped_line(stderr, "nsboot exec: malformed log line from init: ", msg);
	} else if (level <= a->log_level) {
		(void)snprintf(head, sizeof(head), "%s: ", nsb_log_level_name(level));
		cli_put_escaped_line(stderr, head, msg);
	}
}

/*
 * Is --target's process still the one whose namespaces were read? Its
 * pidfd was taken before any /proc/PID/ns read: while it has not exited,
 * PID cannot have been reused. Once it has, PID may name another process,
 * and the paths stage-1 opened may have been that one's. 0: still alive.
 */
static int check_target(struct exec_args *a)
{
	struct pollfd pfd = {a->target_pidfd, POLLIN, 0};
	int n;

	if (a->target_pidfd < 0)
		return 0;
	do {
		n = poll(&pfd, 1, 0);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 0;
	a->reported = true;
	if (n < 0 || (pfd.revents & POLLNVAL) != 0)
		(void)fprintf(stderr, "nsboot exec: --target %u: cannot check that it is alive: %s\n",
		              a->target, n < 0 ? strerror(errno) : "invalid pidfd");
	else
		(void)fprintf(stderr,
		              "nsboot exec: --target %u exited while its namespaces were being joined: "
		              "its pid may now name another process; CMD was not run\n",
		              a->target);
	return -1;
}

static int on_ready(void *ctx, const struct nsb_parent_result *res)
{
	static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa;

	/* last, right before the release: nothing after this depends on the target */
	if (check_target(ctx) != 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = forward_signal;
	sa.sa_flags = SA_RESTART;
	forward_pid = (sig_atomic_t)res->stage2;
	for (size_t i = 0; i < sizeof(forwarded) / sizeof(forwarded[0]); i++) {
		if (sigaction(forwarded[i], &sa, NULL) < 0)
			return -1;
	}
	return 0;
}

/* Why nsb_encode refused the message the options describe: its error and attribute. */
static void report_encode_error(enum nsb_err rc, const struct nsb_error *err)
{
	const char *attr = err->attr != NSB_ATTR_NONE ? cli_attr_name(err->attr, NSB_DIALECT_RUNC_1_2) : NULL;

	(void)fprintf(stderr, "nsboot exec: cannot encode the bootstrap: %s%s%s: %s\n", nsb_error_name(rc),
	              attr != NULL ? ", attribute " : "", attr != NULL ? attr : "", nsb_error_describe(rc));
}

/* The bootstrap for --target / --ns / --oom-score-adj, malloc'd; NULL after reporting why not. */
static unsigned char *encode(struct exec_args *a, size_t *size)
{
	struct nsb_error err;
	unsigned char *msg;
	enum nsb_err rc = nsb_encode(&a->boot, NULL, 0, size, &err); /* the size */

	if (rc != NSB_ERR_NO_SPACE && rc != NSB_OK) {
		report_encode_error(rc, &err);
		return NULL;
	}
	msg = malloc(*size);
	if (msg == NULL) {
		(void)fprintf(stderr, "nsboot exec: cannot encode the bootstrap: out of memory\n");
		return NULL;
	}
	rc = nsb_encode(&a->boot, msg, *size, size, &err);
	if (rc != NSB_OK) {
		report_encode_error(rc, &err);
		free(msg);
		return NULL;
	}
	return msg;
}

/*
 * Only stdio and --preserve-fds reach CMD: every other fd the caller left
 * open (a host directory, a socket, a terminal other than stdio) would be a
 * way out of the container for whatever runs in it (the CVE-2024-21626
 * class: a host directory fd in a container reaches the host's tree). They
 * are made close-on-exec here, in the forked init child, so nsboot exec
 * itself keeps them untouched.
 */
static int close_extra_fds_on_exec(unsigned int first)
{
	if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	if (errno != ENOSYS && errno != EINVAL)
		return errno;
	/* before Linux 5.11: one by one, from /proc/self/fd */
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	if (d == NULL)
		return errno;
	while ((de = readdir(d)) != NULL) {
		unsigned int fd = 0;
		if (!cli_parse_u32(de->d_name, &fd) || fd < first || (int)fd == dirfd(d))
			continue;
		int flags = fcntl((int)fd, F_GETFD);
		if (flags < 0 || fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC) < 0) {
			int e = errno;
			(void)closedir(d);
			return e;
		}
	}
	(void)closedir(d);
	return 0;
}

/*
 * The init, in the child nsb_parent_run forked: what `nsboot init -- CMD`
 * does after reading its environment. Its return value is the child's
 * exit status (nsb_parent_run _exits with it, so each stage ends there).
 */
static int run_init(void *arg, int initpipe, int logpipe)
{
	const struct exec_args *a = arg;
	char ip[16], lp[16], ll[16];
	struct nsb_init_config cfg;

	/* the runtime's variables are not CMD's; SIGPIPE as nsboot found it */
	cli_drop_runtime_env();
	int e = cli_restore_for_cmd();
	if (e != 0) {
		(void)cli_sys_error("exec", "restore SIGPIPE for the command", e);
		return NSB_INIT_EXIT_FAILURE;
	}
	if ((e = cancel_restore()) != 0) {
		(void)cli_sys_error("exec", "restore the caller's signal dispositions", e);
		return NSB_INIT_EXIT_FAILURE;
	}
	if ((e = close_extra_fds_on_exec(3u + a->preserve_fds)) != 0) {
		(void)cli_sys_error("exec", "keep the caller's other fds from the command", e);
		return NSB_INIT_EXIT_FAILURE;
	}
	(void)snprintf(ip, sizeof(ip), "%d", initpipe);
	(void)snprintf(lp, sizeof(lp), "%d", logpipe);
	/* FATAL lines must come even at --log-level panic: they are the error */
	(void)snprintf(ll, sizeof(ll), "%d", a->log_level > NSB_LOG_FATAL ? a->log_level : NSB_LOG_FATAL);
	memset(&cfg, 0, sizeof(cfg));
	cfg.dialect = NSB_DIALECT_RUNC_1_2;
	cfg.initpipe = ip;
	cfg.logpipe = lp;
	cfg.loglevel = ll;
	cfg.argv = a->cmd;
	return nsb_init_run(&cfg);
}

/*
 * --bootstrap FILE, read and checked as `nsboot decode FILE` reads and
 * checks it (same cap, dialect and rules: nothing before or after the one
 * message), so nothing starts on a message decode refuses. malloc'd; NULL
 * after reporting why not.
 */
static unsigned char *read_bootstrap(struct exec_args *a, size_t *size)
{
	const struct nsb_decode_opts opts = {.dialect = NSB_DIALECT_RUNC_1_2, .max_len = NSB_DEFAULT_MAX_LEN};
	struct nsb_error err = {0};
	unsigned char *msg = NULL;
	int e = cli_read_input(a->bootstrap_path, (size_t)NSB_DEFAULT_MAX_LEN + 1u, &msg, size);

	if (e != 0) {
		(void)cli_sys_error("exec", a->bootstrap_path, e);
		return NULL;
	}
	enum nsb_err code = nsb_decode(msg, *size, &opts, &a->boot, &err);
	if (code != NSB_OK) {
		err.code = code;
		cli_print_decode_error("exec", a->bootstrap_path, &err, opts.dialect);
		free(msg);
		return NULL;
	}
	return msg;
}

static int run(struct exec_args *a)
{
	size_t size = 0;
	unsigned char *msg;
	struct nsb_parent_result res;
	struct nsb_error err;
	enum nsb_err rc;

	msg = a->bootstrap_path != NULL ? read_bootstrap(a, &size) : encode(a, &size);
	if (msg == NULL)
		return EXEC_EXIT_FAILED;

	struct nsb_parent_config cfg = {
	        .bootstrap = msg,
	        .bootstrap_len = size,
	        .init_fn = run_init,
	        .init_arg = a,
	        .on_log = on_log,
	        .log_ctx = a,
	        .on_ready = on_ready,
	        .setup_timeout_ms = (int)a->timeout_s * 1000,
	        .cancel = &cancel_flag,
	        .ready_ctx = a,
	        .affinity_initial = &a->place.initial, /* count 0: unset */
	        .affinity_final = &a->place.final,
	        .cgroup = a->place.cgroup,
	};
	int e = cancel_install();
	if (e != 0) {
		free(msg);
		return exec_sys_failed("catch SIGINT, SIGTERM and SIGHUP until CMD starts", e);
	}
	(void)fflush(NULL);
	rc = nsb_parent_run(&cfg, &res, &err);
	forward_pid = 0;
	free(msg);
	if (rc != NSB_OK) {
		/* a FATAL line or on_ready's refusal has said why already, unless
		 * the parent itself gave up first: then a stage's FATAL line is
		 * only the consequence of its teardown */
		bool own = rc == NSB_ERR_TIMEOUT || rc == NSB_ERR_CANCELED || rc == NSB_ERR_PID_NOT_CHILD;
		if ((res.fatal[0] == '\0' || own) && !a->reported) {
			char head[64];
			(void)snprintf(head, sizeof(head), "nsboot exec: %s: ", nsb_error_name(rc));
			cli_put_escaped_line(stderr, head,
			                     res.what[0] != '\0' ? res.what : nsb_error_describe(rc));
		}
		return EXEC_EXIT_FAILED;
	}
	if (WIFSIGNALED(res.stage2_status))
		return 128 + WTERMSIG(res.stage2_status);
	return WEXITSTATUS(res.stage2_status);
}

/*
 * Pin --target's process before anything reads /proc/PID/ns: check_target
 * asks this pidfd, just before the release, whether it is still alive.
 */
static int open_target(struct exec_args *a)
{
	char what[48];

	if (a->target == 0)
		return 0;
	(void)snprintf(what, sizeof(what), "--target %u", a->target);
#ifdef SYS_pidfd_open
	a->target_pidfd = (int)syscall(SYS_pidfd_open, (pid_t)a->target, 0u); /* always O_CLOEXEC */
#else
	errno = ENOSYS;
#endif
	if (a->target_pidfd >= 0)
		return 0;
	if (errno == ENOSYS) {
		(void)fprintf(stderr,
		              "nsboot exec: %s: this kernel has no pidfd_open (Linux 5.3 and later have "
		              "it), so nothing can make sure the pid stays the same process until CMD "
		              "runs; --ns TYPE:/proc/%u/ns/TYPE joins without that check\n",
		              what, a->target);
		return EXEC_EXIT_FAILED;
	}
	/* pidfd_open takes a process, not one of its other threads: EINVAL, ENOENT since 6.9 */
	if (errno == EINVAL || errno == ENOENT) {
		(void)fprintf(stderr, "nsboot exec: %s: not a process id (a thread's?)\n", what);
		return EXEC_EXIT_FAILED;
	}
	return exec_sys_failed(what, errno);
}

/* Line-buffered stderr: each message (init's lines, escaped byte by byte) is one write. */
static char stderr_buf[4 * NSB_LOG_LINE_MAX + 1024];

int cli_cmd_exec(int argc, char **argv)
{
	struct exec_args *a;
	int rc;

	/* First: we hold the host binary as our exe, and host fds (see the top). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
		return exec_sys_failed("prctl(PR_SET_DUMPABLE, 0)", errno);
	(void)setvbuf(stderr, stderr_buf, _IOLBF, sizeof(stderr_buf));
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return exec_sys_failed("allocate", ENOMEM);
	a->target_pidfd = -1;
	nsb_bootstrap_init(&a->boot, NSB_DIALECT_RUNC_1_2);
	rc = parse_args(argc, argv, a);
	if (rc == -1) { /* -1: go on; anything else: --help printed (0) or a usage error */
		rc = open_target(a);
		if (rc == 0)
			rc = build_paths(a);
		if (rc == 0)
			rc = run(a);
	}
	if (a->target_pidfd >= 0)
		(void)close(a->target_pidfd);
	free(a);
	return rc;
}
