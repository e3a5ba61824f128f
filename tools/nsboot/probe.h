/* SPDX-License-Identifier: Apache-2.0 */
/*
 * probe.h - experiments that find out how the running kernel behaves.
 *
 * One implementation, two users: `nsboot probe` (cmd_probe.c) and the
 * privileged integration suite (tests/integration), which compiles the same
 * probe_*.c files. The library depends on libc and nsboot core only (no
 * cJSON), so the suite can be linked -static for a bare initramfs.
 *
 * Rules every experiment follows:
 *  - anything that changes a task (affinity, cgroup, namespaces) happens in
 *    a forked child with a hard timeout, so the caller's own state is never
 *    touched and a hung kernel call cannot hang the caller;
 *  - whatever it creates (scratch cgroups, a "+cpuset" in a v2
 *    subtree_control) is undone before it returns, on success and failure
 *    alike; SIGINT/SIGTERM/SIGHUP are held back meanwhile; a failure to undo
 *    is reported (restored = false), never hidden;
 *  - it says how it found its answer in a note ("how"), including the
 *    errno or the sets it saw.
 */
#ifndef NSBOOT_PROBE_H
#define NSBOOT_PROBE_H

#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "nsboot/cpulist.h"

/* ---- notes: how a result was found ---------------------------------------- */

#define PROBE_NOTE_MAX 1024

struct probe_note {
	char text[PROBE_NOTE_MAX];
};

