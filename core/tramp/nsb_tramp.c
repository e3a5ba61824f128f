/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nsb_tramp.c - the exec trampoline: a tiny static program that stage-2
 * runs from a sealed memfd (by fd, execveat AT_EMPTY_PATH) and that execs
 * the command. It is not part of the library's sources: CMake builds it
 * into a standalone ELF and embeds the bytes (core/src/tramp_image.c).
 *
 * Why it exists: a process's /proc/self/exe is the file it was exec'd
 * from. Stage-2 is a fork of the host's nsboot (or of the runtime that
 * exec'd `nsboot init`), so until it execs, /proc/self/exe is the host
 * binary. When the container's command path leads back to /proc/self/exe
 * (a symlink, a `#!/proc/self/exe` script, the path itself), the kernel
 * resolves that link for the exec'ing process and runs the host binary
 * inside the container, with the container's ELF interpreter: attacker
 * code whose /proc/self/exe is the host file, which it can later reopen
 * for writing (the CVE-2019-5736 class). Running this trampoline first
 * makes the exec'ing process's exe a sealed, per-run memfd: every path
 * to /proc/self/exe now leads here, not to the host file, and the memfd
 * cannot be written (F_SEAL_WRITE). The program has no ELF interpreter,
 * so nothing of the container's file system is loaded into it.
 *
 * Contract (set up by stage-2, core/src/init_stage2.c):
 *
 *   argv[0]   "nsb-exec"
 *   argv[1]   the command's resolved path (stage-2 did the PATH search)
 *   argv[2..] the command's argv, argv[2] being its argv[0]
 *   envp      the command's environment
 *
 * It execs argv[1] with argv + 2 and envp. If that fails it writes
 * "nsb-exec: exec PATH: errno N" to fd 2 and exits 127 (ENOENT, ENOTDIR)
 * or 126 (anything else), as a shell does. Anything else calling it gets
 * the same treatment: it holds no secret and no privilege of its own.
 *
 * Freestanding on x86-64 and aarch64 (raw system calls, no libc: a few
 * hundred bytes of code and no startup cost); with NSB_TRAMP_LIBC it is an
 * ordinary C program linked statically against libc, for every other
 * architecture.
 */
/* Only x86-64 and aarch64 have the freestanding stubs below. */
#if !defined(NSB_TRAMP_LIBC) && !defined(__x86_64__) && !defined(__aarch64__)
#define NSB_TRAMP_LIBC 1
#endif

#ifdef NSB_TRAMP_LIBC
#include <errno.h>
#include <unistd.h>
#else
#include <asm/unistd.h>
#include <stddef.h>
#endif

#define TRAMP_ENOENT  2
#define TRAMP_ENOTDIR 20

#ifdef NSB_TRAMP_LIBC

static long tramp_write(int fd, const char *buf, unsigned long len)
{
	return write(fd, buf, len);
}

static long tramp_execve(const char *path, char *const argv[], char *const envp[])
{
	return execve(path, argv, envp) < 0 ? -errno : 0;
}

static void tramp_exit(int status)
{
	_exit(status);
}

#else /* freestanding */

#if defined(__x86_64__)
static long tramp_syscall3(long nr, long a, long b, long c)
{
	long ret;
	__asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return ret;
}
/* The kernel enters at _start with the stack pointer at argc. */
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "	xor %rbp, %rbp\n"
        "	mov %rsp, %rdi\n"
        "	and $-16, %rsp\n"
        "	call nsb_tramp_main\n"
        "	hlt\n");
#elif defined(__aarch64__)
static long tramp_syscall3(long nr, long a, long b, long c)
{
	register long x8 __asm__("x8") = nr;
	register long x0 __asm__("x0") = a;
	register long x1 __asm__("x1") = b;
	register long x2 __asm__("x2") = c;
	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
}
__asm__(".text\n"
        ".global _start\n"
        "_start:\n"
        "	mov x0, sp\n"
        "	bl nsb_tramp_main\n"
        "	brk #0\n");
#endif

static long tramp_write(int fd, const char *buf, unsigned long len)
{
	return tramp_syscall3(__NR_write, fd, (long)buf, (long)len);
}

static long tramp_execve(const char *path, char *const argv[], char *const envp[])
{
	return tramp_syscall3(__NR_execve, (long)path, (long)argv, (long)envp);
}

__attribute__((noreturn)) static void tramp_exit(int status)
{
	for (;;)
		(void)tramp_syscall3(__NR_exit_group, status, 0, 0);
}

#endif

static unsigned long tramp_strlen(const char *s)
{
	unsigned long n = 0;
	while (s[n] != '\0')
		n++;
	return n;
}

/* Best effort, as any message on the way out: a short or failed write changes nothing. */
static void tramp_say(const char *s)
{
	(void)tramp_write(2, s, tramp_strlen(s));
}

static int tramp_run(int argc, char **argv, char **envp)
{
	char digits[24];
	unsigned long err, n;
	int i = (int)sizeof(digits) - 1;

	if (argc < 3 || argv[1] == NULL || argv[2] == NULL) {
		tramp_say("nsb-exec: runs only as nsboot's stage-2 trampoline\n");
		return 126;
	}
	/* returns only on failure, with -errno */
	err = (unsigned long)-tramp_execve(argv[1], argv + 2, envp);
	digits[i] = '\0';
	n = err;
	do {
		digits[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n != 0 && i > 0);
	tramp_say("nsb-exec: exec ");
	tramp_say(argv[1]);
	tramp_say(": errno ");
	tramp_say(digits + i);
	tramp_say("\n");
	return err == TRAMP_ENOENT || err == TRAMP_ENOTDIR ? 127 : 126;
}

#ifdef NSB_TRAMP_LIBC
int main(int argc, char **argv, char **envp)
{
	return tramp_run(argc, argv, envp);
}
#else
/* Called from _start with the initial stack: argc, argv[], NULL, envp[], NULL. */
__attribute__((used, noreturn)) void nsb_tramp_main(long *sp);
__attribute__((used, noreturn)) void nsb_tramp_main(long *sp)
{
	int argc = (int)sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;

	tramp_exit(tramp_run(argc, argv, envp));
}
#endif
