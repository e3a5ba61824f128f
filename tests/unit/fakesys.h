/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fakesys.h - a struct nsb_sys for running the executor and the parent side
 * without privileges, and for failing any call on demand.
 *
 * Namespace-touching calls are fakes that record what they were asked
 * (setns, unshare, ioctl(NS_GET_NSTYPE), opens of namespace paths and
 * procfs files, writes to those files, prctl(PR_SET_DUMPABLE), the
 * credential calls, setsid, pidfd calls, the helper's execve and stage-2's
 * execveat through the trampoline). Process creation, sockets, pipes, reads and writes between the
 * processes are real. A fake open returns a real fd (of /dev/null), so fd
 * accounting stays real too.
 *
 * CPU affinity: sched_setaffinity is recorded ("sched_setaffinity PID BYTES
 * LIST", PID 0 for the caller), never applied; with fake_cpus set,
 * sched_getaffinity acts as a kernel with that many CPUs (EINVAL for a
 * smaller buffer) running on CPUs {1, fake_cpus - 1}. Paths under
 * /sys/fs/cgroup/ are fake files like procfs ones (opens and writes recorded).
 * The runtime's successful waitpid calls are recorded as "reaped PID".
 *
 * runc-1.1 mount sources: "/proc/<pid or self>/ns/mnt" (unless the scenario
 * lists it) is a fake mount namespace that setns records; an O_PATH open is
 * real (recorded "open-path PATH") so that the fd stage-1 receives can be
 * checked; sendmsg/recvmsg are real, and mount_msg mangles the fd messages
 * (enum fk_mount_msg) to exercise stage-1's checks.
 *
 * Fault injection: the seam's site hook counts the calls of each process
 * and fails, with EIO, the call chosen in the shared state (MAP_SHARED, so
 * all stage processes see it): the Nth call of one process ("stage"), the
 * first call at one site, and/or every CLEANUP call. What was executed and
 * what was failed is recorded per site (index into nsb_sys_sites()).
 */
#ifndef NSB_TEST_FAKESYS_H
#define NSB_TEST_FAKESYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsboot/sys.h"

/* Process roles, for counting calls: init's processes, the map helper, the
 * runtime's child before it becomes init, the runtime. */
enum fk_stage { FK_STAGE0, FK_STAGE1, FK_STAGE2, FK_HELPER, FK_SPAWN, FK_PARENT, FK_NSTAGES };

#define FK_MAX_SITES 512
#define FK_MAX_FDS   64

/* What a namespace path is, for the fake open/ioctl/setns. */
struct fk_ns {
	const char *path;
	uint32_t actual; /* CLONE_NEW* the fake NS_GET_NSTYPE reports; 0: not a namespace (ENOTTY) */
};

struct fk_scenario {
	const char *name;
	const struct fk_ns *ns;  /* NULL-path terminated */
	uint32_t setns_eperm;    /* the first setns(fd, this type) fails EPERM (runc's pass 1 skip) */
	const char *write_eperm; /* procfs files ("uid_map", ...) whose write fails EPERM */
	int helper_status;       /* the fake helper exits with this; -1: killed by SIGKILL */
	bool setgroups_eperm; /* every setgroups fails EPERM ("setgroups N EPERM"): an unprivileged caller */
	bool no_mfd_exec;     /* memfd_create refuses MFD_EXEC with EINVAL, as before Linux 6.3 */
};

struct fk_shared {
	/* injection, set by the test before a run */
	int fail_stage; /* enum fk_stage, or -1 */
	int fail_nth;   /* 1-based call of that process */
	int fail_site;  /* site index whose first call fails, or -1 */
	bool fail_cleanup;
	int corrupt_stage; /* replace what the Nth read of this process returns, or -1 */
	int corrupt_nth;
	uint32_t corrupt_value;

	/* outcome */
	int injected;     /* failures injected in this run */
	int first_failed; /* site index of the first one, -1 if none */
	int site_failed_once;
	int corrupted;
	int stage_calls[FK_NSTAGES]; /* calls of the last process of each role */
	int stage_reads[FK_NSTAGES]; /* its reads */
	unsigned char executed[FK_MAX_SITES];
	unsigned char failed[FK_MAX_SITES];

	/* records */
	char rec[32768]; /* one line per fake action: "setns net /proc/1/ns/net" */
	size_t rec_len;
	char err[8192]; /* what init wrote to fd 2 */
	size_t err_len;
	int init_fds[2];          /* the init and log pipe fds init was given */
	int exec_count;           /* stage-2 execveat calls */
	int exec_fds[FK_MAX_FDS]; /* fds open at stage-2's execveat ... */
	bool exec_cloexec[FK_MAX_FDS];
	int exec_nfds;
	int helper_count;
	char helper_argv[4][512]; /* joined with ' ' */
	int helper_envc;
	int helper_inherited; /* fds above 2 without close-on-exec at the helper's execve */

	/* appended: a kernel with this many CPUs for sched_getaffinity; 0: the real one */
	unsigned fake_cpus;
	bool short_writes; /* writes to fake procfs/cgroup files write one byte less */

	/* appended: runc-1.1 mount sources and runtime mode (stage2_returns) */
	int mount_msg;              /* enum fk_mount_msg: how stage-0's fd messages arrive */
	int return_count;           /* stage-2 returned NSB_INIT_CONTINUE (runtime mode) */
	int return_fds[FK_MAX_FDS]; /* ... with these fds open */
	int return_nfds;
	char return_links[4][64]; /* readlink of the scenario's first mount fd targets */
	char return_comm[32];     /* stage-2's /proc/self/comm */
	bool eintr_msg;           /* the first sendmsg and recvmsg of each process fail with EINTR */

	/* appended: stage-2's exec through the trampoline (execveat) */
	int exec_dirfd;         /* the fd it execs */
	int exec_seals;         /* F_GET_SEALS of it, -1 if that failed */
	bool exec_image_ok;     /* it holds exactly the trampoline image */
	char exec_argv[4][256]; /* the trampoline's argv[0..3] ("" past the end) */
	char exec_fd_link[64];  /* readlink /proc/self/fd/<exec_dirfd> */

	/* appended: the namespace file hazards of stage-1's join (join.c).
	 * fs_path: a scenario namespace path that is not on nsfs: fstatfs of
	 * its fds reports fs_type (a FIFO's or a device's filesystem), while
	 * the fake still answers NS_GET_NSTYPE as the scenario says.
	 * pid_moved: between stage-1's opens and its joins, the process named
	 * by /proc/<pid>/ns/... paths moved to other namespaces (setns,
	 * unshare, or its pid reused): setns(pidfd) joins those instead. */
	char fs_path[64];
	long fs_type;
	bool pid_moved;
	/* outcome: what stage-1 joined, by bit of the CLONE_NEW* flag (fk_joined) */
	char joined[32][96];
};

/* How the fake delivers stage-0's mount source messages to stage-1. */
enum fk_mount_msg {
	FK_MSG_ASIS,        /* as sent */
	FK_MSG_NO_FD,       /* the byte without its fd */
	FK_MSG_TWO_FDS,     /* the fd twice in one message */
	FK_MSG_THREE_FDS,   /* three times: more than stage-1's buffer (MSG_CTRUNC) */
	FK_MSG_WRONG_LEVEL, /* received with another cmsg_level */
	FK_MSG_WRONG_TYPE   /* received with another cmsg_type */
};

struct fk_ctx {
	struct fk_shared *sh;
	const struct fk_scenario *sc;
	int stage;
	int calls;
	int reads;
	bool fail_next;
	int setns_eperm_done;
	struct {
		int kind; /* 0 none, 1 namespace, 2 pidfd, 3 procfs file */
		uint32_t actual;
		char path[64];
		long fs_type; /* appended: fstatfs's f_type for a namespace fd; 0: nsfs */
	} fds[1024];
	bool eintr_send_done, eintr_recv_done; /* fk_shared.eintr_msg, per process */
};

/* fk_shared_new - zeroed shared memory for one test binary (never freed). */
struct fk_shared *fk_shared_new(void);

/* fk_reset - clear the outcome and the records, no injection. */
void fk_reset(struct fk_shared *sh);

/* fk_sys - a seam whose ctx is @cx (which must outlive every call). */
void fk_sys(struct nsb_sys *sys, struct fk_ctx *cx, struct fk_shared *sh, const struct fk_scenario *sc,
            int stage);

/* fk_site_index - position of @site in nsb_sys_sites(), or -1. */
int fk_site_index(const struct nsb_site *site);

/* fk_rec_has - does the record hold the line @line? */
bool fk_rec_has(const struct fk_shared *sh, const char *line);

/* fk_mask_text - the CPUs of a @size-byte mask as a list ("0-3,9"; "-" if none), as recorded. */
void fk_mask_text(const void *mask, size_t size, char *buf, size_t cap);

/* fk_joined - what stage-1 joined for CLONE_NEW* @flag (one bit): the
 * path of the namespace fd it used, "/proc/<pid>/ns/<type>" for a
 * setns(pidfd) (with " (moved)" when pid_moved), or "". */
const char *fk_joined(const struct fk_shared *sh, uint32_t flag);

/* fk_rec_find - byte position of the first line @line in the record, or -1. */
long fk_rec_find(const struct fk_shared *sh, const char *line);

#endif /* NSB_TEST_FAKESYS_H */
