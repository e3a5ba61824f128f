/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nspaths.c - fuzz target `nspaths`: nsb_nspaths_parse on arbitrary bytes
 * (NULs included: the parser must cope with any text, payload.h).
 *
 * Invariants (abort() when broken):
 *  - a rejection is a named input error with pos inside the text;
 *  - an acceptance lists at most eight distinct types, each path a view
 *    inside the input that is non-empty, absolute, shorter than PATH_MAX
 *    with its NUL, and free of NUL and ','; the type names round-trip
 *    through nsb_ns_type_from_name and their flags are distinct CLONE_NEW*
 *    bits;
 *  - "type:path" joined with ',' rebuilds the input byte for byte (the
 *    grammar has exactly one spelling, so nothing may be skipped or added);
 *  - nsb_ns_type_from_name on the whole input matches only one of the eight
 *    names exactly.
 */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	struct nsb_ns_paths out;
	struct nsb_error err;

	/* The name lookup takes untrusted text too: exact matches only. */
	enum nsb_ns_type named;
	if (nsb_ns_type_from_name(text, size, &named)) {
		const char *name = nsb_ns_type_name(named);
		FUZZ_CHECK(name != NULL && strlen(name) == size && memcmp(name, text, size) == 0);
	}

	enum nsb_err rc = nsb_nspaths_parse(text, size, &out, &err);
	FUZZ_CHECK(nsb_nspaths_parse(text, size, &out, NULL) == rc); /* err may be NULL */
	if (rc != NSB_OK) {
		fuzz_check_parse_error(rc, &err, size);
		return 0;
	}
	FUZZ_CHECK(out.count <= NSB_NS_COUNT);

	char *rebuilt = malloc(size + 1);
	FUZZ_CHECK(rebuilt != NULL);
	size_t at = 0;
	uint32_t flags = 0;
	for (size_t i = 0; i < out.count; i++) {
		const struct nsb_ns_path *p = &out.paths[i];
		FUZZ_CHECK((unsigned)p->type < NSB_NS_COUNT);
		const char *name = nsb_ns_type_name(p->type);
		FUZZ_CHECK(name != NULL);
		enum nsb_ns_type back;
		FUZZ_CHECK(nsb_ns_type_from_name(name, strlen(name), &back) && back == p->type);
		uint32_t flag = nsb_ns_type_flag(p->type);
		FUZZ_CHECK(flag != 0 && (flag & (flag - 1)) == 0 && (flag & ~NSB_CLONE_NS_MASK) == 0);
		FUZZ_CHECK((flags & flag) == 0); /* each type at most once */
		flags |= flag;

		FUZZ_CHECK(fuzz_inside(data, size, p->path.ptr, p->path.len));
		FUZZ_CHECK(p->path.len >= 1 && p->path.ptr[0] == '/');
		FUZZ_CHECK(p->path.len + 1 <= NSB_NS_PATH_MAX);
		FUZZ_CHECK(memchr(p->path.ptr, '\0', p->path.len) == NULL);
		FUZZ_CHECK(memchr(p->path.ptr, ',', p->path.len) == NULL);

		size_t need = (i > 0 ? 1u : 0u) + strlen(name) + 1 + p->path.len;
		FUZZ_CHECK(at + need <= size);
		if (i > 0)
			rebuilt[at++] = ',';
		memcpy(rebuilt + at, name, strlen(name));
		at += strlen(name);
		rebuilt[at++] = ':';
		memcpy(rebuilt + at, p->path.ptr, p->path.len);
		at += p->path.len;
	}
	FUZZ_CHECK(at == size && (size == 0 || memcmp(rebuilt, text, size) == 0));
	free(rebuilt);
	return 0;
}
