/* SPDX-License-Identifier: Apache-2.0 */
/*
 * names.c - the fixed vocabularies: namespace types (short name and
 * CLONE_NEW* flag), protocol dialects and time-namespace clocks.
 *
 * Each vocabulary is one table indexed by its enum; lookups by name are
 * exact, length-checked byte comparisons (names may come from untrusted
 * payloads and contain any byte).
 */
#include <string.h>

#include "nsboot/bootstrap.h"
#include "nsboot/payload.h"

struct ns_type_info {
	const char *name;
	size_t len; /* strlen(name): every path of a bootstrap is looked up */
	uint32_t flag;
};

/* clang-format off */
#define NS_TYPE(name, flag) {name, sizeof(name) - 1u, flag}
/* clang-format on */

/* Flag values are the kernel's CLONE_NEW* constants (uapi/linux/sched.h);
 * their union is NSB_CLONE_NS_MASK. */
static const struct ns_type_info ns_types[NSB_NS_COUNT] = {
        [NSB_NS_USER] = NS_TYPE("user", 0x10000000u),     [NSB_NS_IPC] = NS_TYPE("ipc", 0x08000000u),
        [NSB_NS_UTS] = NS_TYPE("uts", 0x04000000u),       [NSB_NS_NET] = NS_TYPE("net", 0x40000000u),
        [NSB_NS_PID] = NS_TYPE("pid", 0x20000000u),       [NSB_NS_MNT] = NS_TYPE("mnt", 0x00020000u),
        [NSB_NS_CGROUP] = NS_TYPE("cgroup", 0x02000000u), [NSB_NS_TIME] = NS_TYPE("time", 0x00000080u),
};

static const char *const dialect_names[] = {
        [NSB_DIALECT_RUNC_1_2] = "runc-1.2",
        [NSB_DIALECT_RUNC_1_1] = "runc-1.1",
};

#define DIALECT_COUNT (sizeof(dialect_names) / sizeof(dialect_names[0]))

static const char *const clock_names[NSB_CLOCK_COUNT] = {
        [NSB_CLOCK_MONOTONIC] = "monotonic",
        [NSB_CLOCK_BOOTTIME] = "boottime",
};

const char *nsb_ns_type_name(enum nsb_ns_type type)
{
	return (unsigned)type < NSB_NS_COUNT ? ns_types[type].name : NULL;
}

uint32_t nsb_ns_type_flag(enum nsb_ns_type type)
{
	return (unsigned)type < NSB_NS_COUNT ? ns_types[type].flag : 0;
}

bool nsb_ns_type_from_name(const char *name, size_t len, enum nsb_ns_type *out)
{
	if (!name || !out)
		return false;
	for (unsigned i = 0; i < NSB_NS_COUNT; i++) {
		if (ns_types[i].len == len && memcmp(name, ns_types[i].name, len) == 0) {
			*out = (enum nsb_ns_type)i;
			return true;
		}
	}
	return false;
}

const char *nsb_dialect_name(enum nsb_dialect dialect)
{
	return (unsigned)dialect < DIALECT_COUNT ? dialect_names[dialect] : NULL;
}

bool nsb_dialect_from_name(const char *name, enum nsb_dialect *out)
{
	if (!name || !out)
		return false;
	for (unsigned i = 0; i < DIALECT_COUNT; i++) {
		if (strcmp(name, dialect_names[i]) == 0) {
			*out = (enum nsb_dialect)i;
			return true;
		}
	}
	return false;
}

const char *nsb_clock_name(enum nsb_clock clock)
{
	return (unsigned)clock < NSB_CLOCK_COUNT ? clock_names[clock] : NULL;
}
