/* SPDX-License-Identifier: Apache-2.0 */
/*
 * main.c - nsb-integration: the privileged integration suite.
 *
 *   nsb-integration [--nsboot PATH] run every group, TAP on stdout
 *   nsb-integration --print-ns NS   helper for the exec tests (inode of /proc/self/ns/NS)
 *   nsb-integration --print-affinity [--wait]
 *                                   helper for the exec tests (CPU affinity, cgroups)
 *
 * Environment:
 *   NSB_NSBOOT=PATH            the nsboot binary for the `nsboot exec` tests (--nsboot
 *                              wins; default: tools/nsboot/nsboot of our build tree)
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
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "suite.h"

/* find_nsboot - --nsboot, NSB_NSBOOT, or our build tree's tools/nsboot/nsboot ("" if none). */
static void find_nsboot(struct suite *s, const char *arg)
{
	const char *env = getenv("NSB_NSBOOT");
	char *slash;

	if (arg != NULL || (env != NULL && env[0] != '\0')) {
		/* absolute: the runc comparison runs it from another directory */
		if (realpath(arg != NULL ? arg : env, s->nsboot) == NULL) {
			(void)snprintf(s->nsboot, sizeof(s->nsboot), "%s", arg != NULL ? arg : env);
		}
		return;
	}
	/* build/tests/integration/nsb-integration -> build/tools/nsboot/nsboot */
	(void)snprintf(s->nsboot, sizeof(s->nsboot), "%s", s->self);
	slash = strrchr(s->nsboot, '/');
	if (slash != NULL) {
		size_t at = (size_t)(slash - s->nsboot);
		(void)snprintf(slash, sizeof(s->nsboot) - at, "/../../tools/nsboot/nsboot");
	}
	if (slash == NULL || access(s->nsboot, X_OK) != 0) {
		s->nsboot[0] = '\0';
	}
}

int main(int argc, char **argv)
{
	struct suite s;
	char rel[128], cpus[128] = "?";

	if (argc == 3 && strcmp(argv[1], "--print-ns") == 0) {
		return suite_print_ns(argv[2]);
	}
	if (argc >= 2 && argc <= 3 && strcmp(argv[1], "--print-affinity") == 0 &&
	    (argc == 2 || strcmp(argv[2], "--wait") == 0)) {
		return suite_print_affinity(argc == 3);
	}
	if (argc != 1 && (argc != 3 || strcmp(argv[1], "--nsboot") != 0)) {
		(void)fprintf(stderr, "usage: nsb-integration [--nsboot PATH] | --print-ns NS | "
		                      "--print-affinity [--wait]\n");
		return 2;
	}
	memset(&s, 0, sizeof(s));
	tap_init(&s.tap);
	s.root = geteuid() == 0;
	ssize_t n = readlink("/proc/self/exe", s.self, sizeof(s.self) - 1);
	s.self[n > 0 ? (size_t)n : 0] = '\0';
	find_nsboot(&s, argc == 3 ? argv[2] : NULL);
	probe_kernel_release(rel, sizeof(rel));
	(void)probe_read_text("/sys/devices/system/cpu/online", cpus, sizeof(cpus));
	tap_diag(&s.tap, "nsb-integration: kernel %s, CPUs online %s, euid %u, NSB_MUST_WORK=%d", rel, cpus,
	         (unsigned)geteuid(), s.tap.must_work ? 1 : 0);

	suite_affinity(&s);
	suite_ns(&s);
	suite_maps(&s);
	suite_exec(&s);
	return tap_finish(&s.tap);
}
