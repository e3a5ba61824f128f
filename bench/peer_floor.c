/* SPDX-License-Identifier: Apache-2.0 */
/*
 * peer_floor.c - the unchecked walk in the style of runc's nsexec: the floor.
 *
 * It does what runc's C side does with a message already in memory and
 * nothing more: trust nlmsg_len and every nla_len, step by the aligned
 * length, keep a pointer and a length per string, read a bool from its first
 * byte, refuse only an unknown type. No bounds check, no payload parsing, no
 * duplicate or cross-attribute rule (docs/protocol.md, 'What runc does not
 * check', lists what this misses). Never
 * give it anything but a valid message.
 */
#include <string.h>

#include "peers.h"

static uint16_t load_u16(const unsigned char *p)
{
	uint16_t v;
	memcpy(&v, p, sizeof(v));
	return v;
}

int floor_decode(const void *buf, size_t len, struct floor_config *out)
{
	const unsigned char *msg = buf;
	const unsigned char *cur, *end;
	uint32_t total;

	(void)len; /* runc believes the header */
	memcpy(&total, msg, sizeof(total));
	memset(out, 0, sizeof(*out));
	cur = msg + NSB_NLMSG_HDRLEN;
	end = msg + total;
	while (cur < end) {
		uint16_t nla_len = load_u16(cur);
		uint16_t type = load_u16(cur + 2);
		const char *payload = (const char *)cur + NSB_NLA_HDRLEN;
		size_t plen = (size_t)nla_len - NSB_NLA_HDRLEN;

		switch (type) {
		case NSB_ATTR_CLONE_FLAGS:
			memcpy(&out->clone_flags, payload, sizeof(out->clone_flags));
			break;
		case NSB_ATTR_NS_PATHS:
			out->ns_paths = payload;
			out->ns_paths_len = plen;
			break;
		case NSB_ATTR_UIDMAP:
			out->uid_map = payload;
			out->uid_map_len = plen;
			break;
		case NSB_ATTR_GIDMAP:
			out->gid_map = payload;
			out->gid_map_len = plen;
			break;
		case NSB_ATTR_SETGROUP:
			out->setgroup = (uint8_t)payload[0];
			break;
		case NSB_ATTR_OOM_SCORE_ADJ:
			out->oom_score_adj = payload;
			out->oom_score_adj_len = plen;
			break;
		case NSB_ATTR_ROOTLESS_EUID:
			out->rootless_euid = (uint8_t)payload[0];
			break;
		case NSB_ATTR_UIDMAPPATH:
			out->uid_map_helper = payload;
			out->uid_map_helper_len = plen;
			break;
		case NSB_ATTR_GIDMAPPATH:
			out->gid_map_helper = payload;
			out->gid_map_helper_len = plen;
			break;
		case NSB_ATTR_TIMENSOFFSET:
			out->attr_27290 = payload;
			out->attr_27290_len = plen;
			break;
		default:
			return -1;
		}
		cur += ((size_t)nla_len + 3u) & ~(size_t)3u;
	}
	return 0;
}
