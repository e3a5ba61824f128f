/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - nsb-integration: the privileged integration suite.
 *
 *   nsb-integration                 run every group, TAP on stdout
 *   nsb-integration --print-ns NS   helper for the exec tests (inode of /proc/self/ns/NS)
 *
 * Environment:
 *   NSB_MUST_WORK=1            a skip of something this machine supports is a failure
 *   NSB_EXPECT_SEMANTICS=old|new  the affinity semantics the detection must find
 *                              (the kernel matrix sets it per kernel)
 *
 * Linked -static so that it runs in a bare initramfs (ci/kernels.sh). It
 * changes nothing outside scratch cgroups it removes and children it reaps.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"

int main(int argc, char **argv)
{
	struct suite s;
	char rel[128], cpus[128] = "?";

	if (argc == 3 && strcmp(argv[1], "--print-ns") == 0) {
		return suite_print_ns(argv[2]);
	}
	if (argc != 1) {
		(void)fprintf(stderr, "usage: nsb-integration [--print-ns NS]\n");
		return 2;
	}
	memset(&s, 0, sizeof(s));
	tap_init(&s.tap);
	s.root = geteuid() == 0;
	ssize_t n = readlink("/proc/self/exe", s.self, sizeof(s.self) - 1);
	s.self[n > 0 ? (size_t)n : 0] = '\0';
	probe_kernel_release(rel, sizeof(rel));
	(void)probe_read_text("/sys/devices/system/cpu/online", cpus, sizeof(cpus));
	tap_diag(&s.tap, "nsb-integration: kernel %s, CPUs online %s, euid %u, NSB_MUST_WORK=%d", rel, cpus,
	         (unsigned)geteuid(), s.tap.must_work ? 1 : 0);

	suite_affinity(&s);
	suite_ns(&s);
	suite_maps(&s);
	return tap_finish(&s.tap);
}
