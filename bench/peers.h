/* SPDX-License-Identifier: Apache-2.0 */
/*
 * peers.h - the decoders that decode_bench races against nsb_decode.
 *
 * - mnl_peer_decode: the same rules as nsb_decode (same accept/reject set,
 *   same error code, offset, attribute and position, same output), written
 *   the way a C runtime would write them on top of libmnl: mnl_nlmsg_ok for
 *   the header, mnl_attr_parse for the walk, mnl_attr_validate and
 *   mnl_attr_get_* per attribute, nsboot's public payload parsers for the
 *   payloads. `decode_bench --check` proves the "same" on a corpus.
 * - floor_decode: runc's own C walk, unchecked: trusts every length, keeps
 *   pointers, parses no payload. Valid input only; the floor no decoder that
 *   validates can beat.
 */
#ifndef NSB_BENCH_PEERS_H
#define NSB_BENCH_PEERS_H

#include <stddef.h>
#include <stdint.h>

#include "nsboot/bootstrap.h"

/* mnl_peer_decode - nsb_decode's contract, libmnl underneath. @buf must be
 * 4-byte aligned (libmnl reads struct nlattr in place). */
enum nsb_err mnl_peer_decode(const void *buf, size_t len, const struct nsb_decode_opts *opts,
                             struct nsb_bootstrap *out, struct nsb_error *err);

/* What runc's nsexec keeps of a message: values and (pointer, length) views. */
struct floor_config {
	uint32_t clone_flags;
	const char *ns_paths;
	size_t ns_paths_len;
	const char *uid_map;
	size_t uid_map_len;
	const char *gid_map;
	size_t gid_map_len;
	const char *uid_map_helper;
	size_t uid_map_helper_len;
	const char *gid_map_helper;
	size_t gid_map_helper_len;
	const char *oom_score_adj;
	size_t oom_score_adj_len;
	const char *attr_27290; /* TIMENSOFFSET or MOUNT_SOURCES, as runc keeps it */
	size_t attr_27290_len;
	uint8_t setgroup;
	uint8_t rootless_euid;
};

/* floor_decode - 0, or -1 on an unknown attribute type (the one thing runc
 * refuses). Lengths are payload lengths, NULs included, as runc keeps them. */
int floor_decode(const void *buf, size_t len, struct floor_config *out);

#endif /* NSB_BENCH_PEERS_H */
