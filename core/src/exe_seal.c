/* SPDX-License-Identifier: Apache-2.0 */
/*
 * exe_seal.c - nsb_run_sealed: run from a sealed copy of our own executable.
 *
 * A process's /proc/<pid>/exe is the file it was exec'd from, and anyone
 * allowed to open that link (the process itself, or a process with
 * CAP_SYS_PTRACE over it) gets that file: for a process started from the
 * host's nsboot, the host's nsboot. Once a stage has entered a
 * container's pid namespace, a process of the container may be such a
 * process. So the processes that enter containers run from a copy: a
 * memfd sealed against writes, growth, shrinking and further sealing, one
 * per run. Reopening its /proc/<pid>/exe gives a file nobody can change,
 * and which is not the host's.
 *
 * What is copied: the ELF file up to the end of its last PT_LOAD segment
 * (headers, program headers and every loaded byte: all the kernel and the
 * dynamic loader read of a main program). Section headers and debug
 * information past that are left out, which keeps the copy to the part
 * that runs; a debugger attached to the copy sees no symbols.
 *
 *   +-----------+--------------+------ ... ------+--------------------+
 *   | ELF header| program hdrs | PT_LOAD segments| sections, debug    |
 *   +-----------+--------------+------ ... ------+--------------------+
 *   0           e_phoff        copied up to here ^   (not copied)
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "init_internal.h"
#include "internal.h"

#define CHUNK 65536u

struct sealer {
	const struct nsb_sys *sys;
	const struct nsb_site *last_site;
	struct nsb_error *err;
	const char **call;
};

static enum nsb_err seal_fail(struct sealer *s)
{
	int e = errno;
	enum nsb_err rc = nsb_fail(s->err, NSB_ERR_SYSCALL, 0, NSB_ATTR_NONE, 0);
	if (s->err != NULL)
		s->err->sys_errno = e;
	if (s->call != NULL)
		*s->call = s->last_site != NULL ? s->last_site->call : "?";
	errno = e;
	return rc;
}

/*
 * Where the loaded part of the ELF image in @buf (its first @len bytes)
 * ends, or 0 when the headers are not all within @buf or not a 64/32-bit
 * ELF of this machine's class: then the whole file is copied.
 */
static size_t loaded_end(const unsigned char *buf, size_t len)
{
#if UINTPTR_MAX > 0xffffffffu
	typedef Elf64_Ehdr ehdr_t;
	typedef Elf64_Phdr phdr_t;
	const unsigned char class = ELFCLASS64;
#else
	typedef Elf32_Ehdr ehdr_t;
	typedef Elf32_Phdr phdr_t;
	const unsigned char class = ELFCLASS32;
#endif
	ehdr_t eh;
	size_t end = 0;

	if (len < sizeof(eh))
		return 0;
	memcpy(&eh, buf, sizeof(eh));
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != class ||
	    eh.e_phentsize != sizeof(phdr_t) || eh.e_phoff > len ||
	    (size_t)eh.e_phnum * sizeof(phdr_t) > len - eh.e_phoff)
		return 0;
	for (size_t i = 0; i < eh.e_phnum; i++) {
		phdr_t ph;
		memcpy(&ph, buf + eh.e_phoff + i * sizeof(ph), sizeof(ph));
		if (ph.p_type == PT_LOAD && ph.p_offset + ph.p_filesz > end)
			end = (size_t)(ph.p_offset + ph.p_filesz);
	}
	return end;
}

/* Is @fd (our executable) a memfd carrying at least our seals? */
static bool is_sealed(struct sealer *s, int fd)
{
	int seals = NSB_CALL_K(s, NSB_SITE_FALLBACK, fcntl, fd, F_GET_SEALS, 0);
	return seals >= 0 && (seals & NSB_MEMFD_SEALS) == NSB_MEMFD_SEALS;
}

/* Copy the loaded part of @src into @dst. */
static enum nsb_err copy_image(struct sealer *s, int src, int dst, unsigned char *buf)
{
	size_t want = 0, done = 0;

	for (;;) {
		ssize_t n = NSB_CALL(s, read, src, buf, CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return seal_fail(s);
		if (n == 0)
			break;
		size_t take = (size_t)n;
		if (done == 0)
			want = loaded_end(buf, take);
		if (want != 0 && done + take > want)
			take = want - done;
		for (size_t put = 0; put < take;) {
			ssize_t w = NSB_CALL(s, write, dst, buf + put, take - put);
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				if (w == 0)
					errno = EIO;
				return seal_fail(s);
			}
			put += (size_t)w;
		}
		done += take;
		if (want != 0 && done >= want)
			break;
	}
	return NSB_OK;
}

enum nsb_err nsb_run_sealed(const struct nsb_sys *sys, char *const argv[], char *const envp[],
                            const char **call, struct nsb_error *err)
{
	static unsigned char buf[CHUNK]; /* one caller, before anything else runs */
	struct sealer s = {sys != NULL ? sys : nsb_sys_default(), NULL, err, call};
	int exe, copy;
	enum nsb_err rc;

	if (argv == NULL || envp == NULL)
		return nsb_fail(err, NSB_ERR_INVALID_ARGUMENT, 0, NSB_ATTR_NONE, 0);
	exe = NSB_CALL(&s, open, "/proc/self/exe", O_RDONLY | O_CLOEXEC, 0);
	if (exe < 0)
		return seal_fail(&s);
	if (is_sealed(&s, exe)) {
		(void)NSB_CALL_K(&s, NSB_SITE_BEST_EFFORT, close, exe);
		return nsb_ok(err);
	}
	/* NSB_MFD_EXEC first; before Linux 6.3 the plain call (internal.h) */
	copy = NSB_CALL_K(&s, NSB_SITE_FALLBACK, memfd_create, "nsboot",
	                  MFD_CLOEXEC | MFD_ALLOW_SEALING | NSB_MFD_EXEC);
	if (copy < 0)
		copy = NSB_CALL(&s, memfd_create, "nsboot", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (copy < 0) {
		rc = seal_fail(&s);
		(void)NSB_CALL_K(&s, NSB_SITE_CLEANUP, close, exe);
		return rc;
	}
	rc = copy_image(&s, exe, copy, buf);
	if (rc == NSB_OK && NSB_CALL(&s, fcntl, copy, F_ADD_SEALS, NSB_MEMFD_SEALS) < 0)
		rc = seal_fail(&s);
	(void)NSB_CALL_K(&s, NSB_SITE_BEST_EFFORT, close, exe);
	if (rc == NSB_OK) {
		(void)NSB_CALL(&s, execveat, copy, "", argv, envp, AT_EMPTY_PATH);
		rc = seal_fail(&s);
	}
	(void)NSB_CALL_K(&s, NSB_SITE_CLEANUP, close, copy);
	return rc;
}
