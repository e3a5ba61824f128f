/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_exec.c - `nsboot exec [--target PID] [--ns TYPE:PATH]... [--oom-score-adj N]
 * [--cgroup DIR] [--cpu-affinity-initial L] [--cpu-affinity-final L] [--process F]
 * [--timeout S] [--log-level L] -- CMD [ARGS...]`: run CMD in other namespaces through
 * nsboot's init, driven as runc's Go parent drives `runc init`
 * (nsb_parent_run). The init runs in the forked child itself, without
 * re-executing nsboot: that exec was 0.7 ms of a 2.7 ms join (bench/).
 * Nothing of this process reaches CMD: stage-2 execs it, and every fd of
 * ours is close-on-exec. With --target, every namespace of PID that differs from
 * ours is joined, as `nsenter -t PID -a` does. The cgroup and CPU affinity
 * options are runc's exec placement (exec_place.h, parent.h).
 *
 * Until stage-2 is released, --timeout bounds the setup and SIGINT, SIGTERM
 * and SIGHUP cancel it (nsb_parent_config.cancel): every stage is killed
 * and the exit is 125. After the release they are forwarded to CMD.
 *
 * Exit status: CMD's own; 128+N when CMD was killed by signal N; 126/127 when
 * it could not be run / was not found; 125 when nsboot failed before CMD ran;
 * 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "exec_place.h"
#include "nsboot/init.h"
#include "nsboot/log.h"
#include "nsboot/parent.h"

#define EXEC_EXIT_FAILED 125

extern char **environ;

static const char exec_help[] =
        "Usage: nsboot exec [--target PID] [--ns TYPE:PATH]... [--oom-score-adj N]\n"
        "                   [--cgroup DIR] [--cpu-affinity-initial LIST]\n"
        "                   [--cpu-affinity-final LIST] [--process FILE]\n"
        "                   [--bootstrap FILE] [--timeout SECONDS] [--log-level LEVEL]\n"
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
        "  --timeout SECONDS   give up (exit 125) when CMD is not released within SECONDS\n"
        "                      (the setup only: CMD itself runs as long as it runs)\n"
        "  --log-level LEVEL   show init's log lines up to LEVEL (panic fatal error warning\n"
        "                      info debug trace; default warning); FATAL ones always\n"
        "  -h, --help          print this help\n"
        "\n"
        "Exit status: CMD's; 128+N if CMD was killed by signal N; 126 CMD could not be\n"
        "run; 127 CMD not found; 125 nsboot failed before CMD ran (also: --timeout\n"
        "expired, or SIGINT/SIGTERM/SIGHUP before CMD was released); 2 usage error.\n";

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
	int timeout_ms;          /* --timeout; 0: none */
};

/* The signal handler's only state: where to forward signals once stage-2 runs. */
static volatile sig_atomic_t forward_pid;

/* Before the release: the signal that canceled the setup (nsb_parent_config.cancel). */
static volatile sig_atomic_t cancel_sig;

static void cancel_signal(int sig)
{
	cancel_sig = sig;
}

