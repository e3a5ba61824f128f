/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_affinity.c - "affinity: 0x<mask>" at debug level in init's setup.
 *
 * Runtimes' tests read this line to see the initial CPU affinity the
 * runtime gave init (docs/protocol.md, 'The log pipe' and 'CPU affinity and
 * the cgroup'), on kernels old and new
 * alike. The mask is read with a buffer that doubles from cpu_set_t's 128
 * bytes while the kernel says EINVAL (it wants room for all its CPUs), so
 * a machine with more than 1024 CPUs gets its whole mask too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "init_affinity.h"
#include "nsboot/cpulist.h"

#define MASK_WORDS ((NSB_CPU_MAX + 1u) / (8u * sizeof(unsigned long)))
#define MASK_FIRST 128u /* bytes: sizeof(cpu_set_t) */

void nsb_init_log_affinity(struct nsb_exec *ex)
{
	unsigned long mask[MASK_WORDS];
	char hex[sizeof(mask) * 2 + 1]; /* two digits a byte: the whole mask always fits */
	size_t len, top = 0;

	if (ex->loglevel < NSB_LOG_DEBUG)
		return;
	memset(mask, 0, sizeof(mask));
	for (len = MASK_FIRST;; len *= 2) {
		if (NSB_CALL_K(ex, NSB_SITE_BEST_EFFORT, sched_getaffinity, 0, len, mask) == 0)
			break;
		if (errno != EINVAL || len >= sizeof(mask)) {
			nsb_xlog(ex, NSB_LOG_WARNING, "sched_getaffinity (%zu-byte mask): %s", len,
			         strerror(errno));
			return;
		}
	}
	for (size_t i = 0; i < len / sizeof(mask[0]); i++)
		top = mask[i] != 0 ? i : top;
	hex[0] = '\0';
	len = 0;
	for (size_t i = top + 1; i-- > 0;) {
		/* every word below the top one in full: two digits per byte of a long */
		(void)snprintf(hex + len, sizeof(hex) - len, "%0*lx",
		               i == top ? 1 : (int)(2 * sizeof(mask[i])), mask[i]);
		len += strlen(hex + len);
	}
	nsb_xlog(ex, NSB_LOG_DEBUG, "affinity: 0x%s", hex);
}
