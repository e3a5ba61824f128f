/* SPDX-License-Identifier: Apache-2.0 */
/*
 * check.h - proof that the peers decode what nsb_decode decodes.
 *
 * A speed ratio means nothing unless both sides do the same work: the
 * libmnl peer must accept and reject exactly the same messages, with the
 * same struct nsb_error and the same output. check_differential runs both
 * on every file of the given directories and on seeded mutants of each
 * (byte overwrites, truncations with a patched nlmsg_len, rewritten nla_len
 * fields), in both dialects, and counts every disagreement.
 */
#ifndef NSB_BENCH_CHECK_H
#define NSB_BENCH_CHECK_H

#include <stdbool.h>

#include "inputs.h"
#include "peers.h"

/* same_output - every field of two successful decodes, views by address. */
bool same_output(const struct nsb_bootstrap *x, const struct nsb_bootstrap *y);

/* floor_agrees - the unchecked walk found the values and views nsb_decode did. */
bool floor_agrees(const struct floor_config *f, const struct nsb_bootstrap *b);

/* check_inputs - every decoder accepts every benchmark input and agrees. */
bool check_inputs(const struct bench_input in[BENCH_INPUTS]);

/* check_differential - 0 when nsb_decode and the libmnl peer agree on every
 * file under @dirs and @mutants mutants of each; 1 otherwise (details on
 * stderr); 2 when a directory cannot be read. Prints a summary line. */
int check_differential(char **dirs, int ndirs, unsigned mutants);

#endif /* NSB_BENCH_CHECK_H */
