/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_internal.h - the executor's state and the functions its files share.
 *
 *   init_setup.c   nsb_init_run, environment, bootstrap, SETUP ops
 *   init_run.c     the script interpreter: op table, sync send/receive, failure
 *   init_stage0.c  PARENT ops (spawn stage-1, pids)
 *   init_stage1.c  CHILD ops (unshare, credentials, spawn stage-2)
 *   init_stage2.c  INIT ops (session, credentials, release, exec)
 *   join.c         JOIN
 *   maps.c         WRITE_MAPS, WRITE_TIMEOFFSETS, the id map helper
 *   mount_fds.c    runc-1.1 mount sources: SEND_MOUNT_SOURCES, RECV_MOUNT_FDS
 *   init_log.c     log lines and FATAL reports of the executor
 *
 * Every op returns an enum nsb_step. A failing op records what failed in
 * ex->fault through nsb_xfail*() and returns NSB_STEP_FAIL; the stage that
 * ran it then logs FATAL, kills what it created and exits.
 */
#ifndef NSBOOT_INIT_INTERNAL_H
#define NSBOOT_INIT_INTERNAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "nsboot/bootstrap.h"
#include "nsboot/init.h"
#include "nsboot/log.h"
#include "nsboot/machine.h"
#include "nsboot/sys.h"
#include "sys_call.h"

enum nsb_step {
	NSB_STEP_OK,   /* go on with the next op */
	NSB_STEP_FAIL, /* ex->fault says why */
	NSB_STEP_EXIT  /* this process is done: exit with ex->exit_status */
};

struct nsb_fault {
	enum nsb_err code;
	const char *call; /* the seam entry that failed, NULL if none */
	int sys_errno;
	char text[1024]; /* the FATAL message */
};

struct nsb_exec {
	const struct nsb_sys *sys;
	const struct nsb_site *last_site;
	const struct nsb_init_config *cfg;
	int stage; /* NSB_LOG_STAGE_SETUP, 0, 1, 2: names log lines */
	int loglevel;
	int logfd; /* -1: no log pipe */
	int initfd;
	struct nsb_message msg;
	struct nsb_bootstrap boot;
	struct nsb_plan plan;
	/* [0] is stage-0's end, [1] the other stage's; -1 once closed */
	int sock_child[2];
	int sock_init[2];
	int peer_fd[3]; /* by enum nsb_peer: where this process talks to that peer */
	pid_t child_pid;
	pid_t init_pid;
	/* exec mode: the trampoline's argv, made in setup: "nsb-exec", the
	 * command's resolved path (exec_path, set by stage-2), the command's argv */
	char **exec_argv;
	char exec_path[4096];
	int exit_status;
	struct nsb_fault fault;
};

typedef enum nsb_step (*nsb_op_fn)(struct nsb_exec *ex, const struct nsb_op *op);

/* init_run.c */
enum nsb_step nsb_run_script(struct nsb_exec *ex, enum nsb_script_id id);
int nsb_finish_stage(struct nsb_exec *ex, enum nsb_step step);
enum nsb_step nsb_read_full(struct nsb_exec *ex, int fd, void *buf, size_t len, const char *what);
enum nsb_step nsb_write_full(struct nsb_exec *ex, int fd, const void *buf, size_t len, const char *what);
enum nsb_step nsb_close_fd(struct nsb_exec *ex, int *fd, const char *what);
/* PR_SET_NAME "<cfg->process_name or nsb>:<stage>", @stage as "[0:PARENT]" */
void nsb_set_name(struct nsb_exec *ex, const char *stage);

/* init_log.c */
void nsb_xlog(struct nsb_exec *ex, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
enum nsb_step nsb_xfail_sys(struct nsb_exec *ex, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum nsb_step nsb_xfail(struct nsb_exec *ex, enum nsb_err code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
enum nsb_step nsb_xfail_err(struct nsb_exec *ex, const struct nsb_error *err, const char *what);
void nsb_xfatal(struct nsb_exec *ex);

/* ops, by file */
enum nsb_step nsb_op_oom(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_dumpable(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_socketpairs(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_spawn_child(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_recv_pid(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_report_pids(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_write_maps(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_write_timeoffsets(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_join(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_unshare(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_setresuid_root(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_spawn_init(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_send_pid(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_setsid(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_setuid_root(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_setgid_root(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_setgroups_empty(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_await_release(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_close_internal(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_exec(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_return(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_drop_groups(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_send_mount_sources(struct nsb_exec *ex, const struct nsb_op *op);
enum nsb_step nsb_op_recv_mount_fds(struct nsb_exec *ex, const struct nsb_op *op);

/* mount_fds.c: cfg->mount_fds against the plan's MOUNT_SOURCES, in setup */
enum nsb_step nsb_check_mount_fds(struct nsb_exec *ex);

/* tramp_image.c: the exec trampoline's bytes (core/tramp), NULL and 0 in a
 * build that did not embed it (then exec mode refuses to exec) */
const unsigned char *nsb_tramp_image(size_t *len);

/* init_stage1.c: "user|net" for log lines; @buf of at least 64 bytes */
const char *nsb_flags_names(uint32_t flags, char *buf, size_t cap);

#endif /* NSBOOT_INIT_INTERNAL_H */
