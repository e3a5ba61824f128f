/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cpulist.h - runtime-spec execCPUAffinity CPU lists ("0-3, 7,").
 *
 * Grammar: comma-separated elements, each trimmed of ASCII white space;
 * empty elements are skipped; an element is N or N-M, unsigned decimal,
 * N <= M, every CPU <= NSB_CPU_MAX. "" means unset. A non-empty string with
 * no CPU at all ("," or " ") is an error, as in runc.
 *
 * The bitmap is sized for the highest CPU named: nsb_cpuset_bytes() is the
 * size to hand to sched_setaffinity(2), which may exceed sizeof(cpu_set_t).
 */
#ifndef NSBOOT_CPULIST_H
#define NSBOOT_CPULIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nsboot/error.h"
#include "nsboot/export.h"

NSB_BEGIN_DECLS

/* Highest CPU number accepted (inclusive). runc main accepts 65536; a pending
 * runc change makes the bound exclusive, as nsboot does. */
#define NSB_CPU_MAX      65535u
#define NSB_CPUSET_WORDS ((NSB_CPU_MAX + 1u) / 64u)

struct nsb_cpuset {
	uint32_t count;                  /* number of CPUs set; 0 = unset */
	uint32_t highest;                /* highest CPU set, valid when count > 0 */
	uint64_t bits[NSB_CPUSET_WORDS]; /* bit c%64 of word c/64 = CPU c */
};

/* nsb_cpulist_parse - parse @len bytes at @text (NUL not required). */
NSB_API enum nsb_err nsb_cpulist_parse(const char *text, size_t len, struct nsb_cpuset *out,
                                       struct nsb_error *err);

/* nsb_cpulist_format - canonical text ("0-3,7"), snprintf-style return. */
NSB_API size_t nsb_cpulist_format(const struct nsb_cpuset *set, char *buf, size_t cap);

/* nsb_cpuset_bytes - bytes of mask covering CPU 0..highest, whole 8-byte words. */
NSB_API size_t nsb_cpuset_bytes(const struct nsb_cpuset *set);

/* nsb_cpuset_has - is @cpu in @set? */
NSB_API bool nsb_cpuset_has(const struct nsb_cpuset *set, uint32_t cpu);

NSB_END_DECLS

#endif /* NSBOOT_CPULIST_H */
