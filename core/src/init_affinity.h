/* SPDX-License-Identifier: Apache-2.0 */
/*
 * init_affinity.h - init's "affinity: 0x<mask>" debug line (init_affinity.c).
 */
#ifndef NSBOOT_INIT_AFFINITY_H
#define NSBOOT_INIT_AFFINITY_H

#include "init_internal.h"

/*
 * nsb_init_log_affinity - at debug level, log the CPUs this process runs
 * on as runc's C side does in its setup, before the bootstrap is read:
 * "affinity: 0x2" for CPU 1, the mask in hex, highest word first, any
 * number of CPUs up to NSB_CPU_MAX. Best effort: a failing call is a
 * warning line, never a failure.
 */
void nsb_init_log_affinity(struct nsb_exec *ex);

#endif /* NSBOOT_INIT_AFFINITY_H */