/* SIGINT, SIGTERM and SIGHUP cancel the setup until on_ready forwards them. */
static int catch_cancel(void)
{
	static const int cancels[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = cancel_signal; /* no SA_RESTART: a wait returns EINTR at once */
	for (size_t i = 0; i < sizeof(cancels) / sizeof(cancels[0]); i++) {
		if (sigaction(cancels[i], &sa, NULL) < 0)
			return -1;
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
		case OPT_TIMEOUT: {
			uint32_t secs = 0;
			if (!cli_parse_u32(optarg, &secs) || secs == 0 || secs > INT32_MAX / 1000)
				return cli_usage("exec",
				                 "--timeout needs whole seconds from 1 to %d, not '%s'",
				                 INT32_MAX / 1000, optarg);
			a->timeout_ms = (int)secs * 1000;
			break;
		}
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

static void on_log(void *ctx, int level, const char *msg)
{
	const struct exec_args *a = ctx;

	if (level == NSB_LOG_FATAL || level == NSB_LOG_PANIC)
		(void)fprintf(stderr, "nsboot exec: %s\n", msg);
	else if (level < 0)
		(void)fprintf(stderr, "nsboot exec: malformed log line from init: %s\n", msg);
	else if (level <= a->log_level)
		(void)fprintf(stderr, "%s: %s\n", nsb_log_level_name(level), msg);
}

static int on_ready(void *ctx, const struct nsb_parent_result *res)
{
	static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
	struct sigaction sa;
	(void)ctx;

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

/* Drop every _LIBCONTAINER_* variable: they are the runtime's, not CMD's.
 * In place, as unsetenv does: this process is a fork of ours, alone. */
static void drop_runtime_env(void)
{
	static const char prefix[] = "_LIBCONTAINER_";
	size_t keep = 0;

	for (size_t i = 0; environ[i] != NULL; i++) {
		if (strncmp(environ[i], prefix, sizeof(prefix) - 1) != 0)
			environ[keep++] = environ[i];
	}
	environ[keep] = NULL;
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

	drop_runtime_env();
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

static int run(struct exec_args *a)
{
	size_t size = 0;
	unsigned char *msg = NULL;
	struct nsb_parent_result res;
	struct nsb_error err;
	enum nsb_err rc;

	if (a->bootstrap_path != NULL) {
		int e = cli_read_input(a->bootstrap_path, NSB_DEFAULT_MAX_LEN + 1u, &msg, &size);
		if (e != 0)
			return exec_sys_failed(a->bootstrap_path, e);
	} else if ((msg = encode(a, &size)) == NULL) {
		return EXEC_EXIT_FAILED;
	}

	struct nsb_parent_config cfg = {
	        .bootstrap = msg,
	        .bootstrap_len = size,
	        .init_fn = run_init,
	        .init_arg = a,
	        .on_log = on_log,
	        .log_ctx = a,
	        .on_ready = on_ready,
	        .affinity_initial = &a->place.initial, /* count 0: unset */
	        .affinity_final = &a->place.final,
	        .cgroup = a->place.cgroup,
	        .setup_timeout_ms = a->timeout_ms,
	        .cancel = &cancel_sig,
	};
	(void)fflush(NULL);
	if (catch_cancel() < 0) {
		free(msg);
		return exec_sys_failed("catch SIGINT/SIGTERM/SIGHUP", errno);
	}
	rc = nsb_parent_run(&cfg, &res, &err);
	forward_pid = 0;
	free(msg);
	if (rc == NSB_ERR_SHORT_HEADER || rc == NSB_ERR_TRUNCATED) {
		(void)fprintf(stderr, "nsboot exec: the bootstrap is not a whole message: %s: %s\n",
		              nsb_error_name(rc), nsb_error_describe(rc));
		return EXEC_EXIT_FAILED;
	}
	if (rc == NSB_ERR_CANCELED) {
		(void)fprintf(stderr, "nsboot exec: %s before CMD was released: every stage was stopped\n",
		              strsignal((int)cancel_sig));
		return EXEC_EXIT_FAILED;
	}
	if (rc != NSB_OK) {
		/* the parent's own failure first: a stage's FATAL line is only its consequence */
		if (res.fatal[0] == '\0' || rc == NSB_ERR_TIMEOUT || rc == NSB_ERR_PID_NOT_CHILD)
			(void)fprintf(stderr, "nsboot exec: %s: %s\n", nsb_error_name(rc),
			              res.what[0] != '\0' ? res.what : nsb_error_describe(rc));
		return EXEC_EXIT_FAILED;
	}
	if (WIFSIGNALED(res.stage2_status))
		return 128 + WTERMSIG(res.stage2_status);
	return WEXITSTATUS(res.stage2_status);
}

int cli_cmd_exec(int argc, char **argv)
{
	struct exec_args *a = calloc(1, sizeof(*a));
	int rc;

	if (a == NULL)
		return exec_sys_failed("allocate", ENOMEM);
	nsb_bootstrap_init(&a->boot, NSB_DIALECT_RUNC_1_2);
	rc = parse_args(argc, argv, a);
	if (rc == -1) { /* -1: go on; anything else: --help printed (0) or a usage error */
		rc = build_paths(a);
		if (rc == 0)
			rc = run(a);
	}
	free(a);
	return rc;
}