/* probe_note_set - replace the note's text (printf-style, truncated to fit). */
void probe_note_set(struct probe_note *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* probe_note_add - append to the note's text (printf-style, truncated to fit). */
void probe_note_add(struct probe_note *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* probe_errname - "EINVAL" for EINVAL etc.; "E<n>" for an errno without a name here. */
const char *probe_errname(int err, char buf[16]);

/* ---- files, children, signals (probe_util.c) ------------------------------ */

/*
 * probe_read_text - read a small text file (procfs, cgroupfs) into @buf,
 * NUL-terminated, one trailing newline removed. 0, or an errno value
 * (EFBIG when it does not fit in @cap - 1 bytes).
 */
int probe_read_text(const char *path, char *buf, size_t cap);

/*
 * probe_write_text - write @text to @path in ONE write(2), as cgroupfs and
 * procfs files need (a map or a cgroup.procs entry is taken whole or not at
 * all). 0, or the errno of open/write; a short write is EIO.
 */
int probe_write_text(const char *path, const char *text);

/* probe_path - snprintf into @buf; false (and @buf empty) if it does not fit. */
bool probe_path(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Anonymous MAP_SHARED memory that a forked child can write results into. */
void *probe_shm_alloc(size_t size);
void probe_shm_free(void *p, size_t size);

/* How a child ended. */
struct probe_child {
	bool started;   /* fork/clone succeeded */
	bool exited;    /* exited normally with @code */
	int code;       /* exit code if exited */
	int signal;     /* killing signal if not exited */
	bool timed_out; /* killed by us after the timeout */
	int sys_errno;  /* fork/wait failure */
};

/* probe_child_ok - started, exited normally, code 0. */
bool probe_child_ok(const struct probe_child *c);
/* probe_child_describe - "exit 1", "killed by SIGKILL after the 10000 ms timeout", ... */
const char *probe_child_describe(const struct probe_child *c, char *buf, size_t cap);

/*
 * probe_wait - wait for child @pid (made by fork, clone or clone3) for at
 * most @timeout_ms; on timeout SIGKILL it and reap it. @wflags is passed to
 * waitpid (__WALL for a child whose exit signal is not SIGCHLD).
 */
void probe_wait(pid_t pid, int wflags, unsigned timeout_ms, struct probe_child *out);

/*
 * probe_run_child - fork, run @fn(@arg) in the child and _exit with its
 * return value (0..255); wait as probe_wait. The child starts with the
 * parent's signal mask.
 */
void probe_run_child(int (*fn)(void *), void *arg, unsigned timeout_ms, struct probe_child *out);

/* Default hard timeout of one experiment child. */
#define PROBE_CHILD_TIMEOUT_MS 10000u

/*
 * probe_hold_signals / probe_release_signals - block SIGINT, SIGTERM and
 * SIGHUP around a section that creates and removes things, so an interrupt
 * arrives after the cleanup, not in the middle of it.
 */
void probe_hold_signals(sigset_t *saved);
void probe_release_signals(const sigset_t *saved);

/* ---- system calls libc does not wrap (probe_util.c) ------------------------ */

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#define PROBE_CLONE_INTO_CGROUP 0x200000000ULL

/* The kernel's struct clone_args (CLONE_ARGS_SIZE_VER2 = 88 bytes). */
struct probe_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

/*
 * probe_sys_clone3 - the raw clone3(2) system call, fork-like (no CLONE_VM):
 * returns the child's pid in the parent, 0 in the child, -1 with errno.
 * The child runs on a copy of the parent's memory; it should do simple
 * work and leave with _exit().
 */
pid_t probe_sys_clone3(const struct probe_clone_args *args);

/* probe_pidfd_open - pidfd_open(2); -1 with errno (ENOSYS before 5.3). */
int probe_pidfd_open(pid_t pid);

/* probe_ns_ino - inode of /proc/@pid/ns/@name (@pid 0: self); 0, or errno. */
int probe_ns_ino(pid_t pid, const char *name, unsigned long long *ino);

/* probe_kernel_release - uname's release ("6.18.44-..."). */
void probe_kernel_release(char *buf, size_t cap);
/* probe_kernel_at_least - release >= @major.@minor (false if unparsable). */
bool probe_kernel_at_least(unsigned major, unsigned minor);

/* ---- CPU sets (probe_util.c), on top of core's struct nsb_cpuset ----------- */

/* probe_cpus_clear / _add / _fix: build a set bit by bit; _fix recomputes count and highest. */
void probe_cpus_clear(struct nsb_cpuset *s);
void probe_cpus_add(struct nsb_cpuset *s, uint32_t cpu);
void probe_cpus_fix(struct nsb_cpuset *s);
bool probe_cpus_equal(const struct nsb_cpuset *a, const struct nsb_cpuset *b);
/* probe_cpus_nth - the @n-th CPU (0-based) of @s; false if fewer. */
bool probe_cpus_nth(const struct nsb_cpuset *s, uint32_t n, uint32_t *cpu);
/* probe_cpus_text - "{0-1,3}" ("{}" when empty) into @buf; returns @buf. */
const char *probe_cpus_text(const struct nsb_cpuset *s, char *buf, size_t cap);
/* probe_read_cpus - parse a cpuset.cpus-style file; "" gives an empty set. 0 or errno (EINVAL: not a list). */
int probe_read_cpus(const char *path, struct nsb_cpuset *out);

/* probe_getaff - sched_getaffinity(@pid) into @out (sized for NSB_CPU_MAX). 0 or errno. */
int probe_getaff(pid_t pid, struct nsb_cpuset *out);
/* probe_setaff - sched_setaffinity(@pid) with exactly nsb_cpuset_bytes(@set) bytes. 0 or errno. */
int probe_setaff(pid_t pid, const struct nsb_cpuset *set);
/* probe_setaff_all - the reset idiom: an all-ones mask (every CPU the kernel may have). 0 or errno. */
int probe_setaff_all(pid_t pid);

/* ---- cgroup layout and scratch cgroups (probe_cgroup.c) -------------------- */

struct probe_layout {
	char v1_cpuset[PATH_MAX]; /* mount point of a v1 hierarchy with cpuset; "" if none */
	char v1_self[PATH_MAX];   /* this task's cpuset cgroup directory there */
	char v2[PATH_MAX];        /* a cgroup2 mount point; "" if none */
	char v2_self[PATH_MAX];   /* this task's cgroup2 directory there */
	bool v2_cpuset;           /* "cpuset" in the v2 root's cgroup.controllers */
};

/* probe_layout_read - from /proc/self/mountinfo and /proc/self/cgroup. 0 or errno. */
int probe_layout_read(struct probe_layout *l, struct probe_note *how);

enum probe_cg_kind {
	PROBE_CG_V1_CPUSET, /* a child of our v1 cpuset cgroup */
	PROBE_CG_V2_CPUSET, /* a v2 subtree with +cpuset in its subtree_control */
	PROBE_CG_V2_PLAIN,  /* a v2 subtree without any controller */
	PROBE_CG_KIND_COUNT
};

/* probe_cg_kind_name - "v1 cpuset", "v2 cpuset", "v2 (no cpuset)". */
const char *probe_cg_kind_name(enum probe_cg_kind kind);

#define PROBE_SCRATCH_LEAVES 4
#define PROBE_LEAF_NAME_MAX  16

/*
 * struct probe_scratch - a scratch cgroup subtree, "TOP/LEAF":
 * TOP = <our own cgroup>/nsb-scratch.<pid>.<n>, created by
 * probe_scratch_open; its leaves are where tasks go.
 */
struct probe_scratch {
	enum probe_cg_kind kind;
	char base[PATH_MAX]; /* our own cgroup directory: TOP's parent */
	char top[PATH_MAX];
	bool top_made;
	bool base_enabled; /* v2: we added +cpuset to base's subtree_control */
	size_t nleaves;
	char leaves[PROBE_SCRATCH_LEAVES][PROBE_LEAF_NAME_MAX];
	struct nsb_cpuset cpus; /* TOP's effective CPUs: what the leaves may use */
	char mems[64];          /* v1: TOP's mems, copied to leaves */
};

/*
 * probe_scratch_open - create TOP for @kind. On failure everything made so
 * far is already removed and @why says what failed. 0 or errno.
 */
int probe_scratch_open(struct probe_scratch *s, enum probe_cg_kind kind, const struct probe_layout *l,
                       struct probe_note *why);

/*
 * probe_scratch_leaf - create TOP/@name; set its CPUs to @cpus unless NULL
 * (v1: left empty; v2: inherits), and on v1 its mems to TOP's when @mems.
 * 0 or errno.
 */
int probe_scratch_leaf(struct probe_scratch *s, const char *name, const struct nsb_cpuset *cpus, bool mems,
                       struct probe_note *why);

/* probe_scratch_file - path of TOP/@leaf/@file. false if too long. */
bool probe_scratch_file(const struct probe_scratch *s, const char *leaf, const char *file, char *buf,
                        size_t cap);

/* probe_scratch_set_cpus - write @cpus to TOP/@leaf's cpuset.cpus. 0 or errno. */
int probe_scratch_set_cpus(const struct probe_scratch *s, const char *leaf, const struct nsb_cpuset *cpus);

/* probe_scratch_attach - move process @pid into TOP/@leaf (cgroup.procs). 0 or errno. */
int probe_scratch_attach(const struct probe_scratch *s, const char *leaf, pid_t pid);

/*
 * probe_scratch_close - remove every leaf and TOP (tasks still inside are
 * moved back to base first; EBUSY is retried for up to 2 s), then undo a
 * "+cpuset" we added to base. Safe on a scratch whose open failed. 0 when
 * everything is gone, else an errno and @why names what is left.
 */
int probe_scratch_close(struct probe_scratch *s, struct probe_note *why);

/* ---- the affinity experiments (probe_affinity.c) --------------------------- */

enum probe_semantics { PROBE_SEM_UNKNOWN, PROBE_SEM_OLD, PROBE_SEM_NEW };

/* probe_semantics_name - "unknown", "old", "new". */
const char *probe_semantics_name(enum probe_semantics sem);

/*
 * The rows of docs/kernel-semantics.md's affinity table, as scripts: a row is a
 * list of steps (set a mask, move into a cgroup, widen a cgroup, expect a
 * mask) and says on which cgroup kinds it applies. CPU sets are given by
 * role (A = the upper half of the usable CPUs, B = C = all of them, ...),
 * so a row means the same on 2 CPUs as on 4.
 */
struct probe_aff_row;

/* The rows run on no cgroup at all (row 13) have this kind bit. */
#define PROBE_AFF_NO_CGROUP (1u << PROBE_CG_KIND_COUNT)

size_t probe_aff_row_count(void);
const struct probe_aff_row *probe_aff_row_at(size_t i);
/* probe_aff_row_find - by id ("5"); NULL if none. */
const struct probe_aff_row *probe_aff_row_find(const char *id);
const char *probe_aff_row_id(const struct probe_aff_row *row);
const char *probe_aff_row_title(const struct probe_aff_row *row);
/* probe_aff_row_kinds - bit (1u << kind) per probe_cg_kind it runs on, or PROBE_AFF_NO_CGROUP. */
unsigned probe_aff_row_kinds(const struct probe_aff_row *row);

struct probe_aff_result {
	bool restored;           /* every scratch cgroup is gone again */
	bool decisive;           /* old and new predict different masks with these CPUs */
	bool matches_old;        /* every step did what the old semantics predicts */
	bool matches_new;        /* every step did what the new semantics predicts */
	uint32_t ncpus;          /* usable CPUs the roles were drawn from */
	struct probe_note trace; /* steps and the masks seen: "set {0}; move a{1}: {1}; ..." */
	struct probe_note error; /* why the row could not run (when the return value is not 0) */
};

/*
 * probe_aff_run - run @row once in a fresh scratch of @kind (ignored for a
 * PROBE_AFF_NO_CGROUP row), in a forked child. Returns 0 when the row ran
 * (its verdicts are in matches_old/new); else an errno value and
 * res->error says why (no such cgroup kind, fewer than 2 CPUs, a step the
 * row needs failed unexpectedly, timeout). ENOTSUP: @row does not apply
 * to @kind.
 */
int probe_aff_run(const struct probe_aff_row *row, enum probe_cg_kind kind, const struct probe_layout *l,
                  struct probe_aff_result *res);

/*
 * probe_affinity_semantics - the decisive experiment (row 5): user mask
 * outside cgroup A, move into A, widen A; old kernels give all of A, new
 * ones give the user's mask back. Uses the v1 cpuset hierarchy if there is
 * one, else a v2 subtree with cpuset. *@restored tells whether its scratch
 * cgroups were removed.
 */
enum probe_semantics probe_affinity_semantics(const struct probe_layout *l, struct probe_note *how,
                                              bool *restored);

/* ---- other kernel facts (probe_kernel.c) ------------------------------------ */

enum probe_tri { PROBE_NO = 0, PROBE_YES = 1, PROBE_UNKNOWN = -1 };

/*
 * A process holding namespaces: forked, unshare(@flags), then waits until
 * released. Used to have a target for setns and a user ns to write maps of.
 */
struct probe_holder {
	pid_t pid;
	int release_fd; /* closing it lets the holder exit */
};

/* probe_holder_start - 0 or errno (the holder's unshare errno if that failed). */
int probe_holder_start(struct probe_holder *h, int unshare_flags);
/* probe_holder_stop - release and reap it (idempotent). */
void probe_holder_stop(struct probe_holder *h);

/* Each answers one question by experiment and says how in @how. */
enum probe_tri probe_has_clone3(struct probe_note *how);
enum probe_tri probe_has_clone_into_cgroup(const struct probe_layout *l, struct probe_note *how,
                                           bool *restored);
enum probe_tri probe_has_setns_pidfd(struct probe_note *how);
enum probe_tri probe_has_time_namespaces(struct probe_note *how);
enum probe_tri probe_has_cap_sys_resource(struct probe_note *how);

/* probe_cap_effective - is capability @bit in our effective set (capget)? 1, 0, or -1 if capget failed. */
#define PROBE_CAP_SYS_RESOURCE 24u
int probe_cap_effective(unsigned bit);

/*
 * probe_idmap_write - write @n extents "i i 1\n" (i = 0..n-1) to a fresh
 * user namespace's uid_map in one write. 0 or the write's errno.
 */
int probe_idmap_write(unsigned n);
/* probe_idmap_max_extents - largest n that probe_idmap_write accepts (search in 1..400); -1 unknown. */
int probe_idmap_max_extents(struct probe_note *how);

/* ---- the whole report (probe_facts.c) --------------------------------------- */

enum probe_fact_id {
	PROBE_F_KERNEL_RELEASE,
	PROBE_F_CPUS_ONLINE,
	PROBE_F_AFFINITY_SEMANTICS,
	PROBE_F_CGROUP_V1_CPUSET,
	PROBE_F_CGROUP_V2,
	PROBE_F_CGROUP_V2_CPUSET,
	PROBE_F_SETNS_PIDFD,
	PROBE_F_CLONE3,
	PROBE_F_CLONE_INTO_CGROUP,
	PROBE_F_TIME_NAMESPACES,
	PROBE_F_IDMAP_MAX_EXTENTS,
	PROBE_F_CAP_SYS_RESOURCE,
	PROBE_F_RESTORED,
	PROBE_F_COUNT
};

enum probe_vtype { PROBE_V_STRING, PROBE_V_BOOL, PROBE_V_INT };

struct probe_fact {
	enum probe_vtype type; /* fixed per id: see probe_fact_type */
	bool known;            /* false: JSON null, the experiment could not decide */
	bool b;
	long long i;
	char s[PATH_MAX];
	struct probe_note how;
};

struct probe_report {
	struct probe_fact facts[PROBE_F_COUNT];
};

/* probe_fact_key - the stable JSON key ("affinity_semantics"); see docs/probe.md. */
const char *probe_fact_key(enum probe_fact_id id);
enum probe_vtype probe_fact_type(enum probe_fact_id id);

/* probe_collect - run every experiment. Takes a few seconds; needs root for most facts. */
void probe_collect(struct probe_report *r);

#endif /* NSBOOT_PROBE_H */
