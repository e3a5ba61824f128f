/* SPDX-License-Identifier: Apache-2.0 */
/*
 * inputs.h - the three messages decode_bench measures.
 *
 *   a  runc 1.1.5's own `runc exec` message (corpus/runc/run-default-exec.bin,
 *      152 bytes): CLONE_FLAGS 0, NS_PATHS of five namespaces, ROOTLESS_EUID.
 *   b  `runc run` with a user namespace whose uid and gid maps both have the
 *      kernel's maximum of 340 lines ("i 1000+i 1", 3630 bytes of text each,
 *      under the one-page limit), SETGROUP.
 *   c  a 65,536-byte message: CLONE_NEWUSER, NS_PATHS joining the seven other
 *      namespaces by paths of PATH_MAX-1 (4095) bytes, one-line maps, and the
 *      two map helper paths long enough to fill the message (decodable:
 *      strings may be 65530 bytes; a kernel would refuse to execve them).
 * b and c are built with nsb_encode, so they are exactly what runc's Go
 * encoder would send for such a configuration.
 */
#ifndef NSB_BENCH_INPUTS_H
#define NSB_BENCH_INPUTS_H

#include <stddef.h>

#include "nsboot/bootstrap.h"

#define BENCH_INPUTS 3

struct bench_input {
	char id;            /* 'a', 'b', 'c' */
	const char *what;   /* one line for the table */
	unsigned char *buf; /* malloc'd: 16-byte aligned, as libmnl wants */
	size_t len;
	struct nsb_decode_opts opts;
};

/* inputs_build - fill @in[0..2]; 0, or -1 after a message on stderr. */
int inputs_build(const char *capture_path, struct bench_input in[BENCH_INPUTS]);
void inputs_free(struct bench_input in[BENCH_INPUTS]);

/* read_file - the whole file into a malloc'd buffer; NULL after a message. */
unsigned char *read_file(const char *path, size_t *len);

#endif /* NSB_BENCH_INPUTS_H */
